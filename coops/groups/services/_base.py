"""Locks and rank checks shared by the group services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ..models import (
    ROLE_RANK,
    Group,
    Membership,
    Role,
)
from ..modules import Module, get_module
from ..permissions import forget_memberships


def lock_group(group: Group | int) -> Group:
    """Lock the group row until the transaction ends and return it fresh.

    Every membership change takes this lock first: it is the one serialisation point
    that makes "is another admin left?" checks safe under concurrency.
    """
    pk = group.pk if isinstance(group, Group) else group
    return Group.objects.select_for_update().get(pk=pk)


def _lock_membership(membership: Membership, group: Group) -> Membership:
    return (
        # Lock the membership row only, not the joined user.
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=membership.pk, group=group)
    )


def _admin_count(group: Group) -> int:
    admins = Membership.objects.active().filter(group=group, role=Role.ADMIN)
    return len(admins.select_for_update().values_list("pk", flat=True))


def _rank(user, group: Group) -> int:
    """The user's rank in `group`, read fresh (-1 when not an active member)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return -1
    if user.is_superuser:
        return ROLE_RANK[Role.ADMIN]
    role = (
        Membership.objects.active()
        .filter(group=group, user=user)
        .values_list("role", flat=True)
        .first()
    )
    return ROLE_RANK[role] if role else -1


def _require_rank(user, group: Group, role: Role, message: str) -> None:
    if _rank(user, group) < ROLE_RANK[role]:
        raise PermissionDenied(message)


def _require_organiser(user, group: Group) -> None:
    _require_rank(user, group, Role.ORGANISER, _("Only the group's organisers can do this."))


def _require_admin(user, group: Group, message: str | None = None) -> None:
    message = message or _("Only the group's administrators can do this.")
    _require_rank(user, group, Role.ADMIN, message)


def _last_admin_error(membership: Membership, group: Group, message: str) -> None:
    if membership.role == Role.ADMIN and membership.is_active and _admin_count(group) <= 1:
        raise ValidationError(message)


def _save(obj) -> None:
    obj.full_clean()
    obj.save()


def _forget(*users) -> None:
    for user in users:
        if user is not None:
            forget_memberships(user)


def _registered(name: str) -> Module:
    try:
        return get_module(name)
    except LookupError:
        raise ValidationError(
            _("There is no module called “%(name)s”."), params={"name": name}
        ) from None
