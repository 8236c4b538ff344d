"""Reads for group pages, shaped for the templates."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Group, GroupKind, Membership, MembershipStatus


def groups_with_counts(qs: QuerySet[Group]) -> QuerySet[Group]:
    return qs.annotate(
        member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
    )


def home_groups(*, user) -> dict:
    """The networks shown on the home page, and the visitor's own groups."""
    visible = Group.objects.visible_to(user)
    networks = groups_with_counts(visible.filter(kind=GroupKind.NETWORK)).order_by("name")[:12]
    my_groups: list[Group] = []
    if user.is_authenticated:
        ids = Membership.objects.active().filter(user=user).values("group_id")
        my_groups = list(groups_with_counts(Group.objects.filter(pk__in=ids)).order_by("name")[:12])
    return {"networks": list(networks), "my_groups": my_groups}
