"""The charter section of an actor's directory page (registered in CharterConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from coops.core.permissions import can

from . import selectors
from .models import CharterVersion


def actor_charter_section(actor: Any, request: HttpRequest) -> dict[str, Any] | None:
    """Which version the actor signed and when, whether it is the current one, and a
    link to sign for those who may. Nothing before a first version is published. The
    directory adds `actor` to this context."""
    current = CharterVersion.objects.current()
    if current is None:
        return None
    return {
        "charter_status": selectors.signature_of(actor, current=current),
        "charter_current": current,
        "charter_can_sign": can(request.user, "charter.sign", actor),
    }
