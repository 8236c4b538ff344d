import pytest
from django.core.exceptions import ImproperlyConfigured

from coops.notifications import kinds
from coops.notifications.models import Frequency


def test_group_kinds_are_registered_in_order():
    assert [k.name for k in kinds.all_kinds()][:5] == [
        "group.join_requested",
        "group.member_joined",
        "group.request_decided",
        "group.role_changed",
        "group.member_removed",
    ]
    assert all(k.default == Frequency.IMMEDIATE for k in kinds.all_kinds()[:5])


def test_register_is_idempotent_but_refuses_a_different_second_definition(monkeypatch):
    monkeypatch.setattr(kinds, "_KINDS", {})
    first = kinds.register_kind("test.x", "X", "An x", default=Frequency.DAILY)
    assert kinds.register_kind("test.x", "X", "An x", default=Frequency.DAILY) == first
    with pytest.raises(ImproperlyConfigured):
        kinds.register_kind("test.x", "X", "An x", default=Frequency.OFF)
    with pytest.raises(ImproperlyConfigured):
        kinds.register_kind("", "Empty")
    with pytest.raises(ImproperlyConfigured):
        kinds.get_kind("test.unknown")
    assert kinds.get_kind("test.x").default == Frequency.DAILY
