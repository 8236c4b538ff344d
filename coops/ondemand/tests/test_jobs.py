"""Asking for a job: the quote snapshot, dispatch in the same transaction, and every
bad request refused with a clear message and nothing written."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coops.accounts.tests.factories import UserFactory
from coops.core.audit import Event
from coops.core.geo import Point
from coops.core.geocoding import geocode
from coops.core.routing import straight_route
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.groups.tests.helpers import fr
from coops.ledger.models import Transaction

from ..models import Job, JobEvent, JobKind, JobOffer, JobStatus, OfferAnswer
from ..pricing import Tariff, quote
from ..services._base import rules_of
from ..services.jobs import job_quote, job_request
from .factories import LILLE, ROUBAIX, FederationFactory
from .jobs_helpers import member_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return FederationFactory()


@pytest.fixture
def customer():
    return UserFactory()


def ask(group, customer, **overrides):
    start = timezone.now() + timedelta(minutes=30)
    values = {
        "kind": JobKind.DELIVERY,
        "pickup_address": "59000 Lille",
        "pickup_point": None,
        "dropoff_address": "Roubaix",
        "dropoff_point": None,
        "window_start": start,
        "window_end": start + timedelta(hours=1),
        "items": 1,
        "service_minutes": None,
        "notes": "Code de la porte : 1234",
    }
    values.update(overrides)
    return job_request(group=group, customer=customer, acting_user=customer, **values)


def written() -> tuple[int, ...]:
    return (
        Job.objects.count(),
        JobEvent.objects.count(),
        JobOffer.objects.count(),
        Transaction.objects.count(),
        Event.objects.filter(verb__startswith="ondemand.").count(),
    )


def test_a_delivery_is_quoted_from_the_route_and_waits_when_nobody_is_online(group, customer):
    job = ask(group, customer)
    lille, roubaix = geocode("59000 Lille").point, geocode("Roubaix").point
    way = straight_route(lille, roubaix, profile="bike")
    q = quote(Tariff.of(rules_of(group)), distance_m=way.distance_m, duration_s=way.duration_s)
    assert job.status == JobStatus.REQUESTED
    assert (job.pickup_lat, job.pickup_lon) == (lille.lat, lille.lon)
    assert (job.dropoff_lat, job.dropoff_lon) == (roubaix.lat, roubaix.lon)
    assert (job.distance_m, job.duration_s, job.route_source) == (
        way.distance_m,
        way.duration_s,
        "straight",
    )
    assert (job.tariff_minor, job.floor_minor, job.worker_pay_minor) == (
        q.minor(q.tariff),
        q.minor(q.floor),
        q.minor(q.worker_pay),
    )
    assert (job.commission_minor, job.fund_minor, job.price_minor) == (
        q.minor(q.commission),
        0,
        q.minor(q.price),
    )
    assert job.commission_percent == Decimal("8.00")
    assert job.notes == "Code de la porte : 1234"
    assert list(job.events.values_list("status", "by")) == [(JobStatus.REQUESTED, customer.pk)]
    assert Event.objects.filter(verb="ondemand.job_requested", target_id=str(job.pk)).exists()


def test_a_ride_goes_by_car(group, customer):
    job = ask(group, customer, kind=JobKind.RIDE, pickup_point=LILLE, dropoff_point=ROUBAIX)
    way = straight_route(LILLE, ROUBAIX, profile="car")
    assert (job.distance_m, job.duration_s) == (way.distance_m, way.duration_s)


def test_a_service_is_priced_by_the_customers_time_estimate(group, customer):
    job = ask(
        group,
        customer,
        kind=JobKind.SERVICE,
        pickup_address="Roubaix",
        dropoff_address="ignored",
        service_minutes=60,
    )
    # 3.50 + 60 min × 0.25 = 18.50 (over the floor, 12.00); commission 8 % = 1.48.
    assert (job.distance_m, job.duration_s, job.route_source) == (0, 3600, "customer")
    assert (job.dropoff_address, job.dropoff_lat, job.dropoff_lon) == ("", None, None)
    assert (job.tariff_minor, job.floor_minor, job.worker_pay_minor) == (1850, 1200, 1850)
    assert (job.commission_minor, job.price_minor, job.service_minutes) == (148, 1998, 60)


def test_a_slow_service_is_raised_to_the_floor(group, customer):
    rules = rules_of(group)
    rules.tariff_per_minute = Decimal("0.05")
    rules.save()
    job = ask(group, customer, kind=JobKind.SERVICE, pickup_address="Roubaix", service_minutes=120)
    # 3.50 + 120 × 0.05 = 9.50, under 12 €/h × 2 h = 24.00.
    assert (job.tariff_minor, job.floor_minor, job.worker_pay_minor) == (950, 2400, 2400)
    assert (job.commission_minor, job.price_minor) == (192, 2592)


def test_pins_on_the_map_win_over_the_text(group, customer):
    near = Point(50.6300, 3.0600)
    job = ask(group, customer, pickup_address="", pickup_point=near, dropoff_point=ROUBAIX)
    assert (job.pickup_lat, job.pickup_lon) == (50.63, 3.06)
    assert job.pickup_address == fr("Point on the map (%(lat).5f, %(lon).5f)", lat=50.63, lon=3.06)
    assert (job.dropoff_lat, job.dropoff_lon, job.dropoff_address) == (
        ROUBAIX.lat,
        ROUBAIX.lon,
        "Roubaix",
    )


def test_a_street_address_the_geocoder_does_not_know_falls_back_to_its_town(group, customer):
    job = ask(group, customer, pickup_address="12 rue Esquermoise, 59000 Lille")
    lille = geocode("59000 Lille")
    assert (job.pickup_lat, job.pickup_lon) == (lille.lat, lille.lon)
    assert job.pickup_address == "12 rue Esquermoise, 59000 Lille"


def test_the_job_is_offered_at_once_to_an_online_worker(group, customer):
    worker = member_worker(group, online=True)
    job = ask(group, customer, pickup_point=LILLE, dropoff_point=ROUBAIX)
    assert job.status == JobStatus.OFFERED
    offer = JobOffer.objects.get(job=job)
    assert (offer.worker, offer.answer) == (worker, OfferAnswer.PENDING)
    assert list(job.events.values_list("status", flat=True)) == [
        JobStatus.REQUESTED,
        JobStatus.OFFERED,
    ]


def test_a_dispatcher_may_ask_on_a_customers_behalf_and_nobody_else(group, customer):
    organiser = MembershipFactory(group=group, role="organiser").user
    start = timezone.now() + timedelta(minutes=30)
    kwargs = {
        "group": group, "customer": customer, "kind": JobKind.DELIVERY,
        "pickup_address": "Lille", "pickup_point": None, "dropoff_address": "Roubaix",
        "dropoff_point": None, "window_start": start, "window_end": start + timedelta(hours=1),
        "items": 1, "service_minutes": None, "notes": "",
    }  # fmt: skip
    job = job_request(acting_user=organiser, **kwargs)
    assert job.customer == customer
    before = written()
    with pytest.raises(PermissionDenied):
        job_request(acting_user=UserFactory(), **kwargs)
    with pytest.raises(PermissionDenied):
        job_request(acting_user=AnonymousUser(), **{**kwargs, "customer": AnonymousUser()})
    assert written() == before


def _refused(group, customer, field: str, message: str, **overrides) -> None:
    before = written()
    with pytest.raises(ValidationError) as caught:
        ask(group, customer, **overrides)
    assert caught.value.message_dict[field] == [message]
    assert written() == before


def test_an_unknown_address_is_refused(group, customer):
    _refused(
        group,
        customer,
        "pickup_address",
        fr(
            "We could not find the pickup address “%(address)s”: check it, or place it on the map.",
            address="Atlantide",
        ),
        pickup_address="Atlantide",
    )
    _refused(
        group,
        customer,
        "dropoff_address",
        fr(
            "We could not find the drop-off address “%(address)s”: check it, or place it "
            "on the map.",
            address="1 rue de Nulle-Part, 99999 Ailleurs",
        ),
        dropoff_address="1 rue de Nulle-Part, 99999 Ailleurs",
    )
    _refused(
        group,
        customer,
        "dropoff_address",
        fr("Give the drop-off address, or place it on the map."),
        dropoff_address="  ",
    )


def test_the_dropoff_at_the_pickup_is_refused(group, customer):
    message = fr("The drop-off is the pickup place (less than %(m)s m away).", m=50)
    _refused(group, customer, "dropoff_address", message, pickup_point=LILLE, dropoff_point=LILLE)
    thirty_metres_north = Point(LILLE.lat + 0.00027, LILLE.lon)
    _refused(
        group,
        customer,
        "dropoff_address",
        message,
        pickup_point=LILLE,
        dropoff_point=thirty_metres_north,
    )


def test_two_addresses_known_only_as_the_same_town_centre_ask_for_pins(group, customer):
    _refused(
        group,
        customer,
        "dropoff_address",
        fr(
            "Both addresses are only known as the centre of %(town)s: place the pickup and "
            "the drop-off on the map.",
            town="Lille",
        ),
        pickup_address="3 rue Nationale, 59000 Lille",
        dropoff_address="Lille",
    )


def test_a_time_window_in_the_past_or_backwards_is_refused(group, customer):
    now = timezone.now()
    _refused(
        group,
        customer,
        "window_end",
        fr("This time window is already over: choose a time to come."),
        window_start=now - timedelta(hours=2),
        window_end=now - timedelta(hours=1),
    )
    _refused(
        group,
        customer,
        "window_end",
        fr("The time window ends before it starts."),
        window_start=now + timedelta(hours=2),
        window_end=now + timedelta(hours=1),
    )
    _refused(
        group,
        customer,
        "window_start",
        fr("You can ask at most %(days)s days ahead.", days=30),
        window_start=now + timedelta(days=31),
        window_end=now + timedelta(days=31, hours=1),
    )


def test_a_window_already_started_but_still_open_is_fine(group, customer):
    now = timezone.now()
    job = ask(
        group,
        customer,
        window_start=now - timedelta(minutes=5),
        window_end=now + timedelta(hours=1),
    )
    assert job.status == JobStatus.REQUESTED


@pytest.mark.parametrize("items", [0, -1, 100])
def test_items_out_of_range_are_refused(group, customer, items):
    _refused(group, customer, "items", fr("Between 1 and %(max)s items.", max=99), items=items)


@pytest.mark.parametrize("minutes", [None, 0, 721])
def test_a_service_needs_its_time(group, customer, minutes):
    _refused(
        group,
        customer,
        "service_minutes",
        fr("Give the time the service takes, from 1 minute to %(hours)s hours.", hours=12),
        kind=JobKind.SERVICE,
        service_minutes=minutes,
    )


def test_all_problems_are_told_at_once(group, customer):
    before = written()
    with pytest.raises(ValidationError) as caught:
        ask(group, customer, pickup_address="Atlantide", items=0)
    assert sorted(caught.value.message_dict) == ["items", "pickup_address"]
    assert written() == before


def test_a_group_without_the_module_takes_no_job(customer):
    group = GroupFactory()
    before = written()
    with pytest.raises(ValidationError) as caught:
        ask(group, customer)
    assert caught.value.messages == [fr("This group does not run worker-owned services.")]
    assert written() == before


def test_the_quote_writes_nothing(group):
    before = written()
    now = timezone.now()
    checked = job_quote(
        group=group,
        kind=JobKind.DELIVERY,
        pickup_address="",
        pickup_point=LILLE,
        dropoff_address="",
        dropoff_point=ROUBAIX,
        window_start=now,
        window_end=now + timedelta(hours=1),
        items=2,
        service_minutes=None,
    )
    way = straight_route(LILLE, ROUBAIX, profile="bike")
    assert checked.route == way
    assert checked.quote == quote(
        Tariff.of(rules_of(group)), distance_m=way.distance_m, duration_s=way.duration_s, items=2
    )
    assert written() == before
