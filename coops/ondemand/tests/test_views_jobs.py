"""The job pages across the personas: asking (form, live quote, confirmation), my
requests, a job's page, cancelling, and the worker's pick-up and done buttons. Every
denied request changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr, messages_of, page
from coops.ledger.models import Transaction

from ..models import Job, JobEvent, JobOffer, JobStatus
from ..pricing import Tariff, quote
from ..services._base import rules_of
from .factories import JobFactory, enable_module
from .jobs_helpers import accepted_job, member_worker, picked_job

pytestmark = pytest.mark.django_db

SIGNED_IN = ("member", "other_member", "organiser", "admin")
DISPATCHERS = ("organiser", "admin")


@pytest.fixture
def world(personas):
    enable_module(personas.group)
    personas.worker = member_worker(personas.group)
    return personas


def url(group, name: str, **kwargs) -> str:
    return reverse(f"groups:ondemand:{name}", kwargs={"slug": group.slug, **kwargs})


def login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def snapshot() -> tuple:
    return (
        sorted(Job.objects.values_list("pk", "status", "customer", "worker", "cancel_reason")),
        JobEvent.objects.count(),
        Transaction.objects.count(),
    )


def form_data(**overrides) -> dict:
    start = timezone.localtime(timezone.now() + timedelta(hours=1))
    data = {
        "kind": "service",
        "pickup_address": "Roubaix",
        "dropoff_address": "",
        "window_start": start.strftime("%Y-%m-%dT%H:%M"),
        "window_end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "items": "1",
        "service_minutes": "60",
        "notes": "Sonner deux fois",
    }
    data.update(overrides)
    return data


# --- Asking for a job -------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_the_request_form(world, who):
    response = world.client(who).get(url(world.group, "job_request"))
    if who == "anonymous":
        login_redirect(response)
        return
    assert response.status_code == 200
    text = page(response)
    assert fr("See the price") in text
    assert 'name="pickup_lat"' in text and "data-job-map" in text


def test_see_the_price_without_javascript_writes_nothing(world):
    before = snapshot()
    response = world.client("other_member").post(
        url(world.group, "job_request"), {**form_data(), "preview": "1"}
    )
    assert response.status_code == 200
    text = page(response)
    # A service of 60 min: 3.50 + 60 × 0.25 = 18.50, commission 8 % = 1.48.
    assert 'data-testid="price"><strong>19,98\N{NO-BREAK SPACE}€' in text
    assert 'data-testid="pay">18,50\N{NO-BREAK SPACE}€' in text
    assert 'name="quoted_price" value="1998"' in text
    assert snapshot() == before


@pytest.mark.parametrize("who", PERSONAS)
def test_confirm_the_request(world, who):
    before = snapshot()
    data = {**form_data(), "confirm": "1", "quoted_price": "1998"}
    response = world.client(who).post(url(world.group, "job_request"), data)
    if who == "anonymous":
        login_redirect(response)
        assert snapshot() == before
        return
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(world.group, "job", pk=job.pk)
    assert (job.customer, job.kind, job.price_minor, job.notes) == (
        getattr(world, who),
        "service",
        1998,
        "Sonner deux fois",
    )


def test_a_changed_price_is_shown_again_before_it_is_confirmed(world):
    before = snapshot()
    data = {**form_data(), "confirm": "1", "quoted_price": "1500"}
    response = world.client("member").post(url(world.group, "job_request"), data)
    assert response.status_code == 200
    assert messages_of(response) == [fr("The price changed: check the new quote and confirm.")]
    assert 'name="quoted_price" value="1998"' in page(response)
    assert snapshot() == before


def test_refusals_are_shown_beside_their_fields(world):
    before = snapshot()
    data = form_data(
        kind="delivery", pickup_address="Atlantide", dropoff_address="Lille", items="0"
    )
    response = world.client("member").post(
        url(world.group, "job_request"), {**data, "confirm": "1"}
    )
    assert response.status_code == 200
    text = page(response)
    assert (
        fr(
            "We could not find the pickup address “%(address)s”: check it, or place it on the map.",
            address="Atlantide",
        )
        in text
    )
    assert fr("Between 1 and %(max)s items.", max=99) in text
    assert 'data-testid="confirm"' not in text
    assert snapshot() == before


def test_pins_placed_on_the_map_are_used(world):
    data = form_data(
        kind="delivery",
        pickup_address="",
        pickup_lat="50.6366",
        pickup_lon="3.0635",
        dropoff_address="Chez Paul",
        dropoff_lat="50.6942",
        dropoff_lon="3.1746",
    )
    response = world.client("member").post(
        url(world.group, "job_request"), {**data, "preview": "1"}
    )
    text = page(response)
    quoted = int(text.split('name="quoted_price" value="')[1].split('"')[0])
    world.client("member").post(
        url(world.group, "job_request"), {**data, "confirm": "1", "quoted_price": quoted}
    )
    job = Job.objects.get()
    assert (job.pickup_lat, job.pickup_lon, job.dropoff_lat, job.dropoff_lon) == (
        50.6366,
        3.0635,
        50.6942,
        3.1746,
    )
    assert (job.dropoff_address, job.price_minor) == ("Chez Paul", quoted)


@pytest.mark.parametrize("who", PERSONAS)
def test_the_live_quote(world, who):
    before = snapshot()
    response = world.client(who).post(url(world.group, "job_quote"), form_data())
    if who == "anonymous":
        login_redirect(response)
        return
    assert response.status_code == 200
    text = page(response)
    assert "<html" not in text  # a fragment for htmx
    assert 'data-testid="confirm"' in text and 'value="1998"' in text
    assert snapshot() == before


def test_the_live_quote_says_what_is_wrong(world):
    response = world.client("member").post(
        url(world.group, "job_quote"), form_data(service_minutes="")
    )
    text = page(response)
    assert fr("No price yet:") in text
    assert (
        fr("Give the time the service takes, from 1 minute to %(hours)s hours.", hours=12) in text
    )
    assert world.client("member").get(url(world.group, "job_quote")).status_code == 405


def test_a_floor_quote_says_it_was_raised(world):
    rules = rules_of(world.group)
    rules.tariff_per_minute = 0
    rules.save()
    response = world.client("member").post(url(world.group, "job_quote"), form_data())
    assert 'data-testid="raised"' in page(response)


# --- My requests ------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_my_requests_are_mine_only(world, who):
    mine = {
        name: JobFactory(group=world.group, customer=getattr(world, name)) for name in SIGNED_IN
    }
    response = world.client(who).get(url(world.group, "my_jobs"))
    if who == "anonymous":
        login_redirect(response)
        return
    assert response.status_code == 200
    text = page(response)
    for name, job in mine.items():
        link = f'href="{url(world.group, "job", pk=job.pk)}"'
        assert (link in text) == (name == who)


# --- A job's page -----------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_a_jobs_page_is_for_its_customer_its_worker_and_dispatchers(world, who):
    job = accepted_job(world.group, world.worker, customer=world.member)
    response = world.client(who).get(url(world.group, "job", pk=job.pk))
    if who == "anonymous":
        login_redirect(response)
        return
    if who == "other_member":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    text = page(response)
    assert 'data-testid="breakdown"' in text and 'data-testid="timeline"' in text
    first = world.worker.user.public_name.split()[0]
    if who == "member":
        assert fr("Your worker: %(name)s", name=first) in text
        assert world.worker.user.public_name not in text or first == world.worker.user.public_name
    else:
        assert fr("Worker: %(name)s", name=world.worker.user.public_name) in text


def test_other_members_and_the_workers_colleagues_see_nothing(world):
    job = accepted_job(world.group, world.worker, customer=world.member)
    for user in (MembershipFactory(group=world.group).user, member_worker(world.group).user):
        client = world.client("anonymous")
        client.force_login(user)
        assert client.get(url(world.group, "job", pk=job.pk)).status_code == 404


def test_the_customer_sees_the_price_of_cancelling(world):
    job = accepted_job(world.group, world.worker, customer=world.member, minutes_ago=5)
    text = page(world.client("member").get(url(world.group, "job", pk=job.pk)))
    message = (
        "A worker has accepted: cancelling now costs %(fee)s, paid to the worker for their time."
    )
    assert fr(message, fee="3,50\N{NO-BREAK SPACE}€") in text


def test_the_worker_sees_the_top_up_and_the_customer_does_not(world):
    job = picked_job(world.group, world.worker, customer=world.member, minutes_ago=3 * 60)
    worker_client = world.client("anonymous")
    worker_client.force_login(world.worker.user)
    worker_client.post(url(world.group, "job_done", pk=job.pk))
    assert 'data-testid="topup"' in page(worker_client.get(url(world.group, "job", pk=job.pk)))
    customer_text = page(world.client("member").get(url(world.group, "job", pk=job.pk)))
    assert 'data-testid="topup"' not in customer_text
    assert fr("Done") in customer_text


# --- Cancelling -------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_cancel(world, who):
    job = JobFactory(group=world.group, customer=world.member)
    before = snapshot()
    cancel = url(world.group, "job_cancel", pk=job.pk)
    response = world.client(who).post(cancel)
    if who == "anonymous":
        login_redirect(response)
        assert snapshot() == before
        return
    if who == "other_member":
        assert response.status_code == 404
        assert snapshot() == before
        return
    assert response.status_code == 302
    if who in DISPATCHERS:
        assert messages_of(response) == [fr("Give the reason for cancelling.")]
        assert snapshot() == before
        response = world.client(who).post(cancel, {"reason": "Client injoignable"})
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert messages_of(response) == [fr("The job is cancelled.")]


def test_cancel_is_a_post(world):
    job = JobFactory(group=world.group, customer=world.member)
    assert world.client("member").get(url(world.group, "job_cancel", pk=job.pk)).status_code == 405


# --- The worker's buttons ---------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("step", ["job_pickup", "job_done"])
def test_only_the_assigned_worker_moves_the_job(world, who, step):
    job = (accepted_job if step == "job_pickup" else picked_job)(
        world.group, world.worker, customer=world.member
    )
    before = snapshot()
    response = world.client(who).post(url(world.group, step, pk=job.pk))
    if who == "anonymous":
        login_redirect(response)
    elif who == "other_member":
        assert response.status_code == 404
    else:
        assert response.status_code == 403
        assert fr("Only the worker on this job can do this.") in page(response)
    assert snapshot() == before


def test_the_worker_picks_up_and_finishes_from_their_page(world):
    job = accepted_job(world.group, world.worker, customer=world.member)
    client = world.client("anonymous")
    client.force_login(world.worker.user)
    back = "/g/x/m/ondemand/work/"
    response = client.post(url(world.group, "job_pickup", pk=job.pk), {"next": back})
    assert response["Location"] == back
    assert messages_of(response) == [fr("Picked up: the customer is told.")]
    response = client.post(
        url(world.group, "job_done", pk=job.pk), {"next": "https://evil.example.org/"}
    )
    assert response["Location"] == url(world.group, "job", pk=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.transaction is not None


def test_done_before_pickup_is_refused_with_a_message(world):
    job = accepted_job(world.group, world.worker, customer=world.member)
    client = world.client("anonymous")
    client.force_login(world.worker.user)
    before = snapshot()
    response = client.post(url(world.group, "job_done", pk=job.pk))
    assert messages_of(response) == [
        fr(
            "This job is %(status)s: it cannot become %(to)s.",
            status=fr("Accepted").lower(),
            to=fr("Done").lower(),
        )
    ]
    assert snapshot() == before


def test_pages_of_a_group_without_the_module_are_not_found(personas):
    client = personas.client("member")
    assert client.get(url(personas.group, "job_request")).status_code == 404


def test_quote_snapshot_uses_the_rules(world):
    q = quote(Tariff.of(rules_of(world.group)), distance_m=0, duration_s=3600)
    assert q.minor(q.price) == 1998


def test_a_worker_offered_the_job_reads_it_to_decide(world):
    now = timezone.now()
    job = JobFactory(
        group=world.group, customer=world.member, status=JobStatus.OFFERED, offered_at=now
    )
    JobOffer.objects.create(
        job=job, worker=world.worker, offered_at=now, expires_at=now + timedelta(minutes=2)
    )
    client = world.client("anonymous")
    client.force_login(world.worker.user)
    text = page(client.get(url(world.group, "job", pk=job.pk)))
    assert 'data-testid="breakdown"' in text
    assert 'data-testid="cancel"' not in text and 'data-testid="pickup"' not in text
    before = snapshot()
    assert (
        client.post(url(world.group, "job_cancel", pk=job.pk), {"reason": "Non"}).status_code == 403
    )
    assert snapshot() == before
