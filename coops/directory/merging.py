"""What happens to the rows of higher apps when moderators merge two directory entries.

The directory must not import the apps built on it (charter, governance…), yet merging
a duplicate into the entry kept must move their rows too (the charter's signatures…).
Those apps register a handler in their AppConfig.ready()::

    register_merge_handler(
        "charter_signatures",
        move=move_signatures,          # (keep=, duplicate=, acting_user=) -> dict
        describe=describe_signatures,  # (keep=, duplicate=) -> list[str]
        order=10,
    )

`move` runs inside the merge's transaction, with both actors locked, before the
duplicate is archived; it returns a small JSON-serialisable summary kept in the audit
event (e.g. {"moved": 1, "dropped": 0}). `describe` says, for the preview a moderator
reads before confirming, what the merge would move ("1 charter signature"); it
returns an empty list when there is nothing to move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

MoveFn = Callable[..., dict[str, Any] | None]
DescribeFn = Callable[..., list[str]]


@dataclass(frozen=True, slots=True)
class MergeHandler:
    name: str
    move: MoveFn
    describe: DescribeFn | None
    order: int


# Filled once at start-up by AppConfig.ready(); never mutated while serving requests.
_HANDLERS: dict[str, MergeHandler] = {}


def register_merge_handler(
    name: str, *, move: MoveFn, describe: DescribeFn | None = None, order: int = 100
) -> MergeHandler:
    """Declare what to do with an app's rows when a duplicate is merged. Registering the
    same name again with other functions is a configuration error."""
    handler = MergeHandler(name=name, move=move, describe=describe, order=order)
    existing = _HANDLERS.get(name)
    if existing is not None and existing != handler:
        raise ImproperlyConfigured(f"merge handler {name!r} is registered twice")
    _HANDLERS[name] = handler
    return handler


def unregister_merge_handler(name: str) -> None:
    """For tests that register a handler of their own."""
    _HANDLERS.pop(name, None)


def merge_handlers() -> list[MergeHandler]:
    """The registered handlers, in `order`, then by name."""
    return sorted(_HANDLERS.values(), key=lambda h: (h.order, h.name))
