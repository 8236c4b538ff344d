"""The charter's part when moderators merge two directory entries (registered with the
directory's merge registry in CharterConfig.ready()).

The duplicate's signatures move to the entry kept. When both signed the same version,
the newest signature stays and the other is deleted (one signature per actor and
version). Signatures only change their actor: the published versions and their
commitments, frozen by triggers, are not touched.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import ngettext

from coops.directory.models import Actor

from .models import Signature


def _pairs(keep: Actor, duplicate: Actor) -> tuple[list[Signature], list[Signature]]:
    """(the duplicate's signatures, keep's signatures of the same versions)."""
    theirs = list(Signature.objects.filter(actor=duplicate).order_by("pk"))
    ours = list(Signature.objects.filter(actor=keep, version_id__in=[s.version_id for s in theirs]))
    return theirs, ours


def move_signatures(*, keep: Actor, duplicate: Actor, acting_user: Any = None) -> dict[str, Any]:
    """Give `keep` the duplicate's signatures, the newest one per version. Runs inside the
    merge's transaction, both actors locked. Returns what moved, for the audit."""
    theirs, ours = _pairs(keep, duplicate)
    ours_by_version = {s.version_id: s for s in ours}
    moved, dropped = [], []
    for signature in theirs:
        existing = ours_by_version.get(signature.version_id)
        if existing is not None and (existing.signed_at, existing.pk) >= (
            signature.signed_at,
            signature.pk,
        ):
            dropped.append(signature.pk)
            signature.delete()
            continue
        if existing is not None:
            dropped.append(existing.pk)
            existing.delete()
        Signature.objects.filter(pk=signature.pk).update(actor=keep)
        moved.append(signature.pk)
    return {"moved": moved, "dropped": dropped}


def describe_signatures(*, keep: Actor, duplicate: Actor) -> list[str]:
    """What the merge preview says about signatures: how many move, how many are kept
    on the entry kept because it signed the same version later."""
    theirs, ours = _pairs(keep, duplicate)
    ours_by_version = {s.version_id: s for s in ours}
    newer = [
        s
        for s in theirs
        if s.version_id not in ours_by_version
        or (s.signed_at, s.pk)
        > (ours_by_version[s.version_id].signed_at, ours_by_version[s.version_id].pk)
    ]
    lines = []
    if newer:
        lines.append(
            ngettext(
                "%(count)d charter signature moves to the entry kept",
                "%(count)d charter signatures move to the entry kept",
                len(newer),
            )
            % {"count": len(newer)}
        )
    older = len(theirs) - len(newer)
    if older:
        lines.append(
            ngettext(
                "%(count)d charter signature is dropped: the entry kept signed the same "
                "version later",
                "%(count)d charter signatures are dropped: the entry kept signed the same "
                "versions later",
                older,
            )
            % {"count": older}
        )
    return lines
