"""Assemblies: scheduling (with the convocation), editing, cancelling, the meeting's
state machine and attendance.

States: scheduled → in progress → closed, and scheduled → cancelled. `_transition` is the
only code that changes `Assembly.status`. Convocations leave after commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coops.core.audit import event_record
from coops.core.permissions import require
from coops.notifications.services import notify

from ..convocation import convocation_send
from ..models import (
    Assembly,
    AssemblyStatus,
    Attendance,
    AttendanceStatus,
    SpeakingRequest,
    SpeakingStatus,
)
from ._base import active_member_ids, governance_of, lock_objects

KIND_ASSEMBLY = "governance.assembly"
KINDS = {
    KIND_ASSEMBLY: (
        gettext_lazy("Assemblies"),
        gettext_lazy(
            "An assembly of one of your groups is convened, moved or cancelled "
            "(the convocation itself is always emailed)."
        ),
    ),
}

ALLOWED = {
    AssemblyStatus.SCHEDULED: {AssemblyStatus.IN_PROGRESS, AssemblyStatus.CANCELLED},
    AssemblyStatus.IN_PROGRESS: {AssemblyStatus.CLOSED},
}
WHEN_WHERE = ("starts_at", "ends_at", "place", "online_url")
EDITABLE = ("title", "description", *WHEN_WHERE, "quorum_percent")


def register_kinds() -> None:
    """Register the assemblies' notification kind (called from GovernanceConfig.ready)."""
    from coops.notifications.kinds import register_kind
    from coops.notifications.models import Frequency

    for name, (label, description) in KINDS.items():
        register_kind(name, label, description, default=Frequency.OFF)


def assembly_url(assembly: Assembly) -> str:
    return reverse(
        "groups:governance:assembly_detail",
        kwargs={"slug": assembly.group.slug, "pk": assembly.pk},
    )


def when_text(assembly: Assembly) -> str:
    """ "12/06/2025 18:00" in the group's time zone (for titles and messages)."""
    local = timezone.localtime(assembly.starts_at, group_zone(assembly.group))
    return formats.date_format(local, "SHORT_DATETIME_FORMAT")


def group_zone(group) -> ZoneInfo:
    return ZoneInfo(group.time_zone)


def _transition(assembly: Assembly, to: str, *, acting_user: Any, **data: Any) -> Assembly:
    """Move a locked assembly to `to` if allowed; the only writer of `status`."""
    if to not in ALLOWED.get(assembly.status, set()):
        raise ValidationError(
            _("An assembly cannot go from “%(old)s” to “%(new)s”.")
            % {"old": assembly.get_status_display(), "new": AssemblyStatus(to).label},
            code="transition",
        )
    old, assembly.status = assembly.status, to
    stamp = {
        AssemblyStatus.IN_PROGRESS: "started_at",
        AssemblyStatus.CLOSED: "closed_at",
    }.get(to)
    fields = ["status", "updated_at"]
    if stamp:
        setattr(assembly, stamp, timezone.now())
        fields.append(stamp)
    assembly.save(update_fields=fields)
    event_record(
        actor=acting_user,
        verb=f"governance.assembly_{to}",
        target=assembly,
        before=old,
        after=to,
        **data,
    )
    return assembly


# --- Scheduling ----------------------------------------------------------------------------


def _check(
    *,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    online_url: str,
    quorum: int,
    new_start: bool = True,
) -> None:
    """Clear messages for what the database constraints would refuse. A start already
    stored may have passed since: only a start being set must lie in the future."""
    errors: dict[str, str] = {}
    if new_start and starts_at <= timezone.now():
        errors["starts_at"] = _("An assembly cannot start in the past.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("The assembly must end after it starts.")
    if not place.strip() and not online_url.strip():
        errors["place"] = _("Give a place, an online link, or both.")
    if not 0 <= quorum <= 100:
        errors["quorum_percent"] = _("The quorum is a percentage between 0 and 100.")
    if errors:
        raise ValidationError(errors)


def _agenda_closes_at(group, starts_at: datetime) -> datetime:
    return starts_at - timedelta(days=governance_of(group).agenda_cutoff_days)


def assembly_schedule(
    *,
    group,
    acting_user: Any,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    online_url: str = "",
    description: str = "",
    quorum_percent: int = 0,
) -> Assembly:
    """An organiser convenes an assembly. Guarantees: it starts in the future, ends after
    it starts, has a place or a link; its agenda closes the group's cut-off days before
    it starts; every active member gets the convocation (with an .ics) after commit."""
    require(acting_user, "governance.organise", group)
    _check(
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_url=online_url,
        quorum=quorum_percent,
    )
    with transaction.atomic():
        assembly = Assembly(
            group=group,
            title=title.strip(),
            description=description.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            place=place.strip(),
            online_url=online_url.strip(),
            agenda_closes_at=_agenda_closes_at(group, starts_at),
            quorum_percent=quorum_percent,
            organiser=acting_user,
            convened_at=timezone.now(),
        )
        assembly.full_clean()
        assembly.save()
        event_record(
            actor=acting_user,
            verb="governance.assembly_scheduled",
            target=assembly,
            group=group,
            starts_at=starts_at.isoformat(),
        )
        _tell_members(assembly, acting_user, "convened")
    return assembly


def assembly_update(*, assembly: Assembly, acting_user: Any, **fields: Any) -> Assembly:
    """Change a scheduled assembly. A new start moves the agenda cut-off with it. When the
    time or place changes, members get the updated convocation after commit."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"assembly_update() got unexpected fields {sorted(unknown)}")
    require(acting_user, "governance.organise", assembly.group)
    with transaction.atomic():
        assembly = lock_objects(Assembly, assembly.pk)
        if assembly.status != AssemblyStatus.SCHEDULED:
            raise ValidationError(_("Only a scheduled assembly can be changed."), code="status")
        before = {f: getattr(assembly, f) for f in EDITABLE}
        for name, value in fields.items():
            setattr(assembly, name, value.strip() if isinstance(value, str) else value)
        changed = [f for f in EDITABLE if getattr(assembly, f) != before[f]]
        if not changed:
            return assembly
        starts_moved = "starts_at" in changed
        _check(
            starts_at=assembly.starts_at,
            ends_at=assembly.ends_at,
            place=assembly.place,
            online_url=assembly.online_url,
            quorum=assembly.quorum_percent,
            new_start=starts_moved,
        )
        if starts_moved:
            assembly.agenda_closes_at = _agenda_closes_at(assembly.group, assembly.starts_at)
        assembly.full_clean(exclude=["organiser"])  # may be empty (SET_NULL, not blank)
        assembly.save()
        event_record(
            actor=acting_user,
            verb="governance.assembly_updated",
            target=assembly,
            changed=changed,
            before={f: before[f] for f in changed},
        )
        if set(changed) & set(WHEN_WHERE):
            _tell_members(assembly, acting_user, "moved")
    return assembly


def assembly_cancel(*, assembly: Assembly, acting_user: Any) -> Assembly:
    """Cancel a scheduled assembly; members are told (with a cancelling .ics)."""
    require(acting_user, "governance.organise", assembly.group)
    with transaction.atomic():
        assembly = lock_objects(Assembly, assembly.pk)
        _transition(assembly, AssemblyStatus.CANCELLED, acting_user=acting_user)
        _tell_members(assembly, acting_user, "cancelled")
    return assembly


def _notice(what: str) -> str:
    if what == "cancelled":
        return _("Assembly cancelled: %(title)s, %(when)s")
    if what == "moved":
        return _("Assembly changed: %(title)s, %(when)s")
    return _("Assembly convened: %(title)s, %(when)s")


def _tell_members(assembly: Assembly, acting_user: Any, what: str) -> None:
    """In-app notification now, convocation emails after commit."""
    group = assembly.group
    members = active_member_ids(group)
    notify(
        recipients=members,
        kind=KIND_ASSEMBLY,
        title=lambda user: _notice(what) % {"title": assembly.title, "when": when_text(assembly)},
        url=assembly_url(assembly),
        group=group,
        actor=acting_user,
    )
    convocation_send(assembly=assembly, user_ids=members, what=what)


# --- The meeting -----------------------------------------------------------------------------


def assembly_start(*, assembly: Assembly, acting_user: Any) -> Assembly:
    """The chair opens the meeting: hands can be raised and attendance taken."""
    require(acting_user, "governance.organise", assembly.group)
    with transaction.atomic():
        assembly = lock_objects(Assembly, assembly.pk)
        _transition(assembly, AssemblyStatus.IN_PROGRESS, acting_user=acting_user)
    return assembly


def assembly_close(*, assembly: Assembly, acting_user: Any) -> Assembly:
    """The chair closes the meeting. Members without an attendance row are recorded
    absent (the rows become the snapshot the minutes' quorum is computed on); the current
    speaker is marked done and waiting hands are withdrawn."""
    require(acting_user, "governance.organise", assembly.group)
    with transaction.atomic():
        assembly = lock_objects(Assembly, assembly.pk)
        _transition(assembly, AssemblyStatus.CLOSED, acting_user=acting_user)
        recorded = set(
            Attendance.objects.filter(assembly=assembly).values_list("user_id", flat=True)
        )
        Attendance.objects.bulk_create(
            Attendance(assembly=assembly, user_id=uid, status=AttendanceStatus.ABSENT)
            for uid in active_member_ids(assembly.group)
            if uid not in recorded
        )
        now = timezone.now()
        hands = SpeakingRequest.objects.filter(item__assembly=assembly)
        hands.filter(status=SpeakingStatus.SPEAKING).update(status=SpeakingStatus.DONE, done_at=now)
        hands.filter(status=SpeakingStatus.WAITING).update(status=SpeakingStatus.WITHDRAWN)
    return assembly
