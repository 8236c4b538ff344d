"""Writes for submitting an actor and for its owners' edits.

A member submits an actor: it is created pending, with them as its submitter and
owner, and the parts other apps add to the form (the charter's signature) are saved in
the same transaction. Owners edit it later: while it is not published (pending,
rejected) and for trusted owners and moderators the edit applies at once; an edit of a
published actor by anyone else becomes its one pending change, which a moderator
accepts or rejects with a reason, and which its proposer may withdraw.

Conflicts: a change stores the values its proposer saw (`original`). When a field has
changed since (another owner's trusted edit, a moderator), accepting still applies the
proposed value — the moderator decides with the three values side by side on the
review page, which warns about each conflict — and the audit event keeps the value
that was overwritten. A review page sends the fingerprint of what it showed: if the
change or the entry moved meanwhile, the decision is refused and the moderator looks
again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.permissions import can, require
from coops.notifications.services import notify

from ..models import (
    Actor,
    ActorChange,
    ActorStatus,
    ChangeStatus,
    DecisionOutcome,
    GeocodeStatus,
    Label,
    ModerationDecision,
    Sector,
    Skill,
    Tag,
)
from ..selectors.submission import (
    ADDRESS_FIELDS,
    TAXONOMY_MODELS,
    TEXT_FIELDS,
    actor_values,
    change_conflicts,
    change_fingerprint,
    siret_check,
)
from ..submission_parts import BoundPart
from .actors import (
    _locate,
    _unique_slug,
    actor_create,
    actor_reindex,
    department_from_postcode,
    lock_actors,
)

CHANGE_DECIDED_KIND = "directory.change_decided"
# First segments of the directory's own pages: an actor named "Proposer" must not get a
# slug its page could never be reached at.
# Statuses in which owners edit directly: the entry is not public yet.
UNPUBLISHED_STATUSES = (ActorStatus.PENDING, ActorStatus.REJECTED)


class SubmissionPartInvalid(ValidationError):
    """A registered part of the submission refused to save; `.part` names it and
    `.error` is its ValidationError. Nothing was written."""

    def __init__(self, part: str, error: ValidationError):
        super().__init__(error)
        self.part = part
        self.error = error


@dataclass(frozen=True)
class UpdateResult:
    """What `actor_update` did: "applied", "proposed" (a pending change holds it),
    "unchanged", or "withdrawn" (the edit undid the pending change entirely)."""

    outcome: str
    actor: Actor
    change: ActorChange | None = None
    fields: list[str] = field(default_factory=list)


APPLIED, PROPOSED, UNCHANGED, WITHDRAWN = "applied", "proposed", "unchanged", "withdrawn"


def _clean_text(fields: Mapping[str, Any]) -> dict[str, str]:
    """Normalised text values, the SIRET checked with its precise reason."""
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"not editable through a submission: {sorted(unknown)}")
    values = {
        name: str(value if value is not None else "").strip() for name, value in fields.items()
    }
    if "siret" in values:
        check = siret_check(values["siret"])
        if not check.is_acceptable:
            raise ValidationError({"siret": check.message})
        values["siret"] = check.number
    if "email" in values:
        values["email"] = values["email"].lower()
    if "country" in values:
        values["country"] = values["country"].upper() or "FR"
    return values


def _slugs(terms: Iterable[Any]) -> list[str]:
    return sorted({term.slug for term in terms})


# --- Submitting ----------------------------------------------------------------------------


def actor_submit(
    *,
    acting_user: Any,
    parts: Sequence[BoundPart] = (),
    sectors: Iterable[Sector] = (),
    skills: Iterable[Skill] = (),
    labels: Iterable[Label] = (),
    tags: Iterable[Tag] = (),
    **fields: Any,
) -> Actor:
    """Create a pending actor submitted by `acting_user`, who becomes its owner, then
    save each part of the form (validated by the caller) in the same transaction: if
    any part or the actor is refused, nothing is written. The SIRET is checked, the
    address geocoded (see `actor_create`). Raises ValidationError, or
    SubmissionPartInvalid naming the part that failed."""
    require(acting_user, "directory.submit")
    values = _clean_text(fields)
    with transaction.atomic():
        slug = _unique_slug(values.get("name", ""))
        actor = actor_create(
            acting_user=acting_user,
            status=ActorStatus.PENDING,
            submitted_by=acting_user,
            owners=[acting_user],
            slug=slug,
            sectors=sectors,
            skills=skills,
            labels=labels,
            tags=tags,
            **values,
        )
        for bound in parts:
            try:
                with transaction.atomic():
                    bound.part.save(actor=actor, user=acting_user, form=bound.form)
            except ValidationError as exc:
                raise SubmissionPartInvalid(bound.name, exc) from exc
        event_record(
            actor=acting_user,
            verb="directory.actor_submitted",
            target=actor,
            parts=[bound.name for bound in parts],
        )
    return actor


# --- Editing -------------------------------------------------------------------------------


def _apply(actor: Actor, values: Mapping[str, Any]) -> None:
    """Write `values` (text and taxonomy slug lists) on the locked actor: a new address
    is geocoded again (the old point, even one placed by hand, no longer fits it)."""
    for name in TEXT_FIELDS:
        if name in values:
            setattr(actor, name, values[name])
    if any(name in values for name in ADDRESS_FIELDS):
        actor.latitude = actor.longitude = None
        actor.geocode_status = GeocodeStatus.TO_GEOLOCATE
        _locate(actor)
        actor.department = department_from_postcode(actor.postcode) if actor.country == "FR" else ""
    actor.full_clean()
    actor.save()
    for name, model in TAXONOMY_MODELS.items():
        if name in values:
            getattr(actor, name).set(model.objects.filter(slug__in=values[name]))
    actor_reindex(actor=actor)


def _validate_proposal(actor: Actor, values: Mapping[str, Any]) -> None:
    candidate = Actor.objects.get(pk=actor.pk)
    for name in TEXT_FIELDS:
        if name in values:
            setattr(candidate, name, values[name])
    candidate.full_clean()


def actor_update(
    *,
    actor: Actor,
    acting_user: Any,
    fields: Mapping[str, Any] | None = None,
    sectors: Iterable[Sector] | None = None,
    skills: Iterable[Skill] | None = None,
    labels: Iterable[Label] | None = None,
    tags: Iterable[Tag] | None = None,
) -> UpdateResult:
    """Edit an actor as its owner or a moderator (rule `directory.edit`).

    Only the fields given are considered, and only those that differ from the actor's
    values count. A pending or rejected actor, or an editor who may publish without
    review (trusted owners, moderators), gets the edit at once (a new address is
    geocoded again, the search text recomputed, the audit event holds before and
    after). Otherwise the edit becomes the actor's one pending change: created, or
    updated when one is waiting (the values its proposer first saw are kept), or
    withdrawn when the edit brings every field back to the actor's values.
    """
    require(acting_user, "directory.edit", actor)
    new = _clean_text(fields or {})
    for name, terms in (("sectors", sectors), ("skills", skills), ("labels", labels)):
        if terms is not None:
            new[name] = _slugs(terms)
    if tags is not None:
        new["tags"] = _slugs(tags)
    with transaction.atomic():
        actor = lock_actors(actor.pk)[actor.pk]
        current = actor_values(actor)
        diff = {name: value for name, value in new.items() if current[name] != value}
        if actor.status in UNPUBLISHED_STATUSES or can(
            acting_user, "directory.publish_without_review", actor
        ):
            if not diff:
                return UpdateResult(UNCHANGED, actor)
            _apply(actor, diff)
            event_record(
                actor=acting_user,
                verb="directory.actor_updated",
                target=actor,
                before={name: current[name] for name in diff},
                after=diff,
                status=actor.status,
            )
            return UpdateResult(APPLIED, actor, fields=sorted(diff))
        return _propose(actor, acting_user, current, diff)


def _propose(actor: Actor, acting_user: Any, current: dict, diff: dict) -> UpdateResult:
    pending = (
        ActorChange.objects.select_for_update()
        .filter(actor=actor, status=ChangeStatus.PENDING)
        .first()
    )
    if not diff:
        if pending is None:
            return UpdateResult(UNCHANGED, actor)
        _close(pending, status=ChangeStatus.WITHDRAWN, by=acting_user)
        event_record(
            actor=acting_user, verb="directory.change_withdrawn", target=pending, actor_id=actor.pk
        )
        return UpdateResult(WITHDRAWN, actor, pending)
    _validate_proposal(actor, diff)
    seen = pending.original if pending is not None else {}
    original = {name: seen.get(name, current[name]) for name in diff}
    change = pending or ActorChange(actor=actor)
    change.proposed, change.original, change.proposed_by = diff, original, acting_user
    change.full_clean()
    change.save()
    event_record(
        actor=acting_user,
        verb="directory.change_proposed",
        target=change,
        actor_id=actor.pk,
        updated=pending is not None,
        before=original,
        after=diff,
    )
    return UpdateResult(PROPOSED, actor, change, sorted(diff))


# --- Deciding on a pending change ----------------------------------------------------------


def _close(change: ActorChange, *, status: str, by: Any, reason: str = "") -> None:
    change.status = status
    change.decided_by = by if getattr(by, "is_authenticated", False) else None
    change.decided_at = timezone.now()
    change.reason = reason
    change.full_clean(exclude=["proposed", "original"])
    change.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])


def _lock_pending(change: ActorChange, fingerprint: str | None) -> tuple[Actor, ActorChange]:
    actor = lock_actors(change.actor_id)[change.actor_id]
    locked = ActorChange.objects.select_for_update().get(pk=change.pk)
    if locked.status != ChangeStatus.PENDING:
        raise ValidationError(
            _("This change was already decided on: %(status)s.")
            % {"status": locked.get_status_display()},
            code="decided",
        )
    if fingerprint is not None and fingerprint != change_fingerprint(locked, actor_values(actor)):
        raise ValidationError(
            _(
                "The entry or the change was modified while you were reviewing it. "
                "Look at the values again, then decide."
            ),
            code="stale",
        )
    return actor, locked


def _notify_decision(change: ActorChange, acting_user: Any) -> None:
    if change.proposed_by_id is None:
        return
    name = change.actor.name
    accepted = change.status == ChangeStatus.ACCEPTED

    def title(user: Any) -> str:
        if accepted:
            return _("Your change to %(actor)s was accepted") % {"actor": name}
        return _("Your change to %(actor)s was not accepted") % {"actor": name}

    def body(user: Any) -> str:
        if not change.reason:
            return _("The entry now shows your change.") if accepted else ""
        return _("The moderator's reason: %(reason)s") % {"reason": change.reason}

    notify(
        recipients=[change.proposed_by_id],
        kind=CHANGE_DECIDED_KIND,
        title=title,
        body=body,
        url=reverse("directory:change_review", kwargs={"pk": change.pk}),
        actor=acting_user,
    )


def actor_change_accept(
    *, change: ActorChange, acting_user: Any, reason: str = "", fingerprint: str | None = None
) -> ActorChange:
    """Apply a pending change, by a moderator, under a lock on the actor; fields already
    at the proposed value are left alone, conflicting ones overwritten (the audit
    event keeps what they held). Records the decision and notifies the proposer.
    With `fingerprint` (see `change_fingerprint`), refuses if what the moderator saw
    has moved since."""
    require(acting_user, "directory.moderate")
    reason = reason.strip()
    with transaction.atomic():
        actor, change = _lock_pending(change, fingerprint)
        if actor.status == ActorStatus.ARCHIVED and actor.merged_into_id:
            raise ValidationError(
                _("This entry was merged into another one: reject the change instead."),
                code="merged",
            )
        current = actor_values(actor)
        conflicts = change_conflicts(change, current)
        to_apply = {k: v for k, v in change.proposed.items() if current.get(k) != v}
        if to_apply:
            _apply(actor, to_apply)
        _close(change, status=ChangeStatus.ACCEPTED, by=acting_user, reason=reason)
        ModerationDecision.objects.create(
            actor=actor,
            decided_by=acting_user,
            outcome=DecisionOutcome.CHANGE_ACCEPTED,
            reason=reason,
        )
        event_record(
            actor=acting_user,
            verb="directory.change_accepted",
            target=change,
            actor_id=actor.pk,
            before={name: current[name] for name in to_apply},
            after=to_apply,
            conflicts=conflicts,
            overwritten={name: current[name] for name in conflicts},
        )
        _notify_decision(change, acting_user)
    return change


def actor_change_reject(
    *, change: ActorChange, acting_user: Any, reason: str, fingerprint: str | None = None
) -> ActorChange:
    """Refuse a pending change, by a moderator, with a reason the proposer is sent.
    The actor is left as it is."""
    require(acting_user, "directory.moderate")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why you reject this change: the person who proposed it reads it.")}
        )
    with transaction.atomic():
        actor, change = _lock_pending(change, fingerprint)
        _close(change, status=ChangeStatus.REJECTED, by=acting_user, reason=reason)
        ModerationDecision.objects.create(
            actor=actor,
            decided_by=acting_user,
            outcome=DecisionOutcome.CHANGE_REJECTED,
            reason=reason,
        )
        event_record(
            actor=acting_user,
            verb="directory.change_rejected",
            target=change,
            actor_id=actor.pk,
            reason=reason,
            proposed=change.proposed,
        )
        _notify_decision(change, acting_user)
    return change


def actor_change_withdraw(*, change: ActorChange, acting_user: Any) -> ActorChange:
    """Withdraw a pending change, by the person who proposed it."""
    require(acting_user, "directory.withdraw_change", change)
    with transaction.atomic():
        _actor, change = _lock_pending(change, None)
        _close(change, status=ChangeStatus.WITHDRAWN, by=acting_user)
        event_record(
            actor=acting_user,
            verb="directory.change_withdrawn",
            target=change,
            actor_id=change.actor_id,
        )
    return change
