"""Schulze method: published examples, refusals and properties."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from coops.governance.methods import get_method
from coops.governance.methods.base import merge_aggregates
from coops.governance.methods.schulze import pairwise_from_rows

SCHULZE = get_method("schulze")
LETTERS = "ABCDE"


def ballots(spec: list[tuple[int, str]], letters: str = LETTERS) -> list[dict]:
    """[(count, "ACBED")] → cleaned ballots ranking the letters in that order (1 = first)."""
    out = []
    for count, order in spec:
        ranking = {str(letters.index(c) + 1): rank for rank, c in enumerate(order, start=1)}
        out += [{"ranking": dict(ranking)} for _i in range(count)]
    return out


def tally(responses, n=5, **extra):
    options = list(range(1, n + 1))
    aggregate = SCHULZE.aggregate(responses, options=options, settings={})
    return aggregate, SCHULZE.decide(aggregate, options=options, settings=extra)


def as_letters(groups, letters: str = LETTERS):
    return [[letters[int(key) - 1] for key in group] for group in groups]


def matrix(table: dict[str, dict[str, int]], letters: str = LETTERS) -> dict[str, int]:
    """{"AB": value, ...} from a {"1": {"2": value}} matrix."""
    return {
        letters[int(a) - 1] + letters[int(b) - 1]: value
        for a, row in table.items()
        for b, value in row.items()
    }


def test_wikipedia_45_voters_e_wins():
    """Wikipedia, "Schulze method" (revision 800023801), section Example: 45 voters, A–E; the
    published pairwise matrix d, strongest paths p and ranking E > A > C > B > D."""
    aggregate, outcome = tally(
        ballots(
            [
                (5, "ACBED"),
                (5, "ADECB"),
                (8, "BEDAC"),
                (3, "CABED"),
                (7, "CAEBD"),
                (2, "CBADE"),
                (7, "DCEBA"),
                (8, "EBADC"),
            ]
        ),
        option_labels={1: "A", 2: "B", 3: "C", 4: "D", 5: "E"},
    )
    assert aggregate["ballots"] == 45
    assert matrix(aggregate["pairwise"]) == {
        "AB": 20, "AC": 26, "AD": 30, "AE": 22,
        "BA": 25, "BC": 16, "BD": 33, "BE": 18,
        "CA": 19, "CB": 29, "CD": 17, "CE": 24,
        "DA": 15, "DB": 12, "DC": 28, "DE": 14,
        "EA": 23, "EB": 27, "EC": 21, "ED": 31,
    }  # fmt: skip
    assert matrix(outcome.counts["strongest_paths"]) == {
        "AB": 28, "AC": 28, "AD": 30, "AE": 24,
        "BA": 25, "BC": 28, "BD": 33, "BE": 24,
        "CA": 25, "CB": 29, "CD": 29, "CE": 24,
        "DA": 25, "DB": 28, "DC": 28, "DE": 24,
        "EA": 25, "EB": 28, "EC": 28, "ED": 31,
    }  # fmt: skip
    assert as_letters(outcome.ranking) == [["E"], ["A"], ["C"], ["B"], ["D"]]
    assert outcome.winners == ("5",)
    assert outcome.adopted is True
    with translation.override("en"):
        _aggregate, outcome = tally(ballots([(1, "EABCD")]), option_labels={5: "E"})
        assert outcome.summary == "E wins (Schulze method)."


def test_electowiki_example_2_d_wins():
    """Electowiki, "Schulze method" (revision 70012), example 2: 30 voters, A–D; published
    strongest paths and ranking D > A > C > B."""
    _aggregate, outcome = tally(
        ballots(
            [
                (5, "ACBD"),
                (2, "ACDB"),
                (3, "ADCB"),
                (4, "BACD"),
                (3, "CBDA"),
                (3, "CDBA"),
                (1, "DACB"),
                (5, "DBAC"),
                (4, "DCBA"),
            ]
        ),
        n=4,
    )
    assert matrix(outcome.counts["strongest_paths"]) == {
        "AB": 20, "AC": 20, "AD": 17,
        "BA": 19, "BC": 19, "BD": 17,
        "CA": 19, "CB": 21, "CD": 17,
        "DA": 18, "DB": 18, "DC": 18,
    }  # fmt: skip
    assert as_letters(outcome.ranking) == [["D"], ["A"], ["C"], ["B"]]


def test_electowiki_example_3_b_wins():
    """Electowiki, "Schulze method" (revision 70012), example 3: 30 voters, A–E; published
    strongest paths and ranking B > A > D > E > C."""
    _aggregate, outcome = tally(
        ballots(
            [
                (3, "ABDEC"),
                (5, "ADEBC"),
                (1, "ADECB"),
                (2, "BADEC"),
                (2, "BDECA"),
                (4, "CABDE"),
                (6, "CBADE"),
                (2, "DBECA"),
                (5, "DECAB"),
            ]
        )
    )
    assert matrix(outcome.counts["strongest_paths"]) == {
        "AB": 18, "AC": 20, "AD": 21, "AE": 21,
        "BA": 19, "BC": 19, "BD": 19, "BE": 19,
        "CA": 19, "CB": 18, "CD": 19, "CE": 19,
        "DA": 19, "DB": 18, "DC": 20, "DE": 30,
        "EA": 19, "EB": 18, "EC": 20, "ED": 19,
    }  # fmt: skip
    assert as_letters(outcome.ranking) == [["B"], ["A"], ["D"], ["E"], ["C"]]


def test_electowiki_example_4_tie_between_b_and_d():
    """Electowiki, "Schulze method" (revision 70012), example 4: 9 voters, A–D; B and D are
    both potential winners. The tie is reported, never broken."""
    _aggregate, outcome = tally(
        ballots([(3, "ABCD"), (2, "DABC"), (2, "DBCA"), (2, "CBDA")]),
        n=4,
        option_labels={2: "B", 4: "D"},
    )
    assert matrix(outcome.counts["strongest_paths"]) == {
        "AB": 5, "AC": 5, "AD": 5,
        "BA": 5, "BC": 7, "BD": 5,
        "CA": 5, "CB": 5, "CD": 5,
        "DA": 6, "DB": 5, "DC": 5,
    }  # fmt: skip
    assert outcome.adopted is False
    assert outcome.winners == ("2", "4")
    assert as_letters(outcome.ranking) == [["B", "D"], ["A", "C"]]
    assert outcome.counts["ties_in_option_order"] is True
    with translation.override("en"):
        _aggregate, outcome = tally(
            ballots([(3, "ABCD"), (2, "DABC"), (2, "DBCA"), (2, "CBDA")]),
            n=4,
            option_labels={2: "B", 4: "D"},
        )
        assert outcome.summary == (
            "Tie between B, D: no single winner. Tied options are listed in option order, "
            "for display only."
        )


def test_unranked_options_count_below_ranked_ones_and_tie_among_themselves():
    responses = [
        {"ranking": {"1": 1}},  # A above B, C, D; B, C, D tied
        {"ranking": {"2": 1, "3": 1}},  # B = C above A and D
        {"ranking": {}},  # blank ballot
    ]
    aggregate, outcome = tally(responses, n=4)
    assert aggregate["ballots"] == 3
    assert matrix(aggregate["pairwise"], "ABCD") == {
        "AB": 1, "AC": 1, "AD": 1,
        "BA": 1, "BC": 0, "BD": 1,
        "CA": 1, "CB": 0, "CD": 1,
        "DA": 0, "DB": 0, "DC": 0,
    }  # fmt: skip
    assert as_letters(outcome.ranking, "ABCD") == [["A", "B", "C"], ["D"]]


def test_no_ballot():
    aggregate, outcome = tally([], n=3)
    assert aggregate == {
        "ballots": 0,
        "pairwise": {"1": {"2": 0, "3": 0}, "2": {"1": 0, "3": 0}, "3": {"1": 0, "2": 0}},
    }
    assert (outcome.adopted, outcome.winners, outcome.ranking) == (False, (), (("1", "2", "3"),))
    with translation.override("en"):
        assert SCHULZE.decide(aggregate, options=[1, 2, 3], settings={}).summary == (
            "No ballot was cast."
        )


def test_rows_streamed_from_sql_give_the_same_aggregate():
    responses = ballots([(2, "ACBED"), (1, "EBADC"), (3, "DCEBA")])
    rows = [
        (ballot_id, int(option), rank)
        for ballot_id, response in enumerate(responses, start=100)
        for option, rank in response["ranking"].items()
    ]
    expected = SCHULZE.aggregate(responses, options=[1, 2, 3, 4, 5], settings={})
    assert pairwise_from_rows(rows, options=[1, 2, 3, 4, 5]) == expected
    with_blank = pairwise_from_rows(rows, options=[1, 2, 3, 4, 5], ballots=7)
    assert with_blank == {**expected, "ballots": 7}


def test_validate_cleans_keys_and_ranks():
    cleaned = SCHULZE.validate(
        {"ranking": {1: "2", "3": 1, " 2 ": 2}}, options=[1, 2, 3], settings={}
    )
    assert cleaned == {"ranking": {"1": 2, "2": 2, "3": 1}}
    assert SCHULZE.validate({}, options=[1, 2], settings={}) == {"ranking": {}}


@pytest.mark.parametrize(
    ("ranking", "message"),
    [
        ({"1": 0}, "A rank is a whole number from 1 to 3."),
        ({"1": 4}, "A rank is a whole number from 1 to 3."),
        ({"1": "first"}, "A rank is a whole number from 1 to 3."),
        ({"1": 1.5}, "A rank is a whole number from 1 to 3."),
        ({"1": True}, "A rank is a whole number from 1 to 3."),
        ({"9": 1}, "Unknown option: 9."),
        ({1: 1, "1": 2}, "Option 1 appears twice on this ballot."),
        (["1", "2"], "This ballot is not in the expected form."),
    ],
)
def test_bad_rankings_are_refused(ranking, message):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        SCHULZE.validate({"ranking": ranking}, options=[1, 2, 3], settings={})
    assert refused.value.messages == [message]


# --- properties -----------------------------------------------------------------------------

N_OPTIONS = 5
OPTIONS = list(range(1, N_OPTIONS + 1))
ranking_strategy = st.dictionaries(
    st.sampled_from([str(o) for o in OPTIONS]), st.integers(1, N_OPTIONS), max_size=N_OPTIONS
).map(lambda ranking: {"ranking": ranking})
profiles = st.lists(ranking_strategy, min_size=1, max_size=25)


def naive_pairwise(responses):
    """d[X,Y] counted ballot by ballot, straight from the definition."""
    keys = [str(o) for o in OPTIONS]
    worst = N_OPTIONS + 1
    d = {a: {b: 0 for b in keys if b != a} for a in keys}
    for response in responses:
        rank = {key: response["ranking"].get(key, worst) for key in keys}
        for a in keys:
            for b in keys:
                if a != b and rank[a] < rank[b]:
                    d[a][b] += 1
    return d


@given(profiles)
def test_bitset_count_equals_the_definition(responses):
    aggregate = SCHULZE.aggregate(responses, options=OPTIONS, settings={})
    assert aggregate["pairwise"] == naive_pairwise(responses)


@given(profiles, profiles)
def test_aggregates_merge(first, second):
    def agg(responses):
        return SCHULZE.aggregate(responses, options=OPTIONS, settings={})

    assert merge_aggregates(agg(first), agg(second)) == agg(first + second)


@given(profiles)
def test_a_condorcet_winner_always_wins(responses):
    d = naive_pairwise(responses)
    condorcet = [a for a in d if all(d[a][b] > d[b][a] for b in d[a])]
    outcome = SCHULZE.decide(
        SCHULZE.aggregate(responses, options=OPTIONS, settings={}), options=OPTIONS, settings={}
    )
    if condorcet:
        assert outcome.winners == tuple(condorcet)
        assert outcome.adopted is True


@given(profiles, st.randoms(use_true_random=False))
def test_order_of_ballots_and_of_options_does_not_matter(responses, rnd):
    outcome = SCHULZE.decide(
        SCHULZE.aggregate(responses, options=OPTIONS, settings={}), options=OPTIONS, settings={}
    )
    shuffled = list(responses)
    rnd.shuffle(shuffled)
    options = list(OPTIONS)
    rnd.shuffle(options)
    other = SCHULZE.decide(
        SCHULZE.aggregate(shuffled, options=options, settings={}), options=options, settings={}
    )
    keys = [str(o) for o in options]
    assert other.winners == tuple(sorted(other.winners, key=keys.index))
    assert sorted(other.winners) == sorted(outcome.winners)
    assert [sorted(group) for group in other.ranking] == [
        sorted(group) for group in outcome.ranking
    ]


def decide(responses):
    aggregate = SCHULZE.aggregate(responses, options=OPTIONS, settings={})
    return SCHULZE.decide(aggregate, options=OPTIONS, settings={})


@given(profiles, st.integers(1, 5))
def test_monotonicity_ballots_ranking_the_winner_first_keep_it_winning(responses, extra):
    outcome = decide(responses)
    if outcome.adopted:
        winner = outcome.winners[0]
        assert decide(responses + [{"ranking": {winner: 1}}] * extra).winners == (winner,)


@given(profiles, st.data())
def test_monotonicity_raising_the_winner_on_some_ballots_keeps_it_winning(responses, data):
    outcome = decide(responses)
    if not outcome.adopted:
        return
    winner = outcome.winners[0]
    raised = []
    for response in responses:
        ranking = dict(response["ranking"])
        if data.draw(st.booleans()):
            # The winner moves strictly above every option; the others keep their order.
            ranking = {key: rank + 1 for key, rank in ranking.items() if key != winner}
            ranking[winner] = 1
        raised.append({"ranking": ranking})
    assert decide(raised).winners == (winner,)


@given(profiles)
def test_ranking_covers_every_option_once_and_is_transitive(responses):
    outcome = SCHULZE.decide(
        SCHULZE.aggregate(responses, options=OPTIONS, settings={}), options=OPTIONS, settings={}
    )
    flat = [key for group in outcome.ranking for key in group]
    assert sorted(flat) == sorted(str(o) for o in OPTIONS)
    p = outcome.counts["strongest_paths"]
    for i, group in enumerate(outcome.ranking):
        for key in group:
            for later in outcome.ranking[i + 1 :]:
                for other in later:
                    assert p[other][key] <= p[key][other]
