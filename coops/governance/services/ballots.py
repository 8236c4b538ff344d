"""Ballots: one per voter and proposal, cast by the voter or by the holder of their proxy,
changed (with history) while the proposal is open when it allows changes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record

from ..methods import get_method
from ..models import (
    OPTION_METHODS,
    Ballot,
    BallotChange,
    BallotMark,
    Method,
    Proposal,
    ProposalStatus,
    Proxy,
    Voter,
)
from ._base import share_lock

# The key of an option method's marks in a response.
MARK_KEYS = {
    Method.JUDGMENT: "grades",
    Method.SCHULZE: "ranking",
    Method.DOTS: "dots",
    Method.SCORE: "scores",
}


def ballot_response(ballot: Ballot, method: str, marks: Mapping[int, int] | None = None) -> dict:
    """A stored ballot as the response dict its method reads (see coops.governance.methods)."""
    if method in OPTION_METHODS:
        marks = marks if marks is not None else dict(ballot.marks.values_list("option_id", "value"))
        return {MARK_KEYS[method]: {str(k): v for k, v in marks.items()}}
    return {
        "position": ballot.position,
        "reason": ballot.reason,
        "counter_proposal": ballot.counter_proposal_id,
    }


def proxy_for(*, proposal: Proposal, giver, holder) -> Proxy | None:
    """The active proxy letting `holder` vote for `giver` on `proposal`: given for this
    proposal, or for an assembly where it is voted on (one of its agenda items)."""
    return (
        Proxy.objects.filter(giver=giver, holder=holder, withdrawn_at__isnull=True)
        .filter(Q(proposal=proposal) | Q(assembly__items__proposal=proposal))
        .order_by("pk")
        .first()
    )


def _check_counter_proposal(proposal: Proposal, cleaned: dict) -> None:
    counter = cleaned.get("counter_proposal")
    if cleaned.get("position") != "block" or counter is None:
        return
    ok = Proposal.objects.filter(pk=counter, counters=proposal).exclude(
        status=ProposalStatus.WITHDRAWN
    )
    if not ok.exists():
        raise ValidationError(
            _("A block must link a counter-proposal made to this proposal."),
            code="counter_proposal",
        )


def ballot_cast(
    *, proposal: Proposal, acting_user: Any, response: Mapping, voter: Any = None
) -> Ballot:
    """Record `voter`'s answer (the acting user's own when `voter` is None).

    Refused, with nothing written: a proposal that is not open or past its closing time;
    a voter not snapshotted as eligible; someone voting for another without an active
    proxy from them; an answer its method rejects (a block without a reason and a linked
    counter-proposal, overspent dots…); a second answer when changes are not allowed.
    A change keeps the previous answer in the ballot's history."""
    voter = voter or acting_user
    with transaction.atomic():
        share_lock(Proposal, proposal.pk)  # closing waits for the votes in flight
        proposal = Proposal.objects.get(pk=proposal.pk)
        now = timezone.now()
        if proposal.status != ProposalStatus.OPEN or (
            proposal.closes_at is not None and proposal.closes_at <= now
        ):
            raise ValidationError(_("This vote is closed."), code="closed")
        row = Voter.objects.select_for_update().filter(proposal=proposal, user=voter).first()
        if row is None:
            if voter == acting_user:
                message = _("You were not a member of the group when this vote opened.")
            else:
                message = _("This person cannot vote on this proposal.")
            raise ValidationError(message, code="not_eligible")
        proxy = None
        if voter != acting_user:
            proxy = proxy_for(proposal=proposal, giver=voter, holder=acting_user)
            if proxy is None:
                raise ValidationError(
                    _("You hold no proxy from this member for this vote."), code="no_proxy"
                )
        options = list(proposal.options.values_list("pk", flat=True))
        cleaned = get_method(proposal.method).validate(
            dict(response), options=options, settings=proposal.settings
        )
        _check_counter_proposal(proposal, cleaned)
        ballot = Ballot.objects.filter(proposal=proposal, voter=voter).first()
        if ballot is not None:
            if not proposal.changes_allowed and ballot.set_aside_at is None:
                raise ValidationError(
                    _("This vote does not allow changing an answer."), code="no_change"
                )
            if ballot.set_aside_at is None:  # else its history row is already written
                BallotChange.objects.create(
                    ballot=ballot,
                    response=ballot_response(ballot, proposal.method),
                    cast_by_id=ballot.cast_by_id,
                    replaced_at=now,
                )
            ballot.changed_at, ballot.set_aside_at = now, None
        else:
            ballot = Ballot(proposal=proposal, voter=voter, cast_at=now, college_id=row.college_id)
        ballot.cast_by, ballot.proxy = acting_user, proxy
        _fill(ballot, proposal.method, cleaned)
        try:
            with transaction.atomic():
                ballot.save()
        except IntegrityError:
            raise ValidationError(_("This vote already has your answer."), code="twice") from None
        _write_marks(ballot, proposal.method, cleaned)
        if row.reviewed_version != proposal.version:
            row.reviewed_version = proposal.version
            row.save(update_fields=["reviewed_version"])
        event_record(
            actor=acting_user,
            verb="governance.ballot_cast",
            target=proposal,
            # A secret ballot's event says who voted, never what.
            voter=voter.pk,
            proxy=proxy.pk if proxy else None,
            changed=ballot.changed_at is not None,
        )
    return ballot


def _fill(ballot: Ballot, method: str, cleaned: dict) -> None:
    if method in OPTION_METHODS:
        ballot.position, ballot.reason, ballot.counter_proposal_id = "", "", None
        return
    ballot.position = cleaned["position"]
    ballot.reason = cleaned.get("reason", "") or ""
    ballot.counter_proposal_id = cleaned.get("counter_proposal")


def _write_marks(ballot: Ballot, method: str, cleaned: dict) -> None:
    if method not in OPTION_METHODS:
        return
    BallotMark.objects.filter(ballot=ballot).delete()
    BallotMark.objects.bulk_create(
        BallotMark(ballot=ballot, option_id=int(option), value=int(value))
        for option, value in cleaned[MARK_KEYS[method]].items()
    )


def ballots_set_aside(*, proposal: Proposal, ballot_ids: list[int]) -> list[int]:
    """Set aside the given ballots of `proposal` (an amendment integrated them): they stop
    counting until their voters answer again, their answer kept in history. Returns the
    voters' ids. Called inside the amendment's transaction."""
    ballots = list(
        Ballot.objects.filter(proposal=proposal, pk__in=ballot_ids, set_aside_at__isnull=True)
    )
    if len(ballots) != len(set(ballot_ids)):
        raise ValidationError(_("Some of these answers are not on this proposal."), code="ballots")
    now = timezone.now()
    BallotChange.objects.bulk_create(
        BallotChange(
            ballot=ballot,
            response=ballot_response(ballot, proposal.method),
            cast_by_id=ballot.cast_by_id,
            replaced_at=now,
        )
        for ballot in ballots
    )
    Ballot.objects.filter(pk__in=[b.pk for b in ballots]).update(set_aside_at=now)
    return [b.voter_id for b in ballots]


def ballot_block_with_counter_proposal(
    *,
    proposal: Proposal,
    acting_user: Any,
    reason: str,
    title: str,
    body: str = "",
    voter: Any = None,
    method: str | None = None,
) -> Ballot:
    """Block a consensus proposal and write the counter-proposal in one step: the
    counter-proposal is drafted by the acting user (same group, `counters` this proposal,
    decided by `method`, by default the blocked proposal's) and the block links it, in
    one transaction. When the block is refused (the vote closed, no reason, not
    eligible…) the counter-proposal is not kept either."""
    from .proposals import proposal_create  # proposals imports this module lazily too

    if not title.strip():
        raise ValidationError(
            _("Give your counter-proposal a title."), code="counter_proposal_title"
        )
    if not reason.strip():
        raise ValidationError(
            _("A block needs a written reason and a counter-proposal."), code="block_incomplete"
        )
    with transaction.atomic():
        counter = proposal_create(
            group=proposal.group,
            acting_user=acting_user,
            title=title,
            body=body,
            method=method or proposal.method,
            counters=proposal,
        )
        return ballot_cast(
            proposal=proposal,
            acting_user=acting_user,
            voter=voter,
            response={"position": "block", "reason": reason, "counter_proposal": counter.pk},
        )
