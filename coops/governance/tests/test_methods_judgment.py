"""Majority judgment: published examples, refusals and properties."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from coops.governance.methods import get_method
from coops.governance.methods.base import merge_aggregates
from coops.governance.methods.judgment import (
    compare_profiles,
    majority_grade,
    profile_from_rows,
)

JUDGMENT = get_method("judgment")
TO_REJECT, INSUFFICIENT, PASSABLE, FAIR, GOOD, VERY_GOOD, EXCELLENT = range(7)


def profile(**counts: int) -> list[int]:
    """A grade profile from counts by grade name: profile(GOOD=42, FAIR=32)."""
    names = ["TO_REJECT", "INSUFFICIENT", "PASSABLE", "FAIR", "GOOD", "VERY_GOOD", "EXCELLENT"]
    return [counts.get(name, 0) for name in names]


def decide(grades: dict[int, list[int]], ballots: int, **extra):
    options = list(grades)
    aggregate = {"ballots": ballots, "grades": {str(k): v for k, v in grades.items()}}
    return JUDGMENT.decide(aggregate, options=options, settings=extra)


def test_wikipedia_tennessee_capital_nashville_wins():
    """Wikipedia, "Majority judgment", example application (as mirrored on Electowiki,
    "Majority Judgment", revision 1348): the Tennessee capital, four ratings Excellent > Good
    > Fair > Poor, each voter rating the four cities by distance. Nashville and Chattanooga
    both have the median Good; Nashville wins the tie-break. Shares of voters in %, mapped to
    our grades: Excellent → Excellent, Good → Good, Fair → Fair, Poor → Insufficient."""
    with translation.override("en"):
        outcome = decide(
            {
                1: profile(EXCELLENT=42, INSUFFICIENT=58),
                2: profile(EXCELLENT=26, GOOD=42, FAIR=32),
                3: profile(EXCELLENT=15, GOOD=43, FAIR=42),
                4: profile(EXCELLENT=17, GOOD=15, FAIR=26, INSUFFICIENT=42),
            },
            ballots=100,
            option_labels={1: "Memphis", 2: "Nashville", 3: "Chattanooga", 4: "Knoxville"},
        )
    assert outcome.counts["majority_grades"] == {"1": INSUFFICIENT, "2": GOOD, "3": GOOD, "4": FAIR}
    assert outcome.winners == ("2",)
    assert outcome.adopted is True
    assert outcome.ranking == (("2",), ("3",), ("4",), ("1",))
    assert outcome.counts["gauge"]["2"] == {"above": "26", "below": "32"}
    assert outcome.summary == "Nashville wins with the majority grade “Good”."


def test_wikipedia_condorcet_criterion_example_c_wins_though_b_is_the_condorcet_winner():
    """Wikipedia, "Condorcet winner criterion", majority judgment: 35 voters rate A excellent,
    B fair, C poor; 34 rate C excellent, B fair, A poor; 31 rate B excellent, C good, A fair.
    B is the Condorcet winner but only gets the median "fair"; C gets "good" and wins.
    (Poor → Insufficient on our scale.)"""
    outcome = decide(
        {
            1: profile(EXCELLENT=35, INSUFFICIENT=34, FAIR=31),
            2: profile(FAIR=69, EXCELLENT=31),
            3: profile(INSUFFICIENT=35, EXCELLENT=34, GOOD=31),
        },
        ballots=100,
    )
    assert outcome.counts["majority_grades"] == {"1": FAIR, "2": FAIR, "3": GOOD}
    assert outcome.winners == ("3",)
    # A and B share "fair". Removing medians (positions 50, 51, 49, 52, …), the 66th grade
    # (A: excellent, B: fair) comes one step before the 34th (A: poor, B: fair): A is second.
    assert outcome.ranking == (("3",), ("1",), ("2",))


def test_opinionway_mieux_voter_poll_december_2021():
    """OpinionWay for Mieux Voter, 8–9 December 2021, 962 registered voters graded the 2022
    presidential candidates on our seven grades (shares in %, from To reject to Excellent,
    as published). Published result: Pécresse first (46 % Fair or better), Macron second
    (43 %), Montebourg third and Jadot fourth (33 % and 36 % To reject), Zemmour last (61 %
    To reject)."""
    candidates = {
        "Pécresse": [24, 13, 17, 17, 15, 10, 4],
        "Macron": [32, 11, 14, 10, 14, 12, 7],
        "Montebourg": [33, 26, 20, 11, 7, 2, 1],
        "Jadot": [36, 24, 17, 11, 7, 4, 1],
        "Hidalgo": [43, 20, 17, 9, 7, 3, 1],
        "Roussel": [43, 28, 16, 7, 3, 2, 1],
        "Dupont-Aignan": [45, 20, 15, 9, 6, 3, 2],
        "Le Pen": [47, 9, 10, 8, 9, 9, 8],
        "Taubira": [48, 17, 12, 10, 7, 3, 3],
        "Arthaud": [49, 24, 16, 7, 3, 1, 0],
        "Poutou": [52, 23, 12, 6, 4, 2, 1],
        "Mélenchon": [53, 14, 12, 7, 7, 3, 4],
        "Zemmour": [61, 7, 7, 6, 6, 7, 6],
    }
    names = list(candidates)
    outcome = decide({i: candidates[name] for i, name in enumerate(names)}, ballots=100)
    ranked = [[names[int(key)] for key in group] for group in outcome.ranking]
    assert ranked[:4] == [["Pécresse"], ["Macron"], ["Montebourg"], ["Jadot"]]
    assert ranked[-1] == ["Zemmour"]
    assert ranked[-3:] == [["Poutou"], ["Mélenchon"], ["Zemmour"]]
    grades = {names[int(key)]: grade for key, grade in outcome.counts["majority_grades"].items()}
    assert grades["Pécresse"] == grades["Macron"] == PASSABLE
    assert {grades[name] for name in names[2:10]} == {INSUFFICIENT}
    assert {grades[name] for name in names[10:]} == {TO_REJECT}
    assert outcome.counts["gauge"]["0"] == {"above": "46", "below": "37"}
    assert outcome.counts["gauge"]["1"] == {"above": "43", "below": "43"}


def test_tie_break_removes_medians_one_by_one():
    # Five ballots each. Both have the majority grade Passable. Removing medians:
    # X: 2, 2, 3, 1, 3  (grades 1 2 2 3 3 sorted);  Y: 2, 2, 3, 2, 3 (grades 2 2 2 3 3)
    # The sequences differ at the fourth step: X meets a 1 where Y meets a 2: Y ranks first.
    x = profile(INSUFFICIENT=1, PASSABLE=2, FAIR=2)
    y = profile(PASSABLE=3, FAIR=2)
    assert compare_profiles(x, y) < 0 < compare_profiles(y, x)
    outcome = decide({1: x, 2: y}, ballots=5)
    assert outcome.ranking == (("2",), ("1",))


def test_identical_profiles_tie_and_nobody_wins():
    outcome = decide({1: profile(GOOD=2, FAIR=1), 2: profile(GOOD=2, FAIR=1)}, 3)
    assert (outcome.adopted, outcome.winners, outcome.ranking) == (False, ("1", "2"), (("1", "2"),))
    with translation.override("en"):
        assert decide({1: profile(GOOD=1), 2: profile(GOOD=1)}, 1).summary == (
            "Tie between option 1, option 2, with the same grades: no single winner."
        )


def test_no_ballot():
    aggregate = JUDGMENT.aggregate([], options=[7, 8], settings={})
    assert aggregate == {"ballots": 0, "grades": {"7": [0] * 7, "8": [0] * 7}}
    outcome = JUDGMENT.decide(aggregate, options=[7, 8], settings={})
    assert (outcome.adopted, outcome.winners) == (False, ())
    assert outcome.counts["majority_grades"] == {"7": None, "8": None}
    with translation.override("en"):
        assert JUDGMENT.decide(aggregate, options=[7, 8], settings={}).summary == (
            "No ballot was cast."
        )


def test_a_missing_grade_in_a_foreign_aggregate_counts_as_to_reject():
    outcome = decide({1: profile(GOOD=3), 2: profile(EXCELLENT=1)}, 3)
    assert outcome.counts["profiles"]["2"] == profile(EXCELLENT=1, TO_REJECT=2)
    assert outcome.winners == ("1",)


def test_sql_rows_give_the_same_aggregate():
    responses = [
        {"grades": {"1": GOOD, "2": FAIR}},
        {"grades": {"1": GOOD, "2": EXCELLENT}},
        {"grades": {"1": TO_REJECT, "2": FAIR}},
    ]
    rows = [(1, GOOD, 2), (1, TO_REJECT, 1), (2, FAIR, 2), (2, EXCELLENT, 1)]
    assert profile_from_rows(rows, options=[1, 2]) == JUDGMENT.aggregate(
        responses, options=[1, 2], settings={}
    )


def test_validate_normalises_keys_and_grades():
    cleaned = JUDGMENT.validate({"grades": {2: "6", "1": 0}}, options=[1, 2], settings={})
    assert cleaned == {"grades": {"1": 0, "2": 6}}


@pytest.mark.parametrize(
    ("grades", "message"),
    [
        ({"1": 4}, "Grade every option."),
        ({}, "Grade every option."),
        ({"1": 4, "2": 7}, "A grade is a whole number from 0 (To reject) to 6 (Excellent)."),
        ({"1": 4, "2": -1}, "A grade is a whole number from 0 (To reject) to 6 (Excellent)."),
        ({"1": 4, "2": "good"}, "A grade is a whole number from 0 (To reject) to 6 (Excellent)."),
        ({"1": 4, "2": 2.0}, "A grade is a whole number from 0 (To reject) to 6 (Excellent)."),
        ({"1": 4, "2": 3, "3": 5}, "Unknown option: 3."),
        (None, "This ballot is not in the expected form."),
    ],
)
def test_bad_grades_are_refused(grades, message):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        JUDGMENT.validate({"grades": grades}, options=[1, 2], settings={})
    assert refused.value.messages == [message]


# --- properties -----------------------------------------------------------------------------


def majority_values(grades: list[int]) -> list[int]:
    """Balinski–Laraki's majority value, by the book: take the lower median, remove it, again."""
    left = sorted(grades)
    values = []
    while left:
        values.append(left.pop((len(left) + 1) // 2 - 1))
    return values


def expand(counts: list[int]) -> list[int]:
    return [grade for grade, count in enumerate(counts) for _i in range(count)]


grade_lists = st.integers(1, 30).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
    )
)


@given(grade_lists)
def test_comparison_on_counts_equals_removing_medians_one_by_one(pair):
    a, b = pair
    pa, pb = [a.count(g) for g in range(7)], [b.count(g) for g in range(7)]
    by_the_book = majority_values(a), majority_values(b)
    expected = (by_the_book[0] > by_the_book[1]) - (by_the_book[0] < by_the_book[1])
    result = compare_profiles(pa, pb)
    assert (result > 0) - (result < 0) == expected
    assert majority_grade(pa) == by_the_book[0][0]


OPTIONS = [1, 2, 3, 4]
ballot = st.fixed_dictionaries({str(o): st.integers(0, 6) for o in OPTIONS}).map(
    lambda grades: {"grades": grades}
)
ballot_lists = st.lists(ballot, min_size=1, max_size=30)


def outcome_of(responses, options=OPTIONS):
    aggregate = JUDGMENT.aggregate(responses, options=options, settings={})
    return JUDGMENT.decide(aggregate, options=options, settings={})


@given(ballot_lists, st.sampled_from([str(o) for o in OPTIONS]))
def test_a_unanimous_excellent_wins(responses, favourite):
    for response in responses:
        response["grades"][favourite] = EXCELLENT
    outcome = outcome_of(responses)
    assert favourite in outcome.winners
    unanimous = [key for key in map(str, OPTIONS) if all(r["grades"][key] == 6 for r in responses)]
    assert outcome.winners == tuple(unanimous)


@given(ballot_lists, st.data())
def test_monotonicity_raising_the_winners_grades_keeps_it_winning(responses, data):
    outcome = outcome_of(responses)
    if not outcome.adopted:
        return
    winner = outcome.winners[0]
    for response in responses:
        if data.draw(st.booleans()):
            response["grades"][winner] = data.draw(st.integers(response["grades"][winner], 6))
    assert outcome_of(responses).winners == (winner,)


@given(ballot_lists, st.randoms(use_true_random=False))
def test_order_of_ballots_and_options_does_not_matter(responses, rnd):
    outcome = outcome_of(responses)
    shuffled, options = list(responses), list(OPTIONS)
    rnd.shuffle(shuffled)
    rnd.shuffle(options)
    other = outcome_of(shuffled, options)
    assert set(other.winners) == set(outcome.winners)
    assert [set(group) for group in other.ranking] == [set(group) for group in outcome.ranking]


@given(ballot_lists, ballot_lists)
def test_aggregates_merge(first, second):
    def agg(responses):
        return JUDGMENT.aggregate(responses, options=OPTIONS, settings={})

    assert merge_aggregates(agg(first), agg(second)) == agg(first + second)
