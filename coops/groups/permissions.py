"""Named permission rules for groups, registered with core.permissions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coops.core.permissions import rule

from .models import Group, JoinPolicy, Membership, MembershipStatus, Role, Visibility


def membership_of(user, group: Group) -> Membership | None:
    """The user's membership row in `group`, memoised on the user for this request."""
    if user is None or not user.is_authenticated or group.pk is None:
        return None
    cache = user.__dict__.setdefault("_coops_memberships", {})
    if group.pk not in cache:
        cache[group.pk] = Membership.objects.filter(group=group, user=user).first()
    return cache[group.pk]


def forget_memberships(user) -> None:
    user.__dict__.pop("_coops_memberships", None)


def is_member(user, group: Group) -> bool:
    m = membership_of(user, group)
    return m is not None and m.status == MembershipStatus.ACTIVE


def is_organiser(user, group: Group) -> bool:
    m = membership_of(user, group)
    return m is not None and m.is_organiser


def is_admin(user, group: Group) -> bool:
    m = membership_of(user, group)
    return m is not None and m.is_active and m.role == Role.ADMIN


@rule("group.view", _("This group is visible to its members only."), allow_anonymous=True)
def _view(user, group: Group) -> bool:
    return group.visibility == Visibility.PUBLIC or is_member(user, group)


@rule(
    "group.view_members", _("Only members can see who belongs to this group."), allow_anonymous=True
)
def _view_members(user, group: Group) -> bool:
    return group.visibility == Visibility.PUBLIC or is_member(user, group)


@rule("group.join", _("You cannot join this group yourself; ask an organiser for an invitation."))
def _join(user, group: Group) -> bool:
    if group.join_policy == JoinPolicy.INVITE:
        return False
    if group.visibility != Visibility.PUBLIC:
        return False
    m = membership_of(user, group)
    return m is None or m.status in (MembershipStatus.LEFT, MembershipStatus.REFUSED)


@rule("group.leave", _("You are not a member of this group."))
def _leave(user, group: Group) -> bool:
    return is_member(user, group)


@rule("group.manage_members", _("Only the group's organisers can manage its members."))
def _manage_members(user, group: Group) -> bool:
    return is_organiser(user, group)


@rule("group.administer", _("Only the group's administrators can change its settings."))
def _administer(user, group: Group) -> bool:
    return is_admin(user, group)


@rule("group.create_subgroup", _("Only the group's organisers can create a group inside it."))
def _create_subgroup(user, group: Group) -> bool:
    return is_organiser(user, group)
