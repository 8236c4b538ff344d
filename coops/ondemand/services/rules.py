"""Proposing new federation rules. Applying them is the motion's job (motions.py), when
the proposal is adopted; nothing else writes the rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from coops.core.permissions import require
from coops.governance.models import Proposal
from coops.governance.services.proposals import proposal_create

from ..motions import SET_RULES, describe_rules, validate_rules


def rules_propose(
    *, group, acting_user: Any, changes: dict, reason: str, method: str, closes_at=None
) -> Proposal:
    """Draft a proposal whose adoption sets `changes`. Guarantees: at least one rule
    changes, every value within its bounds (commission 0–10 %…), the proposer takes part
    in the group's decisions. The draft is opened to the vote from its governance page."""
    require(acting_user, "governance.participate", group)
    if not changes:
        raise ValidationError(_("Change at least one rule."), code="rules")
    data = validate_rules(group, changes)
    return proposal_create(
        group=group,
        acting_user=acting_user,
        title=describe_rules(data)[:200],
        body=reason,
        method=method,
        closes_at=closes_at,
        motion_type=SET_RULES,
        motion_data=data,
    )
