"""How the API knows who is calling.

Two credentials are accepted, tried in this order:

1. ``Authorization: Bearer coops_…`` — a personal API token (see ``ApiToken``). A Bearer
   header that is malformed, unknown, revoked, expired, or belongs to an inactive or erased
   user is answered with 401 straight away: it never falls back to the session. Headers
   with another scheme (``Basic`` from a proxy, say) are not ours and are ignored.
2. The site's session cookie, for pages calling the API. Unsafe methods (POST, PUT, PATCH,
   DELETE) must carry the CSRF token (``X-CSRFToken`` header), or get 403. ninja 1.7 has no
   ``NinjaAPI(csrf=…)`` switch any more: the check lives in the cookie auth class, so the
   token order above matters — a token client never meets the CSRF check.

The NinjaAPI uses ``REQUIRED`` for every endpoint, so an endpoint is private unless it says
otherwise. Public reads opt in with ``auth=PUBLIC``: the same two credentials, then anonymous
access. There ``request.auth`` is the caller (a ``User`` or ``AnonymousUser``), so one endpoint
can show more to members, and a bad token is still a 401 rather than a silent downgrade.
Prefer ``PUBLIC`` to ``auth=None``: with ``None`` the token is ignored and ``request.auth``
is not set.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from coops.accounts.models import ApiToken, User

# last_used_at is a hint for the token list, not an audit log: one write a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _usable(user: User) -> bool:
    return user.is_active and not user.is_erased


class ApiTokenAuth(HttpBearer):
    """A personal API token in ``Authorization: Bearer coops_…``."""

    openapi_bearerFormat = "coops_<secret>"
    openapi_description = "A personal API token, created on your profile page."

    def __call__(self, request: HttpRequest) -> User | None:
        header = request.headers.get("Authorization", "")
        scheme, _sep, key = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        if not token.startswith(ApiToken.PREFIX) or " " in token:
            raise AuthenticationError(message=_("Malformed API token."))
        api_token = (
            ApiToken.objects.usable()
            .select_related("user")
            .filter(key_hash=ApiToken.hash_key(token))
            .first()
        )
        if api_token is None or not _usable(api_token.user):
            raise AuthenticationError(message=_("Invalid, expired or revoked API token."))
        _touch(api_token)
        request.user = api_token.user
        return api_token.user


def _touch(api_token: ApiToken) -> None:
    """Record use at most once a minute; the WHERE clause settles races between workers."""
    now = timezone.now()
    stale = now - LAST_USED_RESOLUTION
    if api_token.last_used_at is not None and api_token.last_used_at > stale:
        return
    ApiToken.objects.filter(pk=api_token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)
    ).update(last_used_at=now)


class SessionAuth(NinjaSessionAuth):
    """The site's session; unsafe methods must pass Django's CSRF check.

    Unlike ninja's class, the CSRF check only runs when the session holds a user: with no
    signed-in user the cookie proves nothing, and the caller gets a plain 401.
    """

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not _usable(user):
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise AuthorizationError(
                message=_("CSRF check failed: send the X-CSRFToken header with this request.")
            )
        return user


class Anonymous:
    """Last in ``PUBLIC``: lets anyone through, as ``AnonymousUser``."""

    def __call__(self, request: HttpRequest) -> AnonymousUser:
        return AnonymousUser()


api_token_auth = ApiTokenAuth()
session_auth = SessionAuth()
anonymous = Anonymous()

REQUIRED = [api_token_auth, session_auth]
PUBLIC = [api_token_auth, session_auth, anonymous]
