"""Named permission rules for governance, registered with core.permissions.

Every rule takes the group whose governance is concerned. Members take part (agenda
items, hands raised, proposals, votes, proxies); organisers run assemblies and
proposals; administrators set colleges. The decision register of a group is also
readable by the members of its subgroups (a parent's decisions bind its children).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coops.core.permissions import rule
from coops.groups.models import Group, Membership, MembershipStatus
from coops.groups.permissions import is_admin, is_member, is_organiser


@rule("governance.view", _("Only the group's members can see its assemblies and proposals."))
def _view(user, group: Group) -> bool:
    return is_member(user, group)


@rule(
    "governance.view_register",
    _("Only members of the group or of its subgroups can read its decisions."),
)
def _view_register(user, group: Group) -> bool:
    return is_member(user, group) or _member_below(user, group)


def _member_below(user, group: Group) -> bool:
    """True when the user is an active member of a group somewhere below `group`."""
    rows = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
    frontier = set(rows.values_list("group__parent_id", flat=True)) - {None}
    seen: set[int] = set()
    while frontier:  # climb the (short) parent chains of the user's groups
        if group.pk in frontier:
            return True
        seen |= frontier
        parents = Group.objects.filter(pk__in=frontier).values_list("parent_id", flat=True)
        frontier = set(parents) - seen - {None}
    return False


@rule("governance.participate", _("Only the group's active members can take part."))
def _participate(user, group: Group) -> bool:
    return is_member(user, group)


@rule("governance.organise", _("Only the group's organisers can run its assemblies and votes."))
def _organise(user, group: Group) -> bool:
    return is_organiser(user, group)


@rule("governance.administer", _("Only the group's administrators can change how it decides."))
def _administer(user, group: Group) -> bool:
    return is_admin(user, group)
