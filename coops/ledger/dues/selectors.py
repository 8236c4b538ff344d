"""Reads for dues, shaped for the pages.

Public API for other apps: `member_is_up_to_date(group=, user=, on=)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Count,
    DateField,
    DecimalField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from coops.core.money import Money
from coops.groups.models import Membership

from ..models import LedgerAccount, Purpose
from .models import Dues, DuesBracket, DuesDeclaration, DuesPlan, DuesStatus, Pricing
from .periods import period_label

PAGE_SIZE = 50
ZERO = Decimal("0.00")


def member_is_up_to_date(*, group, user, on: date | None = None) -> bool:
    """True when `user` has no dues in `group` still due after their due date plus
    grace period, as of day `on` (default: today in the group's time zone).

    Judged on the dues' current state: paid and waived dues never count, and members
    of a group with no plan (or no dues yet) are up to date. Dues of a plan that was
    paused later still count until they are paid or waived.
    """
    on = on or group.today()
    return not Dues.objects.filter(group=group, member=user).overdue(on).exists()


@dataclass(frozen=True)
class ReportRow:
    member: object
    up_to_date: bool
    overdue: Money
    outstanding: Money  # still due, overdue or not
    last_paid: str | None  # label of the latest paid period, e.g. "2026-2027"


def _sum(dues: QuerySet[Dues]) -> Subquery:
    total = dues.order_by().values("member_id").annotate(total=Sum("amount")).values("total")
    return Coalesce(
        Subquery(total, output_field=DecimalField(max_digits=12, decimal_places=2)),
        Value(ZERO),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def up_to_date_report(group, *, on: date | None = None, currency: str = "EUR") -> list[ReportRow]:
    """Every active member of `group`, by name: up to date or not, the amount overdue
    and still due, and their last paid period. One query."""
    on = on or group.today()
    mine = Dues.objects.filter(group=group, member=OuterRef("user_id"), currency=currency)
    last_paid = mine.filter(status=DuesStatus.PAID).order_by("-period_start", "-pk")
    memberships = (
        Membership.objects.active()
        .filter(group=group)
        .select_related("user")
        .annotate(
            overdue=_sum(mine.overdue(on)),
            outstanding=_sum(mine.outstanding()),
            last_paid_start=Subquery(
                last_paid.values("period_start")[:1], output_field=DateField()
            ),
            last_paid_period=Subquery(
                last_paid.values("period")[:1], output_field=CharField(max_length=10)
            ),
        )
    )
    rows = [
        ReportRow(
            member=m.user,
            up_to_date=m.overdue == 0,
            overdue=Money(m.overdue, currency),
            outstanding=Money(m.outstanding, currency),
            last_paid=(
                period_label(m.last_paid_period, m.last_paid_start) if m.last_paid_start else None
            ),
        )
        for m in memberships
    ]
    return sorted(rows, key=lambda r: (r.up_to_date, r.member.public_name.casefold()))


def member_dues(*, group, user) -> list[Dues]:
    """The member's own dues in `group`, latest period first."""
    return list(
        Dues.objects.filter(group=group, member=user)
        .select_related("plan")
        .order_by("-period_start", "plan__name", "pk")
    )


def member_balance(*, group, user, currency: str = "EUR") -> Money:
    """The member's prepaid balance in `group`'s books (zero without an account)."""
    account = LedgerAccount.objects.filter(
        group=group,
        currency=currency,
        purpose=Purpose.MEMBER,
        owner_type=ContentType.objects.get_for_model(user),
        owner_id=str(user.pk),
    ).first()
    return Money.from_minor(account.balance if account else 0, currency)


@dataclass(frozen=True)
class DeclarationChoice:
    plan: DuesPlan
    brackets: list[DuesBracket]
    declared: DuesBracket | None
    reference: DuesBracket | None


def declaration_choices(*, group, user) -> list[DeclarationChoice]:
    """The group's active sliding plans with their brackets and the member's
    declaration (None when they have not declared)."""
    plans = (
        DuesPlan.objects.filter(group=group, is_active=True, pricing=Pricing.SLIDING)
        .prefetch_related(
            "brackets",
            Prefetch(
                "declarations",
                queryset=DuesDeclaration.objects.filter(member=user),
                to_attr="mine",
            ),
        )
        .order_by("name")
    )
    choices = []
    for plan in plans:
        brackets = list(plan.brackets.all())
        declared_id = plan.mine[0].bracket_id if plan.mine else None
        choices.append(
            DeclarationChoice(
                plan=plan,
                brackets=brackets,
                declared=next((b for b in brackets if b.pk == declared_id), None),
                reference=next((b for b in brackets if b.is_default), None),
            )
        )
    return choices


def group_plans(*, group) -> QuerySet[DuesPlan]:
    """The group's plans, active first, with brackets and the number of dues issued."""
    return (
        DuesPlan.objects.filter(group=group)
        .prefetch_related("brackets")
        .annotate(dues_count=Count("dues"))
        .order_by("-is_active", "name")
    )


def group_plan(*, group, pk: int) -> DuesPlan | None:
    return DuesPlan.objects.filter(group=group, pk=pk).first()


def group_dues(*, group, pk: int) -> Dues | None:
    return Dues.objects.filter(group=group, pk=pk).select_related("plan", "member").first()


def group_dues_page(
    *,
    group,
    status: str = "",
    plan_id: int | None = None,
    overdue_on: date | None = None,
    page: str | int | None = None,
) -> Page:
    """The group's dues for the organisers' list, latest period first, filtered."""
    dues = Dues.objects.filter(group=group).select_related("plan", "member")
    if overdue_on is not None:
        dues = dues.overdue(overdue_on)
    elif status:
        dues = dues.filter(status=status)
    if plan_id:
        dues = dues.filter(plan_id=plan_id)
    dues = dues.order_by("-period_start", "member__display_name", "pk")
    return Paginator(dues, PAGE_SIZE).get_page(page)
