"""`{% moderation_links %}` on the directory's list: "Entries to check (N)" for signed-in
members, and "Moderation" for the moderators. Nothing (and no query) for visitors."""

from django import template

from ..permissions import is_moderator
from ..selectors.moderation import entries_to_review_for

register = template.Library()


@register.inclusion_tag("directory/moderation/_list_links.html", takes_context=True)
def moderation_links(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {
        "show": True,
        "to_review": entries_to_review_for(user).count(),
        "moderator": is_moderator(user),
    }
