"""Counting a proposal's ballots: the method's outcome, per college when weighted, and
quorum. A constant number of queries whatever the number of ballots."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext

from ..methods import colleges as college_tally
from ..methods import get_method, judgment, schulze
from ..methods.base import merge_aggregates
from ..methods.quorum import quorum_met
from ..models import (
    OPTION_METHODS,
    Ballot,
    BallotMark,
    College,
    Method,
    Proposal,
    ProposalStatus,
)


@dataclass
class Tally:
    outcome: Any  # methods.base.Outcome
    colleges: list[tuple[College, Any]] = field(default_factory=list)  # (college, outcome)
    participants: int = 0
    eligible: int = 0
    quorum_met: bool = True
    aggregate: dict = field(default_factory=dict)  # the combined counts decided upon
    labels: dict = field(default_factory=dict)  # option id -> label
    college_aggregates: dict = field(default_factory=dict)  # college pk -> its counts

    def as_json(self) -> dict:
        o = self.outcome
        return {
            "adopted": o.adopted,
            "winners": list(o.winners),
            "ranking": [list(tied) for tied in o.ranking],
            "counts": o.counts,
            "summary": str(o.summary),
            "blocks": [list(b) if isinstance(b, tuple) else b for b in o.blocks],
            "participants": self.participants,
            "eligible": self.eligible,
            "quorum_met": self.quorum_met,
            "colleges": [
                {
                    "name": college.name,
                    "weight": college.weight,
                    "summary": str(outcome.summary),
                    "counts": outcome.counts,
                    "aggregate": self.college_aggregates.get(college.pk),
                }
                for college, outcome in self.colleges
            ],
            # Kept to word the outcome again in each reader's language (outcome_texts).
            "aggregate": self.aggregate,
            "labels": self.labels,
        }


def _ballots(proposal: Proposal):
    return Ballot.objects.filter(proposal=proposal, set_aside_at__isnull=True)


def _marks(proposal: Proposal):
    return BallotMark.objects.filter(ballot__proposal=proposal, ballot__set_aside_at=None)


def _position_aggregates(proposal: Proposal, method, options, settings) -> dict:
    """Positions methods: each college's ballots read as answers (small rows)."""
    by_college: dict[int | None, list[dict]] = defaultdict(list)
    rows = _ballots(proposal).values_list("college_id", "position", "reason", "counter_proposal_id")
    for college_id, position, reason, counter in rows:
        by_college[college_id].append(
            {"position": position, "reason": reason, "counter_proposal": counter}
        )
    return {
        key: method.aggregate(answers, options=options, settings=settings)
        for key, answers in by_college.items()
    }


def _option_aggregates(proposal: Proposal, options: list[str]) -> dict:
    """Option methods: the aggregate computed from SQL (per college when weighted),
    without loading one object per mark: GROUP BY for grades, dots and scores; the ranks
    streamed in ballot order for the pairwise matrix (bench/governance_app.py)."""
    method, weighted = proposal.method, proposal.weighted
    if weighted:
        counted = _ballots(proposal).values("college_id").annotate(n=Count("pk"))
        ballots = {row["college_id"]: row["n"] for row in counted}
    else:
        ballots = {None: _ballots(proposal).count()}
    result: dict[int | None, dict] = {}
    marks = _marks(proposal)
    if method == Method.SCHULZE and weighted:
        rows = (
            marks.order_by("ballot__college_id", "ballot_id")
            .values_list("ballot__college_id", "ballot_id", "option_id", "value")
            .iterator(chunk_size=20_000)
        )
        for college_id, group in groupby(rows, key=itemgetter(0)):
            result[college_id] = schulze.pairwise_from_rows(
                (row[1:] for row in group), options=options, ballots=ballots.get(college_id, 0)
            )
    elif method == Method.SCHULZE:
        rows = (
            marks.order_by("ballot_id")
            .values_list("ballot_id", "option_id", "value")
            .iterator(chunk_size=20_000)
        )
        result[None] = schulze.pairwise_from_rows(rows, options=options, ballots=ballots[None])
    else:
        columns = ["ballot__college_id"] if weighted else []
        grouped = (
            marks.values_list(*columns, "option_id", "value")
            .annotate(n=Count("pk"), total=Sum("value"))
            .order_by()
        )
        per_college: dict[int | None, list[tuple]] = defaultdict(list)
        for row in grouped:
            college_id = row[0] if weighted else None
            option_id, value, n, total = row[-4:]
            per_college[college_id].append((str(option_id), value, n, total))
        for college_id, rows in per_college.items():
            result[college_id] = _from_groups(method, rows, options, ballots.get(college_id, 0))
    for college_id, n in ballots.items():  # no mark at all (blank ballots, or none cast)
        if n:
            result.setdefault(college_id, _from_groups(method, [], options, n))
    return result


def _from_groups(method: str, rows: list[tuple], options: list[str], ballots: int) -> dict:
    """An aggregate from (option, value, count, sum) rows grouped by option and value."""
    if method == Method.JUDGMENT:
        return judgment.profile_from_rows(
            [(option, value, n) for option, value, n, _ in rows], options=options, ballots=ballots
        )
    if method == Method.SCHULZE:
        return {
            "ballots": ballots,
            "pairwise": schulze.pairwise_from_rows([], options=options)["pairwise"],
        }
    totals: dict[str, int] = dict.fromkeys(options, 0)
    scored: dict[str, int] = dict.fromkeys(options, 0)
    for option, _, n, total in rows:
        totals[option] += total
        scored[option] += n
    if method == Method.DOTS:
        return {"ballots": ballots, "dots": totals}
    return {"ballots": ballots, "sums": totals, "scored": scored}


def proposal_tally(proposal: Proposal) -> Tally:
    """The outcome of `proposal` with the ballots cast so far (set-aside ones excluded).

    Weighted proposals combine each college's result by its weight and return the
    per-college breakdown; others count every ballot alike. Quorum compares the
    participants with the voters snapshotted at opening. A constant number of queries,
    and no object per ballot for option methods."""
    labels = {str(pk): label for pk, label in proposal.options.values_list("pk", "label")}
    options = list(labels)
    # The summaries name the options by their labels ("Tuesday wins…", not "option 12").
    settings = {**(proposal.settings or {}), "option_labels": labels}
    method = get_method(proposal.method)
    if proposal.method in OPTION_METHODS:
        aggregates = _option_aggregates(proposal, options)
    else:
        aggregates = _position_aggregates(proposal, method, options, settings)
    participants = sum(a["ballots"] for a in aggregates.values())
    eligible = proposal.voters.count()
    if proposal.weighted:
        colleges = {c.pk: c for c in College.objects.filter(group_id=proposal.group_id)}
        weights = {pk: Fraction(c.weight, 100) for pk, c in colleges.items()}
        result = college_tally.combine(
            method,
            {pk: a for pk, a in aggregates.items() if pk in colleges},
            weights,
            options=options,
            settings=settings,
        )
        breakdown = [(college, result.colleges[pk]) for pk, college in colleges.items()]
        college_aggregates = {pk: aggregates.get(pk) for pk in colleges}
    else:
        combined = merge_aggregates(*aggregates.values()) if aggregates else None
        result = college_tally.combine(
            method,
            {None: combined} if combined is not None else {},
            {None: Fraction(1)},
            options=options,
            settings=settings,
        )
        breakdown, college_aggregates = [], {}
    return Tally(
        outcome=result.outcome,
        colleges=breakdown,
        participants=participants,
        eligible=eligible,
        aggregate=result.aggregate,
        labels=labels,
        college_aggregates=college_aggregates,
        quorum_met=quorum_met(
            proposal.quorum_rule,
            proposal.quorum_value,
            participants=participants,
            eligible=eligible,
        ),
    )


@dataclass(frozen=True)
class OutcomeTexts:
    summary: str
    colleges: list[tuple[str, int, str]]  # (college name, weight %, summary)


def outcome_texts(proposal: Proposal) -> OutcomeTexts:
    """A decided proposal's outcome worded in the active language: the stored counts are
    decided again (pure and cheap), since the closing ran in whatever language the
    clock or the closing organiser had. No query: the options' labels are stored too."""
    data = proposal.outcome or {}
    if proposal.status == ProposalStatus.NO_QUORUM:
        summary = gettext("No quorum: %(participants)s of %(eligible)s voters answered.") % {
            "participants": data.get("participants", 0),
            "eligible": data.get("eligible", 0),
        }
        return OutcomeTexts(summary, [])
    if data.get("aggregate") is None:
        return OutcomeTexts(proposal.outcome_summary, [])
    labels = data.get("labels")
    if labels is None:
        labels = {str(pk): label for pk, label in proposal.options.values_list("pk", "label")}
    settings = {**(proposal.settings or {}), "option_labels": labels}
    method = get_method(proposal.method)

    def word(aggregate) -> str:
        return str(method.decide(aggregate, options=list(labels), settings=settings).summary)

    colleges = [
        (c["name"], c["weight"], word(c["aggregate"]) if c.get("aggregate") else c["summary"])
        for c in data.get("colleges", [])
    ]
    return OutcomeTexts(word(data["aggregate"]), colleges)
