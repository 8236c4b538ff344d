"""Reads of the proposal pages: the group's list, and everything one proposal's page shows
(text and versions, the reader's ballot and its history, the proxies they hold, results).

Drafts are visible to their author and the group's organisers; a counter-proposal is
visible to every member from its first draft, as it is part of the debate.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from ..methods import get_method
from ..methods.judgment import GRADES
from ..methods.quorum import describe_quorum
from ..models import (
    OPTION_METHODS,
    Ballot,
    BallotChange,
    Proposal,
    ProposalStatus,
    Proxy,
    Voter,
)
from ..motions import get_motion
from ..services.ballots import MARK_KEYS, ballot_response
from .tally import outcome_texts, proposal_tally

PAGE_SIZE = 20


def visible_proposals(*, group, user, can_organise: bool) -> QuerySet[Proposal]:
    """The group's proposals `user` may read (see the module docstring)."""
    proposals = Proposal.objects.filter(group=group)
    if can_organise:
        return proposals
    hidden = Q(status=ProposalStatus.DRAFT, counters__isnull=True) & ~Q(author=user)
    return proposals.exclude(hidden)


def proposals_page(*, group, user, can_organise: bool, status: str = "", page: Any = None) -> Page:
    """One page of the proposals `user` may read, open ones first (closing soonest),
    then drafts, then the others (latest first), each flagged with `answered` (the
    user has a ballot that counts). Two queries."""
    answered = Ballot.objects.filter(proposal=OuterRef("pk"), voter=user, set_aside_at__isnull=True)
    rows = (
        visible_proposals(group=group, user=user, can_organise=can_organise)
        .select_related("author")
        .annotate(
            answered=Exists(answered),
            rank=Case(
                When(status=ProposalStatus.OPEN, then=Value(0)),
                When(status=ProposalStatus.DRAFT, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
    )
    if status:
        rows = rows.filter(status=status)
    rows = rows.order_by("rank", "closes_at", "-decided_at", "-created_at", "-pk")
    return Paginator(rows, PAGE_SIZE).get_page(page)


def proposal_of(*, group, pk: int, user, can_organise: bool) -> Proposal:
    """A proposal of `group` that `user` may read (Proposal.DoesNotExist otherwise)."""
    proposal = (
        visible_proposals(group=group, user=user, can_organise=can_organise)
        .select_related("author", "counters")
        .get(pk=pk)
    )
    proposal.group = group
    return proposal


# --- Describing answers -----------------------------------------------------------------------


def option_labels(proposal: Proposal) -> dict[str, str]:
    return {str(pk): label for pk, label in proposal.options.values_list("pk", "label")}


def describe_response(method: str, response: dict, labels: dict[str, str]) -> str:
    """An answer in words: "Objection: too expensive", "Tuesday: Good; Thursday: Fair"."""
    if method not in OPTION_METHODS:
        positions = dict(get_method(method).positions)
        text = str(positions.get(response.get("position"), response.get("position", "")))
        reason = response.get("reason") or ""
        return _("%(answer)s: %(reason)s") % {"answer": text, "reason": reason} if reason else text
    marks = response.get(MARK_KEYS[method], {})
    grades = dict(GRADES)
    parts = []
    for key, label in labels.items():
        if key not in marks:
            continue
        value = marks[key]
        shown = grades[value] if method == "judgment" else value
        parts.append(_("%(option)s: %(value)s") % {"option": label, "value": shown})
    return "; ".join(parts)


# --- One proposal's page ----------------------------------------------------------------------


@dataclass
class VersionRow:
    version: int
    title: str
    reason: str
    created_at: Any
    created_by: Any
    title_changed: bool
    lines: list[tuple[str, str]]  # ("+" | "-", text): what the next version changed


@dataclass
class ResultRow:
    label: str
    value: str
    rank: int | None = None
    winner: bool = False


@dataclass
class Results:
    summary: str
    final: bool
    rows: list[ResultRow]
    colleges: list[dict]
    blocks: list[tuple[str, Proposal | None]]
    participants: int
    eligible: int
    quorum: str


@dataclass
class VoterRow:
    user: Any
    answered: bool
    answer: str = ""


@dataclass
class ProposalPage:
    """What the proposal page shows beside the proposal itself."""

    labels: dict[str, str]
    versions: list[VersionRow]
    counter_proposals: list[Proposal]
    is_voter: bool
    my_ballot: Ballot | None
    my_answer: str
    my_history: list[tuple[Any, str, Any]]
    givers: list[tuple[Any, bool]]
    results: Results | None
    voters: list[VoterRow]
    motion: str
    objections: list[Ballot] = field(default_factory=list)


def _versions(proposal: Proposal) -> list[VersionRow]:
    versions = list(proposal.versions.select_related("created_by").order_by("version"))
    texts = [(v.title, v.body) for v in versions] + [(proposal.title, proposal.body)]
    rows = []
    for i, v in enumerate(versions):
        after_title, after_body = texts[i + 1]
        diff = difflib.ndiff(v.body.splitlines(), after_body.splitlines())
        lines = [(line[0], line[2:]) for line in diff if line[:2] in ("+ ", "- ")]
        rows.append(
            VersionRow(
                v.version, v.title, v.reason, v.created_at, v.created_by,
                v.title != after_title, lines,
            )
        )  # fmt: skip
    return rows


def results_visible(proposal: Proposal) -> bool:
    if proposal.status == ProposalStatus.OPEN:
        return not proposal.results_hidden
    return bool(proposal.outcome)


def proposal_results(proposal: Proposal, labels: dict[str, str]) -> Results | None:
    """The results as the page shows them: live while open (unless hidden until closing),
    the stored outcome once decided; None when there is nothing to show."""
    if not results_visible(proposal):
        return None
    final = proposal.status != ProposalStatus.OPEN
    data = proposal.outcome if final else proposal_tally(proposal).as_json()
    counters = {
        p.pk: p
        for p in Proposal.objects.filter(
            pk__in=[b[1] for b in data.get("blocks", []) if b[1]]
        ).only("pk", "title", "status", "group_id")
    }
    colleges = data.get("colleges", [])
    summary = data["summary"]
    if final:  # worded again in the reader's language
        texts = outcome_texts(proposal)
        summary = texts.summary
        colleges = [
            {**college, "summary": text}
            for college, (_name, _weight, text) in zip(colleges, texts.colleges, strict=False)
        ]
    return Results(
        summary=summary,
        final=final,
        rows=_result_rows(proposal.method, data, labels),
        colleges=colleges,
        blocks=[(b[0], counters.get(b[1])) for b in data.get("blocks", [])],
        participants=data["participants"],
        eligible=data["eligible"],
        quorum=describe_quorum(
            proposal.quorum_rule, proposal.quorum_value, data["participants"], data["eligible"]
        ),
    )


def _result_rows(method: str, data: dict, labels: dict[str, str]) -> list[ResultRow]:
    counts = data.get("counts", {})
    if method not in OPTION_METHODS:
        shares = counts.get("shares", {})
        return [
            ResultRow(str(label), f"{counts['positions'].get(value, 0)} ({shares.get(value, 0)} %)")
            for value, label in get_method(method).positions
        ]
    winners = set(data.get("winners", []))
    grades = dict(GRADES)
    rows = []
    for rank, tied in enumerate(data.get("ranking", []), start=1):
        for key in tied:
            if method == "judgment":
                grade = counts["majority_grades"].get(key)
                value = str(grades[grade]) if grade is not None else "–"
            elif method == "dots":
                value = f"{counts['dots'][key]} ({counts['shares'][key]} %)"
            elif method == "score":
                value = counts["averages_rounded"].get(key) or "–"
            else:
                value = ""
            rows.append(ResultRow(labels.get(key, key), value, rank, key in winners))
    return rows


def _voters(proposal: Proposal, labels: dict[str, str], show_answers: bool) -> list[VoterRow]:
    ballots = Ballot.objects.filter(proposal=proposal, set_aside_at__isnull=True)
    if show_answers and proposal.uses_options:
        ballots = ballots.prefetch_related("marks")
    by_voter = {b.voter_id: b for b in ballots}
    rows = []
    voters = Voter.objects.filter(proposal=proposal).select_related("user")
    for voter in voters.order_by("user__display_name", "user__email", "pk"):
        ballot = by_voter.get(voter.user_id)
        answer = ""
        if ballot is not None and show_answers:
            marks = (
                {m.option_id: m.value for m in ballot.marks.all()}
                if proposal.uses_options
                else None
            )
            answer = describe_response(
                proposal.method, ballot_response(ballot, proposal.method, marks), labels
            )
        rows.append(VoterRow(voter.user, ballot is not None, answer))
    return rows


def _my_part(proposal: Proposal, user, labels: dict[str, str]):
    ballot = (
        Ballot.objects.filter(proposal=proposal, voter=user)
        .select_related("cast_by", "counter_proposal")
        .first()
    )
    if ballot is None:
        return None, "", []
    answer = describe_response(proposal.method, ballot_response(ballot, proposal.method), labels)
    history = [
        (change.replaced_at, describe_response(proposal.method, change.response, labels),
         change.cast_by)
        for change in BallotChange.objects.filter(ballot=ballot).select_related("cast_by")
    ]  # fmt: skip
    return ballot, answer, history


def givers_for(proposal: Proposal, holder) -> list[Any]:
    """Voters of `proposal` whose active proxy `holder` holds for it (for the proposal or
    for an assembly voting on it), by name."""
    proxies = (
        Proxy.objects.filter(holder=holder, withdrawn_at__isnull=True)
        .filter(Q(proposal=proposal) | Q(assembly__items__proposal=proposal))
        .filter(giver__in=Voter.objects.filter(proposal=proposal).values("user"))
        .select_related("giver")
    )
    givers = {p.giver_id: p.giver for p in proxies}
    return sorted(givers.values(), key=lambda u: (u.public_name.casefold(), u.pk))


def motion_summary(proposal: Proposal) -> str:
    if not proposal.motion_type:
        return ""
    try:
        return get_motion(proposal.motion_type).summary(proposal.motion_data)
    except ValidationError:  # the app registering it was removed
        return proposal.motion_type


def proposal_page(*, proposal: Proposal, user, can_organise: bool) -> ProposalPage:
    """Everything the proposal page shows for `user` beside the proposal. Never another
    person's answer when the ballot is secret, nor any count while results are hidden."""
    labels = option_labels(proposal)
    results = proposal_results(proposal, labels)
    my_ballot, my_answer, my_history = _my_part(proposal, user, labels)
    givers = givers_for(proposal, user) if proposal.status == ProposalStatus.OPEN else []
    answered = set(
        Ballot.objects.filter(
            proposal=proposal, voter__in=[g.pk for g in givers], set_aside_at__isnull=True
        ).values_list("voter_id", flat=True)
    )
    objections = []
    if proposal.status == ProposalStatus.OPEN and proposal.method in ("consent", "consensus"):
        objections = list(
            Ballot.objects.filter(
                proposal=proposal,
                set_aside_at__isnull=True,
                position__in=["objection", "block", "disagree"],
            )
            .select_related("voter")
            .order_by("cast_at", "pk")
        )
    counters = visible_proposals(group=proposal.group, user=user, can_organise=can_organise)
    return ProposalPage(
        labels=labels,
        versions=_versions(proposal),
        counter_proposals=list(
            counters.filter(counters=proposal).exclude(status=ProposalStatus.WITHDRAWN)
        ),
        is_voter=Voter.objects.filter(proposal=proposal, user=user).exists(),
        my_ballot=my_ballot,
        my_answer=my_answer,
        my_history=my_history,
        givers=[(g, g.pk in answered) for g in givers],
        results=results,
        voters=_voters(proposal, labels, show_answers=not proposal.secret and results is not None),
        motion=motion_summary(proposal),
        objections=objections,
    )
