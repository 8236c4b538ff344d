"""Quorum rules: is participation enough for a decision to count?

Rules (also the DB choice values):
- "none": always met;
- "participants": at least `value` people took part;
- "percent": at least `value` % of the eligible people took part, compared in integers
  (participants × 100 >= value × eligible), so 1/3 of 3 meets 33 % and 2 of 3 meets 66 %.
"""

from __future__ import annotations

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .base import whole_number

RULES = (
    ("none", _("No quorum")),
    ("participants", _("A minimum number of participants")),
    ("percent", _("A minimum share of eligible members")),
)
_RULE_NAMES = {rule for rule, _label in RULES}


def _check(rule: str, value, participants: int, eligible: int) -> int:
    if rule not in _RULE_NAMES:
        raise ValueError(f"unknown quorum rule {rule!r}; known: {sorted(_RULE_NAMES)}")
    if participants < 0 or eligible < 0:
        raise ValueError("participants and eligible are counts, never negative")
    if rule == "none":
        return 0
    number = whole_number(value)
    if number is None or number < 0 or (rule == "percent" and number > 100):
        raise ValueError(f"invalid quorum value {value!r} for rule {rule!r}")
    return number


def quorum_met(rule: str, value, *, participants: int, eligible: int) -> bool:
    """True when `participants` out of `eligible` meet the rule."""
    number = _check(rule, value, participants, eligible)
    if rule == "participants":
        return participants >= number
    if rule == "percent":
        return participants * 100 >= number * eligible
    return True


def participants_needed(rule: str, value, *, eligible: int) -> int:
    """The smallest number of participants that meets the rule."""
    number = _check(rule, value, 0, eligible)
    if rule == "participants":
        return number
    if rule == "percent":
        return -(-number * eligible // 100)
    return 0


def describe_quorum(rule: str, value, participants: int, eligible: int) -> str:
    """One sentence saying what the quorum is, how many took part, and whether it is met."""
    needed = participants_needed(rule, value, eligible=eligible)
    took_part = ngettext(
        "%(count)s person took part", "%(count)s people took part", participants
    ) % {"count": participants}
    if rule == "none":
        return gettext("No quorum; %(took_part)s.") % {"took_part": took_part}
    met = quorum_met(rule, value, participants=participants, eligible=eligible)
    if rule == "participants":
        text = (
            ngettext(
                "Quorum of %(needed)s participant met: %(took_part)s.",
                "Quorum of %(needed)s participants met: %(took_part)s.",
                needed,
            )
            if met
            else ngettext(
                "Quorum of %(needed)s participant not met: %(took_part)s.",
                "Quorum of %(needed)s participants not met: %(took_part)s.",
                needed,
            )
        )
        return text % {"needed": needed, "took_part": took_part}
    text = (
        gettext(
            "Quorum of %(percent)s %% of %(eligible)s eligible members (%(needed)s) met: "
            "%(took_part)s."
        )
        if met
        else gettext(
            "Quorum of %(percent)s %% of %(eligible)s eligible members (%(needed)s) not met: "
            "%(took_part)s."
        )
    )
    return text % {
        "percent": whole_number(value),
        "eligible": eligible,
        "needed": needed,
        "took_part": took_part,
    }
