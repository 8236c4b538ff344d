"""API rate limits: per IP address for anonymous callers, per user for signed-in ones.

Rates come from ``settings.NINJA_DEFAULT_THROTTLE_RATES`` (``"anon"`` and ``"user"``) and are
read on each request, so ``override_settings`` and deployment changes apply without a restart.
Counters live in the default cache: Redis in production, shared by every worker.

ninja keeps one throttle object per operation and stores the request being checked on it;
here that state is per thread, so threaded workers do not mix up their callers.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle, UserRateThrottle


class _PerThread:
    """An attribute whose value belongs to the thread that set it."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return getattr(obj._per_thread, self.name)

    def __set__(self, obj, value) -> None:
        setattr(obj._per_thread, self.name, value)


class _SettingsRate:
    rate = _PerThread()
    key = _PerThread()
    history = _PerThread()
    now = _PerThread()
    num_requests = _PerThread()
    duration = _PerThread()

    def __init__(self) -> None:
        # Deliberately not calling super().__init__(): it would fix the rate at import time.
        self._per_thread = threading.local()

    def get_rate(self) -> str | None:
        return settings.NINJA_DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


def _signed_in(request: HttpRequest) -> bool:
    return bool(getattr(getattr(request, "auth", None), "is_authenticated", False))


class AnonThrottle(_SettingsRate, AnonRateThrottle):
    """Anonymous callers, counted per IP address (see ``NINJA_NUM_PROXIES`` behind a proxy)."""

    scope = "anon"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if _signed_in(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserThrottle(_SettingsRate, UserRateThrottle):
    """Signed-in callers, counted per user whatever the credential (token or session)."""

    scope = "user"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if not _signed_in(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


THROTTLES = [AnonThrottle(), UserThrottle()]
