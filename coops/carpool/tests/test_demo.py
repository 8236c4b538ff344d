"""The carpool demo step: rides around Lille, a solidarity ride, one accepted booking and
one waiting; running it again adds nothing."""

import pytest

from coops.accounts.demo import load_people
from coops.core.demo import DemoContext, demo_steps
from coops.groups.demo import load_groups
from coops.groups.models import GroupModule

from ..demo import load_carpool
from ..models import Booking, BookingStatus, Ride, Trip

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(django_capture_on_commit_callbacks):
    ctx = DemoContext(log=lambda _: None)
    with django_capture_on_commit_callbacks(execute=True):
        load_people(ctx)
        load_groups(ctx)
        load_carpool(ctx)
    return ctx


def test_the_step_is_registered_after_the_groups():
    step = next(s for s in demo_steps() if s.name == "carpool")
    assert (step.load, step.order) == (load_carpool, 75)


def test_the_metropole_shares_rides(ctx):
    group = ctx.groups["groupe-local-metropole-lilloise"]
    assert GroupModule.objects.filter(group=group, module="carpool").exists()
    rides = {str(r): r for r in Ride.objects.filter(group=group)}
    assert set(rides) == {
        "Roubaix (59100) → Lille (59000)",
        "Lille (59000) → Villeneuve-d'Ascq (59650)",
        "Lille (59000) → Tourcoing (59200)",
        "Wavrin (59136) → Lille (59000)",
    }
    commute = rides["Roubaix (59100) → Lille (59000)"]
    assert (commute.regular, commute.weekday_list, commute.driver) == (
        True,
        [0, 1, 2, 3, 4],
        ctx.users["nadia"],
    )
    hospital = rides["Wavrin (59136) → Lille (59000)"]
    assert hospital.solidarity and hospital.is_free
    statuses = dict(Booking.objects.values_list("passenger__email", "status"))
    assert statuses == {
        ctx.users["camille"].email: BookingStatus.ACCEPTED,
        ctx.users["sarah"].email: BookingStatus.REQUESTED,
    }
    assert sorted(Trip.objects.values_list("seats_left", flat=True)) == [1, 2]


def test_running_it_again_adds_nothing(ctx):
    counts = (Ride.objects.count(), Trip.objects.count(), Booking.objects.count())
    load_carpool(ctx)
    assert (Ride.objects.count(), Trip.objects.count(), Booking.objects.count()) == counts
