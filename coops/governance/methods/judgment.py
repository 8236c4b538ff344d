"""Majority judgment (Balinski & Laraki): every voter grades every option; the option with
the best majority grade wins.

Grades: 0 To reject, 1 Insufficient, 2 Passable, 3 Fair, 4 Good, 5 Very good, 6 Excellent.

Cleaned ballot: {"grades": {"<option id>": grade, ...}} with every option graded.

Aggregate (the grade profile of each option; SQL gives it with
`SELECT option_id, grade, COUNT(*) … GROUP BY option_id, grade`, see `profile_from_rows`):
    {"ballots": int,
     "grades": {"<option id>": [count of grade 0, count of grade 1, …, count of grade 6]}}

Decision:
- An option's majority grade is the LOWER median of its grades: with N grades sorted from
  worst to best, the grade in position (N + 1) // 2.
- Options with the same majority grade are separated the Balinski–Laraki way: remove one
  median grade from each and compare the new majority grades, again and again, until they
  differ. This is computed exactly on the counts, without expanding the ballots: the medians
  removed visit the sorted positions m, m−1, m+1, m−2, … (N odd) or m, m+1, m−1, m+2, …
  (N even), so the first position in that order where the two profiles differ decides.
- Two options stay tied only when their profiles are identical.
- Every option should have N grades (validate() demands it). If an aggregate from elsewhere
  has fewer for some option, the missing grades count as "To reject".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from functools import cmp_to_key
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .base import (
    Aggregate,
    BaseMethod,
    Outcome,
    ballot_mapping,
    clean_option_map,
    option_keys,
    option_label,
    option_list,
    percent_text,
    refuse,
    single_winner,
    whole_number,
)

GRADES = (
    (0, _("To reject")),
    (1, _("Insufficient")),
    (2, _("Passable")),
    (3, _("Fair")),
    (4, _("Good")),
    (5, _("Very good")),
    (6, _("Excellent")),
)
GRADE_COUNT = len(GRADES)
TOP_GRADE = GRADE_COUNT - 1


def _clean_grade(value: Any) -> int:
    grade = whole_number(value)
    if grade is None or not 0 <= grade <= TOP_GRADE:
        raise refuse(
            gettext("A grade is a whole number from 0 (To reject) to 6 (Excellent)."),
            "invalid_grade",
        )
    return grade


def profile_from_rows(
    rows: Iterable[tuple[Any, Any, int]], *, options: Sequence[int], ballots: int | None = None
) -> Aggregate:
    """The aggregate from SQL rows (option id, grade, count), e.g. a GROUP BY option, grade.

    `ballots` defaults to the largest number of grades any option received."""
    keys = option_keys(options)
    profiles = {key: [0] * GRADE_COUNT for key in keys}
    for option, grade, count in rows:
        profile = profiles.get(str(option))
        if profile is None:
            raise ValueError(f"option {option!r} is not one of {list(options)!r}")
        profile[int(grade)] += int(count)
    if ballots is None:
        ballots = max((sum(p) for p in profiles.values()), default=0)
    return {"ballots": ballots, "grades": profiles}


def majority_grade(profile: Sequence[int]) -> int | None:
    """The lower median grade of a profile; None when it holds no grade."""
    total = sum(profile)
    if not total:
        return None
    middle, seen = (total + 1) // 2, 0
    for grade, count in enumerate(profile):
        seen += count
        if seen >= middle:
            return grade
    raise AssertionError("unreachable")


def compare_profiles(p: Sequence[int], q: Sequence[int]) -> int:
    """> 0 when profile `p` ranks above `q`, < 0 below, 0 when identical (both hold the same
    number of grades). Exact Balinski–Laraki tie-breaking, see the module docstring."""
    total = sum(p)
    if total != sum(q):
        raise ValueError("profiles to compare must hold the same number of grades")
    if not total or list(p) == list(q):
        return 0
    middle = (total + 1) // 2
    odd = total % 2 == 1
    best_down = best_up = None  # (step, sign)
    for lo, hi, sign in _differences(p, q):
        if lo <= middle:
            x = min(hi, middle)
            step = (0 if x == middle else 2 * (middle - x) - 1) if odd else 2 * (middle - x)
            if best_down is None or step < best_down[0]:
                best_down = (step, sign)
        if hi > middle:
            x = max(lo, middle + 1)
            step = 2 * (x - middle) if odd else 2 * (x - middle) - 1
            if best_up is None or step < best_up[0]:
                best_up = (step, sign)
    candidates = [c for c in (best_down, best_up) if c is not None]
    return min(candidates)[1]


def _differences(p: Sequence[int], q: Sequence[int]):
    """Runs of sorted positions (lo, hi, sign) where the grades of p and q differ; sign is
    +1 where p's grade is higher."""
    cum_p, cum_q = _cumulative(p), _cumulative(q)
    cuts = sorted(set(cum_p) | set(cum_q))
    start, gp, gq = 0, 0, 0
    for cut in cuts:
        if cut == start:
            continue
        while cum_p[gp] < cut:
            gp += 1
        while cum_q[gq] < cut:
            gq += 1
        if gp != gq:
            yield start + 1, cut, 1 if gp > gq else -1
        start = cut


def _cumulative(profile: Sequence[int]) -> list[int]:
    out, seen = [], 0
    for count in profile:
        seen += count
        out.append(seen)
    return out


class MajorityJudgment(BaseMethod):
    name = "judgment"
    label = _("Majority judgment")
    uses_options = True
    positions = ()
    grades = GRADES

    def validate(
        self, response: Mapping[str, Any], *, options: Sequence[int], settings: Mapping[str, Any]
    ) -> dict[str, Any]:
        """{"grades": {option: grade}} with every option graded 0–6, keys as strings."""
        keys = option_keys(options)
        raw = ballot_mapping(response).get("grades")
        grades = clean_option_map(raw, keys, clean_value=_clean_grade)
        if len(grades) != len(keys):
            raise refuse(gettext("Grade every option."), "missing_grades")
        return {"grades": grades}

    def aggregate(
        self,
        responses: Iterable[Mapping[str, Any]],
        *,
        options: Sequence[int],
        settings: Mapping[str, Any] | None = None,
    ) -> Aggregate:
        keys = option_keys(options)
        profiles = {key: [0] * GRADE_COUNT for key in keys}
        ballots = 0
        for response in responses:
            ballots += 1
            for key, grade in response["grades"].items():
                profiles[key][grade] += 1
        return {"ballots": ballots, "grades": profiles}

    def decide(
        self,
        aggregate: Aggregate,
        *,
        options: Sequence[int],
        settings: Mapping[str, Any] | None = None,
    ) -> Outcome:
        settings = settings or {}
        keys = option_keys(options)
        profiles = _padded_profiles(aggregate, keys)
        ballots = aggregate["ballots"]
        ranking = _rank(keys, profiles)
        winners = single_winner(ranking, ballots)
        grades = {key: majority_grade(profiles[key]) for key in keys}
        counts = {
            "ballots": ballots,
            "profiles": {key: list(profiles[key]) for key in keys},
            "majority_grades": grades,
            "gauge": {key: _gauge(profiles[key], grades[key]) for key in keys},
        }
        if not ballots:
            summary = gettext("No ballot was cast.")
        elif len(winners) == 1:
            summary = gettext("%(winner)s wins with the majority grade “%(grade)s”.") % {
                "winner": option_label(winners[0], settings),
                "grade": str(GRADES[grades[winners[0]]][1]),
            }
        else:
            summary = gettext(
                "Tie between %(options)s, with the same grades: no single winner."
            ) % {"options": option_list(winners, settings)}
        return Outcome(
            adopted=len(winners) == 1,
            winners=winners,
            ranking=ranking,
            counts=counts,
            summary=summary,
        )


def _padded_profiles(aggregate: Aggregate, keys: Sequence[str]) -> dict[str, list[int]]:
    given = aggregate.get("grades", {})
    profiles = {key: list(given.get(key) or [0] * GRADE_COUNT) for key in keys}
    total = max((sum(p) for p in profiles.values()), default=0)
    for profile in profiles.values():
        profile[0] += total - sum(profile)
    return profiles


def _rank(keys: Sequence[str], profiles: Mapping[str, list[int]]) -> tuple[tuple[str, ...], ...]:
    order = sorted(keys, key=cmp_to_key(lambda a, b: -compare_profiles(profiles[a], profiles[b])))
    groups: list[list[str]] = []
    for key in order:
        if groups and profiles[groups[-1][0]] == profiles[key]:
            groups[-1].append(key)
        else:
            groups.append([key])
    position = {key: i for i, key in enumerate(keys)}
    return tuple(tuple(sorted(group, key=position.__getitem__)) for group in groups)


def _gauge(profile: Sequence[int], grade: int | None) -> dict[str, str]:
    """Shares of grades above and below the majority grade (Balinski–Laraki's gauge)."""
    total = sum(profile)
    if grade is None or not total:
        return {"above": "0", "below": "0"}
    return {
        "above": percent_text(Fraction(sum(profile[grade + 1 :]), total)),
        "below": percent_text(Fraction(sum(profile[:grade]), total)),
    }
