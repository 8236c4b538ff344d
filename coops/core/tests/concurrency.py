"""Helpers for the PostgreSQL concurrency tests of every app."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def race(*calls: Callable) -> list:
    """Run each call in its own thread, all released together by a barrier; return
    each call's result or the exception it raised, in the order given."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call: Callable) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
