"""RGPD: what the directory's moderation holds about a person (registered as
"directory_moderation" in DirectoryConfig.ready()).

Export: the opinions they gave on pending entries and the reports they made. Erasure
keeps the opinions and reports (the decisions taken rely on them, and they then point at
the anonymised user row) but empties their free-text comments, which may name people.
"""

from __future__ import annotations

from typing import Any

from .models import ActorReport, ModerationVote


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(user: Any) -> dict[str, list[dict[str, Any]]]:
    votes = [
        {
            "actor": v.actor.name,
            "actor_slug": v.actor.slug,
            "opinion": v.choice,
            "comment": v.comment,
            "given_at": _iso(v.created_at),
            "changed_at": _iso(v.updated_at),
        }
        for v in ModerationVote.objects.filter(voter=user).select_related("actor").order_by("pk")
    ]
    reports = [
        {
            "actor": r.actor.name,
            "actor_slug": r.actor.slug,
            "reason": r.reason,
            "comment": r.comment,
            "status": r.status,
            "reported_at": _iso(r.created_at),
        }
        for r in ActorReport.objects.filter(reporter=user).select_related("actor").order_by("pk")
    ]
    return {"opinions": votes, "reports": reports}


def erase(user: Any) -> None:
    ModerationVote.objects.filter(voter=user).update(comment="")
    ActorReport.objects.filter(reporter=user).update(comment="", reporter_email="")
