"""Reads for group pages, shaped for the templates.

Each page costs a fixed number of queries whatever the number of members or groups:
lists are paginated and related rows come with select_related.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.urls import NoReverseMatch, reverse

from .models import (
    Group,
    GroupKind,
    GroupModule,
    Invitation,
    Membership,
    MembershipStatus,
    Role,
    Visibility,
)
from .modules import Module, get_module
from .permissions import membership_of

GROUPS_PER_PAGE = 30
MEMBERS_PER_PAGE = 50


def groups_with_counts(qs: QuerySet[Group]) -> QuerySet[Group]:
    """`qs` with `member_count`: the number of active members of each group."""
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


def visible_groups(*, user, kind: str = "", q: str = "") -> QuerySet[Group]:
    """Groups the user may see, filtered by kind and by a name search, with counts."""
    qs = Group.objects.visible_to(user)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(city__icontains=q))
    return groups_with_counts(qs).order_by("name", "pk")


def _member_group_ids(user) -> set[int]:
    """Ids of the groups where the user is an active member."""
    if user is None or not user.is_authenticated:
        return set()
    return set(Membership.objects.active().filter(user=user).values_list("group_id", flat=True))


def attach_paths(groups: Iterable[Group], *, user) -> None:
    """Set `group.path`: its ancestors the user may see, root first.

    One query per level of the tree, however many groups are listed.
    """
    groups = list(groups)
    known: dict[int, Group] = {g.pk: g for g in groups}
    todo = {g.parent_id for g in groups if g.parent_id and g.parent_id not in known}
    while todo:
        rows = list(Group.objects.filter(pk__in=todo).only("name", "slug", "parent", "visibility"))
        known.update({row.pk: row for row in rows})
        todo = {r.parent_id for r in rows if r.parent_id and r.parent_id not in known}
    see_all = bool(user is not None and user.is_authenticated and user.is_superuser)
    member_of = _member_group_ids(user) if not see_all else set()
    for group in groups:
        chain, seen, pid = [], {group.pk}, group.parent_id
        while pid and pid not in seen and pid in known:
            node = known[pid]
            if see_all or node.visibility == Visibility.PUBLIC or node.pk in member_of:
                chain.append(node)
            seen.add(pid)
            pid = node.parent_id
        group.path = list(reversed(chain))


def group_list_page(*, user, kind: str = "", q: str = "", page: str | int | None = 1) -> Page:
    """A page of visible groups, each with its member count and visible parent path."""
    paginator = Paginator(visible_groups(user=user, kind=kind, q=q), GROUPS_PER_PAGE)
    page_obj = paginator.get_page(page)
    attach_paths(page_obj.object_list, user=user)
    return page_obj


def active_users(group: Group) -> QuerySet:
    """The users who are active members of `group`, by name (for choosing a member:
    whom to record a payment for, whom to pay)."""
    active = Membership.objects.active().filter(group=group).values("user_id")
    return get_user_model().objects.filter(pk__in=active).order_by("display_name", "pk")


def members_ordered(group: Group) -> QuerySet[Membership]:
    """Active members, administrators then organisers then members, oldest first."""
    rank = Case(
        When(role=Role.ADMIN, then=Value(0)),
        When(role=Role.ORGANISER, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Membership.objects.active()
        .filter(group=group)
        .select_related("user")
        .annotate(rank=rank)
        .order_by("rank", "joined_at", "pk")
    )


def members_page(group: Group, page: str | int | None = 1) -> Page:
    """One page of `members_ordered`: two queries (count and rows) at any size."""
    return Paginator(members_ordered(group), MEMBERS_PER_PAGE).get_page(page)


@dataclass(frozen=True)
class EnabledModule:
    module: Module
    url: str | None


def module_index_url(group: Group, module: Module) -> str | None:
    """The module's index URL in this group, if it has pages and names one "index"."""
    if not module.urls:
        return None
    try:
        return reverse(f"groups:{module.name}:index", kwargs={"slug": group.slug})
    except NoReverseMatch:
        return None


def enabled_modules(group: Group) -> list[EnabledModule]:
    """The registered modules the group has turned on, in registry order."""
    result = []
    for name in (
        GroupModule.objects.filter(group=group).order_by("module").values_list("module", flat=True)
    ):
        try:
            module = get_module(name)
        except LookupError:
            continue  # the app declaring it is no longer installed
        result.append(EnabledModule(module, module_index_url(group, module)))
    return result


def group_page(*, group: Group, user, page: str | int | None = 1) -> dict:
    """Everything the group page shows, in a fixed number of queries."""
    attach_paths([group], user=user)
    children = visible_groups(user=user).filter(parent=group)
    return {
        "group": group,
        "ancestors": group.path,
        "children": list(children),
        "modules": enabled_modules(group),
        "members": members_page(group, page),
        "membership": membership_of(user, group),
    }


def pending_requests(group: Group) -> QuerySet[Membership]:
    """Requests waiting for an organiser, oldest first, with their authors."""
    return (
        Membership.objects.pending()
        .filter(group=group)
        .select_related("user")
        .order_by("updated_at", "pk")
    )


def pending_invitations(group: Group) -> QuerySet[Invitation]:
    """Invitations neither used, withdrawn nor expired, newest first."""
    return Invitation.objects.pending().filter(group=group).select_related("invited_by")


def manage_page(*, group: Group, page: str | int | None = 1) -> dict:
    """The organisers' page: requests, members and invitations."""
    return {
        "group": group,
        "requests": list(pending_requests(group)),
        "members": members_page(group, page),
        "invitations": list(pending_invitations(group)),
    }
