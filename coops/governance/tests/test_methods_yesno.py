"""Consensus, consent, simple and qualified majority; the registry of methods."""

from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from coops.governance.methods import METHOD_CHOICES, METHODS, Objection, get_method
from coops.governance.methods.base import merge_aggregates, scale_aggregate

CONSENSUS = get_method("consensus")
CONSENT = get_method("consent")
MAJORITY = get_method("majority")
QUALIFIED = get_method("qualified")


def run(method, responses, **settings):
    cleaned = [method.validate(r, options=(), settings=settings) for r in responses]
    aggregate = method.aggregate(cleaned, options=(), settings=settings)
    return aggregate, method.decide(aggregate, options=(), settings=settings)


def votes(**counts):
    return [{"position": position} for position, n in counts.items() for _i in range(n)]


# --- registry -------------------------------------------------------------------------------


def test_every_method_is_registered_under_its_name():
    assert list(METHODS) == [
        "consensus",
        "consent",
        "majority",
        "qualified",
        "judgment",
        "schulze",
        "dots",
        "score",
    ]
    assert {name for name, method in METHODS.items() if method.uses_options} == {
        "judgment",
        "schulze",
        "dots",
        "score",
    }
    with translation.override("en"):
        assert [str(label) for _name, label in METHOD_CHOICES] == [
            "Consensus",
            "Consent",
            "Simple majority",
            "Qualified majority",
            "Majority judgment",
            "Ranked choice (Schulze)",
            "Dot voting",
            "Score voting",
        ]


def test_an_unknown_method_is_a_value_error():
    with pytest.raises(ValueError, match="unknown decision method 'borda'; known methods: "):
        get_method("borda")
    with pytest.raises(ValueError):
        get_method(None)


@pytest.mark.parametrize("name", list(METHODS))
def test_a_ballot_that_is_not_a_mapping_is_refused(name):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        METHODS[name].validate(["yes"], options=[1, 2], settings={})
    assert refused.value.messages == ["This ballot is not in the expected form."]


def test_aggregates_scale_counts_and_keep_records_once():
    aggregate = {"ballots": 2, "positions": {"block": 1}, "blocks": [{"reason": "r"}]}
    assert scale_aggregate(aggregate, 3) == {
        "ballots": 6,
        "positions": {"block": 3},
        "blocks": [{"reason": "r"}],
    }
    assert merge_aggregates(aggregate, aggregate) == {
        "ballots": 4,
        "positions": {"block": 2},
        "blocks": [{"reason": "r"}, {"reason": "r"}],
    }
    assert merge_aggregates({"v": [1, 2]}, {"v": [3, 4]}) == {"v": [4, 6]}


# --- consensus ------------------------------------------------------------------------------


def test_consensus_without_a_block_is_adopted():
    aggregate, outcome = run(
        CONSENSUS,
        [
            *votes(agree=8, abstain=1, stand_aside=2),
            {"position": "disagree", "reason": "Trop cher", "counter_proposal": None},
        ],
    )
    assert aggregate == {
        "ballots": 12,
        "positions": {"agree": 8, "abstain": 1, "stand_aside": 2, "disagree": 1, "block": 0},
        "blocks": [],
    }
    assert outcome.adopted is True
    assert outcome.blocks == ()
    assert outcome.counts["shares"] == {
        "agree": "66.7",
        "abstain": "8.3",
        "stand_aside": "16.7",
        "disagree": "8.3",
        "block": "0",
    }
    with translation.override("en"):
        assert CONSENSUS.decide(aggregate, options=(), settings={}).summary == (
            "Adopted by consensus: no block (8 agree, 2 stand aside, 1 disagree, 1 abstain)."
        )


def test_a_valid_block_stops_consensus_and_is_listed():
    block = {
        "position": "block",
        "reason": " Le local n'est pas accessible. ",
        "counter_proposal": 42,
    }
    aggregate, outcome = run(CONSENSUS, [*votes(agree=20), block])
    assert outcome.adopted is False
    assert outcome.blocks == (Objection("Le local n'est pas accessible.", 42),)
    assert aggregate["blocks"] == [
        {"reason": "Le local n'est pas accessible.", "counter_proposal": 42}
    ]
    with translation.override("en"):
        assert CONSENSUS.decide(aggregate, options=(), settings={}).summary == (
            "Not adopted: 1 block."
        )


@pytest.mark.parametrize(
    "block",
    [
        {"position": "block", "reason": "Non.", "counter_proposal": None},
        {"position": "block", "reason": "Non."},
        {"position": "block", "reason": "   ", "counter_proposal": 3},
        {"position": "block", "counter_proposal": 3},
    ],
)
def test_a_block_without_reason_and_counter_proposal_is_refused(block):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        CONSENSUS.validate(block, options=(), settings={})
    assert refused.value.messages == ["A block needs a written reason and a counter-proposal."]


def test_consensus_refusals():
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            CONSENSUS.validate({"position": "veto"}, options=(), settings={})
        assert refused.value.messages == [
            "Choose one of: Agree, Abstain, Stand aside, Disagree, Block."
        ]
        with pytest.raises(ValidationError) as refused:
            CONSENSUS.validate(
                {"position": "block", "reason": "Non.", "counter_proposal": 9},
                options=(),
                settings={"counter_proposals": {3, 4}},
            )
        assert refused.value.messages == [
            "This counter-proposal is not one of the proposals you can point to."
        ]
    assert CONSENSUS.validate(
        {"position": "block", "reason": "Non.", "counter_proposal": "4"},
        options=(),
        settings={"counter_proposals": {3, 4}},
    ) == {"position": "block", "reason": "Non.", "counter_proposal": 4}


def test_nothing_is_adopted_without_ballots():
    for method in (CONSENSUS, CONSENT, MAJORITY, QUALIFIED):
        aggregate, outcome = run(method, [])
        assert outcome.adopted is False
        with translation.override("en"):
            assert method.decide(aggregate, options=(), settings={}).summary == (
                "No ballot was cast."
            )


positions = st.sampled_from(["agree", "abstain", "stand_aside", "disagree", "block"])
consensus_ballots = st.lists(
    st.builds(
        lambda position, reason, counter: {
            "position": position,
            "reason": reason,
            "counter_proposal": counter,
        },
        positions,
        st.sampled_from(["", "  ", "Pas d'accord sur le budget."]),
        st.one_of(st.none(), st.integers(1, 5)),
    ),
    min_size=1,
    max_size=20,
)


@given(consensus_ballots)
def test_consensus_is_adopted_iff_no_valid_block(responses):
    valid = []
    for response in responses:
        try:
            valid.append(CONSENSUS.validate(response, options=(), settings={}))
        except ValidationError:
            assert response["position"] == "block"
            assert not response["reason"].strip() or response["counter_proposal"] is None
    if not valid:
        return
    outcome = CONSENSUS.decide(CONSENSUS.aggregate(valid), options=(), settings={})
    blocks = [r for r in valid if r["position"] == "block"]
    assert outcome.adopted is (not blocks)
    assert len(outcome.blocks) == len(blocks)


# --- consent --------------------------------------------------------------------------------


def test_consent_without_objection_is_adopted():
    aggregate, outcome = run(CONSENT, votes(agree=5, no_objection=3))
    assert outcome.adopted is True
    assert aggregate == {
        "ballots": 8,
        "positions": {"agree": 5, "no_objection": 3, "objection": 0},
        "objections": [],
    }
    with translation.override("en"):
        assert CONSENT.decide(aggregate, options=(), settings={}).summary == (
            "Adopted by consent: no objection (5 agree, 3 no objection)."
        )


def test_an_objection_stops_consent():
    aggregate, outcome = run(
        CONSENT,
        [
            *votes(agree=5),
            {"position": "objection", "reason": "Risque pour la trésorerie."},
            {"position": "objection", "reason": "Pas de budget."},
        ],
    )
    assert outcome.adopted is False
    assert outcome.blocks == (
        Objection("Risque pour la trésorerie."),
        Objection("Pas de budget."),
    )
    with translation.override("en"):
        assert CONSENT.decide(aggregate, options=(), settings={}).summary == (
            "Not adopted: 2 objections."
        )


@pytest.mark.parametrize("reason", [None, "", "  \n"])
def test_an_objection_without_reason_is_refused(reason):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        CONSENT.validate({"position": "objection", "reason": reason}, options=(), settings={})
    assert refused.value.messages == ["An objection needs a written reason."]


# --- majorities -----------------------------------------------------------------------------


def test_simple_majority_worked_example():
    aggregate, outcome = run(MAJORITY, votes(yes=12, no=3, abstain=2))
    assert outcome.adopted is True
    assert outcome.counts == {
        "ballots": 17,
        "positions": {"yes": 12, "no": 3, "abstain": 2},
        "shares": {"yes": "70.6", "no": "17.6", "abstain": "11.8"},
        "expressed": 15,
        "yes_share": "4/5",
        "yes_percent": "80",
    }
    with translation.override("en"):
        assert MAJORITY.decide(aggregate, options=(), settings={}).summary == (
            "Adopted: 12 yes, 3 no, 2 abstentions (80 % of votes expressed)."
        )


def test_a_tie_is_not_a_majority_and_abstentions_do_not_count():
    _aggregate, outcome = run(MAJORITY, votes(yes=5, no=5, abstain=30))
    assert outcome.adopted is False
    _aggregate, outcome = run(MAJORITY, votes(yes=2, no=1, abstain=30))
    assert outcome.adopted is True
    with translation.override("en"):
        _aggregate, outcome = run(MAJORITY, votes(yes=5, no=6, abstain=1))
        assert outcome.summary == "Rejected: 5 yes, 6 no, 1 abstention (45.5 % of votes expressed)."
        _aggregate, outcome = run(MAJORITY, votes(abstain=4))
        assert outcome.summary == "Rejected: no vote was expressed, only abstentions."


def test_the_french_summary_uses_a_decimal_comma():
    with translation.override("fr"):
        _aggregate, outcome = run(MAJORITY, votes(yes=2, no=1))
    assert "66,7" in outcome.summary


@pytest.mark.parametrize(
    ("yes", "no", "threshold", "adopted"),
    [
        (20, 10, None, True),  # exactly 2/3
        (19, 10, None, False),
        (2, 1, "2/3", True),
        (3, 2, "3/5", True),
        (5, 4, "3/5", False),
        (10, 0, "1", True),
        (9, 1, "1/1", False),
        (1, 1, "1/2", True),  # a qualified majority of 1/2 counts ties as reaching it
        (0, 0, "1/2", False),
    ],
)
def test_qualified_majority_thresholds(yes, no, threshold, adopted):
    settings = {} if threshold is None else {"threshold": threshold}
    _aggregate, outcome = run(QUALIFIED, votes(yes=yes, no=no), **settings)
    assert outcome.adopted is adopted


def test_qualified_majority_summary_and_settings():
    with translation.override("en"):
        _aggregate, outcome = run(QUALIFIED, votes(yes=19, no=10, abstain=1))
        assert outcome.summary == (
            "Rejected: 19 yes, 10 no, 1 abstention (65.5 % of votes expressed). "
            "A majority of 2/3 of votes expressed was required."
        )
    assert outcome.counts["threshold"] == "2/3"
    assert QUALIFIED.validate_settings({"threshold": " 6 / 9 "}) == {"threshold": "2/3"}
    assert QUALIFIED.validate_settings({}) == {"threshold": "2/3"}


@pytest.mark.parametrize("threshold", ["0/3", "4/3", "2/0", "abc", "0.66", "-1/2", 0.66])
def test_bad_thresholds_are_refused(threshold):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        QUALIFIED.validate_settings({"threshold": threshold})
    assert refused.value.messages == [
        "A threshold is a fraction such as 2/3, above 0 and at most 1."
    ]


@given(
    st.integers(0, 500),
    st.integers(0, 500),
    st.integers(1, 20).flatmap(lambda d: st.tuples(st.integers(1, d), st.just(d))),
)
def test_qualified_majority_compares_exact_fractions(yes, no, threshold):
    numerator, denominator = threshold
    _aggregate, outcome = run(
        QUALIFIED, votes(yes=yes, no=no), threshold=f"{numerator}/{denominator}"
    )
    expressed = yes + no
    assert outcome.adopted is (
        expressed > 0 and Fraction(yes, expressed) >= Fraction(numerator, denominator)
    )


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_simple_majority_is_yes_over_no(yes, no, abstain):
    _aggregate, outcome = run(MAJORITY, votes(yes=yes, no=no, abstain=abstain))
    assert outcome.adopted is (yes > no)
