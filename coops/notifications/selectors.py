"""Reads: a user's notifications and the frequency each of their emails goes out at."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from .kinds import all_kinds, get_kind
from .models import Frequency, Notification, NotificationPreference


def notification_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first, with their group at hand."""
    qs = Notification.objects.for_user(user).select_related("group")
    if unread_only:
        qs = qs.unread()
    return qs.order_by("-created_at", "-id")


def notification_unread_count(*, user: Any) -> int:
    return Notification.objects.for_user(user).unread().count()


def notification_get_for_user(*, user: Any, notification_id: int) -> Notification | None:
    """The notification if `user` is its recipient, else None (never someone else's)."""
    return Notification.objects.for_user(user).filter(pk=notification_id).first()


def frequencies_for(*, user_ids: Iterable[int], kind: str) -> dict[int, Frequency]:
    """Effective email frequency of `kind` for each user, in one query.

    A per-kind preference wins, then the user's default (kind=""), then the kind's
    registered default.
    """
    ids = list(user_ids)
    kind_default = get_kind(kind).default
    per_user: dict[int, dict[str, str]] = {}
    for user_id, pref_kind, frequency in NotificationPreference.objects.filter(
        user_id__in=ids, kind__in=[kind, ""]
    ).values_list("user_id", "kind", "frequency"):
        per_user.setdefault(user_id, {})[pref_kind] = frequency
    result: dict[int, Frequency] = {}
    for user_id in ids:
        prefs = per_user.get(user_id, {})
        result[user_id] = Frequency(prefs.get(kind) or prefs.get("") or kind_default)
    return result


def frequency_resolver(*, user: Any):
    """A function kind -> effective frequency for one user, reading their rows once."""
    prefs = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))

    def resolve(kind: str) -> Frequency:
        if kind in prefs:
            return Frequency(prefs[kind])
        if "" in prefs:
            return Frequency(prefs[""])
        try:
            return get_kind(kind).default
        except ImproperlyConfigured:  # a kind no longer registered
            return Frequency.IMMEDIATE

    return resolve


def preference_initial(*, user: Any) -> dict[str, str]:
    """Initial values for the preferences form: "default" and one entry per kind.

    A kind without its own row shows "" (follow my default), unless the user has no
    default row yet and the kind's own default differs: then the form shows that value,
    so saving the form untouched changes nothing.
    """
    prefs = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))
    default = prefs.get("", Frequency.IMMEDIATE)
    initial = {"default": str(default)}
    for kind in all_kinds():
        if kind.name in prefs:
            initial[kind.name] = prefs[kind.name]
        elif "" not in prefs and kind.default != default:
            initial[kind.name] = str(kind.default)
        else:
            initial[kind.name] = ""
    return initial
