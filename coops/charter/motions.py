"""The charter's motion: a network adopts a new charter version by a decision."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coops.governance.motions import MotionType, register_motion

from .models import CharterVersion
from .services import charter_version_adopt


def _validate(group, data: dict) -> dict:
    try:
        pk = int(data.get("version"))
    except (TypeError, ValueError):
        raise ValidationError(_("Choose the draft version to adopt."), code="version") from None
    version = CharterVersion.objects.filter(pk=pk, published_at__isnull=True).first()
    if version is None:
        raise ValidationError(
            _("Only a draft version of the charter can be adopted."), code="version"
        )
    if not version.commitments.exists():
        raise ValidationError(
            _("A charter version needs at least one commitment."), code="no_commitments"
        )
    return {"version": version.pk}


def _apply(proposal, data: dict, acting_user: Any) -> None:
    version = CharterVersion.objects.get(pk=data["version"])
    decision = _("%(title)s, decided by %(group)s on %(date)s") % {
        "title": proposal.title,
        "group": proposal.group.name,
        "date": proposal.decided_at.date().isoformat(),
    }
    charter_version_adopt(version=version, decision=decision, acting_user=acting_user)


def register_charter_motion() -> None:
    register_motion(
        MotionType(
            name="charter.adopt_version",
            label=gettext_lazy("Adopt a new version of the charter"),
            apply=_apply,
            validate=_validate,
            describe=lambda data: _("Adopt the charter draft no. %(pk)s") % {"pk": data["version"]},
            group_kinds=("network",),
        )
    )
