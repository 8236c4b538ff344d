"""Writes for dues plans, their income brackets and members' bracket declarations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.permissions import require
from coops.groups.permissions import is_member

from ..models import DuesBracket, DuesDeclaration, DuesPlan, Pricing

KEEP_BOOKS = "ledger.keep_books"


@dataclass(frozen=True)
class BracketSpec:
    """One bracket row of a plan form; `pk` is set for a bracket that already exists."""

    label: str
    amount: Decimal
    is_default: bool = False
    pk: int | None = None


# --- Plans ------------------------------------------------------------------------------


def _check_brackets(pricing: str, brackets: Sequence[BracketSpec]) -> None:
    if pricing != Pricing.SLIDING:
        return
    if not brackets:
        raise ValidationError(_("A sliding scale needs at least one income bracket."))
    if sum(1 for b in brackets if b.is_default) != 1:
        raise ValidationError(_("Mark exactly one bracket as the reference bracket."))
    labels = [b.label.strip() for b in brackets]
    if any(not label for label in labels):
        raise ValidationError(_("Each bracket needs a label."))
    if len(set(labels)) != len(labels):
        raise ValidationError(_("Two brackets have the same label."))
    if any(b.amount is None or b.amount <= 0 for b in brackets):
        raise ValidationError(_("Each bracket needs an amount above zero."))


def _write_brackets(plan: DuesPlan, brackets: Sequence[BracketSpec]) -> None:
    """Make the plan's brackets exactly `brackets`, in order. Brackets left out are
    deleted with their declarations (those members fall back to the reference
    bracket); dues already generated keep their amount and bracket label."""
    if plan.pricing != Pricing.SLIDING:
        brackets = []
    existing = {b.pk: b for b in plan.brackets.all()}
    kept = {b.pk for b in brackets if b.pk is not None}
    if not kept <= existing.keys():
        raise ValidationError(_("This bracket belongs to another plan."))
    DuesBracket.objects.filter(plan=plan).exclude(pk__in=kept).delete()
    # Two passes, so that swapping two labels or positions never meets the unique
    # constraints half-way.
    for index, pk in enumerate(sorted(kept)):
        DuesBracket.objects.filter(pk=pk).update(
            label=f"#{pk}", position=1_000 + index, is_default=False
        )
    for position, spec in enumerate(brackets):
        bracket = existing.get(spec.pk) if spec.pk else DuesBracket(plan=plan)
        bracket.label = spec.label.strip()
        bracket.amount = spec.amount
        bracket.position = position
        bracket.is_default = spec.is_default
        bracket.full_clean(validate_constraints=False)
        bracket.save()


def _plan_snapshot(plan: DuesPlan) -> dict:
    return {
        "name": plan.name,
        "period": plan.period,
        "pricing": plan.pricing,
        "amount": str(plan.amount) if plan.amount is not None else None,
        "start_date": plan.start_date.isoformat() if plan.start_date else None,
        "due_day": plan.due_day,
        "grace_days": plan.grace_days,
        "is_active": plan.is_active,
        "brackets": [[b.label, str(b.amount), b.is_default] for b in plan.brackets.all()],
    }


def dues_plan_create(
    *,
    group,
    acting_user,
    name: str,
    period: str,
    pricing: str,
    start_date: date,
    amount: Decimal | None = None,
    due_day: int = 1,
    grace_days: int = 30,
    is_active: bool = True,
    brackets: Sequence[BracketSpec] = (),
) -> DuesPlan:
    """Create a plan (organisers and treasurers). A sliding plan has brackets, exactly
    one of them the reference; a fixed plan has an amount and no bracket."""
    require(acting_user, KEEP_BOOKS, group)
    _check_brackets(pricing, brackets)
    plan = DuesPlan(
        group=group,
        name=name.strip(),
        period=period,
        pricing=pricing,
        amount=amount if pricing == Pricing.FIXED else None,
        start_date=start_date,
        due_day=due_day,
        grace_days=grace_days,
        is_active=is_active,
        created_by=acting_user,
    )
    with transaction.atomic():
        plan.full_clean()
        plan.save()
        _write_brackets(plan, brackets)
        event_record(
            actor=acting_user,
            verb="ledger.dues_plan_created",
            target=plan,
            after=_plan_snapshot(plan),
        )
    return plan


def dues_plan_update(
    *,
    plan: DuesPlan,
    acting_user,
    name: str,
    period: str,
    pricing: str,
    start_date: date,
    amount: Decimal | None = None,
    due_day: int = 1,
    grace_days: int = 30,
    is_active: bool = True,
    brackets: Sequence[BracketSpec] = (),
) -> DuesPlan:
    """Change a plan. Once dues exist, its period, pricing and start are fixed; new
    amounts, due day and grace apply to dues generated afterwards."""
    require(acting_user, KEEP_BOOKS, plan.group)
    _check_brackets(pricing, brackets)
    with transaction.atomic():
        plan = DuesPlan.objects.select_for_update().select_related("group").get(pk=plan.pk)
        before = _plan_snapshot(plan)
        structure = (plan.period, plan.pricing, plan.start_date)
        if structure != (period, pricing, start_date) and plan.dues.exists():
            raise ValidationError(
                _(
                    "Dues were already generated under this plan: its period, pricing and "
                    "start date can no longer change. Create a new plan instead."
                )
            )
        plan.name = name.strip()
        plan.period, plan.pricing, plan.start_date = period, pricing, start_date
        plan.amount = amount if pricing == Pricing.FIXED else None
        plan.due_day, plan.grace_days, plan.is_active = due_day, grace_days, is_active
        plan.full_clean()
        plan.save()
        _write_brackets(plan, brackets)
        event_record(
            actor=acting_user,
            verb="ledger.dues_plan_changed",
            target=plan,
            before=before,
            after=_plan_snapshot(plan),
        )
    return plan


# --- Declarations -----------------------------------------------------------------------


def declaration_set(
    *, plan: DuesPlan, member, bracket: DuesBracket, acting_user
) -> DuesDeclaration:
    """Record the income bracket `member` declares for a sliding plan. Members declare
    their own; organisers and treasurers may set anyone's. It prices the dues
    generated from now on; dues already generated keep their amount."""
    group = plan.group
    if acting_user.pk == member.pk:
        require(acting_user, "ledger.view_own", group)
    else:
        require(acting_user, KEEP_BOOKS, group)
        if not is_member(member, group):
            raise ValidationError(_("Only the group's active members declare a bracket."))
    if plan.pricing != Pricing.SLIDING:
        raise ValidationError(_("This plan has one amount for everyone."))
    if bracket.plan_id != plan.pk:
        raise ValidationError(_("This bracket belongs to another plan."))
    with transaction.atomic():
        declaration = (
            DuesDeclaration.objects.select_for_update()
            .select_related("bracket")
            .filter(plan=plan, member=member)
            .first()
        )
        before = declaration.bracket.label if declaration else None
        if declaration is None:
            declaration = DuesDeclaration(plan=plan, member=member)
        elif declaration.bracket_id == bracket.pk:
            return declaration
        declaration.bracket = bracket
        declaration.declared_by = acting_user
        declaration.full_clean(validate_constraints=False)
        declaration.save()
        event_record(
            actor=acting_user,
            verb="ledger.dues_bracket_declared",
            target=declaration,
            member=member.pk,
            before=before,
            after=bracket.label,
        )
    return declaration
