"""Helpers for the worker and dispatch tests: eligible workers (active members of the
federation), positions a given distance from the Grand-Place of Lille."""

from __future__ import annotations

import math
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory

from ..models import DocumentKind, DocumentStatus, Worker, WorkerDocument
from .factories import LILLE, WorkerFactory

KM_PER_DEGREE_LAT = 111.195


def north_of_lille(km: float) -> tuple[float, float]:
    """A point `km` due north of the Grand-Place (haversine distance, within a metre)."""
    return LILLE.lat + km / KM_PER_DEGREE_LAT, LILLE.lon


def east_of_lille(km: float) -> tuple[float, float]:
    dlon = km / (KM_PER_DEGREE_LAT * math.cos(math.radians(LILLE.lat)))
    return LILLE.lat, LILLE.lon + dlon


def member_worker(group, *, km: float = 0.0, role: str = Role.MEMBER, **kwargs) -> Worker:
    """An online worker who is an active member of `group`, `km` north of the pickup."""
    user = kwargs.pop("user", None) or MembershipFactory(group=group, role=role).user
    lat, lon = north_of_lille(km)
    kwargs.setdefault("online", True)
    return WorkerFactory(group=group, user=user, lat=lat, lon=lon, **kwargs)


def worked_today(worker: Worker, hours: float, today) -> Worker:
    worker.day = today
    worker.seconds_today = int(hours * 3600)
    worker.save(update_fields=["day", "seconds_today"])
    return worker


def online_for(worker: Worker, minutes: int) -> Worker:
    worker.online_since = timezone.now() - timedelta(minutes=minutes)
    worker.save(update_fields=["online_since"])
    return worker


class WorkerDocumentFactory(DjangoModelFactory):
    """A checked, valid document (insurance by default)."""

    class Meta:
        model = WorkerDocument

    worker = factory.SubFactory(WorkerFactory)
    kind = DocumentKind.INSURANCE
    file = factory.django.FileField(filename="attestation.pdf", data=b"%PDF-1.4 test")
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    status = DocumentStatus.APPROVED
