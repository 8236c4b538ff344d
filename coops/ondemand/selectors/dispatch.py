"""Reads for dispatch: the ranked candidates for a job, the jobs waiting for a worker,
the offers waiting for an answer.

The candidate query is index-driven: a bounding box around the pickup on the partial
index `ondemand_worker_online_idx` (group, lat, lon WHERE is_online AND NOT busy)
returns the few workers nearby; the exact distance, the day's cap and the fairness
score are computed in Python on those rows only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice

from django.db.models import Q, QuerySet
from django.utils import timezone

from coops.core.geo import Point, bounding_box, haversine_km

from ..fairness import Candidate, fairness_score, rank
from ..models import Job, JobOffer, JobStatus, OfferAnswer, Worker
from ..services._base import rules_of


@dataclass(frozen=True, slots=True)
class Limits:
    """The rules dispatch applies, as plain numbers."""

    radius_km: float
    max_seconds: int

    @property
    def max_hours(self) -> float:
        return self.max_seconds / 3600

    @classmethod
    def of(cls, rules) -> Limits:
        return cls(
            radius_km=float(rules.dispatch_radius_km),
            max_seconds=int(rules.max_hours_per_day * 3600),
        )


def nearby_online(group_id: int, center: Point, radius_km: float) -> QuerySet[Worker]:
    """Online, not busy workers of the group inside the bounding box of the circle:
    the indexed pre-filter (no exact distance yet)."""
    box = bounding_box(center, radius_km)
    if box.min_lon <= box.max_lon:
        lon = Q(lon__gte=box.min_lon, lon__lte=box.max_lon)
    else:  # across the antimeridian
        lon = Q(lon__gte=box.min_lon) | Q(lon__lte=box.max_lon)
    # No ORDER BY: Worker's default ordering joins the group table and sorts every row.
    return Worker.objects.filter(
        lon,
        group_id=group_id,
        is_online=True,
        busy=False,
        lat__gte=box.min_lat,
        lat__lte=box.max_lat,
    ).order_by()


def score_rows(
    rows, *, center: Point, limits: Limits, today: date, duration_s: int, exclude: set[int]
) -> list[Candidate]:
    """Candidates from (id, lat, lon, day, seconds_today, online_since) rows: within
    the radius, under the day's cap once this job is added, not excluded; ranked."""
    out = []
    for worker_id, lat, lon, day, seconds, since in rows:
        if worker_id in exclude:
            continue
        worked = seconds if day == today else 0
        if worked + duration_s > limits.max_seconds:
            continue
        km = haversine_km(center, Point(lat, lon))
        if km > limits.radius_km:
            continue
        hours = worked / 3600
        score = fairness_score(
            distance_km=km,
            radius_km=limits.radius_km,
            hours_today=hours,
            max_hours=limits.max_hours,
        )
        out.append(Candidate(worker_id, km, hours, since, score))
    return rank(out)


def excluded_workers(job: Job) -> set[int]:
    """Workers not to offer this job: those already offered it (a worker is offered a
    job once), those waiting to answer another offer (one offer at a time), and the
    customer, if they work for the federation too."""
    offered = JobOffer.objects.filter(
        Q(job=job) | Q(job__group_id=job.group_id, answer=OfferAnswer.PENDING)
    ).values_list("worker_id", flat=True)
    customer = Worker.objects.filter(group_id=job.group_id, user_id=job.customer_id)
    return set(offered) | set(customer.values_list("id", flat=True))


def candidates_for(job: Job, *, rules=None, today: date | None = None) -> list[Candidate]:
    """The online workers who could take `job`, best first (fairness score, then online
    longest, then id). Eligibility (documents, dues, charter) was checked when they went
    online; dispatch checks it again for the one it picks."""
    group = job.group
    rules = rules or rules_of(group)
    today = today or group.today()
    center = Point(job.pickup_lat, job.pickup_lon)
    limits = Limits.of(rules)
    rows = nearby_online(job.group_id, center, limits.radius_km).values_list(
        "id", "lat", "lon", "day", "seconds_today", "online_since"
    )
    return score_rows(
        rows,
        center=center,
        limits=limits,
        today=today,
        duration_s=job.duration_s,
        exclude=excluded_workers(job),
    )


# Radii of the search, as fractions of the dispatch radius: small first, so a busy city
# centre reads a few hundred rows instead of thousands.
RINGS = (1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0)


def candidate_stream(job: Job, *, rules=None, today: date | None = None) -> Iterator[Candidate]:
    """The same candidates as `candidates_for`, in the same order, read ring by ring.

    Within radius r = f × R, a worker's score is at least its distance / R, so every
    candidate scoring under f is inside the ring: the candidates of the ring that score
    under f are exactly the first ones of the whole ranking. They are yielded, then the
    ring widens; the last ring is the dispatch radius itself. Dispatch usually stops at
    the first candidate, after one small indexed query."""
    group = job.group
    rules = rules or rules_of(group)
    today = today or group.today()
    center = Point(job.pickup_lat, job.pickup_lon)
    limits = Limits.of(rules)
    exclude = excluded_workers(job)
    for fraction in RINGS:
        rows = nearby_online(job.group_id, center, limits.radius_km * fraction).values_list(
            "id", "lat", "lon", "day", "seconds_today", "online_since"
        )
        ranked = score_rows(
            rows,
            center=center,
            limits=limits,
            today=today,
            duration_s=job.duration_s,
            exclude=exclude,
        )
        for candidate in ranked:
            if fraction < 1 and candidate.score >= fraction:
                break
            exclude.add(candidate.worker_id)
            yield candidate


@dataclass(frozen=True)
class RankedWorker:
    """A candidate with its worker row, for the dispatch page."""

    worker: Worker
    candidate: Candidate
    position: int


def ranked_candidates(job: Job, *, limit: int = 10) -> list[RankedWorker]:
    """The first `limit` candidates of a job, with their workers, for dispatchers."""
    candidates = list(islice(candidate_stream(job), limit))
    workers = Worker.objects.select_related("user").in_bulk([c.worker_id for c in candidates])
    return [
        RankedWorker(workers[c.worker_id], c, i)
        for i, c in enumerate(candidates, start=1)
        if c.worker_id in workers
    ]


def waiting_jobs(group) -> QuerySet[Job]:
    """Jobs with no worker yet and no offer waiting: dispatch found nobody (yet)."""
    return (
        Job.objects.filter(group=group, status=JobStatus.REQUESTED, worker__isnull=True)
        .select_related("customer")
        .order_by("window_start", "id")
    )


def pending_offers(group) -> QuerySet[JobOffer]:
    """Offers waiting for an answer, soonest to expire first."""
    return (
        JobOffer.objects.filter(job__group=group, answer=OfferAnswer.PENDING)
        .select_related("job", "worker__user")
        .order_by("expires_at", "id")
    )


def pending_offer_for(worker: Worker) -> JobOffer | None:
    """The worker's offer waiting for an answer, if any (there is at most one)."""
    return (
        JobOffer.objects.filter(
            worker=worker, answer=OfferAnswer.PENDING, expires_at__gt=timezone.now()
        )
        .select_related("job")
        .order_by("expires_at", "id")
        .first()
    )


def current_job_of(worker: Worker) -> Job | None:
    """The job the worker accepted and has not finished."""
    return (
        Job.objects.filter(worker=worker, status__in=[JobStatus.ACCEPTED, JobStatus.PICKED_UP])
        .order_by("accepted_at", "id")
        .first()
    )


def seconds_left(until: datetime, now: datetime | None = None) -> int:
    return max(0, int((until - (now or timezone.now())).total_seconds()))


@dataclass(frozen=True)
class Board:
    """The dispatch page: jobs waiting for a worker, offers waiting for an answer, jobs
    under way, and how many workers are online."""

    waiting: list[Job]
    offers: list[JobOffer]
    under_way: list[Job]
    online: int
    now: datetime

    @property
    def version(self) -> str:
        parts = [f"w{j.pk}" for j in self.waiting]
        parts += [f"o{o.pk}" for o in self.offers]
        parts += [f"u{j.pk}{j.status}" for j in self.under_way]
        parts.append(f"n{self.online}")
        return "-".join(parts)


def dispatch_board(group) -> Board:
    now = timezone.now()
    offers = list(pending_offers(group))
    for offer in offers:
        offer.seconds_left = seconds_left(offer.expires_at, now)
    return Board(
        waiting=list(waiting_jobs(group)[:100]),
        offers=offers,
        under_way=list(
            Job.objects.filter(group=group, status__in=[JobStatus.ACCEPTED, JobStatus.PICKED_UP])
            .select_related("worker__user")
            .order_by("window_start", "id")[:100]
        ),
        online=Worker.objects.filter(group=group, is_online=True).count(),
        now=now,
    )
