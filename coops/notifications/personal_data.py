"""RGPD: what this app holds about a user, for export and erasure."""

from typing import Any

from .models import Notification, NotificationPreference


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(user: Any) -> dict[str, list[dict[str, Any]]]:
    """Every notification the user received and every email preference they set."""
    notifications = [
        {
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "url": n.url,
            "group": n.group.slug if n.group else None,
            "created_at": _iso(n.created_at),
            "read_at": _iso(n.read_at),
            "emailed_at": _iso(n.emailed_at),
        }
        for n in Notification.objects.filter(recipient=user)
        .select_related("group")
        .order_by("created_at", "id")
    ]
    preferences = [
        {"kind": kind, "frequency": frequency}
        for kind, frequency in NotificationPreference.objects.filter(user=user)
        .order_by("kind")
        .values_list("kind", "frequency")
    ]
    return {"notifications": notifications, "preferences": preferences}


def erase(user: Any) -> None:
    """Delete the user's notifications and preferences (they describe only them)."""
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
