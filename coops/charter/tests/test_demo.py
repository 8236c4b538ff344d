"""The charter demo step: two versions, signatures on both, requests to sign again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coops.accounts.tests.factories import UserFactory
from coops.charter.demo import load_charter
from coops.charter.models import CharterVersion, Signature
from coops.core.demo import DemoContext, demo_steps
from coops.directory.tests.factories import ActorFactory
from coops.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _context() -> DemoContext:
    return DemoContext(
        users={"admin": UserFactory(is_staff=True, is_superuser=True)}, log=lambda _: None
    )


def test_the_step_runs_after_the_directory():
    step = next(s for s in demo_steps() if s.name == "charter")
    assert (step.load, step.order) == (load_charter, 55)


def test_the_demo_charter_without_actors():
    ctx = _context()
    load_charter(ctx)
    v1, v2 = CharterVersion.objects.published().order_by("number")
    assert (v1.number, v2.number) == (1, 2)
    assert (v1.commitments.count(), v2.commitments.count()) == (9, 10)
    assert Signature.objects.count() == 0
    assert Notification.objects.count() == 0
    now = timezone.now()
    assert now - timedelta(days=241) < v1.published_at < now - timedelta(days=239)
    assert now - timedelta(days=22) < v2.published_at < now - timedelta(days=20)


def test_the_demo_charter_signs_the_published_actors():
    owners = [UserFactory() for _ in range(6)]
    actors = [ActorFactory(owners=[owner]) for owner in owners]
    ownerless = ActorFactory()
    ActorFactory(pending=True)
    ctx = _context()
    load_charter(ctx)
    v1, v2 = CharterVersion.objects.published().order_by("number")
    assert Signature.objects.filter(version=v1).count() == 7
    on_v2 = set(Signature.objects.filter(version=v2).values_list("actor", flat=True))
    # One actor in six (the sixth) has not signed version 2 yet.
    assert on_v2 == {a.pk for a in [*actors[:5], ownerless]}
    signers = dict(Signature.objects.filter(version=v1).values_list("actor", "signed_by"))
    assert signers == {
        **{a.pk: o.pk for a, o in zip(actors, owners, strict=True)},
        ownerless.pk: ctx.users["admin"].pk,
    }
    for signature in Signature.objects.filter(version=v1):
        assert v1.published_at < signature.signed_at < v2.published_at
    for signature in Signature.objects.filter(version=v2):
        assert v2.published_at < signature.signed_at < timezone.now()
    # Every owner was asked to sign version 2 once, when it was published; the staff
    # who signed for the ownerless actor manage nothing and are not asked.
    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted(
        o.pk for o in owners
    )


def test_the_demo_diff_adds_one_commitment_and_rewords_one():
    from coops.charter.selectors import version_diff

    load_charter(_context())
    v1, v2 = CharterVersion.objects.published().order_by("number")
    diff = version_diff(old=v1, new=v2)
    assert [c.key for c in diff.added] == ["cooperation"]
    assert diff.removed == []
    assert [(c.after.key, c.fields) for c in diff.changed] == [
        ("remuneration-juste", ["title", "explanation"])
    ]
    assert diff.preamble_changed is True
