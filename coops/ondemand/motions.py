"""Federation rules are decided, not configured: the motion "ondemand.set_rules" changes
any of them when its proposal is adopted, in the proposal's transaction, and records
which decision did it (RuleChange). The page to propose it is the rules page's form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coops.core.audit import event_record
from coops.governance.motions import MotionType, register_motion

from .models import DocumentKind, FederationRules, RuleChange
from .services._base import lock_objects, rules_of

SET_RULES = "ondemand.set_rules"

DECIMAL_RULES = (
    "min_hourly_rate",
    "commission_percent",
    "fund_percent",
    "max_hours_per_day",
    "tariff_base",
    "tariff_per_km",
    "tariff_per_minute",
    "tariff_per_item",
    "dispatch_radius_km",
    "running_costs_monthly",
)
INTEGER_RULES = ("offer_timeout_seconds",)
BOOLEAN_RULES = ("require_charter", "require_dues")
LIST_RULES = ("required_documents",)
RULES = DECIMAL_RULES + INTEGER_RULES + BOOLEAN_RULES + LIST_RULES


def rule_label(name: str) -> str:
    return str(FederationRules._meta.get_field(name).verbose_name)


def rules_snapshot(rules: FederationRules, names=RULES) -> dict[str, Any]:
    """The rules as JSON-safe values (decimals as strings)."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(rules, name)
        out[name] = str(value) if isinstance(value, Decimal) else value
    return out


def _parse(name: str, value: Any) -> Any:
    if name in DECIMAL_RULES:
        try:
            number = Decimal(str(value).replace(",", ".").strip())
        except (InvalidOperation, ValueError):
            raise ValidationError(
                _("%(rule)s: give a number.") % {"rule": rule_label(name)}, code=name
            ) from None
        if not number.is_finite():
            raise ValidationError(_("%(rule)s: give a number.") % {"rule": rule_label(name)})
        places = FederationRules._meta.get_field(name).decimal_places
        return number.quantize(Decimal(1).scaleb(-places))
    if name in INTEGER_RULES:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                _("%(rule)s: give a whole number.") % {"rule": rule_label(name)}, code=name
            ) from None
    if name in BOOLEAN_RULES:
        if not isinstance(value, bool):
            raise ValidationError(_("%(rule)s: yes or no.") % {"rule": rule_label(name)})
        return value
    kinds = list(value) if isinstance(value, list | tuple) else None
    if kinds is None or any(k not in DocumentKind.values for k in kinds):
        raise ValidationError(
            _("%(rule)s: choose among the known documents.") % {"rule": rule_label(name)},
            code=name,
        )
    return sorted(set(kinds))


def validate_rules(group, data: dict) -> dict:
    """The changes in `data` checked against the rules' bounds (commission 0–10 %…)."""
    changes = {k: v for k, v in data.items() if k in RULES}
    unknown = sorted(set(data) - set(RULES))
    if unknown:
        raise ValidationError(
            _("Unknown rules: %(names)s.") % {"names": ", ".join(unknown)}, code="rules"
        )
    if not changes:
        raise ValidationError(_("Change at least one rule."), code="rules")
    parsed = {name: _parse(name, value) for name, value in changes.items()}
    candidate = FederationRules(group=group, **{**rules_snapshot(rules_of(group)), **parsed})
    try:
        candidate.full_clean(exclude=["group"], validate_unique=False)
    except ValidationError as error:
        raise ValidationError(
            [
                f"{rule_label(name)} : {message}"
                for name, messages in error.message_dict.items()
                for message in messages
            ],
            code="rules",
        ) from None
    return {
        name: str(v) if isinstance(v, Decimal) else v
        for name, v in parsed.items()  # JSON-safe, as stored on the proposal
    }


def rules_apply(*, group, changes: dict, acting_user: Any, proposal=None) -> FederationRules:
    """Apply validated changes to the rules and record the change (called by the motion;
    there is no other way to change them)."""
    changes = validate_rules(group, changes)
    with transaction.atomic():
        rules = lock_objects(FederationRules, rules_of(group).pk)
        before = rules_snapshot(rules, changes)
        for name, value in changes.items():
            setattr(rules, name, _parse(name, value))
        rules.full_clean(exclude=["group"], validate_unique=False)
        rules.save()
        after = rules_snapshot(rules, changes)
        RuleChange.objects.create(
            group=group,
            proposal=proposal,
            changed_at=timezone.now(),
            changed_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            before=before,
            after=after,
        )
        event_record(
            actor=acting_user, verb="ondemand.rules_changed", target=rules, before=before,
            after=after,
        )  # fmt: skip
    return rules


def describe_rules(data: dict) -> str:
    parts = []
    for name in RULES:
        if name in data:
            value = data[name]
            if name == "required_documents":
                value = ", ".join(str(DocumentKind(k).label) for k in value) or "—"
            elif isinstance(value, bool):
                value = _("yes") if value else _("no")
            parts.append(f"{rule_label(name)} → {value}")
    return _("Federation rules: %(changes)s") % {"changes": "; ".join(parts)}


def _apply(proposal, data: dict, acting_user: Any) -> None:
    rules_apply(group=proposal.group, changes=data, acting_user=acting_user, proposal=proposal)


def register_motions() -> None:
    register_motion(
        MotionType(
            name=SET_RULES,
            label=gettext_lazy("Change the federation's rules"),
            apply=_apply,
            validate=validate_rules,
            describe=describe_rules,
            own_form=True,
        )
    )
