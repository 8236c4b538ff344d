"""Reads for the currency pages, shaped for the templates.

Each page costs a fixed number of queries whatever the number of members, offers or
entries: lists are paginated and related rows come with select_related or one extra
query per page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from coops.core.money import Money
from coops.groups.models import Group, Membership
from coops.groups.selectors import active_users
from coops.ledger.kinds import kind_label
from coops.ledger.models import Entry, LedgerAccount, Purpose
from coops.ledger.selectors import account_statement

from . import kinds
from .models import Currency, Offer, PaymentRequest, RequestStatus
from .search import terms

STATEMENT_PER_PAGE = 25
OFFERS_PER_PAGE = 20
ACCOUNTS_PER_PAGE = 50
ACTIVE_DAYS = 90
RECENT_DAYS = 30


def currency_of(group: Group) -> Currency | None:
    """The group's currency, or None before an organiser creates it."""
    return Currency.objects.filter(group=group).select_related("group").first()


def member_accounts(currency: Currency) -> QuerySet[LedgerAccount]:
    return LedgerAccount.objects.filter(
        group=currency.group, currency=currency.code, purpose=Purpose.MEMBER
    )


def account_of(currency: Currency, user) -> LedgerAccount | None:
    """The member's account, or None while they have never paid nor been paid."""
    return (
        member_accounts(currency)
        .filter(owner_type=ContentType.objects.get_for_model(user), owner_id=str(user.pk))
        .select_related("group")
        .first()
    )


def group_members(currency: Currency, *, exclude=None) -> QuerySet:
    """Active members of the currency's group, by name: whom one can pay or ask."""
    users = active_users(currency.group)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users


@dataclass(frozen=True)
class Limits:
    balance: Money
    min_balance: Money | None  # None: no limit
    max_balance: Money | None
    available: Money | None  # what can still be spent; None: no limit


def limits_of(currency: Currency, account: LedgerAccount | None) -> Limits:
    if account is None:
        balance, low, high = 0, currency.default_min_balance, currency.default_max_balance
    else:
        balance, low, high = account.balance, account.min_balance, account.max_balance
    return Limits(
        balance=currency.money(balance),
        min_balance=None if low is None else currency.money(low),
        max_balance=None if high is None else currency.money(high),
        available=None if low is None else currency.money(max(0, balance - low)),
    )


@dataclass(frozen=True)
class StatementLine:
    created_at: datetime
    kind: str
    memo: str
    counterparty: str
    amount: Money
    balance_after: Money


def statement_page(currency: Currency, account: LedgerAccount | None, page=None) -> Page:
    """The account's movements, newest first, each with the other account's name and
    the running balance (stored on each entry: no sum)."""
    if account is None:
        return Paginator([], STATEMENT_PER_PAGE).get_page(1)
    entries = account_statement(account=account).entries.order_by("-id")
    result = Paginator(entries, STATEMENT_PER_PAGE).get_page(page)
    rows = list(result.object_list)
    others = {
        e.transaction_id: e.account.name
        for e in Entry.objects.filter(transaction_id__in=[r.transaction_id for r in rows])
        .exclude(account_id=account.pk)
        .select_related("account")
    }
    result.object_list = [
        StatementLine(
            created_at=r.transaction.created_at,
            kind=kind_label(r.transaction.kind),
            memo=r.transaction.memo,
            counterparty=others.get(r.transaction_id, ""),
            amount=currency.money(r.amount),
            balance_after=currency.money(r.balance_after),
        )
        for r in rows
    ]
    return result


def pending_requests(currency: Currency, user) -> tuple[list, list]:
    """(requests the user is asked to pay, requests the user made), both pending."""
    pending = (
        PaymentRequest.objects.filter(currency=currency, status=RequestStatus.PENDING)
        .filter(Q(payer=user) | Q(requester=user))
        .select_related("requester", "payer", "offer")
        .order_by("-created_at", "-id")
    )
    rows = list(pending)
    return [r for r in rows if r.payer_id == user.pk], [
        r for r in rows if r.requester_id == user.pk
    ]


def member_overview(*, currency: Currency, user, page=None) -> dict:
    """Everything the member page shows."""
    account = account_of(currency, user)
    incoming, outgoing = pending_requests(currency, user)
    return {
        "account": account,
        "limits": limits_of(currency, account),
        "statement": statement_page(currency, account, page),
        "incoming": incoming,
        "outgoing": outgoing,
    }


@dataclass(frozen=True)
class GroupStats:
    volume_recent: Money
    transfers_recent: int
    volume_all: Money
    transfers_all: int
    active_accounts: int
    accounts: int
    balance_sum: Money
    recent_days: int = RECENT_DAYS
    active_days: int = ACTIVE_DAYS


def group_stats(*, currency: Currency, now: datetime | None = None) -> GroupStats:
    """Volume of payments (last 30 days and all time), accounts with a movement in the
    last 90 days, accounts, and the sum of every balance in the currency: always zero
    in mutual credit, shown as proof."""
    now = now or timezone.now()
    recent = Q(transaction__created_at__gte=now - timedelta(days=RECENT_DAYS))
    credits = Entry.objects.filter(
        transaction__group=currency.group,
        currency=currency.code,
        transaction__kind=kinds.TRANSFER,
        amount__gt=0,
    ).aggregate(
        total=Sum("amount"),
        count=Count("id"),
        total_recent=Sum("amount", filter=recent),
        count_recent=Count("id", filter=recent),
    )
    active = (
        Entry.objects.filter(
            account__in=member_accounts(currency),
            transaction__created_at__gte=now - timedelta(days=ACTIVE_DAYS),
        )
        .values("account_id")
        .distinct()
        .count()
    )
    every = LedgerAccount.objects.filter(group=currency.group, currency=currency.code)
    return GroupStats(
        volume_recent=currency.money(credits["total_recent"] or 0),
        transfers_recent=credits["count_recent"],
        volume_all=currency.money(credits["total"] or 0),
        transfers_all=credits["count"],
        active_accounts=active,
        accounts=member_accounts(currency).count(),
        balance_sum=currency.money(every.aggregate(total=Sum("balance"))["total"] or 0),
    )


@dataclass(frozen=True)
class AccountRow:
    member: object
    account: LedgerAccount | None
    limits: Limits


def accounts_page(*, currency: Currency, page=None) -> Page:
    """The group's active members with their account (or the defaults while they have
    none), by name: two queries per page."""
    memberships = (
        Membership.objects.active()
        .filter(group=currency.group)
        .select_related("user")
        .order_by("user__display_name", "user_id")
    )
    result = Paginator(memberships, ACCOUNTS_PER_PAGE).get_page(page)
    users = [m.user for m in result.object_list]
    accounts = {
        a.owner_id: a
        for a in member_accounts(currency).filter(
            owner_type=ContentType.objects.get_for_model(get_user_model()),
            owner_id__in=[str(u.pk) for u in users],
        )
    }
    result.object_list = [
        AccountRow(member=u, account=a, limits=limits_of(currency, a))
        for u in users
        for a in [accounts.get(str(u.pk))]
    ]
    return result


def other_accounts(currency: Currency) -> list[LedgerAccount]:
    """Accounts in the currency that are not members' (the solidarity fund)."""
    return list(
        LedgerAccount.objects.filter(group=currency.group, currency=currency.code)
        .exclude(purpose=Purpose.MEMBER)
        .order_by("name")
    )


def offers_page(
    *,
    currency: Currency,
    q: str = "",
    kind: str = "",
    category: str = "",
    author=None,
    page=None,
) -> Page:
    """Active offers and wants of the group, newest first, matching every word of `q`
    in title or description (case and accents ignored). With `author`, that member's
    own listings, withdrawn ones included."""
    offers = Offer.objects.filter(currency=currency)
    offers = offers.filter(author=author) if author is not None else offers.active()
    if kind:
        offers = offers.filter(kind=kind)
    if category:
        offers = offers.filter(category=category)
    for term in terms(q):
        offers = offers.filter(search_text__contains=term)
    offers = offers.select_related("author", "currency").order_by("-created_at", "-id")
    return Paginator(offers, OFFERS_PER_PAGE).get_page(page)
