"""Joining, leaving and roles: every change locks the group row first."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core import hooks
from coops.core.audit import event_record

from ..models import (
    Group,
    JoinPolicy,
    Membership,
    MembershipStatus,
    ModuleRole,
    Role,
    Visibility,
)
from ._base import (
    _forget,
    _last_admin_error,
    _lock_membership,
    _require_admin,
    _require_organiser,
    _save,
    lock_group,
)

# --- Joining and leaving -----------------------------------------------------------------


def _reset(m: Membership, *, status: str, role: str = Role.MEMBER) -> None:
    m.status, m.role = status, role
    m.request_message, m.decided_by, m.decided_at = "", None, None
    m.joined_at = timezone.now() if status == MembershipStatus.ACTIVE else None


def membership_join(*, group: Group, acting_user, message: str = "") -> Membership:
    """Join an open group at once, or ask to join a group on request.

    A row left behind by leaving or by a refused request is reused.
    """
    with transaction.atomic():
        group = lock_group(group)
        if group.visibility != Visibility.PUBLIC or group.join_policy == JoinPolicy.INVITE:
            raise PermissionDenied(
                _("You cannot join this group yourself; ask an organiser for an invitation.")
            )
        m = Membership.objects.select_for_update().filter(group=group, user=acting_user).first()
        if m is not None and m.status == MembershipStatus.ACTIVE:
            raise ValidationError(_("You are already a member of this group."))
        if m is not None and m.status == MembershipStatus.PENDING:
            raise ValidationError(_("You have already asked to join this group."))
        m = m or Membership(group=group, user=acting_user)
        if group.join_policy == JoinPolicy.OPEN:
            _reset(m, status=MembershipStatus.ACTIVE)
            verb = "group.member_joined"
        else:
            _reset(m, status=MembershipStatus.PENDING)
            m.request_message = message.strip()
            verb = "group.join_requested"
        _save(m)
        event_record(actor=acting_user, verb=verb, target=group, membership=m)
        hooks.emit(verb, membership=m, acting_user=acting_user)
    _forget(acting_user)
    return m


def _decide(membership: Membership, acting_user) -> tuple[Group, Membership]:
    group = lock_group(membership.group_id)
    _require_organiser(acting_user, group)
    m = _lock_membership(membership, group)
    if m.status != MembershipStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    m.decided_by, m.decided_at = acting_user, timezone.now()
    return group, m


def membership_accept(*, membership: Membership, acting_user) -> Membership:
    """An organiser accepts a pending request: the requester becomes a member."""
    with transaction.atomic():
        group, m = _decide(membership, acting_user)
        m.status, m.joined_at = MembershipStatus.ACTIVE, timezone.now()
        _save(m)
        event_record(actor=acting_user, verb="group.request_accepted", target=group, membership=m)
        hooks.emit(
            "group.request_decided", membership=m, accepted=True, reason="", acting_user=acting_user
        )
        hooks.emit("group.member_joined", membership=m, acting_user=acting_user)
    return m


def membership_refuse(*, membership: Membership, acting_user, reason: str = "") -> Membership:
    """An organiser refuses a pending request, optionally saying why."""
    reason = reason.strip()
    with transaction.atomic():
        group, m = _decide(membership, acting_user)
        m.status = MembershipStatus.REFUSED
        _save(m)
        event_record(
            actor=acting_user,
            verb="group.request_refused",
            target=group,
            membership=m,
            reason=reason,
        )
        hooks.emit(
            "group.request_decided",
            membership=m,
            accepted=False,
            reason=reason,
            acting_user=acting_user,
        )
    return m


def _end(m: Membership) -> str:
    """Mark an active membership as left; returns the role it had."""
    old_role = m.role
    m.status, m.role = MembershipStatus.LEFT, Role.MEMBER
    _save(m)
    ModuleRole.objects.filter(membership=m).delete()
    return old_role


def membership_leave(*, group: Group, acting_user) -> Membership:
    """The acting user leaves the group. The last administrator cannot leave."""
    with transaction.atomic():
        group = lock_group(group)
        m = Membership.objects.select_for_update().filter(group=group, user=acting_user).first()
        if m is None or not m.is_active:
            raise ValidationError(_("You are not a member of this group."))
        _last_admin_error(
            m,
            group,
            _(
                "You are the last administrator of this group: make another member "
                "administrator before leaving."
            ),
        )
        old_role = _end(m)
        event_record(
            actor=acting_user, verb="group.member_left", target=group, membership=m, role=old_role
        )
        hooks.emit("group.member_left", membership=m, acting_user=acting_user)
    _forget(acting_user)
    return m


def membership_remove(*, membership: Membership, acting_user) -> Membership:
    """An organiser removes a member; only administrators remove administrators."""
    with transaction.atomic():
        group = lock_group(membership.group_id)
        _require_organiser(acting_user, group)
        m = _lock_membership(membership, group)
        if not m.is_active:
            raise ValidationError(_("This person is not a member of this group."))
        if m.user_id == acting_user.pk:
            raise ValidationError(_("To leave the group yourself, use “Leave this group”."))
        if m.role == Role.ADMIN:
            _require_admin(
                acting_user, group, _("Only administrators can remove an administrator.")
            )
        _last_admin_error(m, group, _("The last administrator of a group cannot be removed."))
        m.decided_by, m.decided_at = acting_user, timezone.now()
        old_role = _end(m)
        event_record(
            actor=acting_user,
            verb="group.member_removed",
            target=group,
            membership=m,
            role=old_role,
        )
        hooks.emit("group.member_removed", membership=m, acting_user=acting_user)
    _forget(m.user)
    return m


def membership_change_role(*, membership: Membership, role: str, acting_user) -> Membership:
    """Set a member's role.

    Organisers set member or organiser; only administrators grant or take away the
    administrator role; the last administrator cannot be demoted.
    """
    if role not in Role.values:
        raise ValidationError(_("“%(role)s” is not a role."), params={"role": role})
    with transaction.atomic():
        group = lock_group(membership.group_id)
        _require_organiser(acting_user, group)
        m = _lock_membership(membership, group)
        if not m.is_active:
            raise ValidationError(_("This person is not a member of this group."))
        old_role = m.role
        if old_role == role:
            return m
        if Role.ADMIN in (old_role, role):
            _require_admin(
                acting_user, group, _("Only administrators can grant or remove the admin role.")
            )
        _last_admin_error(
            m,
            group,
            _("This is the group's last administrator: make someone else administrator first."),
        )
        m.role = role
        _save(m)
        event_record(
            actor=acting_user,
            verb="group.role_changed",
            target=group,
            membership=m,
            before=old_role,
            after=role,
        )
        hooks.emit("group.role_changed", membership=m, old_role=old_role, acting_user=acting_user)
    _forget(m.user, acting_user)
    return m


# --- Decided by the group (governance motions) ---------------------------------------------


def membership_admit_by_decision(*, membership: Membership, decision: str, acting_user=None):
    """Admit a pending request because the group decided so (for governance motions).

    No user permission is checked: the caller applies a decision that was taken;
    `decision` names it in the audit trail."""
    with transaction.atomic():
        group = lock_group(membership.group_id)
        m = _lock_membership(membership, group)
        if m.status != MembershipStatus.PENDING:
            raise ValidationError(_("This request has already been decided."))
        now = timezone.now()
        m.status, m.joined_at, m.decided_at = MembershipStatus.ACTIVE, now, now
        m.decided_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
        _save(m)
        event_record(
            actor=acting_user,
            verb="group.request_accepted",
            target=group,
            membership=m,
            decision=decision,
        )
        hooks.emit(
            "group.request_decided", membership=m, accepted=True, reason="", acting_user=acting_user
        )
        hooks.emit("group.member_joined", membership=m, acting_user=acting_user)
    _forget(m.user)
    return m


def membership_exclude_by_decision(*, membership: Membership, decision: str, acting_user=None):
    """Exclude an active member because the group decided so (for governance motions);
    the last administrator cannot be excluded."""
    with transaction.atomic():
        group = lock_group(membership.group_id)
        m = _lock_membership(membership, group)
        if not m.is_active:
            raise ValidationError(_("This person is not a member of this group."))
        _last_admin_error(m, group, _("The last administrator of a group cannot be removed."))
        m.decided_at = timezone.now()
        m.decided_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
        old_role = _end(m)
        event_record(
            actor=acting_user,
            verb="group.member_removed",
            target=group,
            membership=m,
            role=old_role,
            decision=decision,
        )
        hooks.emit("group.member_removed", membership=m, acting_user=acting_user)
    _forget(m.user)
    return m
