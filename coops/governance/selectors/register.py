"""The decision register: what a group and the groups above it have decided.

A parent's decisions bind its children (subsidiarity works upwards), so a group's
register lists its own adopted proposals and those of every ancestor, each labelled
with its group.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q

from coops.groups.models import Group

from ..models import Proposal
from .proposals import motion_summary

PAGE_SIZE = 20
MAX_DEPTH = 20  # a safety net: parent chains are short and never loop (Group.clean)


def register_groups(group) -> list[int]:
    """The ids of `group` and its ancestors, nearest first (one query per level)."""
    ids = [group.pk]
    parent = group.parent_id
    while parent is not None and parent not in ids and len(ids) < MAX_DEPTH:
        ids.append(parent)
        parent = Group.objects.filter(pk=parent).values_list("parent_id", flat=True).first()
    return ids


def register_years(*, group_ids: list[int]) -> list[int]:
    """The years (in the current time zone) in which these groups adopted something."""
    dates = (
        Proposal.objects.adopted()
        .filter(group_id__in=group_ids)
        .dates("decided_at", "year", order="DESC")
    )
    return [d.year for d in dates]


def register_page(
    *,
    group_ids: list[int],
    q: str = "",
    method: str = "",
    year: int | None = None,
    page: Any = None,
) -> Page:
    """One page of the adopted proposals of these groups, latest decision first, with
    their group: two queries (count and page) whatever the number of decisions. `q`
    matches the title or the text."""
    rows = (
        Proposal.objects.adopted()
        .filter(group_id__in=group_ids)
        .select_related("group")
        .only(
            "pk", "title", "method", "decided_at", "review_on", "outcome_summary", "outcome",
            "settings", "motion_type", "motion_data", "group", "group__name", "group__slug",
            "status",
        )
    )  # fmt: skip
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(body__icontains=q))
    if method:
        rows = rows.filter(method=method)
    if year:
        rows = rows.filter(decided_at__year=year)
    result = Paginator(rows.order_by("-decided_at", "-pk"), PAGE_SIZE).get_page(page)
    result.object_list = list(result.object_list)
    for proposal in result.object_list:
        proposal.motion_text = motion_summary(proposal)
    return result
