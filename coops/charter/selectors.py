"""Reads for the charter pages: versions, commitments by category, diffs, signatures."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch

from coops.directory.models import Actor

from .models import Category, CharterVersion, Commitment, Signature

# --- Versions ----------------------------------------------------------------------------


def _with_commitments(queryset):
    return queryset.prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.order_by("position", "id"))
    )


def current_version() -> CharterVersion | None:
    """The current version with its commitments prefetched, or None before the first one."""
    version = _with_commitments(CharterVersion.objects.published().order_by("-number")).first()
    if version is not None:
        version.is_current = True
    return version


def published_version(*, number: int) -> CharterVersion | None:
    """Published version `number` with its commitments, or None (drafts are not public)."""
    return _with_commitments(CharterVersion.objects.published().filter(number=number)).first()


def previous_version(*, version: CharterVersion) -> CharterVersion | None:
    """The published version just before `version`, with its commitments."""
    return _with_commitments(
        CharterVersion.objects.published().filter(number__lt=version.number).order_by("-number")
    ).first()


def version_history() -> list[CharterVersion]:
    """Published versions, newest first, each with `commitment_count`, `signature_count`
    and `is_current` set (no query per row)."""
    versions = list(
        CharterVersion.objects.published()
        .select_related("published_by")
        .annotate(
            commitment_count=Count("commitments", distinct=True),
            signature_count=Count("signatures", distinct=True),
        )
        .order_by("-number")
    )
    for i, version in enumerate(versions):
        version.is_current = i == 0
    return versions


def draft_versions() -> list[CharterVersion]:
    """Unpublished versions, newest first, with their commitments."""
    return list(_with_commitments(CharterVersion.objects.drafts().order_by("-created_at", "-pk")))


@dataclass(frozen=True)
class CategoryGroup:
    category: str
    label: str
    commitments: list[Commitment]


def commitments_by_category(version: CharterVersion) -> list[CategoryGroup]:
    """The version's commitments grouped by category, categories in their fixed order
    and empty ones left out."""
    commitments = list(version.commitments.all())
    groups = []
    for value, label in Category.choices:
        items = [c for c in commitments if c.category == value]
        if items:
            groups.append(CategoryGroup(category=value, label=str(label), commitments=items))
    return groups


# --- Diffs -------------------------------------------------------------------------------

_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class Segment:
    """A run of text that is the same in both versions, or only in the old ("delete")
    or only in the new ("insert")."""

    op: str
    text: str


# An unchanged stretch this short between two changes (a space, a comma, "et", "la")
# reads better folded into one change than as confetti of struck and underlined words.
_SHORT_EQUAL = 3


def text_diff(old: str, new: str) -> list[Segment]:
    """Word-level diff of two texts as segments in reading order (difflib); words,
    runs of spaces and punctuation marks are the units compared. Changes separated
    only by a short unchanged stretch are shown as one removal then one addition."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    # Runs: ["equal", text] or ["change", old text, new text].
    runs: list[list[str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(["equal", "".join(a[i1:i2])])
        else:
            runs.append(["change", "".join(a[i1:i2]), "".join(b[j1:j2])])
    runs = _fold_short_equals(runs)
    segments: list[Segment] = []
    for run in runs:
        if run[0] == "equal":
            segments.append(Segment("equal", run[1]))
            continue
        if run[1]:
            segments.append(Segment("delete", run[1]))
        if run[2]:
            segments.append(Segment("insert", run[2]))
    return segments


def _fold_short_equals(runs: list[list[str]]) -> list[list[str]]:
    """Merge change, short equal, change into one change, from left to right."""
    folded: list[list[str]] = []
    for i, run in enumerate(runs):
        between_changes = (
            run[0] == "equal"
            and len(run[1].strip()) <= _SHORT_EQUAL
            and folded
            and folded[-1][0] == "change"
            and i + 1 < len(runs)
            and runs[i + 1][0] == "change"
        )
        if between_changes:
            folded[-1] = ["change", folded[-1][1] + run[1], folded[-1][2] + run[1]]
        elif run[0] == "change" and folded and folded[-1][0] == "change":
            folded[-1] = ["change", folded[-1][1] + run[1], folded[-1][2] + run[2]]
        else:
            folded.append(run)
    return folded


@dataclass(frozen=True)
class CommitmentChange:
    before: Commitment
    after: Commitment
    title: list[Segment]
    explanation: list[Segment]
    category_changed: bool
    # Which of "category", "title", "explanation" changed, in that order.
    fields: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CharterDiff:
    old: CharterVersion
    new: CharterVersion
    title_changed: bool
    preamble: list[Segment]
    added: list[Commitment]
    removed: list[Commitment]
    changed: list[CommitmentChange]
    unchanged: list[Commitment]

    @property
    def preamble_changed(self) -> bool:
        return any(s.op != "equal" for s in self.preamble)

    @property
    def is_empty(self) -> bool:
        return not (
            self.title_changed
            or self.preamble_changed
            or self.added
            or self.removed
            or self.changed
        )


def version_diff(*, old: CharterVersion, new: CharterVersion) -> CharterDiff:
    """What changed from `old` to `new`. Commitments are matched by key: a key only in
    `new` is added, only in `old` removed, in both with another category, title or
    explanation changed. Lists follow each version's order."""
    before = {c.key: c for c in old.commitments.all()}
    after = {c.key: c for c in new.commitments.all()}
    added = [c for key, c in after.items() if key not in before]
    removed = [c for key, c in before.items() if key not in after]
    changed, unchanged = [], []
    for key, now in after.items():
        then = before.get(key)
        if then is None:
            continue
        fields = [
            f for f in ("category", "title", "explanation") if getattr(then, f) != getattr(now, f)
        ]
        if not fields:
            unchanged.append(now)
            continue
        changed.append(
            CommitmentChange(
                before=then,
                after=now,
                title=text_diff(then.title, now.title),
                explanation=text_diff(then.explanation, now.explanation),
                category_changed="category" in fields,
                fields=fields,
            )
        )
    return CharterDiff(
        old=old,
        new=new,
        title_changed=old.title != new.title,
        preamble=text_diff(old.preamble, new.preamble),
        added=added,
        removed=removed,
        changed=changed,
        unchanged=unchanged,
    )


# --- Signatures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureStatus:
    """An actor's latest signature and whether it is of the current version."""

    signature: Signature
    is_current: bool
    current: CharterVersion | None

    @property
    def version(self) -> CharterVersion:
        return self.signature.version


_UNREAD = object()


def signature_of(actor: Actor, *, current: Any = _UNREAD) -> SignatureStatus | None:
    """The actor's latest signature (None if it never signed) and whether it is of the
    current version. Pass `current` when the caller already read it (None allowed)."""
    signature = (
        Signature.objects.filter(actor=actor)
        .select_related("version", "signed_by")
        .order_by("-signed_at", "-pk")
        .first()
    )
    if signature is None:
        return None
    if current is _UNREAD:
        current = CharterVersion.objects.current()
    is_current = current is not None and signature.version_id == current.pk
    return SignatureStatus(signature=signature, is_current=is_current, current=current)


def signatures_by(*, user: Any) -> list[Signature]:
    """The signatures `user` made, oldest first (for the personal data export)."""
    return list(
        Signature.objects.filter(signed_by=user)
        .select_related("actor", "version")
        .order_by("signed_at", "pk")
    )
