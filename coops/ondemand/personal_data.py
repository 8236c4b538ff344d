"""RGPD: a person's worker profiles and documents, and the jobs they asked for or did.

Erasure takes the worker offline and forgets their position, deletes their documents
(files included) and withdraws their pending offers. Jobs stay, because a settled job
is linked to ledger transactions other balances depend on: their addresses and notes
are blanked and their points rounded to about a kilometre. Jobs the person asked for
that nobody has accepted yet are cancelled."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from .models import Job, JobOffer, JobStatus, OfferAnswer, Worker, WorkerDocument

ERASED = "—"


def _job(job: Job, role: str) -> dict:
    return {
        "federation": job.group.name,
        "role": role,
        "kind": job.kind,
        "status": job.status,
        "pickup_address": job.pickup_address,
        "dropoff_address": job.dropoff_address,
        "window_start": job.window_start.isoformat(),
        "window_end": job.window_end.isoformat(),
        "notes": job.notes,
        "currency": job.currency,
        "price_minor": job.price_minor,
        "worker_pay_minor": job.worker_pay_minor,
        "commission_minor": job.commission_minor,
        "created_at": job.created_at.isoformat(),
        "done_at": job.done_at.isoformat() if job.done_at else None,
    }


def export(user: Any) -> dict:
    workers = Worker.objects.filter(user=user).select_related("group")
    documents = WorkerDocument.objects.filter(worker__user=user).select_related("worker__group")
    jobs = (
        Job.objects.filter(Q(customer=user) | Q(worker__user=user))
        .select_related("group", "worker")
        .order_by("created_at", "pk")
    )
    return {
        "workers": [
            {
                "federation": w.group.name,
                "vehicle": w.vehicle,
                "online": w.is_online,
                "position": [w.lat, w.lon] if w.lat is not None else None,
                "registered_at": w.created_at.isoformat(),
            }
            for w in workers
        ],
        "documents": [
            {
                "federation": d.worker.group.name,
                "kind": d.kind,
                "valid_until": d.valid_until.isoformat(),
                "status": d.status,
                "note": d.note,
                "uploaded_at": d.created_at.isoformat(),
            }
            for d in documents
        ],
        "jobs": [_job(j, "customer" if j.customer_id == user.pk else "worker") for j in jobs],
    }


def erase(user: Any) -> None:
    now = timezone.now()
    for document in WorkerDocument.objects.filter(worker__user=user):
        document.file.delete(save=False)
        document.delete()
    Worker.objects.filter(user=user).update(
        is_online=False, online_since=None, lat=None, lon=None, position_at=None
    )
    JobOffer.objects.filter(worker__user=user, answer=OfferAnswer.PENDING).update(
        answer=OfferAnswer.WITHDRAWN, answered_at=now
    )
    waiting = Job.objects.filter(customer=user, status__in=[JobStatus.REQUESTED, JobStatus.OFFERED])
    JobOffer.objects.filter(job__in=waiting, answer=OfferAnswer.PENDING).update(
        answer=OfferAnswer.WITHDRAWN, answered_at=now
    )
    waiting.update(status=JobStatus.CANCELLED, cancelled_at=now, cancel_reason=ERASED)
    for job in Job.objects.filter(customer=user):
        job.pickup_address = ERASED
        job.dropoff_address = ERASED if job.dropoff_address else ""
        job.notes = ""
        job.pickup_lat, job.pickup_lon = round(job.pickup_lat, 2), round(job.pickup_lon, 2)
        if job.dropoff_lat is not None:
            job.dropoff_lat, job.dropoff_lon = round(job.dropoff_lat, 2), round(job.dropoff_lon, 2)
        job.save(
            update_fields=[
                "pickup_address", "dropoff_address", "notes", "pickup_lat", "pickup_lon",
                "dropoff_lat", "dropoff_lon",
            ]
        )  # fmt: skip
