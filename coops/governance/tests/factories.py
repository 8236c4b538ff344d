"""Factories for the governance tests (assemblies, agenda items, proposals).

Times are relative to now: an AssemblyFactory assembly starts in 14 days at 18:00 UTC
(two hours long) and its agenda closes 7 days before, so its agenda is open.
"""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from coops.groups.tests.factories import GroupFactory

from ..models import AgendaItem, Assembly, AssemblyStatus, Method, Proposal, ProposalStatus


def _in_days(days: int):
    start = timezone.now().replace(hour=18, minute=0, second=0, microsecond=0)
    return start + timedelta(days=days)


class AssemblyFactory(DjangoModelFactory):
    class Meta:
        model = Assembly

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Assemblée générale {n}")
    description = "Assemblée ordinaire des membres."
    starts_at = factory.LazyFunction(lambda: _in_days(14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    agenda_closes_at = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=7))
    place = "Salle des fêtes, 2 rue de l'Église, Wavrin"
    online_url = ""
    status = AssemblyStatus.SCHEDULED
    quorum_percent = 0

    class Params:
        # The agenda has closed (the assembly starts in 3 days, the cut-off was 4 days ago).
        agenda_closed = factory.Trait(
            starts_at=factory.LazyFunction(lambda: _in_days(3)),
        )
        # The meeting is under way.
        in_progress = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=30)),
            status=AssemblyStatus.IN_PROGRESS,
            started_at=factory.LazyFunction(timezone.now),
        )
        closed = factory.Trait(
            starts_at=factory.LazyFunction(lambda: _in_days(-10)),
            status=AssemblyStatus.CLOSED,
            started_at=factory.LazyAttribute(lambda o: o.starts_at),
            closed_at=factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2)),
        )


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    assembly = factory.SubFactory(AssemblyFactory)
    title = factory.Sequence(lambda n: f"Point {n}")
    description = ""
    position = factory.Sequence(lambda n: n)


class ProposalFactory(DjangoModelFactory):
    """A draft proposal decided by consent."""

    class Meta:
        model = Proposal

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Proposition {n}")
    body = "Nous proposons de changer de fournisseur de pain."
    method = Method.CONSENT
    status = ProposalStatus.DRAFT
