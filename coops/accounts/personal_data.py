"""RGPD: each app declares what personal data it holds about a user.

Apps above accounts register in their AppConfig.ready()::

    register_personal_data(
        "memberships", export=export_memberships, erase=erase_memberships
    )

`export(user)` returns JSON-serialisable data; `erase(user)` deletes or anonymises
the rows inside the erasure transaction. Records that others rely on (ledger
entries, votes) must stay and keep pointing at the anonymised user row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class PersonalDataSource:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None] | None


# Filled at start-up by AppConfig.ready(), never mutated while serving.
_SOURCES: dict[str, PersonalDataSource] = {}


def register_personal_data(
    name: str, *, export: Callable[[Any], Any], erase: Callable[[Any], None] | None = None
) -> None:
    existing = _SOURCES.get(name)
    if existing is not None and (existing.export, existing.erase) != (export, erase):
        raise ImproperlyConfigured(f"personal data source {name!r} is registered twice")
    _SOURCES[name] = PersonalDataSource(name, export, erase)


def personal_data_sources() -> list[PersonalDataSource]:
    return [_SOURCES[name] for name in sorted(_SOURCES)]
