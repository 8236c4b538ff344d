"""Consensus: a proposal is adopted when nobody blocks it.

Positions: agree, abstain, stand_aside (I won't take part but let it pass), disagree, block.
A block is valid only with a written reason AND a counter-proposal (the id of the proposal
offered instead). `validate` refuses any other block, so every block reaching an aggregate is
valid and stops the proposal.

Cleaned ballot: {"position": str, "reason": str, "counter_proposal": int | None}

Aggregate:
    {"ballots": int,
     "positions": {"agree": int, "abstain": int, "stand_aside": int, "disagree": int,
                   "block": int},
     "blocks": [{"reason": str, "counter_proposal": int}, ...]}   # in ballot order

Decision: adopted iff at least one ballot was cast and `blocks` is empty. The quorum is
checked separately (`quorum.quorum_met`). Settings: optional "counter_proposals", the ids a
block may point to (anything positive is accepted without it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .base import (
    Aggregate,
    BaseMethod,
    Objection,
    Outcome,
    ballot_mapping,
    clean_position,
    clean_reason,
    count_positions,
    is_weighted,
    position_shares,
    refuse,
    whole_number,
)


class Consensus(BaseMethod):
    name = "consensus"
    label = _("Consensus")
    uses_options = False
    positions = (
        ("agree", _("Agree")),
        ("abstain", _("Abstain")),
        ("stand_aside", _("Stand aside")),
        ("disagree", _("Disagree")),
        ("block", _("Block")),
    )

    def validate(
        self, response: Mapping[str, Any], *, options: Sequence[int], settings: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The cleaned ballot; a block without a reason or a counter-proposal is refused."""
        response = ballot_mapping(response)
        position = clean_position(response, self.positions)
        reason = clean_reason(response.get("reason"))
        counter = self._counter_proposal(response.get("counter_proposal"), settings)
        if position == "block" and (not reason or counter is None):
            raise refuse(
                gettext("A block needs a written reason and a counter-proposal."),
                "block_incomplete",
            )
        return {"position": position, "reason": reason, "counter_proposal": counter}

    def _counter_proposal(self, value: Any, settings: Mapping[str, Any]) -> int | None:
        if value in (None, ""):
            return None
        number = whole_number(value)
        allowed = settings.get("counter_proposals")
        if number is None or number < 1 or (allowed is not None and number not in allowed):
            raise refuse(
                gettext("This counter-proposal is not one of the proposals you can point to."),
                "invalid_counter_proposal",
            )
        return number

    def aggregate(
        self,
        responses: Iterable[Mapping[str, Any]],
        *,
        options: Sequence[int] = (),
        settings: Mapping[str, Any] | None = None,
    ) -> Aggregate:
        ballots, counts, kept = count_positions(responses, self.positions)
        blocks = [
            {"reason": r["reason"], "counter_proposal": r["counter_proposal"]}
            for r in kept
            if r["position"] == "block"
        ]
        return {"ballots": ballots, "positions": counts, "blocks": blocks}

    def decide(
        self,
        aggregate: Aggregate,
        *,
        options: Sequence[int] = (),
        settings: Mapping[str, Any] | None = None,
    ) -> Outcome:
        ballots, counts = aggregate["ballots"], aggregate["positions"]
        blocks = tuple(
            Objection(block["reason"], block["counter_proposal"]) for block in aggregate["blocks"]
        )
        adopted = ballots > 0 and not blocks
        shown = {
            "ballots": ballots,
            "positions": dict(counts),
            "shares": position_shares(ballots, counts),
            "blocks": len(blocks),
        }
        return Outcome(
            adopted=adopted,
            counts=shown,
            summary=self._summary(ballots, counts, blocks, weighted=is_weighted(aggregate)),
            blocks=blocks,
        )

    def _summary(self, ballots, counts, blocks, *, weighted: bool) -> str:
        if not ballots:
            return gettext("No ballot was cast.")
        if blocks:
            return ngettext(
                "Not adopted: %(count)s block.", "Not adopted: %(count)s blocks.", len(blocks)
            ) % {"count": len(blocks)}
        if weighted:
            return gettext("Adopted by consensus: no block.")
        return (
            gettext(
                "Adopted by consensus: no block (%(agree)s agree, %(stand_aside)s stand aside, "
                "%(disagree)s disagree, %(abstain)s abstain)."
            )
            % counts
        )
