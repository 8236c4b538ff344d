"""The worker's pages and endpoints, across the personas: a denied request changes
nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from coops.core.models import Event
from coops.groups.tests.helpers import fr, messages_of, page

from ..models import DocumentStatus, Job, JobOffer, JobStatus, OfferAnswer, Worker, WorkerDocument
from ..services._base import lock_objects, rules_of
from ..services.dispatch import dispatch_next
from .dispatch_helpers import WorkerDocumentFactory, member_worker, worked_today
from .factories import JobFactory, enable_module

PERSONAS = ["anonymous", "member", "other_member", "organiser", "admin"]
MEMBERS = ("member", "organiser", "admin")

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(personas):
    enable_module(personas.group)
    return personas.group


def u(group, name, **kwargs) -> str:
    return reverse(f"groups:ondemand:{name}", kwargs={"slug": group.slug, **kwargs})


def worker_for(personas, who="member", **kwargs) -> Worker:
    return member_worker(personas.group, user=getattr(personas, who), **kwargs)


def offer_to(worker) -> JobOffer:
    job = JobFactory(group=worker.group)
    with transaction.atomic():
        return dispatch_next(job=lock_objects(Job, job.pk), acting_user=job.customer)


def denied(response, who) -> None:
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code in (403, 404)


# --- The page ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_worker_page_offers_to_register(personas, group, who):
    response = personas.client(who).get(u(group, "worker"))
    if who in MEMBERS:
        assert response.status_code == 200
        assert fr("Register as a worker") in page(response)
    else:
        denied(response, who)


@pytest.mark.parametrize("who", PERSONAS)
def test_register(personas, group, who):
    response = personas.client(who).post(u(group, "worker_register"), {"vehicle": "cargo_bike"})
    if who in MEMBERS:
        assert response.status_code == 302
        assert Worker.objects.get().user == getattr(personas, who)
    else:
        denied(response, who)
        assert not Worker.objects.exists()


def test_register_with_a_bad_vehicle_shows_the_form(personas, group):
    response = personas.client("member").post(u(group, "worker_register"), {"vehicle": "rocket"})
    assert response.status_code == 400
    assert not Worker.objects.exists()


def test_worker_page_shows_state_fairness_and_offer(personas, group):
    worker = worker_for(personas, km=2)
    worked_today(worker, 1.5, group.today())
    offer = offer_to(worker)
    response = personas.client("member").get(u(group, "worker"))
    html = page(response)
    assert response.status_code == 200
    assert fr("You are online") in html
    assert "1,50 ÷ 10,00 = 0,150" in html
    assert "2,00 ÷ 8,0 + 0,150 = 0,400" in html
    assert u(group, "offer_accept", pk=offer.pk) in html
    assert u(group, "offer_decline", pk=offer.pk) in html
    assert 'data-testid="time-left"' in html


def test_worker_page_lists_the_reasons_not_to_go_online(personas, group):
    rules = rules_of(group)
    rules.required_documents = ["insurance"]
    rules.save()
    worker_for(personas, online=False)
    html = page(personas.client("member").get(u(group, "worker")))
    assert fr("You cannot go online yet:") in html
    assert (
        fr(
            "You need a valid %(document)s, checked by an organiser.",
            document=fr("Professional insurance").lower(),
        )
        in html
    )


def test_worker_page_expires_offers_lazily(personas, group):
    worker = worker_for(personas, km=1)
    nxt = member_worker(group, km=2)
    offer = offer_to(worker)
    JobOffer.objects.filter(pk=offer.pk).update(expires_at=offer.offered_at)
    personas.client("member").get(u(group, "worker"))
    offer.refresh_from_db()
    assert offer.answer == OfferAnswer.EXPIRED
    assert JobOffer.objects.get(answer=OfferAnswer.PENDING).worker == nxt


def test_current_job_links_to_pickup(personas, group):
    worker = worker_for(personas, km=1)
    offer = offer_to(worker)
    personas.client("member").post(u(group, "offer_accept", pk=offer.pk))
    html = page(personas.client("member").get(u(group, "worker")))
    assert u(group, "job_pickup", pk=offer.job_id) in html


# --- Live part (htmx) -------------------------------------------------------------------------


def test_live_part_answers_204_while_unchanged(personas, group):
    worker = worker_for(personas, km=1)
    client = personas.client("member")
    first = client.get(u(group, "worker_live"))
    assert first.status_code == 200
    version = "1-0-0"
    assert client.get(u(group, "worker_live") + f"?v={version}").status_code == 204
    offer = offer_to(worker)
    changed = client.get(u(group, "worker_live") + f"?v={version}")
    assert changed.status_code == 200
    assert u(group, "offer_accept", pk=offer.pk) in page(changed)


@pytest.mark.parametrize("who", PERSONAS)
def test_live_part_is_the_workers_own(personas, group, who):
    worker_for(personas, km=1)
    response = personas.client(who).get(u(group, "worker_live"))
    if who == "member":
        assert response.status_code == 200
    else:
        denied(response, who)


# --- Online, offline, position ------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_go_online(personas, group, who):
    worker = worker_for(personas, online=False)
    response = personas.client(who).post(u(group, "worker_online"), {"lat": "50.63", "lon": "3.06"})
    worker.refresh_from_db()
    if who == "member":
        assert response.status_code == 302
        assert (worker.is_online, worker.lat) == (True, 50.63)
    else:
        denied(response, who)
        assert worker.is_online is False


def test_going_online_without_documents_is_refused_with_a_clear_message(personas, group):
    rules = rules_of(group)
    rules.required_documents = ["insurance"]
    rules.save()
    worker = worker_for(personas, online=False)
    response = personas.client("member").post(
        u(group, "worker_online"), {"lat": "50.63", "lon": "3.06"}
    )
    assert response.status_code == 302
    assert messages_of(response) == [
        fr("You cannot go online yet."),
        fr(
            "You need a valid %(document)s, checked by an organiser.",
            document=fr("Professional insurance").lower(),
        ),
    ]
    worker.refresh_from_db()
    assert worker.is_online is False


def test_going_online_needs_a_position(personas, group):
    worker = worker_for(personas, online=False)
    response = personas.client("member").post(u(group, "worker_online"), {"lat": "", "lon": ""})
    assert messages_of(response) == [fr("Share your position (or type it) to go online.")]
    worker.refresh_from_db()
    assert worker.is_online is False


def test_going_online_offers_a_waiting_job(personas, group):
    job = JobFactory(group=group)
    worker = worker_for(personas, online=False)
    personas.client("member").post(u(group, "worker_online"), {"lat": "50.6366", "lon": "3.0635"})
    assert JobOffer.objects.get(job=job).worker == worker


@pytest.mark.parametrize("who", PERSONAS)
def test_go_offline(personas, group, who):
    worker = worker_for(personas)
    response = personas.client(who).post(u(group, "worker_offline"))
    worker.refresh_from_db()
    if who == "member":
        assert response.status_code == 302
        assert worker.is_online is False
    else:
        denied(response, who)
        assert worker.is_online is True


@pytest.mark.parametrize("who", PERSONAS)
def test_share_position_as_json(personas, group, who):
    worker = worker_for(personas)
    response = personas.client(who).post(
        u(group, "worker_position"),
        json.dumps({"lat": 50.64, "lon": 3.07}),
        content_type="application/json",
    )
    worker.refresh_from_db()
    if who == "member":
        assert response.status_code == 200
        assert response.json()["ok"] is True
        assert (worker.lat, worker.lon) == (50.64, 3.07)
    else:
        denied(response, who)
        assert worker.lat != 50.64


def test_share_position_with_the_form_and_bad_input(personas, group):
    worker = worker_for(personas)
    client = personas.client("member")
    response = client.post(u(group, "worker_position"), {"lat": "50.65", "lon": "3.08"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.lat == 50.65
    bad = client.post(
        u(group, "worker_position"), json.dumps({"lat": 99}), content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json() == {"ok": False, "error": fr("This position is not valid.")}
    worker.refresh_from_db()
    assert worker.lat == 50.65


def test_position_is_refused_offline(personas, group):
    worker_for(personas, online=False)
    response = personas.client("member").post(
        u(group, "worker_position"),
        json.dumps({"lat": 50.64, "lon": 3.07}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == fr("Your position is shared only while you are online.")


# --- Offers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_accept(personas, group, who):
    worker = worker_for(personas, km=1)
    offer = offer_to(worker)
    response = personas.client(who).post(u(group, "offer_accept", pk=offer.pk))
    job = Job.objects.get(pk=offer.job_id)
    if who == "member":
        assert response.status_code == 302
        assert (job.status, job.worker) == (JobStatus.ACCEPTED, worker)
    else:
        denied(response, who)
        assert (job.status, job.worker) == (JobStatus.OFFERED, None)


def test_accept_with_htmx_returns_the_live_part(personas, group):
    worker = worker_for(personas, km=1)
    offer = offer_to(worker)
    response = personas.client("member").post(
        u(group, "offer_accept", pk=offer.pk), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'data-testid="current-job"' in page(response)


def test_accepting_a_taken_job_says_so(personas, group):
    worker = worker_for(personas, km=1)
    offer = offer_to(worker)
    other = member_worker(group, km=3)
    from ..services.dispatch import job_assign

    job_assign(job=offer.job, worker=other, acting_user=personas.organiser)
    response = personas.client("member").post(u(group, "offer_accept", pk=offer.pk))
    assert messages_of(response) == [fr("This job was already taken.")]
    assert Job.objects.get(pk=offer.job_id).worker == other
    htmx = personas.client("member").post(
        u(group, "offer_accept", pk=offer.pk), HTTP_HX_REQUEST="true"
    )
    assert fr("This job was already taken.") in page(htmx)


@pytest.mark.parametrize("who", PERSONAS)
def test_decline(personas, group, who):
    worker = worker_for(personas, km=1)
    offer = offer_to(worker)
    response = personas.client(who).post(
        u(group, "offer_decline", pk=offer.pk), {"reason": "Trop loin"}
    )
    offer.refresh_from_db()
    if who == "member":
        assert response.status_code == 302
        assert offer.answer == OfferAnswer.DECLINED
        assert Event.objects.get(verb="ondemand.offer_declined").data["reason"] == "Trop loin"
    else:
        denied(response, who)
        assert offer.answer == OfferAnswer.PENDING


def test_an_offer_of_another_group_is_not_found(personas, group):
    worker_for(personas, km=1)
    other = member_worker(JobFactory().group, km=1)
    offer = offer_to(other)
    response = personas.client("member").post(u(group, "offer_accept", pk=offer.pk))
    assert response.status_code == 404


# --- Documents -------------------------------------------------------------------------------


def upload(client, group, **data):
    fields = {
        "kind": "insurance",
        "valid_until": (group.today() + timedelta(days=300)).isoformat(),
        "file": SimpleUploadedFile("attestation.pdf", b"%PDF-1.4", content_type="application/pdf"),
    }
    fields.update(data)
    return client.post(u(group, "document_upload"), fields)


@pytest.mark.parametrize("who", PERSONAS)
def test_upload_a_document(personas, group, who):
    worker = worker_for(personas, online=False)
    response = upload(personas.client(who), group)
    if who == "member":
        assert response.status_code == 302
        document = WorkerDocument.objects.get()
        assert (document.worker, document.status) == (worker, DocumentStatus.PENDING)
    else:
        denied(response, who)
        assert not WorkerDocument.objects.exists()


def test_upload_refuses_other_files_and_past_dates(personas, group):
    worker_for(personas, online=False)
    client = personas.client("member")
    exe = upload(client, group, file=SimpleUploadedFile("virus.exe", b"MZ"))
    assert exe.status_code == 400
    assert fr("Send a PDF, JPEG or PNG file.") in page(exe)
    past = upload(client, group, valid_until=(group.today() - timedelta(days=1)).isoformat())
    assert past.status_code == 400
    assert fr("This document is no longer valid: check its end date.") in page(past)
    assert not WorkerDocument.objects.exists()


@pytest.mark.parametrize("who", PERSONAS)
def test_document_file_is_for_its_worker_and_organisers(personas, group, who):
    worker = worker_for(personas, online=False)
    document = WorkerDocumentFactory(worker=worker)
    response = personas.client(who).get(u(group, "document_file", pk=document.pk))
    if who in ("member", "organiser", "admin"):
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
        assert response["Cache-Control"] == "private, no-store"
    else:
        denied(response, who)
