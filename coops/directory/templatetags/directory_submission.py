"""Template tags for the actor page: the links its owners and moderators get."""

from __future__ import annotations

from typing import Any

from django import template

from coops.core.permissions import can

from ..permissions import is_moderator, is_owner
from ..selectors.submission import pending_change_of

register = template.Library()


@register.inclusion_tag("directory/submission/_actor_tools.html", takes_context=True)
def actor_edit_tools(context: dict[str, Any], actor: Any) -> dict[str, Any]:
    """The "Edit this entry" link for those who may edit it; for its owners and moderators,
    a notice when a change to it is waiting for review."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"actor": actor, "can_edit": False, "pending_change": None}
    manages = is_moderator(user) or is_owner(user, actor)
    return {
        "actor": actor,
        "can_edit": can(user, "directory.edit", actor),
        "pending_change": pending_change_of(actor) if manages else None,
        "moderator": is_moderator(user),
    }
