import pytest

from coops.notifications import kinds
from coops.notifications.models import Frequency


@pytest.fixture
def daily_kind(monkeypatch):
    """A kind whose registered default is the daily digest, removed after the test."""
    kind = kinds.Kind(
        name="test.daily", label="Test digest kind", description="", default=Frequency.DAILY
    )
    monkeypatch.setitem(kinds._KINDS, kind.name, kind)
    return kind
