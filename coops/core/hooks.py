"""Explicit, searchable hooks from lower apps to higher ones.

A lower app (groups, ledger, governance…) names the events it emits; a higher app
(notifications…) registers listeners in its AppConfig.ready(). `emit` calls listeners
synchronously inside the caller's transaction, so what they write is atomic with the
change; listeners defer side effects (email, tasks) with transaction.on_commit.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Listener = Callable[..., None]

# Filled once at start-up by AppConfig.ready(); never mutated while serving requests.
_LISTENERS: dict[str, list[Listener]] = defaultdict(list)


def listen(event: str) -> Callable[[Listener], Listener]:
    def register(fn: Listener) -> Listener:
        if fn not in _LISTENERS[event]:
            _LISTENERS[event].append(fn)
        return fn

    return register


def emit(event: str, **payload: Any) -> None:
    for fn in list(_LISTENERS.get(event, ())):
        fn(**payload)


def listeners(event: str) -> list[Listener]:
    return list(_LISTENERS.get(event, ()))
