"""Reads about users: their tokens and the RGPD export."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.utils import timezone

from coops.core.models import Event

from .models import ApiToken, User
from .personal_data import personal_data_sources

EXPORT_FORMAT = "coops-personal-data/1"
PROFILE_EXPORT_FIELDS = (
    "id",
    "email",
    "display_name",
    "language",
    "home_town",
    "home_postcode",
    "home_lat",
    "home_lon",
    "date_joined",
    "last_login",
    "is_active",
)


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """Every token of the user, newest first, including revoked and expired ones."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def email_addresses_of(*, user: User) -> QuerySet[EmailAddress]:
    """The user's allauth email addresses, primary first."""
    return EmailAddress.objects.filter(user=user).order_by("-primary", "email")


def active_api_token_count(*, user: User) -> int:
    return ApiToken.objects.usable().filter(user=user).count()


def is_last_superuser(*, user: User) -> bool:
    """True when `user` is a superuser and no other active superuser exists."""
    if not user.is_superuser:
        return False
    others = User.objects.active().filter(is_superuser=True).exclude(pk=user.pk)
    return not others.exists()


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything Coops holds about `user`, as JSON-serialisable data (datetimes aside).

    Never includes the password hash or token hashes. Apps above accounts add their
    part through `coops.accounts.personal_data.register_personal_data`; each appears
    under "sources" by its registered name.
    """
    emails = email_addresses_of(user=user)
    events = (
        Event.objects.filter(actor=user).select_related("target_type").order_by("created_at", "id")
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "profile": {field: getattr(user, field) for field in PROFILE_EXPORT_FIELDS},
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary} for e in emails
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.key_prefix,
                "created_at": t.created_at,
                "last_used_at": t.last_used_at,
                "expires_at": t.expires_at,
                "revoked_at": t.revoked_at,
            }
            for t in api_tokens_of(user=user)
        ],
        "audit_events": [
            {
                "when": e.created_at,
                "verb": e.verb,
                "target_type": (
                    f"{e.target_type.app_label}.{e.target_type.model}" if e.target_type else None
                ),
                "target_id": e.target_id,
                "data": e.data,
            }
            for e in events.iterator()
        ],
        "sources": {source.name: source.export(user) for source in personal_data_sources()},
    }
