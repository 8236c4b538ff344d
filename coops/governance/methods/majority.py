"""Simple and qualified majority on a yes/no question.

Positions: yes, no, abstain. Abstentions count as ballots (for the quorum) but not as votes
expressed.

Cleaned ballot: {"position": "yes" | "no" | "abstain"}

Aggregate (both methods):
    {"ballots": int, "positions": {"yes": int, "no": int, "abstain": int}}

Decision:
- "majority": adopted iff yes > no.
- "qualified": settings["threshold"], a fraction written "2/3" (the default), with
  0 < threshold <= 1; adopted iff yes + no > 0 and yes >= threshold × (yes + no), compared
  in integers (never floats).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .base import (
    Aggregate,
    BaseMethod,
    Outcome,
    ballot_mapping,
    clean_position,
    count_positions,
    display_number,
    fraction_text,
    is_weighted,
    percent_text,
    position_shares,
    refuse,
)

DEFAULT_THRESHOLD = "2/3"
_FRACTION = re.compile(r"^\s*(\d{1,6})\s*(?:/\s*(\d{1,6})\s*)?$")


def parse_threshold(value: Any) -> Fraction:
    """A qualified-majority threshold: "2/3", "3/5", "1" (or a Fraction), 0 < t <= 1."""
    if isinstance(value, Fraction):
        threshold = value
    else:
        match = _FRACTION.match(str(value))
        denominator = int(match[2] or 1) if match else 0
        threshold = Fraction(int(match[1]), denominator) if denominator else Fraction(-1)
    if not 0 < threshold <= 1:
        raise refuse(
            gettext("A threshold is a fraction such as 2/3, above 0 and at most 1."),
            "invalid_threshold",
        )
    return threshold


class SimpleMajority(BaseMethod):
    name = "majority"
    label = _("Simple majority")
    uses_options = False
    positions = (("yes", _("Yes")), ("no", _("No")), ("abstain", _("Abstain")))

    def validate(
        self, response: Mapping[str, Any], *, options: Sequence[int], settings: Mapping[str, Any]
    ) -> dict[str, Any]:
        return {"position": clean_position(ballot_mapping(response), self.positions)}

    def aggregate(
        self,
        responses: Iterable[Mapping[str, Any]],
        *,
        options: Sequence[int] = (),
        settings: Mapping[str, Any] | None = None,
    ) -> Aggregate:
        ballots, counts, _kept = count_positions(responses, self.positions)
        return {"ballots": ballots, "positions": counts}

    def passes(self, yes: int, no: int, settings: Mapping[str, Any]) -> bool:
        return yes > no

    def decide(
        self,
        aggregate: Aggregate,
        *,
        options: Sequence[int] = (),
        settings: Mapping[str, Any] | None = None,
    ) -> Outcome:
        settings = settings or {}
        ballots, counts = aggregate["ballots"], aggregate["positions"]
        yes, no, abstain = counts["yes"], counts["no"], counts["abstain"]
        expressed = yes + no
        adopted = self.passes(yes, no, settings)
        share = Fraction(yes, expressed) if expressed else Fraction(0)
        shown = {
            "ballots": ballots,
            "positions": dict(counts),
            "shares": position_shares(ballots, counts),
            "expressed": expressed,
            "yes_share": fraction_text(share),
            "yes_percent": percent_text(share),
        }
        shown.update(self.extra_counts(settings))
        return Outcome(
            adopted=adopted,
            counts=shown,
            summary=self.summary(
                adopted, yes, no, abstain, ballots, share, settings, is_weighted(aggregate)
            ),
        )

    def extra_counts(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    def summary(self, adopted, yes, no, abstain, ballots, share, settings, weighted) -> str:
        if not ballots:
            return gettext("No ballot was cast.")
        if not yes + no:
            return gettext("Rejected: no vote was expressed, only abstentions.")
        values = {
            "yes": yes,
            "no": no,
            "abstentions": ngettext("%(n)s abstention", "%(n)s abstentions", abstain)
            % {"n": abstain},
            "percent": display_number(share * 100),
            "no_percent": display_number((1 - share) * 100),
            "threshold": self.threshold_text(settings),
        }
        if weighted:
            text = (
                gettext("Adopted: %(percent)s %% yes, %(no_percent)s %% no (weighted votes).")
                if adopted
                else gettext("Rejected: %(percent)s %% yes, %(no_percent)s %% no (weighted votes).")
            )
        elif adopted:
            text = gettext(
                "Adopted: %(yes)s yes, %(no)s no, %(abstentions)s "
                "(%(percent)s %% of votes expressed)."
            )
        else:
            text = gettext(
                "Rejected: %(yes)s yes, %(no)s no, %(abstentions)s "
                "(%(percent)s %% of votes expressed)."
            )
        return text % values + self.threshold_suffix(settings)

    def threshold_text(self, settings: Mapping[str, Any]) -> str:
        return ""

    def threshold_suffix(self, settings: Mapping[str, Any]) -> str:
        return ""


class QualifiedMajority(SimpleMajority):
    name = "qualified"
    label = _("Qualified majority")

    def validate_settings(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """{"threshold": "n/d"}, reduced; raises ValidationError on a bad threshold."""
        return {"threshold": fraction_text(self.threshold(settings))}

    def threshold(self, settings: Mapping[str, Any]) -> Fraction:
        return parse_threshold(settings.get("threshold") or DEFAULT_THRESHOLD)

    def passes(self, yes: int, no: int, settings: Mapping[str, Any]) -> bool:
        threshold = self.threshold(settings)
        expressed = yes + no
        return expressed > 0 and yes * threshold.denominator >= threshold.numerator * expressed

    def extra_counts(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        return {"threshold": fraction_text(self.threshold(settings))}

    def threshold_text(self, settings: Mapping[str, Any]) -> str:
        return fraction_text(self.threshold(settings))

    def threshold_suffix(self, settings: Mapping[str, Any]) -> str:
        return " " + gettext("A majority of %(threshold)s of votes expressed was required.") % {
            "threshold": self.threshold_text(settings)
        }
