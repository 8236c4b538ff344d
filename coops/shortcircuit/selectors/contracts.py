"""Reads of season contracts, shaped for their pages (query counts do not grow with
the number of contracts, subscribers or instalments)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, Min, Q, QuerySet, Sum

from ..models import (
    Contract,
    ContractOption,
    ContractStatus,
    Instalment,
    Subscription,
    SubscriptionStatus,
)
from ..services.subscriptions import remaining_deliveries

ACTIVE = Q(subscriptions__status=SubscriptionStatus.ACTIVE)


def contracts_list(*, group, organiser: bool, today: date) -> QuerySet[Contract]:
    """The group's contracts (drafts for organisers only), with counts of active
    subscribers and of deliveries to come."""
    contracts = Contract.objects.filter(group=group).select_related("producer", "pickup_point")
    if not organiser:
        contracts = contracts.exclude(status=ContractStatus.DRAFT)
    return contracts.annotate(
        subscribers=Count("subscriptions", filter=ACTIVE, distinct=True),
        deliveries_left=Count("deliveries", filter=Q(deliveries__date__gte=today), distinct=True),
        next_delivery=Min("deliveries__date", filter=Q(deliveries__date__gte=today)),
    ).order_by("status", "-starts_on", "title")


@dataclass(frozen=True, slots=True)
class OptionPrice:
    option: ContractOption
    deliveries: int
    season: Decimal


def option_prices(contract: Contract, today: date) -> list[OptionPrice]:
    """Each option's season price for someone subscribing today: the price per
    delivery × the deliveries still to come."""
    count = len(remaining_deliveries(contract, today))
    return [
        OptionPrice(option, count, option.price_per_delivery * count)
        for option in contract.options.select_related("variant__product")
    ]


def subscribers(contract: Contract) -> QuerySet[Subscription]:
    return (
        contract.subscriptions.filter(status=SubscriptionStatus.ACTIVE)
        .select_related("member", "co_subscriber", "option")
        .annotate(absences_count=Count("absences", distinct=True))
        .order_by("member__display_name", "member__email")
    )


def member_subscription(contract: Contract, user) -> Subscription | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        contract.subscriptions.filter(member=user, status=SubscriptionStatus.ACTIVE).first()
        or contract.subscriptions.filter(
            co_subscriber=user, status=SubscriptionStatus.ACTIVE
        ).first()
    )


def instalments(contract: Contract) -> QuerySet[Instalment]:
    """Every instalment of the contract's subscriptions, by member then number."""
    return (
        Instalment.objects.filter(subscription__contract=contract)
        .select_related("subscription__member", "subscription__option")
        .order_by("subscription__member__display_name", "subscription__pk", "number")
    )


def instalment_totals(contract: Contract) -> dict[str, Decimal]:
    rows = Instalment.objects.filter(subscription__contract=contract).aggregate(
        planned=Sum("amount"), received=Sum("amount", filter=Q(received_on__isnull=False))
    )
    return {k: v or Decimal("0") for k, v in rows.items()}


@dataclass(frozen=True, slots=True)
class ChequeDay:
    cash_on: date | None
    cheques: list[Instalment]
    total: Decimal


def cheques_by_date(contract: Contract) -> list[ChequeDay]:
    """Cheque instalments grouped by cashing date (undated last), for the bank."""
    rows = (
        instalments(contract)
        .filter(method="cheque")
        .order_by("cash_on", "subscription__member__display_name", "number")
    )
    days = []
    for cash_on, group in groupby(rows, key=lambda i: i.cash_on):
        cheques = list(group)
        days.append(ChequeDay(cash_on, cheques, sum((c.amount for c in cheques), Decimal("0"))))
    return sorted(days, key=lambda d: (d.cash_on is None, d.cash_on or date.min))
