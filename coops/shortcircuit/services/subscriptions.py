"""Members' season subscriptions: subscribing, changing, absences, per-delivery choices,
cancelling, and the instalment plan that pays for it.

Guarantees:
- what a subscription pays (its season price) is the sum, over the contract's
  deliveries from the day it was taken, of what each delivery costs it: a delivery
  whose orders were generated costs the total of the subscription's placed order
  there (nothing when absent or cancelled); a delivery still to come costs nothing when
  the member is absent, else its choices (variable contracts) or the option's price ×
  the quantity. So a change of size counts for deliveries still to come only, and a
  cancelled subscription pays for what was delivered;
- a co-subscription is one subscription shared: the subscriber pays the whole season
  (as in most AMAPs) and the co-subscriber collects alternate deliveries, the
  alternation following each delivery's index in the season (see `collector_id`);
- the instalments always sum to the season price, none negative: equal amounts in
  cents with the remainder on the first, due monthly from the day of subscription.
  A change re-plans the unpaid instalments only; received ones stay as they are. When
  received instalments exceed the new price, the unpaid ones drop to zero and the
  difference stays on the member's balance in the group's books;
- absences: at most `max_absences`, each declared or withdrawn at least
  `absence_notice_days` before the delivery; past or too-close dates are locked.
  An absence declared after a delivery's orders were generated cancels that order
  while its distribution still accepts changes (and withdrawing it generates it).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coops.core.audit import event_record
from coops.core.money import Money, format_money
from coops.groups.models import Membership, MembershipStatus
from coops.ledger.providers import payment_record

from ..kinds import CONTRACT
from ..models import (
    Absence,
    Contract,
    ContractDelivery,
    ContractKind,
    ContractOption,
    ContractStatus,
    DeliveryChoice,
    DistributionStatus,
    Instalment,
    InstalmentMethod,
    Order,
    OrderStatus,
    Subscription,
    SubscriptionStatus,
)
from ..pricing import CENT, cents
from ._base import lock_objects

ZERO = Decimal("0")


# ---------------------------------------------------------------- pure arithmetic


def instalment_amounts(total: Decimal, count: int) -> list[Decimal]:
    """`total` split into `count` amounts in cents: equal, the remainder on the first."""
    if count < 1:
        raise ValueError("at least one instalment")
    total_cents = int(cents(total) / CENT)
    if total_cents < 0:
        raise ValueError("a season price is never negative")
    share, remainder = divmod(total_cents, count)
    amounts = [share] * count
    amounts[0] += remainder
    return [Decimal(a) * CENT for a in amounts]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, on the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def instalment_due_dates(start: date, count: int) -> list[date]:
    return [add_months(start, n) for n in range(count)]


def replanned_amounts(total: Decimal, paid: Iterable[Decimal], unpaid: int) -> list[Decimal]:
    """New amounts of the `unpaid` instalments so that, with the `paid` ones kept, the
    plan sums to `total`; zeros when what was paid already covers it."""
    rest = cents(total) - sum(paid, ZERO)
    if unpaid < 1:
        return []
    return instalment_amounts(max(rest, ZERO), unpaid)


def collector_is_member(index: int, member_takes_first: bool) -> bool:
    """Co-subscriptions alternate on the delivery's index in the season (0 = the first
    delivery of the contract): the member collects the even ones when they take the
    first, the odd ones otherwise. Absences do not shift the alternation."""
    return (index % 2 == 0) == member_takes_first


# ---------------------------------------------------------------- reading a subscription


@dataclass(frozen=True, slots=True)
class PlannedDelivery:
    delivery: ContractDelivery
    index: int  # in the season
    amount: Decimal
    absent: bool
    generated: bool
    collector_id: int
    locked: bool  # absences can no longer be declared or withdrawn


def subscription_start(subscription: Subscription) -> date:
    """The day (in the group's zone) the subscription was taken."""
    zone = subscription.contract.group.zone
    return timezone.localdate(subscription.created_at, timezone=zone)


def distribution_accepts_changes(distribution, now=None) -> bool:
    now = now or timezone.now()
    return distribution is not None and (
        distribution.status in (DistributionStatus.DRAFT, DistributionStatus.OPEN)
        and now < distribution.closes_at
    )


def absence_locked(contract: Contract, delivery: ContractDelivery, today: date) -> bool:
    """Past dates and dates closer than the contract's notice are locked."""
    return (delivery.date - today).days < contract.absence_notice_days


def option_amount(option: ContractOption, quantity: int) -> Decimal:
    return cents(option.price_per_delivery * quantity)


def collector_id(subscription: Subscription, index: int) -> int:
    if subscription.co_subscriber_id is None or collector_is_member(
        index, subscription.member_takes_first
    ):
        return subscription.member_id
    return subscription.co_subscriber_id


def delivery_plan(
    subscription: Subscription, *, today: date | None = None
) -> list[PlannedDelivery]:
    """Each delivery the subscription takes part in (from the day it was taken), with
    what it costs, who collects it and whether it is locked. Four queries."""
    contract = subscription.contract
    today = today or contract.group.today()
    start = subscription_start(subscription)
    deliveries = list(contract.deliveries.order_by("date"))
    absent = set(subscription.absences.values_list("delivery_id", flat=True))
    options = {o.pk: o for o in contract.options.all()}
    choices: dict[int, Decimal] = {}
    for choice in subscription.choices.all():
        option = options[choice.option_id]
        choices[choice.delivery_id] = choices.get(choice.delivery_id, ZERO) + option_amount(
            option, choice.quantity
        )
    ordered = dict(
        Order.objects.filter(subscription=subscription, status=OrderStatus.PLACED).values_list(
            "distribution_id", "total"
        )
    )
    default = option_amount(options[subscription.option_id], subscription.quantity)
    active = subscription.status == SubscriptionStatus.ACTIVE
    plan = []
    for index, delivery in enumerate(deliveries):
        if delivery.date < start:
            continue
        generated = delivery.orders_generated_at is not None
        is_absent = delivery.pk in absent
        if generated:
            amount = ordered.get(delivery.distribution_id, ZERO)
        elif is_absent or not active:
            amount = ZERO
        else:
            amount = choices.get(delivery.pk, default)
        plan.append(
            PlannedDelivery(
                delivery=delivery,
                index=index,
                amount=amount,
                absent=is_absent,
                generated=generated,
                collector_id=collector_id(subscription, index),
                locked=absence_locked(contract, delivery, today),
            )
        )
    return plan


def season_price(subscription: Subscription) -> Decimal:
    return sum((d.amount for d in delivery_plan(subscription)), ZERO)


def remaining_deliveries(contract: Contract, today: date) -> list[ContractDelivery]:
    """Deliveries a member subscribing today takes part in."""
    return list(
        contract.deliveries.filter(date__gte=today, orders_generated_at__isnull=True).order_by(
            "date"
        )
    )


# ---------------------------------------------------------------- checks


def _money(amount: Decimal, contract: Contract) -> str:
    return format_money(Money(amount, contract.currency))


def _check_co_subscriber(contract: Contract, member, co_subscriber) -> None:
    if co_subscriber is None:
        return
    if not contract.allow_co_subscribers:
        raise ValidationError(
            _("This contract does not take co-subscribers."), code="co_subscriber"
        )
    if co_subscriber.pk == member.pk:
        raise ValidationError(
            _("Your co-subscriber is someone else than you."), code="co_subscriber"
        )
    is_active_member = Membership.objects.filter(
        group=contract.group, user=co_subscriber, status=MembershipStatus.ACTIVE
    ).exists()
    if not is_active_member or not co_subscriber.is_active:
        raise ValidationError(
            _("Your co-subscriber must be an active member of the group."), code="co_subscriber"
        )


def _check_option(contract: Contract, option: ContractOption, quantity: int) -> None:
    if option.contract_id != contract.pk:
        raise ValidationError(_("Choose one of this contract’s options."), code="option")
    if quantity < 1:
        raise ValidationError(_("Take at least one basket."), code="quantity")
    _check_minimum(contract, option_amount(option, quantity))


def _check_minimum(contract: Contract, amount: Decimal) -> None:
    if contract.kind != ContractKind.VARIABLE or contract.minimum_per_delivery is None:
        return
    if amount < contract.minimum_per_delivery:
        raise ValidationError(
            _("This contract asks for at least %(minimum)s per delivery; this comes to %(amount)s.")
            % {
                "minimum": _money(contract.minimum_per_delivery, contract),
                "amount": _money(amount, contract),
            },
            code="quantity",
        )


def _check_absences(
    subscription: Subscription, wanted: set[int], today: date
) -> tuple[set[int], set[int]]:
    """The absences to add and to withdraw, refused when over the maximum or when a
    changed date is locked or before the subscription."""
    contract = subscription.contract
    deliveries = {d.pk: d for d in contract.deliveries.all()}
    if not wanted <= deliveries.keys():
        raise ValidationError(_("Choose dates of this contract."), code="absences")
    current = set(subscription.absences.values_list("delivery_id", flat=True))
    added, removed = wanted - current, current - wanted
    start = subscription_start(subscription)
    for pk in sorted(added | removed, key=lambda pk: deliveries[pk].date):
        delivery = deliveries[pk]
        if delivery.date < start or absence_locked(contract, delivery, today):
            raise ValidationError(
                ngettext(
                    "Absences are declared or withdrawn at least %(days)s day before the "
                    "delivery: %(date)s is locked.",
                    "Absences are declared or withdrawn at least %(days)s days before the "
                    "delivery: %(date)s is locked.",
                    contract.absence_notice_days,
                )
                % {"days": contract.absence_notice_days, "date": _date(delivery.date)},
                code="absences",
            )
    if len(wanted) > contract.max_absences and added:
        raise ValidationError(
            ngettext(
                "This contract allows %(count)s absence.",
                "This contract allows %(count)s absences.",
                contract.max_absences,
            )
            % {"count": contract.max_absences},
            code="absences",
        )
    return added, removed


def _date(day: date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "DATE_FORMAT")


# ---------------------------------------------------------------- instalments


def _plan_instalments(
    subscription: Subscription,
    *,
    total: Decimal,
    start: date,
    method: str,
    cheque_numbers: list[str],
    bank: str,
) -> None:
    amounts = instalment_amounts(total, subscription.instalments)
    dues = instalment_due_dates(start, subscription.instalments)
    Instalment.objects.bulk_create(
        Instalment(
            subscription=subscription,
            number=n + 1,
            amount=amount,
            due_on=due,
            method=method,
            cheque_number=cheque_numbers[n] if n < len(cheque_numbers) else "",
            bank=bank,
        )
        for n, (amount, due) in enumerate(zip(amounts, dues, strict=True))
    )


def subscription_replan(subscription: Subscription) -> Decimal:
    """Re-plan the unpaid instalments so the plan sums to the season price (a new
    instalment is added when all are received and more is due). Returns the price.
    Runs inside the caller's transaction."""
    price = season_price(subscription)
    rows = list(subscription.instalment_rows.order_by("number"))
    paid = [r.amount for r in rows if r.received_on is not None]
    unpaid = [r for r in rows if r.received_on is None]
    if not unpaid and sum(paid, ZERO) < price:
        number = (max((r.number for r in rows), default=0)) + 1
        method = rows[-1].method if rows else InstalmentMethod.CHEQUE
        unpaid = [
            Instalment.objects.create(
                subscription=subscription,
                number=number,
                amount=ZERO,
                due_on=subscription.contract.group.today(),
                method=method,
            )
        ]
    for row, amount in zip(unpaid, replanned_amounts(price, paid, len(unpaid)), strict=True):
        if row.amount != amount:
            row.amount = amount
            row.save(update_fields=["amount"])
    count = subscription.instalment_rows.count()
    if count != subscription.instalments:
        subscription.instalments = count
        subscription.save(update_fields=["instalments", "updated_at"])
    return price


# ---------------------------------------------------------------- notifications


def _notify(subscription: Subscription, title, body, extra: Iterable = ()) -> None:
    from django.urls import reverse

    from coops.notifications.services import notify

    group = subscription.contract.group
    url = reverse(
        "groups:shortcircuit:subscription", kwargs={"slug": group.slug, "pk": subscription.pk}
    )
    recipients = {subscription.member_id, *(u for u in extra if u is not None)}
    if subscription.co_subscriber_id:
        recipients.add(subscription.co_subscriber_id)
    transaction.on_commit(
        lambda: notify(
            recipients=recipients, kind=CONTRACT, title=title, body=body, url=url, group=group
        )
    )


def _price_text(contract: Contract, price: Decimal, count: int):
    """A function of the recipient, so each reads it in their language."""
    return lambda user: (
        ngettext(
            "Season price %(price)s, paid in %(count)s instalment.",
            "Season price %(price)s, paid in %(count)s instalments.",
            count,
        )
        % {"price": _money(price, contract), "count": count}
    )


# ---------------------------------------------------------------- writes


def subscription_create(
    *,
    contract: Contract,
    option: ContractOption,
    quantity: int,
    instalments: int,
    acting_user: Any,
    co_subscriber: Any = None,
    member_takes_first: bool = True,
    absences: Iterable[ContractDelivery] = (),
    method: str = InstalmentMethod.CHEQUE,
    cheque_numbers: Iterable[str] = (),
    bank: str = "",
) -> Subscription:
    """Subscribe `acting_user` to an open contract and plan the instalments."""
    if contract.status != ContractStatus.OPEN:
        raise ValidationError(_("This contract is not open for subscriptions."))
    if instalments not in (contract.instalment_choices or [1]):
        raise ValidationError(_("Choose one of the contract’s payment plans."), code="instalments")
    if method not in InstalmentMethod.values:
        raise ValidationError(_("Choose how you will pay."), code="method")
    _check_option(contract, option, quantity)
    _check_co_subscriber(contract, acting_user, co_subscriber)
    today = contract.group.today()
    if not remaining_deliveries(contract, today):
        raise ValidationError(_("This contract has no delivery left."))
    with transaction.atomic():
        subscription = Subscription(
            contract=contract,
            member=acting_user,
            option=option,
            quantity=quantity,
            co_subscriber=co_subscriber,
            member_takes_first=member_takes_first,
            instalments=instalments,
        )
        try:
            with transaction.atomic():
                subscription.save()
        except IntegrityError as exc:
            raise ValidationError(
                _("You already subscribe to this contract: change your subscription instead.")
            ) from exc
        added, _removed = _check_absences(subscription, {d.pk for d in absences}, today)
        Absence.objects.bulk_create(
            Absence(subscription=subscription, delivery_id=pk) for pk in added
        )
        price = season_price(subscription)
        _plan_instalments(
            subscription,
            total=price,
            start=today,
            method=method,
            cheque_numbers=[n.strip() for n in cheque_numbers],
            bank=bank.strip(),
        )
        event_record(
            actor=acting_user,
            verb="shortcircuit.subscribed",
            target=subscription,
            after={"option": option.pk, "quantity": quantity, "price": str(price)},
        )
        _notify(
            subscription,
            title=lambda user: _("Subscription to %(contract)s") % {"contract": contract.title},
            body=_price_text(contract, price, instalments),
        )
    return subscription


@dataclass(frozen=True, slots=True)
class Change:
    subscription: Subscription
    price_before: Decimal
    price_after: Decimal
    unpaid_after: Decimal


def _unpaid(subscription: Subscription) -> Decimal:
    return sum(
        subscription.instalment_rows.filter(received_on__isnull=True).values_list(
            "amount", flat=True
        ),
        ZERO,
    )


def subscription_change(
    *,
    subscription: Subscription,
    option: ContractOption,
    quantity: int,
    co_subscriber: Any,
    member_takes_first: bool,
    absences: Iterable[ContractDelivery],
    acting_user: Any,
) -> Change:
    """Change the size, quantity, co-subscriber and absences of an active subscription,
    then re-plan its unpaid instalments. Already generated orders keep their size."""
    from .contracts import subscription_order_generate, subscription_order_withdraw

    with transaction.atomic():
        subscription = lock_objects(Subscription, subscription.pk)
        contract = subscription.contract
        if subscription.status != SubscriptionStatus.ACTIVE:
            raise ValidationError(_("This subscription is cancelled."))
        today = contract.group.today()
        price_before = season_price(subscription)
        _check_option(contract, option, quantity)
        _check_co_subscriber(contract, subscription.member, co_subscriber)
        before = {
            "option": subscription.option_id,
            "quantity": subscription.quantity,
            "co_subscriber": subscription.co_subscriber_id,
            "price": str(price_before),
        }
        old_co = subscription.co_subscriber_id
        added, removed = _check_absences(subscription, {d.pk for d in absences}, today)
        subscription.option, subscription.quantity = option, quantity
        subscription.co_subscriber, subscription.member_takes_first = (
            co_subscriber,
            member_takes_first,
        )
        subscription.full_clean()
        subscription.save()
        deliveries = {d.pk: d for d in contract.deliveries.filter(pk__in=added | removed)}
        Absence.objects.bulk_create(
            Absence(subscription=subscription, delivery_id=pk) for pk in added
        )
        subscription.absences.filter(delivery_id__in=removed).delete()
        for pk in added:
            subscription_order_withdraw(subscription=subscription, delivery=deliveries[pk])
        for pk in removed:
            if deliveries[pk].orders_generated_at is not None:
                subscription_order_generate(subscription=subscription, delivery=deliveries[pk])
        price = subscription_replan(subscription)
        event_record(
            actor=acting_user,
            verb="shortcircuit.subscription_changed",
            target=subscription,
            before=before,
            after={
                "option": option.pk,
                "quantity": quantity,
                "co_subscriber": subscription.co_subscriber_id,
                "absences_added": sorted(added),
                "absences_removed": sorted(removed),
                "price": str(price),
            },
        )
        _notify(
            subscription,
            title=lambda user: (
                _("Your subscription to %(contract)s changed") % {"contract": contract.title}
            ),
            body=_price_text(contract, price, subscription.instalments),
            extra=[old_co],
        )
    return Change(subscription, price_before, price, _unpaid(subscription))


def subscription_cancel(*, subscription: Subscription, acting_user: Any) -> Change:
    """Cancel: deliveries still to come are no longer paid for (orders already generated
    stay), and the unpaid instalments are re-planned to what was delivered."""
    with transaction.atomic():
        subscription = lock_objects(Subscription, subscription.pk)
        if subscription.status != SubscriptionStatus.ACTIVE:
            raise ValidationError(_("This subscription is already cancelled."))
        price_before = season_price(subscription)
        subscription.status = SubscriptionStatus.CANCELLED
        subscription.save(update_fields=["status", "updated_at"])
        price = subscription_replan(subscription)
        event_record(
            actor=acting_user,
            verb="shortcircuit.subscription_cancelled",
            target=subscription,
            before={"price": str(price_before)},
            after={"price": str(price)},
        )
        contract = subscription.contract
        _notify(
            subscription,
            title=lambda user: (
                _("Subscription to %(contract)s cancelled") % {"contract": contract.title}
            ),
            body=_price_text(contract, price, subscription.instalments),
        )
    return Change(subscription, price_before, price, _unpaid(subscription))


def delivery_choices_set(
    *,
    subscription: Subscription,
    delivery: ContractDelivery,
    quantities: Mapping[int, int],
    acting_user: Any,
) -> Change:
    """Variable contracts: what the subscriber takes at one delivery still to come
    (option id → quantity), at least the contract's minimum. No quantity at all goes
    back to the subscription's usual basket."""
    with transaction.atomic():
        subscription = lock_objects(Subscription, subscription.pk)
        contract = subscription.contract
        if contract.kind != ContractKind.VARIABLE:
            raise ValidationError(_("This contract has a fixed basket."))
        if subscription.status != SubscriptionStatus.ACTIVE:
            raise ValidationError(_("This subscription is cancelled."))
        if delivery.contract_id != contract.pk or delivery.date < subscription_start(subscription):
            raise ValidationError(_("Choose dates of this contract."))
        if delivery.orders_generated_at is not None or delivery.date < contract.group.today():
            raise ValidationError(_("The orders of this delivery are already prepared."))
        options = {o.pk: o for o in contract.options.all()}
        wanted = {int(pk): int(q) for pk, q in quantities.items() if int(q) > 0}
        if not wanted.keys() <= options.keys() or any(int(q) < 0 for q in quantities.values()):
            raise ValidationError(_("Choose one of this contract’s options."))
        if wanted:
            _check_minimum(
                contract, sum((option_amount(options[pk], q) for pk, q in wanted.items()), ZERO)
            )
        price_before = season_price(subscription)
        subscription.choices.filter(delivery=delivery).delete()
        DeliveryChoice.objects.bulk_create(
            DeliveryChoice(subscription=subscription, delivery=delivery, option_id=pk, quantity=q)
            for pk, q in sorted(wanted.items())
        )
        price = subscription_replan(subscription)
        event_record(
            actor=acting_user,
            verb="shortcircuit.delivery_choices_set",
            target=subscription,
            after={"delivery": delivery.pk, "choices": wanted, "price": str(price)},
        )
    return Change(subscription, price_before, price, _unpaid(subscription))


def instalment_record(
    *,
    instalment: Instalment,
    acting_user: Any,
    cheque_number: str = "",
    bank: str = "",
    cash_on: date | None = None,
    received_on: date | None = None,
) -> Instalment:
    """Record an instalment's cheque details and, when received, the payment: a ledger
    Payment crediting the member's balance in the group's books, linked to the
    instalment. A received instalment is never received twice."""
    with transaction.atomic():
        instalment = lock_objects(Instalment, instalment.pk)
        subscription = instalment.subscription
        contract = subscription.contract
        before = {"received_on": instalment.received_on, "cheque_number": instalment.cheque_number}
        if instalment.received_on is not None and received_on != instalment.received_on:
            raise ValidationError(_("This instalment is already received."))
        instalment.cheque_number, instalment.bank = cheque_number.strip(), bank.strip()
        instalment.cash_on = cash_on
        newly_received = instalment.received_on is None and received_on is not None
        if newly_received:
            if received_on > contract.group.today():
                raise ValidationError(_("An instalment is received today or before."))
            instalment.received_on = received_on
            if instalment.amount > 0:
                instalment.payment = _payment(instalment, contract, acting_user)
        instalment.full_clean(exclude=["payment"])
        instalment.save()
        event_record(
            actor=acting_user,
            verb="shortcircuit.instalment_recorded",
            target=instalment,
            before=before,
            after={"received_on": instalment.received_on, "cheque_number": cheque_number},
        )
        if newly_received:
            _notify(
                subscription,
                title=lambda user: (
                    _("Instalment received for %(contract)s") % {"contract": contract.title}
                ),
                body=lambda user: (
                    _("%(amount)s received on %(date)s.")
                    % {"amount": _money(instalment.amount, contract), "date": _date(received_on)}
                ),
            )
    return instalment


def _payment(instalment: Instalment, contract: Contract, acting_user: Any):
    method = instalment.method
    if method == InstalmentMethod.BALANCE:
        raise ValidationError(
            _("This instalment is paid from the member’s balance: there is nothing to receive.")
        )
    label = _("%(contract)s, instalment %(number)s") % {
        "contract": contract.title,
        "number": instalment.number,
    }
    return payment_record(
        group=contract.group,
        member=instalment.subscription.member,
        amount=instalment.amount,
        method=method,
        received_on=instalment.received_on,
        acting_user=acting_user,
        currency=contract.currency,
        cheque_number=instalment.cheque_number,
        cheque_bank=instalment.bank,
        reference=instalment.cheque_number or label,
        note=label[:255],
        idempotency_key=f"shortcircuit.instalment.{instalment.pk}",
    )


def group_members_choices(contract: Contract, exclude: Any = None):
    """Active members of the contract's group (for the co-subscriber chooser)."""
    users = (
        get_user_model()
        .objects.active()
        .filter(memberships__group=contract.group, memberships__status=MembershipStatus.ACTIVE)
    )
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.order_by("display_name", "email")


__all__ = [
    "Change",
    "PlannedDelivery",
    "absence_locked",
    "add_months",
    "collector_id",
    "collector_is_member",
    "delivery_choices_set",
    "delivery_plan",
    "distribution_accepts_changes",
    "group_members_choices",
    "instalment_amounts",
    "instalment_due_dates",
    "instalment_record",
    "remaining_deliveries",
    "replanned_amounts",
    "season_price",
    "subscription_cancel",
    "subscription_change",
    "subscription_create",
    "subscription_replan",
    "subscription_start",
]
