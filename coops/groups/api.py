"""API: browse groups, see their members, join one.

Reads are public (``auth=PUBLIC``): anonymous callers see public groups, members also see
their members-only groups. A group the caller may not see answers 404, like the site.
"""

# No `from __future__ import annotations` here: ninja's @paginate must see real annotations.

import re
from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import field_validator

from coops.api.auth import PUBLIC
from coops.api.schemas import Error, ValidationErrorOut
from coops.core.permissions import can, require

from . import selectors, services
from .models import Group, GroupKind, JoinPolicy, MembershipStatus, Role, Visibility

router = Router(tags=["groups"])

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def _no_nul(value: str) -> str:
    return value.replace("\x00", "")


class GroupPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=100)


class ModuleOut(Schema):
    name: str
    label: str
    description: str


class GroupOut(Schema):
    slug: str
    name: str
    kind: GroupKind
    parent: str | None = Field(description="The parent group's slug, if the caller may see it")
    city: str
    description: str
    visibility: Visibility
    join_policy: JoinPolicy
    member_count: int

    @staticmethod
    def resolve_parent(obj: Group, context) -> str | None:
        parent = obj.parent if obj.parent_id else None
        if parent is None:
            return None
        if parent.visibility == Visibility.PUBLIC or can(
            context["request"].auth, "group.view", parent
        ):
            return parent.slug
        return None


class GroupDetailOut(GroupOut):
    time_zone: str
    modules: list[ModuleOut]

    @staticmethod
    def resolve_modules(obj: Group) -> list[dict]:
        return [
            {
                "name": m.module.name,
                "label": str(m.module.label),
                "description": str(m.module.description),
            }
            for m in selectors.enabled_modules(obj)
        ]


class MemberOut(Schema):
    name: str
    role: Role
    joined_at: datetime | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.user.public_name


class MembershipOut(Schema):
    group: str
    role: Role
    status: MembershipStatus
    joined_at: datetime | None

    @staticmethod
    def resolve_group(obj) -> str:
        return obj.group.slug


class GroupFilters(Schema):
    kind: GroupKind | None = Field(None, description="Only groups of this kind")
    q: str = Field("", max_length=100, description="Words in the name or city")

    _clean_q = field_validator("q")(_no_nul)


class JoinIn(Schema):
    message: str = Field(
        "", max_length=1000, description="For groups on request: a word to the organisers"
    )

    _clean_message = field_validator("message")(_no_nul)


def _visible_group(request, slug: str) -> Group:
    group = Group.objects.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if group is None or not can(request.auth, "group.view", group):
        raise Http404
    return group


@router.get(
    "/",
    auth=PUBLIC,
    response={200: list[GroupOut], 401: Error, 422: ValidationErrorOut},
    summary="Groups you can see",
)
@paginate(GroupPagination, page_size=30)
def group_list(request, filters: Query[GroupFilters]):
    qs = selectors.visible_groups(user=request.auth, kind=filters.kind or "", q=filters.q.strip())
    return qs.select_related("parent")


@router.get(
    "/{slug}/",
    auth=PUBLIC,
    response={200: GroupDetailOut, 401: Error, 404: Error},
    summary="One group, with its enabled modules and member count",
)
def group_detail(request, slug: str):
    group = _visible_group(request, slug)
    return (
        selectors.groups_with_counts(Group.objects.filter(pk=group.pk))
        .select_related("parent")
        .get()
    )


@router.get(
    "/{slug}/members/",
    auth=PUBLIC,
    response={200: list[MemberOut], 401: Error, 403: Error, 404: Error, 422: ValidationErrorOut},
    summary="A group's members, administrators and organisers first",
)
@paginate(GroupPagination, page_size=50)
def group_members(request, slug: str):
    group = _visible_group(request, slug)
    require(request.auth, "group.view_members", group)
    return selectors.members_ordered(group)


@router.post(
    "/{slug}/join/",
    response={
        200: MembershipOut,
        401: Error,
        403: Error,
        404: Error,
        409: Error,
        422: ValidationErrorOut,
    },
    summary="Join a group (open), or ask to join it (on request)",
)
def group_join(request, slug: str, payload: JoinIn):
    group = _visible_group(request, slug)
    try:
        return services.membership_join(
            group=group, acting_user=request.auth, message=payload.message
        )
    except ValidationError as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
