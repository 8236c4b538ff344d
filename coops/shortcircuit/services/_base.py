"""Shared bits of short-circuit services: the app's one locking helper."""

from __future__ import annotations

from typing import Any


def lock_objects(model: type, pk: Any) -> Any:
    """Lock one row for the rest of the transaction (the app's single locking helper)."""
    return model.objects.select_for_update().get(pk=pk)
