"""The decision methods: pure functions from ballots to an outcome, no database.

Each method cleans one ballot (`validate`), counts ballots into a mergeable aggregate
(`aggregate`), and turns an aggregate into an `Outcome` (`decide`). Services store cleaned
ballots, may compute the aggregate in SQL (see `judgment.profile_from_rows` and
`schulze.pairwise_from_rows`), and call `decide`; `colleges.tally` weighs SCIC colleges and
`quorum.quorum_met` checks participation.
"""

from __future__ import annotations

from .base import Method, Objection, Outcome
from .consensus import Consensus
from .consent import Consent
from .judgment import MajorityJudgment
from .majority import QualifiedMajority, SimpleMajority
from .points import DotVoting, ScoreVoting
from .schulze import Schulze

METHODS: dict[str, Method] = {
    method.name: method
    for method in (
        Consensus(),
        Consent(),
        SimpleMajority(),
        QualifiedMajority(),
        MajorityJudgment(),
        Schulze(),
        DotVoting(),
        ScoreVoting(),
    )
}

# For a model field: choices=METHOD_CHOICES (labels are lazy translations).
METHOD_CHOICES = tuple((name, method.label) for name, method in METHODS.items())


def get_method(name: str) -> Method:
    """The method called `name`; ValueError (never KeyError) for an unknown name."""
    try:
        return METHODS[name]
    except (KeyError, TypeError):
        known = ", ".join(METHODS)
        raise ValueError(f"unknown decision method {name!r}; known methods: {known}") from None


__all__ = ["METHODS", "METHOD_CHOICES", "Method", "Objection", "Outcome", "get_method"]
