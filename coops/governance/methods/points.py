"""Dot voting and score voting: options gather points; the most points win.

Dot voting ("dots"): each voter spends at most settings["dots"] dots (5 by default) across
the options, any number on one option.
    Cleaned ballot: {"dots": {"<option id>": n, ...}}, n >= 1 (zeros are dropped).
    Aggregate: {"ballots": int, "dots": {"<option id>": total dots, ...every option...}}
    Decision: the most dots wins; equal totals tie; no winner when no dot was spent.

Score voting ("score"): each voter scores every option from settings["min_score"] to
settings["max_score"] (0 to 5 by default).
    Cleaned ballot: {"scores": {"<option id>": score, ...every option...}}
    Aggregate: {"ballots": int,
                "sums": {"<option id>": sum of scores, ...},
                "scored": {"<option id>": number of scores, ...}}
    Decision: the highest average score (an exact Fraction sum/scored) wins; equal averages
    tie. Averages are shown as "n/d" and rounded to two decimals.
"""

from __future__ import annotations

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
    clean_option_map,
    display_number,
    fraction_text,
    groups_by_score,
    is_weighted,
    option_keys,
    option_label,
    option_list,
    percent_text,
    refuse,
    rounded,
    single_winner,
    whole_number,
)

DEFAULT_DOTS = 5
DEFAULT_MIN_SCORE, DEFAULT_MAX_SCORE = 0, 5


def _tie_or_winner(winners, ballots, settings, won: str, values: dict[str, Any]) -> str:
    if not ballots:
        return gettext("No ballot was cast.")
    if len(winners) == 1:
        return won % {"winner": option_label(winners[0], settings), **values}
    return gettext("Tie between %(options)s: no single winner.") % {
        "options": option_list(winners, settings)
    }


class DotVoting(BaseMethod):
    name = "dots"
    label = _("Dot voting")
    uses_options = True
    positions = ()

    def validate_settings(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        return {"dots": self.budget(settings)}

    def budget(self, settings: Mapping[str, Any]) -> int:
        value = settings.get("dots", DEFAULT_DOTS)
        dots = whole_number(value)
        if dots is None or not 1 <= dots <= 1000:
            raise refuse(
                gettext("The number of dots is a whole number from 1 to 1000."), "invalid_dots"
            )
        return dots

    def validate(
        self, response: Mapping[str, Any], *, options: Sequence[int], settings: Mapping[str, Any]
    ) -> dict[str, Any]:
        """{"dots": {option: n}} with n >= 0 and the total within the voter's dots."""
        keys = option_keys(options)
        budget = self.budget(settings)
        raw = ballot_mapping(response).get("dots")
        dots = clean_option_map({} if raw is None else raw, keys, clean_value=_clean_dots)
        spent = sum(dots.values())
        if spent > budget:
            raise refuse(
                ngettext(
                    "You have %(dots)s dot; this ballot spends %(spent)s.",
                    "You have %(dots)s dots; this ballot spends %(spent)s.",
                    budget,
                ),
                "overspent",
                dots=budget,
                spent=spent,
            )
        return {"dots": {key: n for key, n in dots.items() if n}}

    def aggregate(
        self,
        responses: Iterable[Mapping[str, Any]],
        *,
        options: Sequence[int],
        settings: Mapping[str, Any] | None = None,
    ) -> Aggregate:
        totals = dict.fromkeys(option_keys(options), 0)
        ballots = 0
        for response in responses:
            ballots += 1
            for key, n in response["dots"].items():
                totals[key] += n
        return {"ballots": ballots, "dots": totals}

    def decide(
        self,
        aggregate: Aggregate,
        *,
        options: Sequence[int],
        settings: Mapping[str, Any] | None = None,
    ) -> Outcome:
        settings = settings or {}
        keys = option_keys(options)
        totals = {key: int(aggregate["dots"].get(key, 0)) for key in keys}
        spent = sum(totals.values())
        ranking = groups_by_score(keys, totals)
        winners = single_winner(ranking, spent)
        shares = {
            key: percent_text(Fraction(total, spent)) if spent else "0"
            for key, total in totals.items()
        }
        counts = {"ballots": aggregate["ballots"], "dots": totals, "shares": shares}
        top = winners[0] if winners else None
        if is_weighted(aggregate):
            won = gettext("%(winner)s wins with %(share)s %% of the dots.")
        else:
            won = ngettext(
                "%(winner)s wins with %(dots)s dot (%(share)s %% of the dots).",
                "%(winner)s wins with %(dots)s dots (%(share)s %% of the dots).",
                totals[top] if top else 0,
            )
        values = {
            "dots": totals[top] if top else 0,
            "share": display_number(Fraction(totals[top], spent) * 100) if top else "0",
        }
        summary = _tie_or_winner(winners, aggregate["ballots"], settings, won, values)
        if aggregate["ballots"] and not spent:
            summary = gettext("No dot was spent: no winner.")
        return Outcome(
            adopted=len(winners) == 1,
            winners=winners,
            ranking=ranking,
            counts=counts,
            summary=summary,
        )


def _clean_dots(value: Any) -> int:
    dots = whole_number(value)
    if dots is None or dots < 0:
        raise refuse(gettext("Dots are whole numbers, 0 or more."), "invalid_dots_value")
    return dots


class ScoreVoting(BaseMethod):
    name = "score"
    label = _("Score voting")
    uses_options = True
    positions = ()

    def validate_settings(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        low, high = self.bounds(settings)
        return {"min_score": low, "max_score": high}

    def bounds(self, settings: Mapping[str, Any]) -> tuple[int, int]:
        low = whole_number(settings.get("min_score", DEFAULT_MIN_SCORE))
        high = whole_number(settings.get("max_score", DEFAULT_MAX_SCORE))
        if low is None or high is None or not -100 <= low < high <= 100:
            raise refuse(
                gettext("Scores run between two whole numbers from -100 to 100, lowest first."),
                "invalid_score_range",
            )
        return low, high

    def validate(
        self, response: Mapping[str, Any], *, options: Sequence[int], settings: Mapping[str, Any]
    ) -> dict[str, Any]:
        """{"scores": {option: score}} with every option scored within the range."""
        keys = option_keys(options)
        low, high = self.bounds(settings)

        def clean(value: Any) -> int:
            score = whole_number(value)
            if score is None or not low <= score <= high:
                raise refuse(
                    gettext("A score is a whole number from %(min)s to %(max)s."),
                    "invalid_score",
                    min=low,
                    max=high,
                )
            return score

        scores = clean_option_map(ballot_mapping(response).get("scores"), keys, clean_value=clean)
        if len(scores) != len(keys):
            raise refuse(gettext("Score every option."), "missing_scores")
        return {"scores": scores}

    def aggregate(
        self,
        responses: Iterable[Mapping[str, Any]],
        *,
        options: Sequence[int],
        settings: Mapping[str, Any] | None = None,
    ) -> Aggregate:
        keys = option_keys(options)
        sums, scored = dict.fromkeys(keys, 0), dict.fromkeys(keys, 0)
        ballots = 0
        for response in responses:
            ballots += 1
            for key, score in response["scores"].items():
                sums[key] += score
                scored[key] += 1
        return {"ballots": ballots, "sums": sums, "scored": scored}

    def decide(
        self,
        aggregate: Aggregate,
        *,
        options: Sequence[int],
        settings: Mapping[str, Any] | None = None,
    ) -> Outcome:
        settings = settings or {}
        keys = option_keys(options)
        averages = {}
        for key in keys:
            scored = int(aggregate["scored"].get(key, 0))
            averages[key] = Fraction(int(aggregate["sums"].get(key, 0)), scored) if scored else None
        low = min((a for a in averages.values() if a is not None), default=Fraction(0))
        order = {key: (low - 1 if a is None else a) for key, a in averages.items()}
        ranking = groups_by_score(keys, order)
        ballots = aggregate["ballots"]
        winners = single_winner(ranking, ballots)
        counts = {
            "ballots": ballots,
            "sums": {key: int(aggregate["sums"].get(key, 0)) for key in keys},
            "scored": {key: int(aggregate["scored"].get(key, 0)) for key in keys},
            "averages": {
                key: fraction_text(a) if a is not None else None for key, a in averages.items()
            },
            "averages_rounded": {
                key: str(rounded(a, 2)) if a is not None else None for key, a in averages.items()
            },
        }
        won = gettext("%(winner)s wins with an average score of %(average)s.")
        values = {"average": display_number(averages[winners[0]], 2) if len(winners) == 1 else ""}
        return Outcome(
            adopted=len(winners) == 1,
            winners=winners,
            ranking=ranking,
            counts=counts,
            summary=_tie_or_winner(winners, ballots, settings, won, values),
        )
