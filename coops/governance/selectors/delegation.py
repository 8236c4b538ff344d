"""Reads of the proxies and colleges pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef

from coops.groups.models import MembershipStatus

from ..models import (
    Assembly,
    Ballot,
    College,
    CollegeMember,
    GroupGovernance,
    Proposal,
    ProposalStatus,
    Proxy,
)


def proxies_of(*, group, user) -> dict[str, list[Proxy]]:
    """The proxies `user` gave in `group` (active first, then withdrawn, each flagged
    `used` when the holder has voted with it) and the active ones they hold: two queries."""
    rows = (
        Proxy.objects.filter(group=group)
        .select_related("giver", "holder", "proposal", "assembly")
        .annotate(used=Exists(Ballot.objects.filter(proxy=OuterRef("pk"))))
    )
    given = list(rows.filter(giver=user).order_by("withdrawn_at", "-created_at", "-pk"))
    held = list(rows.filter(holder=user, withdrawn_at__isnull=True).order_by("-created_at", "-pk"))
    return {"given": given, "held": held}


def proxy_scopes(*, group, user) -> dict[str, list[Any]]:
    """What `user` can give their vote for: the open proposals of `group` they may vote
    on, and its upcoming assemblies."""
    proposals = list(
        Proposal.objects.filter(
            group=group, status=ProposalStatus.OPEN, voters__user=user
        ).order_by("closes_at", "pk")
    )
    assemblies = list(Assembly.objects.filter(group=group).upcoming())
    return {"proposals": proposals, "assemblies": assemblies}


def active_members(group):
    """The group's active members, by name."""
    return (
        get_user_model()
        .objects.filter(memberships__group=group, memberships__status=MembershipStatus.ACTIVE)
        .order_by("display_name", "email", "pk")
    )


def colleges_page(*, group) -> dict[str, Any]:
    """The group's colleges (with how many members each has and the weights' sum) and
    its active members with their college: three queries."""
    colleges = list(
        College.objects.filter(group=group).annotate(size=Count("members")).order_by("position")
    )
    placed = dict(CollegeMember.objects.filter(group=group).values_list("user_id", "college_id"))
    members = [(user, placed.get(user.pk)) for user in active_members(group)]
    return {
        "colleges": colleges,
        "total": sum(c.weight for c in colleges),
        "members": members,
        "unplaced": sum(1 for _user, college in members if college is None),
    }


def proxy_limit(*, group) -> int:
    """How many proxies a member of `group` may hold (the default until it is changed)."""
    row = GroupGovernance.objects.filter(group=group).first()
    if row is None:
        return GroupGovernance._meta.get_field("max_proxies").default
    return row.max_proxies
