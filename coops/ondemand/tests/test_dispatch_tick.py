"""`manage.py ondemand_tick`: expired offers move on in every federation, waiting jobs
are offered again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from ..models import Job, JobOffer, OfferAnswer
from ..services._base import lock_objects
from ..services.dispatch import dispatch_next
from .dispatch_helpers import member_worker
from .factories import FederationFactory, JobFactory

pytestmark = pytest.mark.django_db


def test_tick_expires_offers_and_offers_waiting_jobs():
    lille, lyon = FederationFactory(), FederationFactory()
    first = member_worker(lille, km=1)
    second = member_worker(lille, km=2)
    offered = JobFactory(group=lille)
    with transaction.atomic():
        offer = dispatch_next(job=lock_objects(Job, offered.pk), acting_user=None)
    JobOffer.objects.filter(pk=offer.pk).update(expires_at=offer.offered_at)
    waiting = JobFactory(group=lyon)
    late = member_worker(lyon, km=1)
    out = StringIO()
    call_command("ondemand_tick", stdout=out)
    assert out.getvalue().strip() == "ondemand_tick: 1 offers expired, 1 waiting jobs offered"
    assert list(
        JobOffer.objects.filter(job=offered).order_by("id").values_list("worker", "answer")
    ) == [(first.pk, OfferAnswer.EXPIRED), (second.pk, OfferAnswer.PENDING)]
    assert JobOffer.objects.get(job=waiting).worker == late
    out = StringIO()
    call_command("ondemand_tick", stdout=out)
    assert out.getvalue().strip() == "ondemand_tick: 0 offers expired, 0 waiting jobs offered"
