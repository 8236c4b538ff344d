"""RGPD: what the groups app holds about a person, for export and erasure.

Registered as "group_memberships" in GroupsConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Value, When

from coops.core.audit import event_record

from .models import Invitation, Membership, Role
from .services import lock_group


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(user: Any) -> dict[str, list[dict[str, Any]]]:
    """Every membership of the user, and every invitation sent to their address."""
    memberships = [
        {
            "group": m.group.name,
            "slug": m.group.slug,
            "role": m.role,
            "status": m.status,
            "joined_at": _iso(m.joined_at),
            "request_message": m.request_message,
        }
        for m in Membership.objects.filter(user=user).select_related("group").order_by("pk")
    ]
    invitations = [
        {
            "group": i.group.name,
            "slug": i.group.slug,
            "email": i.email,
            "role": i.role,
            "created_at": _iso(i.created_at),
            "expires_at": _iso(i.expires_at),
            "accepted_at": _iso(i.accepted_at),
            "revoked_at": _iso(i.revoked_at),
        }
        for i in Invitation.objects.filter(email__iexact=user.email)
        .select_related("group")
        .order_by("pk")
    ]
    return {"memberships": memberships, "invitations": invitations}


def _successor(membership: Membership) -> Membership | None:
    """The longest-standing organiser, else the longest-standing member."""
    rank = Case(
        When(role=Role.ORGANISER, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        Membership.objects.active()
        .filter(group_id=membership.group_id)
        .exclude(pk=membership.pk)
        .select_for_update()
        .annotate(rank=rank)
        .order_by("rank", "joined_at", "pk")
        .first()
    )


def _hand_over(membership: Membership, user: Any) -> None:
    """Before the last admin's row goes, promote someone so the group keeps an admin."""
    group = lock_group(membership.group_id)
    admins = Membership.objects.active().filter(group=group, role=Role.ADMIN)
    if not membership.is_active or membership.role != Role.ADMIN or admins.count() > 1:
        return
    successor = _successor(membership)
    if successor is not None:
        old_role, successor.role = successor.role, Role.ADMIN
        successor.save(update_fields=["role", "updated_at"])
    event_record(
        actor=user,
        verb="group.admin_handed_over",
        target=group,
        reason="erasure",
        new_admin=successor.user_id if successor else None,
        previous_role=old_role if successor else None,
        left_without_admin=successor is None,
    )


def erase(user: Any) -> None:
    """Delete the user's memberships, keeping an admin in each group, and their invitations.

    Runs inside the account erasure transaction.
    """
    rows = list(Membership.objects.filter(user=user).order_by("group_id"))
    for membership in rows:
        _hand_over(membership, user)
    Membership.objects.filter(user=user).update(request_message="")
    Membership.objects.filter(user=user).delete()
    Invitation.objects.filter(email__iexact=user.email).delete()
