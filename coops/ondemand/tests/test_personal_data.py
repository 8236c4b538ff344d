"""RGPD: a worker's profile, documents and jobs are exported; erasure forgets the
position and documents, blanks the addresses of jobs asked for and cancels the ones
nobody has accepted, and keeps settled jobs (they are in the book)."""

from __future__ import annotations

import json

import pytest

from coops.accounts.personal_data import personal_data_sources
from coops.accounts.services import user_erase

from ..models import Job, JobOffer, JobStatus, OfferAnswer, Worker, WorkerDocument
from ..personal_data import export
from .dispatch_helpers import WorkerDocumentFactory
from .factories import FederationFactory, JobFactory
from .jobs_helpers import member_worker, picked_job

pytestmark = pytest.mark.django_db


def test_the_source_is_registered():
    assert "ondemand" in [s.name for s in personal_data_sources()]


def test_export_then_erase():
    group = FederationFactory()
    worker = member_worker(group, is_online=True)
    WorkerDocumentFactory(worker=worker)
    done = picked_job(group, worker)
    waiting = JobFactory(group=group, customer=worker.user, notes="Code porte 1234")
    other = member_worker(group, is_online=True)
    JobOffer.objects.create(
        job=waiting, worker=other, offered_at=waiting.created_at, expires_at=waiting.created_at
    )
    Job.objects.filter(pk=waiting.pk).update(status=JobStatus.OFFERED)

    data = export(worker.user)
    json.dumps(data)  # serialisable
    assert data["workers"][0]["vehicle"] == "bike"
    assert data["documents"][0]["kind"] == "insurance"
    assert sorted(j["role"] for j in data["jobs"]) == ["customer", "worker"]
    assert any(j["notes"] == "Code porte 1234" for j in data["jobs"])

    user_erase(user=worker.user, acting_user=worker.user)

    worker = Worker.objects.get(pk=worker.pk)
    assert (worker.is_online, worker.lat, worker.lon) == (False, None, None)
    assert not WorkerDocument.objects.filter(worker=worker).exists()
    waiting.refresh_from_db()
    assert waiting.status == JobStatus.CANCELLED
    assert (waiting.pickup_address, waiting.notes) == ("—", "")
    assert waiting.pickup_lat == round(waiting.pickup_lat, 2)
    assert JobOffer.objects.get(job=waiting).answer == OfferAnswer.WITHDRAWN
    assert Job.objects.get(pk=done.pk).status == JobStatus.PICKED_UP  # the worker's job stays
