"""The demo's workers' federation, built through the services.

- The Fédération des coopératives de plateforme turned on worker-owned services and
  voted its rules by consent: a floor of 13.50 €/h, a 7 % commission, insurance checked
  by an organiser, the platform's running costs.
- Three couriers registered, had their insurance checked and went online around Lille.
- Today: a delivery done, one where the first courier offered declined and the next
  accepted (picked up, on its way), a ride that took far longer than estimated (the day
  is topped up to the floor), a delivery offered and waiting for an answer, a request in
  Amiens with no courier nearby, and a request the customer cancelled.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from coops.core.demo import DemoContext
from coops.core.geo import Point
from coops.governance.models import Method
from coops.governance.services.ballots import ballot_cast
from coops.governance.services.closing import proposal_close
from coops.governance.services.proposals import proposal_open
from coops.groups.models import GroupModule
from coops.groups.services import group_module_enable

from .models import DocumentKind, Job, JobEvent, JobKind, JobOffer, OfferAnswer, Worker
from .services.dispatch import offer_accept, offer_decline
from .services.jobs import job_cancel, job_done, job_pickup, job_request
from .services.rules import rules_propose
from .services.workers import document_check, document_upload, worker_go_online, worker_register

FEDERATION = "federation-plateformes"

# key: (vehicle, position)
COURIERS = {
    "antoine": ("bike", Point(50.6310, 3.0880)),  # Fives
    "lucas": ("cargo_bike", Point(50.6275, 3.0500)),  # Wazemmes
    "mathieu": ("car", Point(50.6420, 3.0630)),  # Vieux-Lille
}

PLACES = {
    "grand_panier": ("Le Grand Panier, 12 rue Gambetta, 59000 Lille", Point(50.6296, 3.0557)),
    "levain": (
        "Le Levain de Wazemmes, 4 place de la Nouvelle Aventure, 59000 Lille",
        Point(50.6268, 3.0486),
    ),
    "fives": ("27 rue Pierre Legrand, 59800 Lille", Point(50.6318, 3.0903)),
    "vieux_lille": ("8 rue de Gand, 59800 Lille", Point(50.6425, 3.0668)),
    "gare": ("Gare Lille-Flandres, place des Buisses, 59800 Lille", Point(50.6366, 3.0707)),
    "chu": ("CHU de Lille, 2 avenue Oscar Lambret, 59000 Lille", Point(50.6106, 3.0340)),
    "maison_asso": ("Maison des associations, 72 rue Royale, 59000 Lille", Point(50.6414, 3.0587)),
    "beffroi": ("Hôtel de ville, place Augustin Dubois, 59000 Lille", Point(50.6330, 3.0717)),
    "amiens": ("Gare d'Amiens, place Alphonse Fiquet, 80000 Amiens", Point(49.8906, 2.3078)),
    "amiens_chu": (
        "CHU Amiens-Picardie, 1 rond-point du Professeur Christian Cabrol, 80054 Amiens",
        Point(49.8720, 2.2627),
    ),
}


def load_ondemand(ctx: DemoContext) -> None:
    group = ctx.groups[FEDERATION]
    if GroupModule.objects.filter(group=group, module="ondemand").exists():
        ctx.log("ondemand: already loaded")
        return
    group_module_enable(group=group, module="ondemand", acting_user=ctx.users["youssef"])
    _rules_decided(ctx, group)
    workers = _couriers(ctx, group)
    _today(ctx, group, workers)
    ctx.log(
        f"ondemand: rules decided by vote, {len(workers)} couriers online, "
        f"{Job.objects.filter(group=group).count()} jobs today"
    )


def _rules_decided(ctx: DemoContext, group) -> None:
    u = ctx.users
    proposal = rules_propose(
        group=group,
        acting_user=u["lucas"],
        changes={
            "min_hourly_rate": "13.50",
            "commission_percent": "7.00",
            "running_costs_monthly": "450.00",
            "required_documents": [DocumentKind.INSURANCE],
        },
        reason=(
            "Proposition de la commission tarifs : un plancher de 13,50 €/h pour couvrir les "
            "temps d'attente, une commission de 7 % qui finance l'hébergement, la maintenance "
            "et l'assurance de la plateforme (450 € par mois), et une assurance "
            "responsabilité civile professionnelle vérifiée pour chaque coursier."
        ),
        method=Method.CONSENT,
    )
    proposal_open(proposal=proposal, acting_user=u["ines"])
    for key in ("lucas", "antoine", "mathieu", "youssef"):
        ballot_cast(proposal=proposal, acting_user=u[key], response={"position": "agree"})
    ballot_cast(
        proposal=proposal,
        acting_user=u["ines"],
        response={"position": "no_objection"},
    )
    proposal_close(proposal=proposal, acting_user=u["ines"])


def _couriers(ctx: DemoContext, group) -> dict[str, Worker]:
    checker = ctx.users["ines"]
    valid_until = timezone.localdate() + timedelta(days=240)
    workers = {}
    for key, (vehicle, point) in COURIERS.items():
        user = ctx.users[key]
        worker = worker_register(group=group, user=user, vehicle=vehicle, acting_user=user)
        document = document_upload(
            worker=worker,
            kind=DocumentKind.INSURANCE,
            file=ContentFile(
                f"Attestation d'assurance RC professionnelle — {user.public_name}".encode(),
                name=f"attestation-rc-{key}.txt",
            ),
            valid_until=valid_until,
            acting_user=user,
        )
        document_check(document=document, approve=True, note="", acting_user=checker)
        workers[key] = worker_go_online(
            worker=worker, lat=point.lat, lon=point.lon, acting_user=user
        )
    return workers


def _ask(
    ctx: DemoContext,
    group,
    customer: str,
    kind: str,
    start: str,
    end: str | None,
    *,
    items: int = 1,
    service_minutes: int | None = None,
    notes: str = "",
) -> Job:
    pickup_address, pickup = PLACES[start]
    dropoff_address, dropoff = PLACES[end] if end else ("", None)
    begin = timezone.now() + timedelta(minutes=5)
    return job_request(
        group=group,
        customer=ctx.users[customer],
        kind=kind,
        pickup_address=pickup_address,
        pickup_point=pickup,
        dropoff_address=dropoff_address,
        dropoff_point=dropoff,
        window_start=begin,
        window_end=begin + timedelta(hours=1),
        items=items,
        service_minutes=service_minutes,
        notes=notes,
        acting_user=ctx.users[customer],
    )


def _pending(job: Job) -> JobOffer | None:
    return JobOffer.objects.filter(job=job, answer=OfferAnswer.PENDING).first()


def _accept(job: Job) -> Job | None:
    offer = _pending(job)
    if offer is None:
        return None
    return offer_accept(offer=offer, acting_user=offer.worker.user)


def _started(job: Job, *, accepted_ago: int, picked_up_ago: int) -> None:
    """Move a just-accepted demo job's clock back: it was accepted `accepted_ago` minutes
    ago and picked up `picked_up_ago` minutes ago (the services only stamp now)."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        offered_at=now - timedelta(minutes=accepted_ago + 1),
        accepted_at=now - timedelta(minutes=accepted_ago),
        picked_up_at=now - timedelta(minutes=picked_up_ago),
    )
    stamps = {
        "offered": now - timedelta(minutes=accepted_ago + 1),
        "accepted": now - timedelta(minutes=accepted_ago),
        "picked_up": now - timedelta(minutes=picked_up_ago),
        "requested": now - timedelta(minutes=accepted_ago + 2),
    }
    for status, at in stamps.items():
        JobEvent.objects.filter(job=job, status=status).update(at=at)
    JobOffer.objects.filter(job=job).update(offered_at=stamps["offered"])


def _today(ctx: DemoContext, group, workers: dict[str, Worker]) -> None:
    u = ctx.users
    # A shop's delivery, done.
    job = _ask(ctx, group, "camille", JobKind.DELIVERY, "grand_panier", "fives", items=2,
               notes="Deux cagettes de légumes, sonner chez Mme Lefebvre (2e étage).")  # fmt: skip
    if (job := _accept(job)) is not None:
        worker = job.worker.user
        job_pickup(job=job, acting_user=worker)
        _started(job, accepted_ago=38, picked_up_ago=30)
        job_done(job=Job.objects.get(pk=job.pk), acting_user=worker)

    # A ride that took far longer than estimated (traffic at the station): topped up.
    job = _ask(ctx, group, "claire", JobKind.RIDE, "gare", "chu",
               notes="Valise et fauteuil pliant ; rendez-vous en consultation à 15 h.")  # fmt: skip
    if (job := _accept(job)) is not None:
        worker = job.worker.user
        job_pickup(job=job, acting_user=worker)
        _started(job, accepted_ago=75, picked_up_ago=50)
        job_done(job=Job.objects.get(pk=job.pk), acting_user=worker)

    # The first courier offered declines, the next one accepts; on its way.
    job = _ask(ctx, group, "sarah", JobKind.DELIVERY, "levain", "vieux_lille", items=3,
               notes="Pains au levain pour l'épicerie : fragile, à garder à plat.")  # fmt: skip
    if (offer := _pending(job)) is not None:
        offer_decline(offer=offer, acting_user=offer.worker.user, reason="Pneu crevé, je répare.")
        if (job := _accept(job)) is not None:
            job_pickup(job=job, acting_user=job.worker.user)

    # Offered to a courier, waiting for their answer.
    _ask(ctx, group, "nadia", JobKind.DELIVERY, "maison_asso", "beffroi",
         notes="Un carton d'affiches pour le forum des associations.")  # fmt: skip

    # In Amiens no courier is within reach: waiting for a worker.
    _ask(ctx, group, "fatima", JobKind.RIDE, "amiens", "amiens_chu",
         notes="Trajet solidaire vers une consultation.")  # fmt: skip

    # Asked, then cancelled before anyone accepted (free).
    job = _ask(ctx, group, "hugo", JobKind.DELIVERY, "beffroi", "fives")
    job_cancel(job=Job.objects.get(pk=job.pk), acting_user=u["hugo"],
               reason="Finalement je passe le chercher moi-même.")  # fmt: skip
