"""Real concurrency on PostgreSQL: publications at once take distinct numbers, the same
draft is published once, and the same signature is recorded once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from coops.accounts.tests.factories import UserFactory
from coops.charter import services
from coops.charter.models import CharterVersion, Signature
from coops.core.models import Event
from coops.core.tests.concurrency import race
from coops.directory.tests.factories import ActorFactory
from coops.notifications.models import Notification

from .factories import draft, published

pytestmark = pytest.mark.postgres


@pytest.fixture
def staff(pg):
    return UserFactory(is_staff=True)


def _publish(version, user):
    return lambda: services.charter_version_publish(version=version, acting_user=user)


@pytest.mark.parametrize("first", [True, False], ids=["first-publication", "later"])
def test_two_drafts_published_at_once_take_distinct_numbers(staff, first):
    if not first:
        published(by=staff)
    a, b = draft(title="A"), draft(title="B")
    results = race(_publish(a, staff), _publish(b, staff))
    assert all(isinstance(r, CharterVersion) for r in results), results
    start = 1 if first else 2
    assert sorted(r.number for r in results) == [start, start + 1]
    assert CharterVersion.objects.current().number == start + 1


def test_the_same_draft_published_twice_at_once_is_published_once(staff):
    owner = UserFactory()
    actor = ActorFactory(owners=[owner])
    v1 = published(by=staff)
    services.charter_sign(
        actor=actor,
        version=v1,
        accepted_commitment_ids=v1.commitments.values_list("pk", flat=True),
        acting_user=owner,
    )
    pending = draft()
    results = race(_publish(pending, staff), _publish(pending, staff))
    done = [r for r in results if isinstance(r, CharterVersion)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(done), len(refused)) == (1, 1), results
    assert refused[0].code == "already_published"
    assert done[0].number == 2
    assert Event.objects.filter(verb="charter.version_published").count() == 2
    assert Notification.objects.filter(recipient=owner).count() == 1


def test_the_same_signature_sent_twice_at_once_is_recorded_once(staff):
    owner = UserFactory()
    actor = ActorFactory(owners=[owner])
    version = published(by=staff)
    ids = list(version.commitments.values_list("pk", flat=True))

    def sign():
        return services.charter_sign(
            actor=actor, version=version, accepted_commitment_ids=ids, acting_user=owner
        )

    results = race(sign, sign)
    assert all(isinstance(r, Signature) for r in results), results
    assert results[0].pk == results[1].pk
    assert Signature.objects.count() == 1
    assert Event.objects.filter(verb="charter.signed").count() == 1
