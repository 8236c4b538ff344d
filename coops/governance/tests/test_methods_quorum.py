"""Quorum rules."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from coops.governance.methods.quorum import (
    RULES,
    describe_quorum,
    participants_needed,
    quorum_met,
)


def test_rules():
    assert [rule for rule, _label in RULES] == ["none", "participants", "percent"]


@pytest.mark.parametrize(
    ("rule", "value", "participants", "eligible", "met"),
    [
        ("none", None, 0, 100, True),
        ("participants", 10, 9, 100, False),
        ("participants", 10, 10, 100, True),
        ("participants", 0, 0, 0, True),
        ("percent", 25, 19, 80, False),
        ("percent", 25, 20, 80, True),
        ("percent", 50, 5, 11, False),  # 5/11 = 45.5 %
        ("percent", 50, 6, 11, True),
        ("percent", 33, 1, 3, True),  # 33.3 % ≥ 33 %
        ("percent", 34, 1, 3, False),
        ("percent", 100, 3, 3, True),
        ("percent", "25", 20, 80, True),
        ("percent", 10, 0, 0, True),  # nobody eligible: nothing to reach
    ],
)
def test_quorum_boundaries(rule, value, participants, eligible, met):
    assert quorum_met(rule, value, participants=participants, eligible=eligible) is met


@pytest.mark.parametrize(
    ("rule", "value"),
    [("majority", 1), ("percent", 101), ("percent", -1), ("participants", 2.5), ("percent", None)],
)
def test_bad_rules_and_values_are_refused(rule, value):
    with pytest.raises(ValueError):
        quorum_met(rule, value, participants=1, eligible=10)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        quorum_met("none", None, participants=-1, eligible=10)


@given(st.integers(0, 100), st.integers(0, 500), st.integers(0, 500))
def test_percent_quorum_is_met_from_the_needed_number_on(percent, participants, eligible):
    needed = participants_needed("percent", percent, eligible=eligible)
    met = quorum_met("percent", percent, participants=participants, eligible=eligible)
    assert met is (participants >= needed)
    assert needed * 100 >= percent * eligible
    assert needed == 0 or (needed - 1) * 100 < percent * eligible


@given(st.integers(0, 50), st.integers(0, 100))
def test_participants_quorum(minimum, participants):
    assert quorum_met("participants", minimum, participants=participants, eligible=100) is (
        participants >= minimum
    )


def test_descriptions():
    with translation.override("en"):
        assert describe_quorum("none", None, 12, 80) == "No quorum; 12 people took part."
        assert describe_quorum("participants", 10, 12, 80) == (
            "Quorum of 10 participants met: 12 people took part."
        )
        assert describe_quorum("participants", 1, 0, 80) == (
            "Quorum of 1 participant not met: 0 people took part."
        )
        assert describe_quorum("percent", 25, 19, 80) == (
            "Quorum of 25 % of 80 eligible members (20) not met: 19 people took part."
        )
        assert describe_quorum("percent", 25, 1, 4) == (
            "Quorum of 25 % of 4 eligible members (1) met: 1 person took part."
        )
