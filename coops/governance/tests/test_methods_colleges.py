"""Voting by colleges (SCIC): each college counts for its weight, whatever its size."""

from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from coops.governance.methods import Objection, get_method
from coops.governance.methods.colleges import tally


def votes(**counts):
    return [{"position": position} for position, n in counts.items() for _i in range(n)]


def plain(method_name, responses, options=(), settings=None):
    method = get_method(method_name)
    settings = settings or {}
    aggregate = method.aggregate(responses, options=options, settings=settings)
    return method.decide(aggregate, options=options, settings=settings)


def test_scic_majority_small_colleges_count_for_their_weight():
    """Workers 50 % (4 ballots), users 30 % (100 ballots), local authorities 20 % (2 ballots).
    Weighted: yes = 1/2·3/4 + 3/10·30/100 = 46.5 % of the whole, no = 1/2·1/4 + 3/10·70/100
    + 1/5·1/2 = 43.5 %, abstentions 10 %: adopted, although 33 yes against 72 no overall."""
    with translation.override("en"):
        result = tally(
            "majority",
            {
                "workers": votes(yes=3, no=1),
                "users": votes(yes=30, no=70),
                "authorities": votes(no=1, abstain=1),
            },
            {"workers": Fraction(1, 2), "users": Fraction(3, 10), "authorities": Fraction(1, 5)},
        )
    assert result.multiplicity == {"workers": 125, "users": 3, "authorities": 100}
    assert result.aggregate == {
        "ballots": 1000,
        "positions": {"yes": 465, "no": 435, "abstain": 100},
        "weighted": True,
    }
    assert result.outcome.adopted is True
    assert result.outcome.counts["shares"] == {"yes": "46.5", "no": "43.5", "abstain": "10"}
    assert result.outcome.summary == "Adopted: 51.7 % yes, 48.3 % no (weighted votes)."
    assert result.ballots == {"workers": 4, "users": 100, "authorities": 2}
    assert [result.colleges[key].adopted for key in ("workers", "users", "authorities")] == [
        True,
        False,
        False,
    ]
    assert plain("majority", votes(yes=33, no=72, abstain=1)).adopted is False


def test_a_college_without_ballots_is_left_out_and_weights_renormalised():
    result = tally(
        "majority",
        {"workers": votes(yes=1), "users": votes(no=3), "authorities": []},
        {"workers": Fraction(1, 2), "users": Fraction(3, 10), "authorities": Fraction(1, 5)},
    )
    assert result.weights == {
        "workers": Fraction(5, 8),
        "users": Fraction(3, 8),
        "authorities": Fraction(0),
    }
    assert result.aggregate["positions"] == {"yes": 5, "no": 3, "abstain": 0}
    assert result.outcome.adopted is True
    with translation.override("en"):
        empty = tally("majority", {"workers": []}, {"workers": 1})
        assert empty.outcome.summary == "No ballot was cast."
    assert empty.outcome.adopted is False


def test_a_college_named_only_in_the_weights_counts_as_silent():
    result = tally("consent", {"a": votes(agree=2)}, {"a": 1, "b": 3})
    assert result.ballots == {"a": 2, "b": 0}
    assert result.weights == {"a": Fraction(1), "b": Fraction(0)}
    assert result.outcome.adopted is True


def test_a_block_in_any_college_blocks_consensus():
    block = {"position": "block", "reason": "Le bail n'est pas signé.", "counter_proposal": 7}
    result = tally(
        "consensus",
        {"workers": votes(agree=40), "users": [block, *votes(agree=2)]},
        {"workers": Fraction(9, 10), "users": Fraction(1, 10)},
    )
    assert result.outcome.adopted is False
    assert result.outcome.blocks == (Objection("Le bail n'est pas signé.", 7),)
    assert result.colleges["workers"].adopted is True
    with translation.override("en"):
        assert tally(
            "consensus",
            {"workers": votes(agree=40), "users": votes(agree=2)},
            {"workers": 9, "users": 1},
        ).outcome.summary == ("Adopted by consensus: no block.")


def test_majority_judgment_by_colleges():
    # College A (weight 1, 1 ballot) grades option 1 Excellent, option 2 To reject;
    # college B (weight 1, 3 ballots) grades option 1 Passable, option 2 Good.
    # Each A ballot counts 3 times: option 1 is Excellent ×3, Passable ×3 → lower median
    # Passable; option 2 To reject ×3, Good ×3 → To reject. Option 1 wins.
    a = [{"grades": {"1": 6, "2": 0}}]
    b = [{"grades": {"1": 2, "2": 4}}] * 3
    result = tally("judgment", {"A": a, "B": b}, {"A": 1, "B": 1}, options=[1, 2])
    assert result.multiplicity == {"A": 3, "B": 1}
    assert result.aggregate["grades"] == {"1": [0, 0, 3, 0, 0, 0, 3], "2": [3, 0, 0, 0, 3, 0, 0]}
    assert result.outcome.winners == ("1",)
    assert result.colleges["B"].winners == ("2",)


@pytest.mark.parametrize("weight", [0.5, True, None, -1])
def test_weights_are_exact_and_never_negative(weight):
    with pytest.raises(ValueError):
        tally("majority", {"a": votes(yes=1)}, {"a": weight})


def test_every_college_needs_a_weight():
    with pytest.raises(ValueError, match="no weight for the colleges"):
        tally("majority", {"a": votes(yes=1), "b": votes(no=1)}, {"a": 1})


# --- properties -----------------------------------------------------------------------------

OPTIONS = [1, 2, 3]
ONE_BALLOT = {
    "majority": st.sampled_from(["yes", "no", "abstain"]).map(lambda p: {"position": p}),
    "judgment": st.fixed_dictionaries({str(o): st.integers(0, 6) for o in OPTIONS}).map(
        lambda g: {"grades": g}
    ),
    "schulze": st.dictionaries(st.sampled_from(["1", "2", "3"]), st.integers(1, 3)).map(
        lambda r: {"ranking": r}
    ),
}
method_and_ballots = st.sampled_from(list(ONE_BALLOT)).flatmap(
    lambda name: st.tuples(st.just(name), st.lists(ONE_BALLOT[name], max_size=15))
)


def options_for(name):
    return OPTIONS if get_method(name).uses_options else ()


@given(method_and_ballots)
def test_a_single_college_is_the_plain_tally(case):
    name, responses = case
    result = tally(name, {None: responses}, {None: Fraction(1)}, options=options_for(name))
    assert result.outcome == plain(name, responses, options_for(name))


@given(st.sampled_from(list(ONE_BALLOT)), st.integers(1, 4), st.integers(1, 4), st.data())
def test_colleges_of_equal_weight_and_size_are_the_plain_tally(name, colleges, size, data):
    everyone = data.draw(
        st.lists(ONE_BALLOT[name], min_size=colleges * size, max_size=colleges * size)
    )
    by_college = {c: everyone[c * size : (c + 1) * size] for c in range(colleges)}
    weight = data.draw(st.integers(1, 5))
    result = tally(name, by_college, dict.fromkeys(by_college, weight), options=options_for(name))
    assert result.outcome == plain(name, everyone, options_for(name))


@given(method_and_ballots, method_and_ballots, st.integers(1, 9), st.integers(1, 9))
def test_scaling_all_weights_changes_nothing(first, second, w1, w2):
    if first[0] != second[0]:
        return
    name, options = first[0], options_for(first[0])
    by_college = {"a": first[1], "b": second[1]}
    once = tally(name, by_college, {"a": w1, "b": w2}, options=options)
    thrice = tally(name, by_college, {"a": 3 * w1, "b": 3 * w2}, options=options)
    assert once.outcome == thrice.outcome
