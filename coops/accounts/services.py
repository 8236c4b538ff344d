"""Writes about users: profile, language, API tokens and RGPD erasure."""

from __future__ import annotations

import re
from datetime import datetime
from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coops.core.audit import event_record
from coops.core.geocoding import geocode

from .models import ApiToken, User
from .personal_data import personal_data_sources
from .selectors import is_last_superuser

MAX_ACTIVE_API_TOKENS = 20
# "coops_" and eight characters of the secret: enough to tell tokens apart, useless to guess.
API_TOKEN_PREFIX_LENGTH = len(ApiToken.PREFIX) + 8
_POSTCODE_RE = re.compile(r"^\d{5}$")
_HOME_FIELDS = ("home_town", "home_postcode", "home_lat", "home_lon")


def _lock_user(user: User) -> User:
    """Lock the user's row for the rest of the transaction and return a fresh copy."""
    return User.objects.select_for_update().get(pk=user.pk)


def _require_self_or_superuser(acting_user: Any, user: User) -> None:
    if getattr(acting_user, "pk", None) == user.pk:
        return
    if getattr(acting_user, "is_superuser", False) and acting_user.is_active:
        return
    raise PermissionDenied(_("You can only change your own account."))


def _copy_fields(source: User, target: User, fields: list[str]) -> None:
    for field in fields:
        setattr(target, field, getattr(source, field))


def home_fields_for(query: str) -> dict[str, Any]:
    """The home_* field values for what the person typed.

    A town we can place gets its official name, postcode and coordinates; anything
    else is kept as typed, with empty coordinates ("to geolocate"), never 0,0.
    """
    query = " ".join(query.split())
    if not query:
        return {"home_town": "", "home_postcode": "", "home_lat": None, "home_lon": None}
    result = geocode(query)
    if result is not None:
        return {
            "home_town": result.city[:120],
            "home_postcode": result.postcode[:10],
            "home_lat": result.lat,
            "home_lon": result.lon,
        }
    if _POSTCODE_RE.match(query):
        return {"home_town": "", "home_postcode": query, "home_lat": None, "home_lon": None}
    return {"home_town": query[:120], "home_postcode": "", "home_lat": None, "home_lon": None}


def user_profile_update(
    *,
    user: User,
    acting_user: Any,
    display_name: str,
    language: str,
    home_query: str | None = None,
) -> User:
    """Save the profile fields. `home_query=None` leaves the home town untouched.

    Geocoding happens before the transaction opens so a slow geocoder never holds
    the row lock. The audit event lists which fields changed, not their values, so
    the log keeps no personal data once the account is erased.
    """
    _require_self_or_superuser(acting_user, user)
    new_values: dict[str, Any] = {"display_name": display_name.strip(), "language": language}
    if home_query is not None:
        new_values.update(home_fields_for(home_query))
    with transaction.atomic():
        locked = _lock_user(user)
        changed = [name for name, value in new_values.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, new_values[name])
        locked.full_clean(exclude=["password"])
        locked.save(update_fields=changed)
        event_record(actor=acting_user, verb="user.profile_updated", target=locked, fields=changed)
    _copy_fields(locked, user, changed)
    return user


def user_language_set(*, user: User, language: str, acting_user: Any) -> User:
    """Set the language the site and emails use for this person."""
    _require_self_or_superuser(acting_user, user)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(
            _("%(language)s is not an available language."),
            code="invalid_language",
            params={"language": language},
        )
    with transaction.atomic():
        locked = _lock_user(user)
        if locked.language == language:
            return user
        before = locked.language
        locked.language = language
        locked.save(update_fields=["language"])
        event_record(
            actor=acting_user,
            verb="user.language_set",
            target=locked,
            before=before,
            after=language,
        )
    user.language = language
    return user


def api_token_create(
    *, user: User, name: str, expires_at: datetime | None = None, acting_user: Any
) -> tuple[ApiToken, str]:
    """Create a personal API token and return it with its secret.

    The secret is returned once and never stored: only its SHA-256 is kept. A person
    holds at most MAX_ACTIVE_API_TOKENS usable (neither revoked nor expired) tokens.
    """
    _require_self_or_superuser(acting_user, user)
    name = name.strip()
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("The expiry date must be in the future."), code="expired")
    with transaction.atomic():
        _lock_user(user)
        if ApiToken.objects.usable().filter(user=user).count() >= MAX_ACTIVE_API_TOKENS:
            raise ValidationError(
                _(
                    "You already have %(limit)d active tokens. "
                    "Revoke one you no longer use before creating another."
                ),
                code="too_many_tokens",
                params={"limit": MAX_ACTIVE_API_TOKENS},
            )
        secret = ApiToken.generate_key()
        token = ApiToken(
            user=user,
            name=name,
            key_prefix=secret[:API_TOKEN_PREFIX_LENGTH],
            key_hash=ApiToken.hash_key(secret),
            expires_at=expires_at,
        )
        token.full_clean()
        token.save()
        event_record(
            actor=acting_user,
            verb="api_token.created",
            target=token,
            name=token.name,
            prefix=token.key_prefix,
            expires_at=expires_at,
        )
    return token, secret


def api_token_revoke(*, token: ApiToken, acting_user: Any) -> ApiToken:
    """Revoke a token at once. Revoking an already revoked token changes nothing."""
    _require_self_or_superuser(acting_user, token.user)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            token.revoked_at = locked.revoked_at
            return token
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        event_record(
            actor=acting_user, verb="api_token.revoked", target=locked, prefix=locked.key_prefix
        )
    token.revoked_at = locked.revoked_at
    return token


def _session_store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _delete_sessions_of(user: User) -> int:
    """Delete the user's stored sessions, on every device.

    Database-backed engines are searched row by row (erasure is rare, so a scan is
    acceptable). With cookie or cache-only engines nothing can be listed, but those
    sessions die anyway: the session auth hash derives from the password, which
    erasure replaces, and the account becomes inactive.
    """
    store_class = _session_store_class()
    get_model_class = getattr(store_class, "get_model_class", None)
    if get_model_class is None:
        return 0
    user_id = str(user.pk)
    keys = [
        session.session_key
        for session in get_model_class().objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]
    for key in keys:
        store_class(session_key=key).delete()
    return len(keys)


def user_erase(*, user: User, acting_user: Any) -> User:
    """Erase a person's personal data, keeping the user row (RGPD right to erasure).

    In one transaction: every registered personal-data source erases its rows; email
    addresses, sessions, API tokens and social accounts are deleted; the profile is
    wiped, the password made unusable and the account deactivated. The row stays so
    records others rely on (ledger entries, votes, audit) keep pointing at it; it
    shows as "Former member". The last active superuser cannot be erased.
    """
    _require_self_or_superuser(acting_user, user)
    with transaction.atomic():
        locked = _lock_user(user)
        if locked.is_erased:
            raise ValidationError(_("This account has already been erased."), code="erased")
        if is_last_superuser(user=locked):
            raise ValidationError(
                _(
                    "You are the last administrator of this site. Make someone else an "
                    "administrator before erasing your account."
                ),
                code="last_superuser",
            )
        sources = personal_data_sources()
        for source in sources:
            if source.erase is not None:
                source.erase(locked)
        EmailAddress.objects.filter(user=locked).delete()
        if apps.is_installed("allauth.socialaccount"):
            from allauth.socialaccount.models import SocialAccount

            SocialAccount.objects.filter(user=locked).delete()
        tokens = ApiToken.objects.filter(user=locked).delete()[0]
        sessions = _delete_sessions_of(locked)

        locked.email = f"erased-{locked.pk}@invalid.example"
        locked.display_name = ""
        locked.home_town = ""
        locked.home_postcode = ""
        locked.home_lat = None
        locked.home_lon = None
        locked.is_active = False
        locked.is_staff = False
        locked.is_superuser = False
        locked.erased_at = timezone.now()
        locked.set_unusable_password()
        locked.save()
        locked.groups.clear()
        locked.user_permissions.clear()
        event_record(
            actor=acting_user,
            verb="user.erased",
            target=locked,
            sources=[source.name for source in sources],
            api_tokens=tokens,
            sessions=sessions,
        )
    return locked
