"""The motion registry: decisions with effects.

A proposal may carry a motion (`Proposal.motion_type`, `Proposal.motion_data`). When the
proposal is adopted, `services.proposals.proposal_close` applies the motion in the same
transaction: the effect happens with the decision or not at all. Apps register their
motion types from AppConfig.ready()::

    register_motion(MotionType(
        name="charter.adopt_version", label=_("Adopt a new charter version"),
        apply=adopt_version,             # (proposal, data, acting_user) -> None
        validate=check_version,          # (group, data) -> cleaned data, or ValidationError
        describe=describe_version,       # (data) -> one translated line for pages
        required_methods=(),             # e.g. ("consensus",) to exclude a member
        group_kinds=(),                  # the group kinds it suits; empty means all
        own_form=False,                  # True: proposed from the app's own page
    ))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class MotionType:
    name: str
    label: str | Promise
    apply: Callable[[Any, dict, Any], None]
    validate: Callable[[Any, dict], dict] | None = None
    describe: Callable[[dict], str] | None = None
    required_methods: tuple[str, ...] = ()
    group_kinds: tuple[str, ...] = ()
    # Proposed from the owning app's own page (its data needs that app's form): the
    # generic proposal form does not offer it, and keeps its data through edits.
    own_form: bool = False

    def clean(self, *, group, method: str, data: Mapping) -> dict:
        """The motion's data checked for `group` and `method`, or a ValidationError."""
        if self.required_methods and method not in self.required_methods:
            raise ValidationError(
                _("“%(motion)s” can only be decided by: %(methods)s.")
                % {"motion": self.label, "methods": ", ".join(self.required_methods)},
                code="motion_method",
            )
        if self.group_kinds and group.kind not in self.group_kinds:
            raise ValidationError(
                _("“%(motion)s” does not apply to this kind of group.") % {"motion": self.label},
                code="motion_kind",
            )
        return self.validate(group, dict(data)) if self.validate else dict(data)

    def summary(self, data: Mapping) -> str:
        return self.describe(dict(data)) if self.describe else str(self.label)


# Filled at start-up by AppConfig.ready(), never mutated while serving.
_MOTIONS: dict[str, MotionType] = {}


def register_motion(motion: MotionType) -> MotionType:
    existing = _MOTIONS.get(motion.name)
    if existing is not None and existing != motion:
        raise ImproperlyConfigured(f"motion type {motion.name!r} is registered twice")
    _MOTIONS[motion.name] = motion
    return motion


def get_motion(name: str) -> MotionType:
    try:
        return _MOTIONS[name]
    except KeyError:
        raise ValidationError(
            _("“%(name)s” is not a known kind of decision.") % {"name": name}, code="motion"
        ) from None


def all_motions() -> list[MotionType]:
    return sorted(_MOTIONS.values(), key=lambda m: m.name)


def motion_choices(group=None, *, keep: str = "") -> list[tuple[str, str]]:
    """The motions the generic proposal form offers for `group`, plus `keep` (the
    motion of the proposal being edited, even one with its own form)."""
    return [
        (m.name, str(m.label))
        for m in all_motions()
        if m.name == keep
        or (not m.own_form and (group is None or not m.group_kinds or group.kind in m.group_kinds))
    ]
