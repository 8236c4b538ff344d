"""The `shortcircuit_tick` command runs each periodic step and prints its count."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from ..models import Distribution
from .factories import DistributionFactory, hub, local_at


@pytest.mark.django_db
def test_the_tick_closes_due_distributions_and_prints_counts():
    due = DistributionFactory(group=hub())
    Distribution.objects.filter(pk=due.pk).update(
        opens_at=local_at(-3, 9), closes_at=timezone.now() - timedelta(minutes=5)
    )
    out = StringIO()
    call_command("shortcircuit_tick", stdout=out)
    assert out.getvalue().splitlines() == [
        "distributions generated: 0",
        "distributions closed: 1",
        "shift reminders sent: 0",
        "season contract orders generated: 0",
        "bulk orders closed: 0",
    ]
    assert Distribution.objects.get(pk=due.pk).status == "closed"
