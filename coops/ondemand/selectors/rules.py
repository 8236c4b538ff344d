"""Reads of the federation's rules: the current values and their history, public."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from ..models import DocumentKind, FederationRules, RuleChange
from ..motions import rule_label
from ..services._base import rules_of


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryRow:
    change: RuleChange
    lines: list[ChangeLine]


def _shown(name: str, value) -> str:
    from django.utils.formats import number_format
    from django.utils.translation import gettext as _

    if name == "required_documents":
        return ", ".join(str(DocumentKind(k).label) for k in value or []) or _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return "—"
    try:
        return number_format(Decimal(str(value)), decimal_pos=2 if "." in str(value) else None)
    except ArithmeticError:
        return str(value)


def current_rules(*, group) -> FederationRules:
    """The federation's rules (created with the defaults the first time they are read)."""
    return rules_of(group)


def rule_history(*, group, limit: int = 50) -> list[HistoryRow]:
    """The latest changes, newest first, each with the decision that made it and the
    values before and after, ready to print."""
    changes: QuerySet[RuleChange] = (
        RuleChange.objects.filter(group=group)
        .select_related("proposal")
        .order_by("-changed_at", "-id")[:limit]
    )
    return [
        HistoryRow(
            change=change,
            lines=[
                ChangeLine(
                    label=rule_label(name),
                    before=_shown(name, change.before.get(name)),
                    after=_shown(name, value),
                )
                for name, value in change.after.items()
            ],
        )
        for change in changes
    ]


def last_decision_by_rule(*, group) -> dict[str, RuleChange]:
    """For each rule, the latest change that set it (to show "decided on … by …")."""
    found: dict[str, RuleChange] = {}
    for change in RuleChange.objects.filter(group=group).select_related("proposal"):
        for name in change.after:
            found.setdefault(name, change)
    return found
