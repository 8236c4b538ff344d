"""Shared bits of on-demand services: the app's one locking helper and the rules row."""

from __future__ import annotations

from typing import Any

from ..models import FederationRules


def lock_objects(model: type, pk: Any) -> Any:
    """Lock one row for the rest of the transaction (the app's single locking helper)."""
    return model.objects.select_for_update().get(pk=pk)


def rules_of(group) -> FederationRules:
    """The federation's current rules, created with the defaults on first use."""
    row, _ = FederationRules.objects.get_or_create(group=group)
    return row
