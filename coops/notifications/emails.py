"""Building notification emails: unsubscribe tokens, absolute links, rendered messages.

Every email carries a link to unsubscribe in its body and the RFC 2369 / RFC 8058
headers so mail clients can offer one-click unsubscription.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .kinds import get_kind
from .models import Notification

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# A digest lists at most this many notifications; the rest are one click away.
DIGEST_MAX_ITEMS = 50


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    """A signed token naming a user and a kind ("" = every notification email)."""
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """(user_id, kind) from a token, or None if it was tampered with or malformed."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(kind, str):
        return None
    return user_id, kind


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def _unsubscribe_url(*, user_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id=user_id, kind=kind)
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))


def _headers(unsubscribe_url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _open_url(notification: Notification) -> str:
    """Links go through `open`, which marks the notification read on the way."""
    return absolute_url(reverse("notifications:open", kwargs={"pk": notification.pk}))


def _kind_label(kind: str) -> str:
    try:
        return str(get_kind(kind).label)
    except ImproperlyConfigured:  # a kind no longer registered still gets an email
        return kind


def notification_message(notification: Notification) -> dict[str, Any]:
    """Keyword arguments for mail_after_commit(), in the recipient's language."""
    user = notification.recipient
    with translation.override(user.language):
        unsubscribe_url = _unsubscribe_url(user_id=user.pk, kind=notification.kind)
        context = {
            "notification": notification,
            "user": user,
            "site_name": settings.SITE_NAME,
            "open_url": _open_url(notification),
            "list_url": absolute_url(reverse("notifications:list")),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "unsubscribe_url": unsubscribe_url,
            "kind_label": _kind_label(notification.kind),
        }
        subject = f"[{settings.SITE_NAME}] {' '.join(notification.title.split())}"
        body = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
    return {
        "subject": subject,
        "body": body,
        "html": html,
        "to": [user.email],
        "headers": _headers(unsubscribe_url),
    }


def digest_message(*, user: Any, notifications: Sequence[Notification]) -> dict[str, Any]:
    """One email listing `notifications` (oldest first), in the user's language."""
    with translation.override(user.language):
        unsubscribe_url = _unsubscribe_url(user_id=user.pk, kind="")
        count = len(notifications)
        shown = list(notifications[:DIGEST_MAX_ITEMS])
        context = {
            "user": user,
            "site_name": settings.SITE_NAME,
            "items": [(n, _open_url(n)) for n in shown],
            "count": count,
            "more": count - len(shown),
            "list_url": absolute_url(reverse("notifications:list")),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = "[{site}] {summary}".format(
            site=settings.SITE_NAME,
            summary=ngettext(
                "Your daily digest: %(count)d notification",
                "Your daily digest: %(count)d notifications",
                count,
            )
            % {"count": count},
        )
        body = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    return {
        "subject": subject,
        "body": body,
        "html": html,
        "to": [user.email],
        "headers": _headers(unsubscribe_url),
    }


def unsubscribe_scope(kind: str) -> str:
    """What an unsubscribe link stops, in words (current language)."""
    if not kind:
        return _("all notification emails")
    return _("emails about “%(kind)s”") % {"kind": _kind_label(kind)}
