"""Fixtures for the groups tests."""

import pytest

from coops.core import hooks
from coops.groups import modules
from coops.groups.tests.demo_module import BASKETS, NOTES

GROUP_EVENTS = [
    "group.join_requested",
    "group.member_joined",
    "group.request_decided",
    "group.role_changed",
    "group.member_left",
    "group.member_removed",
]


@pytest.fixture
def emitted(monkeypatch):
    """Every group hook emitted during the test, as (event, payload) in order.

    Added next to the listeners already registered (notifications), removed afterwards.
    """
    log: list[tuple[str, dict]] = []
    for event in GROUP_EVENTS:

        def record(_event=event, **payload):
            log.append((_event, payload))

        current = hooks._LISTENERS.get(event, [])
        monkeypatch.setitem(hooks._LISTENERS, event, [*current, record])
    return log


@pytest.fixture
def test_modules(monkeypatch, settings):
    """Register the "notes" and "baskets" modules and mount their pages."""
    monkeypatch.setitem(modules._MODULES, NOTES.name, NOTES)
    monkeypatch.setitem(modules._MODULES, BASKETS.name, BASKETS)
    settings.ROOT_URLCONF = "coops.groups.tests.urls_with_module"
    return NOTES, BASKETS
