"""Notifications for the events the groups app emits (see coops.core.hooks).

Connected in NotificationsConfig.ready(). Each listener runs inside the groups
service's transaction; `notify()` defers emails until it commits. Titles are
functions of the recipient so each person reads them in their own language.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coops.groups.models import Membership, Role, Visibility

from .kinds import register_kind
from .services import notify

GROUP_KINDS = {
    "group.join_requested": (
        gettext_lazy("Requests to join a group"),
        gettext_lazy("Someone asks to join a group you organise."),
    ),
    "group.member_joined": (
        gettext_lazy("New members"),
        gettext_lazy("Someone joins a group you organise."),
    ),
    "group.request_decided": (
        gettext_lazy("Answers to your requests"),
        gettext_lazy("The organisers accept or decline your request to join a group."),
    ),
    "group.role_changed": (
        gettext_lazy("Your role in a group"),
        gettext_lazy("Your role in a group changes."),
    ),
    "group.member_removed": (
        gettext_lazy("Removal from a group"),
        gettext_lazy("The organisers remove you from a group."),
    ),
}


def register_group_kinds() -> None:
    for name, (label, description) in GROUP_KINDS.items():
        register_kind(name, label, description)


def _organisers(membership: Membership) -> list[Any]:
    """The group's organisers and admins, never the person the event is about."""
    return [
        m.user
        for m in Membership.objects.organisers()
        .filter(group_id=membership.group_id)
        .exclude(user_id=membership.user_id)
        .select_related("user")
    ]


def _members_url(group) -> str:
    return reverse("groups:members", kwargs={"slug": group.slug})


def _group_url(group) -> str:
    return reverse("groups:detail", kwargs={"slug": group.slug})


def on_join_requested(*, membership: Membership, acting_user: Any = None, **_payload) -> None:
    group, requester = membership.group, membership.user
    notify(
        recipients=_organisers(membership),
        kind="group.join_requested",
        title=lambda user: (
            _("%(name)s asks to join %(group)s")
            % {"name": requester.public_name, "group": group.name}
        ),
        body=membership.request_message,
        url=_members_url(group),
        group=group,
        actor=acting_user,
    )


def on_member_joined(*, membership: Membership, acting_user: Any = None, **_payload) -> None:
    group, member = membership.group, membership.user
    notify(
        recipients=_organisers(membership),
        kind="group.member_joined",
        title=lambda user: (
            _("%(name)s joined %(group)s") % {"name": member.public_name, "group": group.name}
        ),
        url=_members_url(group),
        group=group,
        actor=acting_user,
    )


def on_request_decided(
    *,
    membership: Membership,
    accepted: bool,
    reason: str = "",
    acting_user: Any = None,
    **_payload,
) -> None:
    group = membership.group

    def title(user: Any) -> str:
        if accepted:
            return _("Your request to join %(group)s was accepted") % {"group": group.name}
        return _("Your request to join %(group)s was declined") % {"group": group.name}

    # A declined person may not see a members-only group: link it only if they can.
    url = _group_url(group) if accepted or group.visibility == Visibility.PUBLIC else ""
    notify(
        recipients=[membership.user],
        kind="group.request_decided",
        title=title,
        body=reason or "",
        url=url,
        group=group,
        actor=acting_user,
    )


def on_role_changed(
    *, membership: Membership, old_role: str = "", acting_user: Any = None, **_payload
) -> None:
    group = membership.group
    notify(
        recipients=[membership.user],
        kind="group.role_changed",
        title=lambda user: (
            _("Your role in %(group)s is now: %(role)s")
            % {"group": group.name, "role": Role(membership.role).label}
        ),
        body=lambda user: (
            _("Your previous role was: %(role)s.") % {"role": Role(old_role).label}
            if old_role in Role.values
            else ""
        ),
        url=_group_url(group),
        group=group,
        actor=acting_user,
    )


def on_member_removed(*, membership: Membership, acting_user: Any = None, **_payload) -> None:
    group = membership.group
    notify(
        recipients=[membership.user],
        kind="group.member_removed",
        title=lambda user: _("You were removed from %(group)s") % {"group": group.name},
        url=_group_url(group) if group.visibility == Visibility.PUBLIC else "",
        group=group,
        actor=acting_user,
    )


LISTENERS = {
    "group.join_requested": on_join_requested,
    "group.member_joined": on_member_joined,
    "group.request_decided": on_request_decided,
    "group.role_changed": on_role_changed,
    "group.member_removed": on_member_removed,
}
