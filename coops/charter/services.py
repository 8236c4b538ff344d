"""Writes for the charter: drafting and publishing versions, signing for an actor.

Who publishes: until governance adopts versions through motions, the platform's staff
(`charter_version_publish`). A governance motion handler calls `charter_version_adopt`
once the assembly has decided: the decision is the authority, so that function checks
no user permission and records the decision instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coops.core.audit import event_record
from coops.core.permissions import require
from coops.directory.indexing import fold
from coops.directory.models import Actor, ActorStatus
from coops.notifications.services import notify

from .models import CharterVersion, Commitment, Signature

RESIGN_KIND = "charter.resign_requested"

# Actors that can sign: those awaiting moderation (signing is part of submitting) and
# those listed.
SIGNING_STATUSES = (ActorStatus.PENDING, ActorStatus.PUBLISHED)


class CommitmentsMissing(ValidationError):
    """Raised by `charter_sign` when commitments were not ticked; `.missing` lists them."""

    def __init__(self, missing: list[Commitment]):
        self.missing = missing
        super().__init__(
            _("Tick every commitment to sign the charter. Not ticked: %(missing)s."),
            code="missing_commitments",
            params={"missing": "; ".join(f"« {c.title} »" for c in missing)},
        )


def lock_objects(model: type, pk: Any) -> Any:
    """Lock one row for the rest of the transaction (the app's single locking helper)."""
    return model.objects.select_for_update().get(pk=pk)


# --- Drafting and publishing ---------------------------------------------------------------


def charter_version_draft(
    *, acting_user: Any, based_on: CharterVersion | None = None
) -> CharterVersion:
    """Create an unpublished version, copying `based_on`'s text and commitments.

    With no `based_on`, the draft copies the current version when there is one, and
    starts empty otherwise. The copy keeps each commitment's key, so the published
    versions can be compared commitment by commitment.
    """
    require(acting_user, "charter.publish")
    with transaction.atomic():
        source = based_on if based_on is not None else CharterVersion.objects.current()
        draft = CharterVersion(
            title=source.title if source else _("Charter of the network"),
            preamble=source.preamble if source else "",
        )
        draft.full_clean()
        draft.save()
        if source is not None:
            Commitment.objects.bulk_create(
                Commitment(
                    version=draft,
                    key=c.key,
                    category=c.category,
                    title=c.title,
                    explanation=c.explanation,
                    position=c.position,
                )
                for c in source.commitments.order_by("position", "id")
            )
        event_record(
            actor=acting_user,
            verb="charter.version_drafted",
            target=draft,
            based_on=source.pk if source else None,
            based_on_number=source.number if source else None,
        )
    return draft


def charter_version_publish(*, version: CharterVersion, acting_user: Any) -> CharterVersion:
    """Publish a draft as the next version, by a member of the platform's staff.

    The version gets the next number, becomes current and never changes again. The
    owners of every actor that signed an older version are asked to sign it again.
    """
    require(acting_user, "charter.publish")
    return _publish(version=version, acting_user=acting_user, adopted_through="")


def charter_version_adopt(
    *, version: CharterVersion, decision: str, acting_user: Any = None
) -> CharterVersion:
    """Publish a draft because a governance decision adopted it (for motion handlers).

    `decision` says which decision (e.g. "Motion 12, assemblée générale du 4 mars
    2026") and is shown with the version. No user permission is checked: the caller
    applies a decision that was taken; `acting_user` is whoever applied it, if anyone.
    """
    if not decision.strip():
        raise ValidationError(_("Say which decision adopted this version."), code="no_decision")
    return _publish(version=version, acting_user=acting_user, adopted_through=decision.strip())


def _publish(*, version: CharterVersion, acting_user: Any, adopted_through: str) -> CharterVersion:
    with transaction.atomic():
        # Publications take turns on one row (the oldest version, always there since the
        # draft is), so two at once never compute the same number, first one included.
        CharterVersion.objects.select_for_update().order_by("pk").values_list("pk").first()
        locked = lock_objects(CharterVersion, version.pk)
        if locked.is_published:
            raise ValidationError(
                _("Version %(number)s is already published; draft a new version to change it.")
                % {"number": locked.number},
                code="already_published",
            )
        if not locked.commitments.exists():
            raise ValidationError(
                _("A charter version needs at least one commitment."), code="no_commitments"
            )
        previous = CharterVersion.objects.current()
        last = previous.number if previous else 0
        locked.number = last + 1
        locked.published_at = timezone.now()
        locked.published_by = (
            acting_user if getattr(acting_user, "is_authenticated", False) else None
        )
        locked.adopted_through = adopted_through[:255]
        locked.full_clean()
        locked.save(update_fields=["number", "published_at", "published_by", "adopted_through"])
        event_record(
            actor=acting_user,
            verb="charter.version_published",
            target=locked,
            number=locked.number,
            previous=previous.number if previous else None,
            adopted_through=adopted_through,
        )
        _ask_to_sign_again(locked)
    version.refresh_from_db()
    return locked


def _ask_to_sign_again(version: CharterVersion) -> None:
    """Notify, once each, the owners of the actors whose signature is of an older version.

    A person managing one such actor is sent to its signing page; a person managing
    several is sent to the diff, and the notification names their actors.
    """
    stale = (
        Actor.objects.filter(status__in=SIGNING_STATUSES, charter_signatures__isnull=False)
        .exclude(charter_signatures__version=version)
        .distinct()
        .order_by("pk")
        .prefetch_related("owners")
    )
    actors_of: dict[int, list[Actor]] = defaultdict(list)
    for actor in stale:
        for owner in actor.owners.all():
            actors_of[owner.pk].append(actor)
    if not actors_of:
        return
    by_url: dict[str, list[int]] = defaultdict(list)
    diff_url = reverse("charter:diff", kwargs={"number": version.number})
    for user_id, actors in actors_of.items():
        if len(actors) == 1:
            url = reverse("charter:sign", kwargs={"slug": actors[0].slug})
        else:
            url = diff_url
        by_url[url].append(user_id)

    def title(user: Any) -> str:
        return _("The charter has a new version: please sign version %(number)s") % {
            "number": version.number
        }

    def body(user: Any) -> str:
        actors = sorted(actors_of[user.pk], key=lambda a: (fold(a.name), a.pk))
        return ngettext(
            "%(actors)s signed an earlier version of the charter. Version %(number)s is now "
            "the current one: read what changed and sign it again.",
            "%(actors)s signed an earlier version of the charter. Version %(number)s is now "
            "the current one: read what changed and sign it again.",
            len(actors),
        ) % {"actors": ", ".join(a.name for a in actors), "number": version.number}

    for url, user_ids in by_url.items():
        notify(recipients=user_ids, kind=RESIGN_KIND, title=title, body=body, url=url)


# --- Signing --------------------------------------------------------------------------------


def charter_sign(
    *,
    actor: Actor,
    version: CharterVersion,
    accepted_commitment_ids: Iterable[int],
    acting_user: Any,
) -> Signature:
    """Record that `acting_user` signed `version` for `actor`, every commitment ticked.

    Only the actor's owners and the staff may sign, only the current version, and only
    with each of its commitments ticked (else a ValidationError names the missing
    ones). Signing a version the actor already signed returns that signature unchanged.
    """
    require(acting_user, "charter.sign", actor)
    accepted = {int(pk) for pk in accepted_commitment_ids}
    with transaction.atomic():
        actor = lock_objects(Actor, actor.pk)
        existing = Signature.objects.filter(actor=actor, version=version).first()
        if existing is not None:
            return existing
        if actor.status not in SIGNING_STATUSES:
            raise ValidationError(
                _("%(actor)s is no longer listed in the directory: it cannot sign the charter."),
                code="actor_inactive",
                params={"actor": actor.name},
            )
        current = CharterVersion.objects.current()
        if current is None or current.pk != version.pk:
            raise ValidationError(
                _(
                    "This is not the current version of the charter: a newer one was "
                    "published. Read it, then sign it."
                ),
                code="not_current",
            )
        commitments = list(version.commitments.order_by("position", "id"))
        known = {c.pk for c in commitments}
        if accepted - known:
            raise ValidationError(
                _("Some ticked commitments are not part of this version."),
                code="unknown_commitments",
            )
        missing = [c for c in commitments if c.pk not in accepted]
        if missing:
            raise CommitmentsMissing(missing)
        signature = Signature(actor=actor, version=version, signed_by=acting_user)
        signature.full_clean()
        signature.save()
        signature.accepted.set(commitments)
        event_record(
            actor=acting_user,
            verb="charter.signed",
            target=signature,
            actor_id=actor.pk,
            version=version.number,
            commitments=[c.pk for c in commitments],
        )
    return signature
