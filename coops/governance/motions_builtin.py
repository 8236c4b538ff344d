"""The motions governance ships for every group: change a governance setting, admit a
member, exclude a member (by consensus only). Registered from apps.ready."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coops.groups.models import Membership, MembershipStatus
from coops.groups.services import membership_admit_by_decision, membership_exclude_by_decision

from .models import GroupGovernance, Method
from .motions import MotionType, register_motion
from .services._base import governance_of

SETTINGS = {
    "agenda_cutoff_days": gettext_lazy("Agenda closes (days before the assembly)"),
    "max_proxies": gettext_lazy("Proxies a member may hold"),
    "default_method": gettext_lazy("Default decision method"),
}


def _decision(proposal) -> str:
    return _("Decision “%(title)s” (proposal %(pk)s)") % {
        "title": proposal.title,
        "pk": proposal.pk,
    }


# --- Change a setting --------------------------------------------------------------------------


def _validate_setting(group, data: dict) -> dict:
    name = data.get("setting")
    if name not in SETTINGS:
        raise ValidationError(_("Choose a setting to change."), code="setting")
    value = data.get("value")
    if name == "default_method":
        if value not in Method.values:
            raise ValidationError(_("Choose a decision method."), code="value")
        return {"setting": name, "value": value}
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Give a whole number."), code="value") from None
    field = GroupGovernance._meta.get_field(name)
    row = GroupGovernance(group=group, **{name: number})
    try:
        field.clean(number, row)
    except ValidationError as error:
        raise ValidationError(error.messages, code="value") from None
    return {"setting": name, "value": number}


def _apply_setting(proposal, data: dict, acting_user: Any) -> None:
    row = governance_of(proposal.group)
    row = GroupGovernance.objects.select_for_update().get(pk=row.pk)
    setattr(row, data["setting"], data["value"])
    row.full_clean()
    row.save(update_fields=[data["setting"]])


def _describe_setting(data: dict) -> str:
    label = SETTINGS.get(data.get("setting"), data.get("setting"))
    value = data.get("value")
    if data.get("setting") == "default_method" and value in Method.values:
        value = Method(value).label
    return _("Set “%(setting)s” to %(value)s") % {"setting": label, "value": value}


# --- Admit and exclude ------------------------------------------------------------------------


def _membership(group, data: dict, status: str, message: str) -> Membership:
    try:
        pk = int(data.get("membership"))
    except (TypeError, ValueError):
        raise ValidationError(_("Choose a person."), code="membership") from None
    membership = (
        Membership.objects.filter(pk=pk, group=group, status=status).select_related("user").first()
    )
    if membership is None:
        raise ValidationError(message, code="membership")
    return membership


def _validate_admit(group, data: dict) -> dict:
    m = _membership(
        group, data, MembershipStatus.PENDING, _("This person has no pending request to join.")
    )
    return {"membership": m.pk, "name": m.user.public_name}


def _validate_exclude(group, data: dict) -> dict:
    m = _membership(group, data, MembershipStatus.ACTIVE, _("This person is not a member."))
    return {"membership": m.pk, "name": m.user.public_name}


def _apply_admit(proposal, data: dict, acting_user: Any) -> None:
    membership = Membership.objects.get(pk=data["membership"])
    membership_admit_by_decision(
        membership=membership, decision=_decision(proposal), acting_user=acting_user
    )


def _apply_exclude(proposal, data: dict, acting_user: Any) -> None:
    membership = Membership.objects.get(pk=data["membership"])
    membership_exclude_by_decision(
        membership=membership, decision=_decision(proposal), acting_user=acting_user
    )


def register_builtin_motions() -> None:
    register_motion(
        MotionType(
            name="governance.change_setting",
            label=gettext_lazy("Change how the group decides"),
            apply=_apply_setting,
            validate=_validate_setting,
            describe=_describe_setting,
        )
    )
    register_motion(
        MotionType(
            name="groups.admit_member",
            label=gettext_lazy("Admit a member"),
            apply=_apply_admit,
            validate=_validate_admit,
            describe=lambda data: _("Admit %(name)s") % {"name": data.get("name", "?")},
        )
    )
    register_motion(
        MotionType(
            name="groups.exclude_member",
            label=gettext_lazy("Exclude a member"),
            apply=_apply_exclude,
            validate=_validate_exclude,
            describe=lambda data: _("Exclude %(name)s") % {"name": data.get("name", "?")},
            required_methods=(Method.CONSENSUS,),
        )
    )
