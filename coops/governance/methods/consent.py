"""Consent (sociocracy): a proposal is adopted when nobody objects.

Positions: agree, no_objection, objection. An objection needs a written reason; `validate`
refuses one without it.

Cleaned ballot: {"position": str, "reason": str}

Aggregate:
    {"ballots": int,
     "positions": {"agree": int, "no_objection": int, "objection": int},
     "objections": [{"reason": str}, ...]}   # in ballot order

Decision: adopted iff at least one ballot was cast and `objections` is empty. The quorum is
checked separately.
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
)


class Consent(BaseMethod):
    name = "consent"
    label = _("Consent")
    uses_options = False
    positions = (
        ("agree", _("Agree")),
        ("no_objection", _("No objection")),
        ("objection", _("Objection")),
    )

    def validate(
        self, response: Mapping[str, Any], *, options: Sequence[int], settings: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The cleaned ballot; an objection without a written reason is refused."""
        response = ballot_mapping(response)
        position = clean_position(response, self.positions)
        reason = clean_reason(response.get("reason"))
        if position == "objection" and not reason:
            raise refuse(gettext("An objection needs a written reason."), "objection_no_reason")
        return {"position": position, "reason": reason}

    def aggregate(
        self,
        responses: Iterable[Mapping[str, Any]],
        *,
        options: Sequence[int] = (),
        settings: Mapping[str, Any] | None = None,
    ) -> Aggregate:
        ballots, counts, kept = count_positions(responses, self.positions)
        objections = [{"reason": r["reason"]} for r in kept if r["position"] == "objection"]
        return {"ballots": ballots, "positions": counts, "objections": objections}

    def decide(
        self,
        aggregate: Aggregate,
        *,
        options: Sequence[int] = (),
        settings: Mapping[str, Any] | None = None,
    ) -> Outcome:
        ballots, counts = aggregate["ballots"], aggregate["positions"]
        objections = tuple(Objection(item["reason"]) for item in aggregate["objections"])
        adopted = ballots > 0 and not objections
        shown = {
            "ballots": ballots,
            "positions": dict(counts),
            "shares": position_shares(ballots, counts),
            "objections": len(objections),
        }
        if not ballots:
            summary = gettext("No ballot was cast.")
        elif objections:
            summary = ngettext(
                "Not adopted: %(count)s objection.",
                "Not adopted: %(count)s objections.",
                len(objections),
            ) % {"count": len(objections)}
        elif is_weighted(aggregate):
            summary = gettext("Adopted by consent: no objection.")
        else:
            summary = (
                gettext(
                    "Adopted by consent: no objection "
                    "(%(agree)s agree, %(no_objection)s no objection)."
                )
                % counts
            )
        return Outcome(adopted=adopted, counts=shown, summary=summary, blocks=objections)
