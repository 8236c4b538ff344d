"""API: the caller's own notifications. Every endpoint needs credentials (the API default)."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema

from coops.api.schemas import Error

from . import selectors, services

router = Router(tags=["notifications"])

MAX_PAGE_SIZE = 100


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str = Field(description="A same-site path, or empty")
    group: str | None = Field(None, description="The group's slug, if any")
    created_at: datetime
    read_at: datetime | None
    unread: bool

    @staticmethod
    def resolve_group(obj) -> str | None:
        return obj.group.slug if obj.group_id else None

    @staticmethod
    def resolve_unread(obj) -> bool:
        return obj.read_at is None


class NotificationPage(Schema):
    count: int = Field(description="How many notifications match, on every page")
    page: int
    page_size: int
    items: list[NotificationOut]


class ListFilters(Schema):
    unread: bool = Field(False, description="Only notifications not read yet")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(30, ge=1, le=MAX_PAGE_SIZE)


class MarkedOut(Schema):
    marked: int = Field(description="How many notifications were unread and are now read")


@router.get(
    "/",
    response={200: NotificationPage, 401: Error},
    summary="Your notifications, newest first",
)
def notification_list(request, filters: Query[ListFilters]):
    qs = selectors.notification_list(user=request.auth, unread_only=filters.unread)
    offset = (filters.page - 1) * filters.page_size
    return {
        "count": qs.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "items": list(qs[offset : offset + filters.page_size]),
    }


@router.post(
    "/read-all/",
    response={200: MarkedOut, 401: Error},
    summary="Mark all your notifications as read",
)
def notification_read_all(request):
    return {"marked": services.notifications_mark_all_read(acting_user=request.auth)}


@router.post(
    "/{int:notification_id}/read/",
    response={200: NotificationOut, 401: Error, 404: Error},
    summary="Mark one of your notifications as read",
)
def notification_read(request, notification_id: int):
    notification = selectors.notification_get_for_user(
        user=request.auth, notification_id=notification_id
    )
    if notification is None:
        raise Http404
    services.notification_mark_read(notification=notification, acting_user=request.auth)
    return notification
