"""Named permission rules for the directory, registered with core.permissions.

Moderators are the staff and the users given the `directory.moderate_actor`
permission (in the admin, directly or through an auth group). Trusted owners have
`directory.publish_without_review`: their edits to a published entry go live at once.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from coops.core.permissions import rule

from .models import ActorStatus


def is_moderator(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_staff) or user.has_perm("directory.moderate_actor")


def is_owner(user: Any, actor: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or actor.pk is None:
        return False
    return actor.owners.filter(pk=user.pk).exists()


def is_submitter_or_owner(user: Any, actor: Any) -> bool:
    return actor.submitted_by_id == getattr(user, "pk", None) or is_owner(user, actor)


@rule("directory.moderate", _("Only the directory's moderators can do this."))
def _moderate(user: Any, _obj: Any = None) -> bool:
    return is_moderator(user)


@rule("directory.submit", _("Sign in to add an entry to the directory."))
def _submit(user: Any, _obj: Any = None) -> bool:
    return True  # any signed-in, active user (their email is verified at sign-up)


@rule("directory.edit", _("Only the people who manage this entry and moderators can edit it."))
def _edit(user: Any, actor: Any) -> bool:
    if actor.status == ActorStatus.ARCHIVED and actor.merged_into_id:
        return False  # a merged duplicate lives on in the entry it was merged into
    return is_moderator(user) or is_owner(user, actor)


@rule(
    "directory.publish_without_review",
    _("Your changes to a published entry are reviewed by a moderator first."),
)
def _publish_without_review(user: Any, actor: Any) -> bool:
    if is_moderator(user):
        return True
    return is_owner(user, actor) and user.has_perm("directory.publish_without_review")


@rule(
    "directory.vote",
    _("Members vote on entries waiting for moderation, except on their own submissions."),
)
def _vote(user: Any, actor: Any) -> bool:
    return actor.status == ActorStatus.PENDING and not is_submitter_or_owner(user, actor)


@rule("directory.report", _("Only published entries can be reported."), allow_anonymous=True)
def _report(user: Any, actor: Any) -> bool:
    return actor.status == ActorStatus.PUBLISHED


@rule(
    "directory.confirm_fresh",
    _("Only the people who manage this published entry can confirm it is still accurate."),
)
def _confirm_fresh(user: Any, actor: Any) -> bool:
    return actor.status == ActorStatus.PUBLISHED and is_owner(user, actor)


@rule("directory.import", _("Only the directory's moderators can import data."))
def _import(user: Any, _obj: Any = None) -> bool:
    return is_moderator(user)


@rule(
    "directory.see_change",
    _("Only the entry's managers, the person who proposed the change and moderators see it."),
)
def _see_change(user: Any, change: Any) -> bool:
    return is_moderator(user) or change.proposed_by_id == user.pk or is_owner(user, change.actor)


@rule("directory.withdraw_change", _("Only the person who proposed this change can withdraw it."))
def _withdraw_change(user: Any, change: Any) -> bool:
    return change.proposed_by_id == user.pk
