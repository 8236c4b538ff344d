"""Attendance at an assembly: present, represented by a proxy holder, excused, absent.

"Represented" takes the holder of the member's proxy for the assembly when there is one;
the holder must be present and within the group's limit of proxies per holder.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.permissions import require
from coops.groups.models import Membership, MembershipStatus

from ..models import Assembly, AssemblyStatus, Attendance, AttendanceStatus, Proxy
from ._base import governance_of, lock_objects


def _active_member(group, user, message: str) -> None:
    if not Membership.objects.filter(
        group=group, user=user, status=MembershipStatus.ACTIVE
    ).exists():
        raise ValidationError(message % {"name": user.public_name}, code="not_member")


def attendance_record(
    *,
    assembly: Assembly,
    acting_user: Any,
    user: Any,
    status: str,
    proxy_holder: Any = None,
) -> Attendance:
    """Record one member's attendance. "Represented" needs a holder who is present: the
    holder of the member's proxy for this assembly when there is one (another holder is
    refused), else the one given, within the group's limit of proxies per holder. A
    member who represents others stays present until those are recorded otherwise."""
    group = assembly.group
    require(acting_user, "governance.organise", group)
    if status not in AttendanceStatus.values:
        raise ValidationError(_("Choose an attendance status."), code="status")
    with transaction.atomic():
        assembly = lock_objects(Assembly, assembly.pk)
        if assembly.status not in (AssemblyStatus.SCHEDULED, AssemblyStatus.IN_PROGRESS):
            raise ValidationError(
                _("The attendance of a closed or cancelled assembly cannot change."),
                code="status",
            )
        _active_member(group, user, _("%(name)s is not a member of the group."))
        represented = list(
            Attendance.objects.filter(
                assembly=assembly, proxy_holder=user, status=AttendanceStatus.REPRESENTED
            ).select_related("user")
        )
        if status != AttendanceStatus.PRESENT and represented:
            raise ValidationError(
                _("%(name)s represents %(others)s: record their attendance first.")
                % {
                    "name": user.public_name,
                    "others": ", ".join(a.user.public_name for a in represented),
                },
                code="holder_busy",
            )
        holder = None
        if status == AttendanceStatus.REPRESENTED:
            holder = _holder(assembly, user, proxy_holder)
        attendance, _created = Attendance.objects.update_or_create(
            assembly=assembly, user=user, defaults={"status": status, "proxy_holder": holder}
        )
        event_record(
            actor=acting_user,
            verb="governance.attendance_recorded",
            target=assembly,
            user=user,
            status=status,
            proxy_holder=holder,
        )
    return attendance


def _holder(assembly: Assembly, user: Any, given: Any) -> Any:
    proxy = (
        Proxy.objects.filter(assembly=assembly, giver=user, withdrawn_at__isnull=True)
        .select_related("holder")
        .first()
    )
    if proxy is not None and given is not None and given.pk != proxy.holder_id:
        raise ValidationError(
            _("%(name)s gave their proxy for this assembly to %(holder)s.")
            % {"name": user.public_name, "holder": proxy.holder.public_name},
            code="proxy_holder",
        )
    holder = proxy.holder if proxy is not None else given
    if holder is None:
        raise ValidationError(
            _("Choose the member who represents %(name)s.") % {"name": user.public_name},
            code="proxy_holder",
        )
    if holder.pk == user.pk:
        raise ValidationError(_("Nobody can represent themself."), code="proxy_holder")
    _active_member(assembly.group, holder, _("%(name)s is not a member of the group."))
    if not Attendance.objects.filter(
        assembly=assembly, user=holder, status=AttendanceStatus.PRESENT
    ).exists():
        raise ValidationError(
            _("%(holder)s must be recorded present to represent someone.")
            % {"holder": holder.public_name},
            code="holder_absent",
        )
    limit = governance_of(assembly.group).max_proxies
    held = (
        Attendance.objects.filter(
            assembly=assembly, proxy_holder=holder, status=AttendanceStatus.REPRESENTED
        )
        .exclude(user=user)
        .count()
    )
    if held >= limit:
        raise ValidationError(
            _("%(holder)s already represents as many members as the group allows (%(limit)s).")
            % {"holder": holder.public_name, "limit": limit},
            code="proxy_limit",
        )
    return holder
