"""RGPD: what the charter holds about a person, for export.

Registered as "charter_signatures" in CharterConfig.ready(), with no erase function on
purpose: a signature is the actor's commitment, which others rely on. It stays, and
points at the erased (anonymised) user row, shown as a former member.
"""

from __future__ import annotations

from typing import Any

from .models import CharterVersion
from .selectors import signatures_by


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(user: Any) -> dict[str, list[dict[str, Any]]]:
    """The signatures the user made for actors, and the versions they published."""
    signatures = [
        {
            "actor": s.actor.name,
            "actor_slug": s.actor.slug,
            "version": s.version.number,
            "signed_at": _iso(s.signed_at),
        }
        for s in signatures_by(user=user)
    ]
    published = [
        {"version": v.number, "title": v.title, "published_at": _iso(v.published_at)}
        for v in CharterVersion.objects.filter(published_by=user).order_by("number")
    ]
    return {"signatures": signatures, "published_versions": published}
