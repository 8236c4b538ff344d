"""The dispatch pages and the documents check, across the personas: a denied request
changes nothing."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from coops.groups.models import ModuleRole
from coops.groups.permissions import membership_of
from coops.groups.tests.helpers import fr, messages_of, page

from ..models import DocumentStatus, Job, JobOffer, JobStatus, OfferAnswer, WorkerDocument
from ..services._base import lock_objects
from ..services.dispatch import dispatch_next
from .dispatch_helpers import WorkerDocumentFactory, member_worker
from .factories import JobFactory, enable_module

PERSONAS = ["anonymous", "member", "other_member", "organiser", "admin"]
DISPATCHERS = ("organiser", "admin")

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(personas):
    enable_module(personas.group)
    return personas.group


def u(group, name, **kwargs) -> str:
    return reverse(f"groups:ondemand:{name}", kwargs={"slug": group.slug, **kwargs})


def denied(response, who) -> None:
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 403


def dispatch(job):
    with transaction.atomic():
        return dispatch_next(job=lock_objects(Job, job.pk), acting_user=job.customer)


@pytest.mark.parametrize("who", PERSONAS)
def test_dispatch_page(personas, group, who):
    waiting = JobFactory(group=group, pickup_address="12 rue Nationale, Lille")
    worker = member_worker(group, km=1)
    offered = JobFactory(group=group, pickup_address="3 rue de Béthune, Lille")
    dispatch(offered)
    assert JobOffer.objects.get().worker == worker
    response = personas.client(who).get(u(group, "dispatch"))
    if who in DISPATCHERS:
        html = page(response)
        assert response.status_code == 200
        assert u(group, "dispatch_job", pk=waiting.pk) in html
        assert fr("No job is waiting.") not in html
        assert worker.user.public_name in html
    else:
        denied(response, who)


def test_a_member_with_the_dispatcher_role_dispatches(personas, group):
    ModuleRole.objects.create(
        membership=membership_of(personas.member, group), module="ondemand", role="dispatcher"
    )
    assert personas.client("member").get(u(group, "dispatch")).status_code == 200
    # …but does not check documents.
    document = WorkerDocumentFactory(worker=member_worker(group), status=DocumentStatus.PENDING)
    html = page(personas.client("member").get(u(group, "dispatch")))
    assert u(group, "document_check", pk=document.pk) not in html


@pytest.mark.parametrize("who", PERSONAS)
def test_dispatch_live(personas, group, who):
    response = personas.client(who).get(u(group, "dispatch_live"))
    if who in DISPATCHERS:
        assert response.status_code == 200
        version = response.content.decode().split('data-version="')[1].split('"')[0]
        again = personas.client(who).get(u(group, "dispatch_live") + f"?v={version}")
        assert again.status_code == 204
        JobFactory(group=group)
        changed = personas.client(who).get(u(group, "dispatch_live") + f"?v={version}")
        assert changed.status_code == 200
    else:
        denied(response, who)


@pytest.mark.parametrize("who", PERSONAS)
def test_job_page_ranks_candidates(personas, group, who):
    near = member_worker(group, km=1)
    far = member_worker(group, km=4)
    job = JobFactory(group=group)
    response = personas.client(who).get(u(group, "dispatch_job", pk=job.pk))
    if who in DISPATCHERS:
        html = page(response)
        assert response.status_code == 200
        assert html.index(near.user.public_name) < html.index(far.user.public_name)
        assert "0,125" in html and "0,500" in html
    else:
        denied(response, who)


def test_job_page_of_another_group_is_not_found(personas, group):
    job = JobFactory()
    assert personas.client("organiser").get(u(group, "dispatch_job", pk=job.pk)).status_code == 404


@pytest.mark.parametrize("who", PERSONAS)
def test_assign_by_hand(personas, group, who):
    offered = member_worker(group, km=1)
    chosen = member_worker(group, km=3)
    job = JobFactory(group=group)
    dispatch(job)
    response = personas.client(who).post(u(group, "job_assign", pk=job.pk), {"worker": chosen.pk})
    job.refresh_from_db()
    if who in DISPATCHERS:
        assert response.status_code == 302
        assert (job.status, job.worker) == (JobStatus.ACCEPTED, chosen)
        assert JobOffer.objects.get(worker=offered).answer == OfferAnswer.WITHDRAWN
    else:
        denied(response, who)
        assert (job.status, job.worker) == (JobStatus.OFFERED, None)
        assert JobOffer.objects.get(worker=offered).answer == OfferAnswer.PENDING


def test_assign_refusals_are_shown(personas, group):
    busy = member_worker(group, km=1)
    taken = JobFactory(group=group)
    client = personas.client("organiser")
    client.post(u(group, "job_assign", pk=taken.pk), {"worker": busy.pk})
    other = member_worker(group, km=2)
    response = client.post(u(group, "job_assign", pk=taken.pk), {"worker": other.pk})
    assert messages_of(response)[-1] == fr("This job was already taken.")
    bad = client.post(u(group, "job_assign", pk=JobFactory(group=group).pk), {"worker": busy.pk})
    assert messages_of(bad)[-1] == fr("Choose a free worker of the federation.")


@pytest.mark.parametrize("who", PERSONAS)
def test_document_check(personas, group, who):
    document = WorkerDocumentFactory(worker=member_worker(group), status=DocumentStatus.PENDING)
    client = personas.client(who)
    if who in DISPATCHERS:
        html = page(client.get(u(group, "dispatch")))
        assert u(group, "document_check", pk=document.pk) in html
    response = client.post(
        u(group, "document_check", pk=document.pk), {"decision": "approve", "note": ""}
    )
    document.refresh_from_db()
    if who in DISPATCHERS:
        assert response.status_code == 302
        assert document.status == DocumentStatus.APPROVED
    else:
        denied(response, who)
        assert document.status == DocumentStatus.PENDING


def test_document_refusal_needs_a_note(personas, group):
    document = WorkerDocumentFactory(worker=member_worker(group), status=DocumentStatus.PENDING)
    client = personas.client("organiser")
    response = client.post(
        u(group, "document_check", pk=document.pk), {"decision": "refuse", "note": ""}
    )
    assert messages_of(response) == [fr("Say why the document is refused.")]
    assert WorkerDocument.objects.get().status == DocumentStatus.PENDING
    no_choice = client.post(u(group, "document_check", pk=document.pk), {"note": "x"})
    assert messages_of(no_choice)[-1] == fr("Choose to approve or to refuse the document.")


def test_dispatch_page_expires_offers_lazily(personas, group):
    member_worker(group, km=1)
    nxt = member_worker(group, km=2)
    offer = dispatch(JobFactory(group=group))
    JobOffer.objects.filter(pk=offer.pk).update(expires_at=offer.offered_at)
    personas.client("organiser").get(u(group, "dispatch"))
    assert JobOffer.objects.get(answer=OfferAnswer.PENDING).worker == nxt
