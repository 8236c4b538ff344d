"""Dot voting and score voting."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from coops.governance.methods import get_method
from coops.governance.methods.base import merge_aggregates

DOTS = get_method("dots")
SCORE = get_method("score")
OPTIONS = [11, 12, 13]


def run(method, responses, options=OPTIONS, **settings):
    cleaned = [method.validate(r, options=options, settings=settings) for r in responses]
    aggregate = method.aggregate(cleaned, options=options, settings=settings)
    return aggregate, method.decide(aggregate, options=options, settings=settings)


# --- dots -----------------------------------------------------------------------------------


def test_dot_voting_worked_example():
    with translation.override("en"):
        aggregate, outcome = run(
            DOTS,
            [
                {"dots": {"11": 3, "12": 2}},
                {"dots": {11: 1, "13": 4}},
                {"dots": {"12": 5}},
                {"dots": {}},
            ],
            option_labels={12: "Jardin partagé"},
        )
    assert aggregate == {"ballots": 4, "dots": {"11": 4, "12": 7, "13": 4}}
    assert outcome.adopted is True
    assert outcome.winners == ("12",)
    assert outcome.ranking == (("12",), ("11", "13"))
    assert outcome.counts["shares"] == {"11": "26.7", "12": "46.7", "13": "26.7"}
    assert outcome.summary == "Jardin partagé wins with 7 dots (46.7 % of the dots)."


def test_dot_ballot_is_cleaned():
    cleaned = DOTS.validate({"dots": {12: "2", "11": 0}}, options=OPTIONS, settings={"dots": 3})
    assert cleaned == {"dots": {"12": 2}}


@pytest.mark.parametrize(
    ("dots", "budget", "message"),
    [
        ({"11": 4, "12": 3}, 5, "You have 5 dots; this ballot spends 7."),
        ({"11": 2}, 1, "You have 1 dot; this ballot spends 2."),
        ({"11": -1}, 5, "Dots are whole numbers, 0 or more."),
        ({"11": 1.5}, 5, "Dots are whole numbers, 0 or more."),
        ({"99": 1}, 5, "Unknown option: 99."),
        ("11", 5, "This ballot is not in the expected form."),
    ],
)
def test_bad_dot_ballots_are_refused(dots, budget, message):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        DOTS.validate({"dots": dots}, options=OPTIONS, settings={"dots": budget})
    assert refused.value.messages == [message]


def test_dot_voting_ties_and_empty_ballots():
    with translation.override("en"):
        _aggregate, outcome = run(DOTS, [{"dots": {"11": 2}}, {"dots": {"13": 2}}])
        assert (outcome.adopted, outcome.winners) == (False, ("11", "13"))
        assert outcome.summary == "Tie between option 11, option 13: no single winner."
        _aggregate, outcome = run(DOTS, [{"dots": {}}])
        assert (outcome.adopted, outcome.winners, outcome.summary) == (
            False,
            (),
            "No dot was spent: no winner.",
        )


@pytest.mark.parametrize("budget", [0, -1, "beaucoup", 1001])
def test_bad_dot_budgets_are_refused(budget):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        DOTS.validate_settings({"dots": budget})
    assert refused.value.messages == ["The number of dots is a whole number from 1 to 1000."]


# --- score ----------------------------------------------------------------------------------


def test_score_voting_worked_example():
    with translation.override("en"):
        aggregate, outcome = run(
            SCORE,
            [
                {"scores": {"11": 5, "12": 3, "13": 0}},
                {"scores": {"11": 2, "12": 4, "13": 5}},
                {"scores": {"11": 4, "12": 4, "13": 1}},
            ],
        )
    assert aggregate == {
        "ballots": 3,
        "sums": {"11": 11, "12": 11, "13": 6},
        "scored": {"11": 3, "12": 3, "13": 3},
    }
    assert outcome.counts["averages"] == {"11": "11/3", "12": "11/3", "13": "2"}
    assert outcome.counts["averages_rounded"] == {"11": "3.67", "12": "3.67", "13": "2"}
    assert outcome.ranking == (("11", "12"), ("13",))
    assert (outcome.adopted, outcome.winners) == (False, ("11", "12"))


def test_score_voting_winner_on_a_custom_range():
    with translation.override("en"):
        _aggregate, outcome = run(
            SCORE,
            [{"scores": {"11": -2, "12": 2}}, {"scores": {"11": 1, "12": 1}}],
            options=[11, 12],
            min_score=-2,
            max_score=2,
        )
    assert outcome.winners == ("12",)
    assert outcome.counts["averages"] == {"11": "-1/2", "12": "3/2"}
    assert outcome.summary == "option 12 wins with an average score of 1.5."


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({"11": 1, "12": 2}, "Score every option."),
        ({"11": 1, "12": 2, "13": 6}, "A score is a whole number from 0 to 5."),
        ({"11": -1, "12": 2, "13": 3}, "A score is a whole number from 0 to 5."),
        ({"11": "4,5", "12": 2, "13": 3}, "A score is a whole number from 0 to 5."),
        ({"11": 1, "12": 2, "13": 3, "14": 0}, "Unknown option: 14."),
    ],
)
def test_bad_scores_are_refused(scores, message):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        SCORE.validate({"scores": scores}, options=OPTIONS, settings={})
    assert refused.value.messages == [message]


@pytest.mark.parametrize(
    "settings",
    [{"min_score": 5, "max_score": 5}, {"min_score": 3, "max_score": 1}, {"max_score": "x"}],
)
def test_bad_score_ranges_are_refused(settings):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        SCORE.validate_settings(settings)
    assert refused.value.messages == [
        "Scores run between two whole numbers from -100 to 100, lowest first."
    ]


# --- properties -----------------------------------------------------------------------------

dot_ballots = st.lists(
    st.fixed_dictionaries({str(o): st.integers(0, 2) for o in OPTIONS}).map(
        lambda dots: {"dots": {k: v for k, v in dots.items() if v}}
    ),
    min_size=1,
    max_size=20,
)
score_ballots = st.lists(
    st.fixed_dictionaries({str(o): st.integers(0, 5) for o in OPTIONS}).map(
        lambda scores: {"scores": scores}
    ),
    min_size=1,
    max_size=20,
)


@given(dot_ballots, st.randoms(use_true_random=False))
def test_dots_winner_has_the_most_dots_whatever_the_order(responses, rnd):
    _aggregate, outcome = run(DOTS, responses, dots=6)
    totals = {str(o): sum(r["dots"].get(str(o), 0) for r in responses) for o in OPTIONS}
    best = max(totals.values())
    if best:
        assert set(outcome.winners) == {k for k, v in totals.items() if v == best}
    shuffled = list(responses)
    rnd.shuffle(shuffled)
    assert run(DOTS, shuffled, dots=6)[1].winners == outcome.winners


@given(score_ballots, score_ballots)
def test_score_aggregates_merge_and_the_best_average_wins(first, second):
    def agg(responses):
        return SCORE.aggregate(responses, options=OPTIONS, settings={})

    merged = merge_aggregates(agg(first), agg(second))
    assert merged == agg(first + second)
    outcome = SCORE.decide(merged, options=OPTIONS, settings={})
    sums = {str(o): sum(r["scores"][str(o)] for r in first + second) for o in OPTIONS}
    assert set(outcome.winners) == {k for k, v in sums.items() if v == max(sums.values())}
