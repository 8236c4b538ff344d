"""Volunteer shifts: capacity, sign-up and withdrawal, reminders sent once, and the race
for the last place (PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coops.core.tests.concurrency import race
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr
from coops.notifications.models import Notification

from ..kinds import SHIFT_REMINDER
from ..models import Shift, ShiftSignup
from ..services.shifts import shift_reminders_send, shift_signup, shift_withdraw
from .factories import DistributionFactory, hub


def make_shift(group, needed=1, hours=30):
    start = timezone.now() + timedelta(hours=hours)
    return Shift.objects.create(
        distribution=DistributionFactory(group=group),
        title="Accueil",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        needed=needed,
    )


@pytest.mark.django_db
def test_a_shift_takes_no_more_than_it_needs():
    group = hub()
    shift = make_shift(group, needed=1)
    first, second = (MembershipFactory(group=group).user for _ in range(2))
    shift_signup(shift=shift, acting_user=first)
    with pytest.raises(ValidationError) as caught:
        shift_signup(shift=shift, acting_user=second)
    assert caught.value.messages == [fr("This shift is full: thank you all the same.")]
    with pytest.raises(ValidationError):
        shift_signup(shift=shift, acting_user=first)
    shift_withdraw(shift=shift, acting_user=first)
    shift_signup(shift=shift, acting_user=second)
    assert list(ShiftSignup.objects.values_list("user", flat=True)) == [second.pk]


@pytest.mark.django_db
def test_no_change_once_the_shift_started():
    group = hub()
    shift = make_shift(group, needed=2, hours=-1)
    member = MembershipFactory(group=group).user
    with pytest.raises(ValidationError) as caught:
        shift_signup(shift=shift, acting_user=member)
    assert caught.value.messages == [fr("This shift has already started.")]
    assert not ShiftSignup.objects.exists()


@pytest.mark.django_db
def test_reminders_go_once_the_day_before():
    group = hub()
    tomorrow = make_shift(group, needed=2, hours=20)
    later = make_shift(group, needed=2, hours=50)
    volunteers = [MembershipFactory(group=group).user for _ in range(2)]
    for user in volunteers:
        shift_signup(shift=tomorrow, acting_user=user)
        shift_signup(shift=later, acting_user=user)
    assert shift_reminders_send() == 1
    assert shift_reminders_send() == 0
    notes = Notification.objects.filter(kind=SHIFT_REMINDER).order_by("recipient_id")
    assert [n.recipient for n in notes] == sorted(volunteers, key=lambda u: u.pk)
    assert notes[0].title == fr("Tomorrow: %(task)s", task="Accueil")
    assert Shift.objects.get(pk=later.pk).reminded_at is None
    assert shift_reminders_send(now=timezone.now() + timedelta(hours=30)) == 1
    assert Notification.objects.filter(kind=SHIFT_REMINDER).count() == 4


def test_two_members_racing_for_the_last_place_get_one_signup(pg):
    group = hub()
    shift = make_shift(group, needed=1)
    alice, bob = (MembershipFactory(group=group).user for _ in range(2))
    results = race(
        lambda: shift_signup(shift=shift, acting_user=alice),
        lambda: shift_signup(shift=shift, acting_user=bob),
    )
    assert ShiftSignup.objects.filter(shift=shift).count() == 1
    assert sorted(type(r).__name__ for r in results) == ["ShiftSignup", "ValidationError"]
