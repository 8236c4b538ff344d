"""Merging two directory entries moves the duplicate's charter signatures to the entry
kept (the newest one per version), through the merge handler the charter registers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from coops.accounts.tests.factories import UserFactory
from coops.charter.merging import describe_signatures, move_signatures
from coops.charter.models import CharterVersion, Commitment, Signature
from coops.core.models import Event
from coops.directory.merging import merge_handlers
from coops.directory.models import ActorStatus
from coops.directory.selectors.moderation import merge_plan
from coops.directory.services.moderation import actors_merge
from coops.directory.tests.factories import ActorFactory, moderator_user

from .factories import published, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


@pytest.fixture
def entries():
    keep_owner, duplicate_owner = UserFactory(), UserFactory()
    keep = ActorFactory(name="La Fournée", owners=[keep_owner])
    duplicate = ActorFactory(pending=True, name="Boulangerie La Fournée", owners=[duplicate_owner])
    return keep, duplicate, keep_owner, duplicate_owner


def _age(signature: Signature, days: int) -> None:
    Signature.objects.filter(pk=signature.pk).update(
        signed_at=timezone.now() - timedelta(days=days)
    )


def test_the_charter_registers_its_merge_handler():
    handler = next(h for h in merge_handlers() if h.name == "charter_signatures")
    assert (handler.move, handler.describe) == (move_signatures, describe_signatures)


def test_merging_moves_signatures_keeping_the_newest_per_version(staff, entries):
    keep, duplicate, keep_owner, duplicate_owner = entries
    v1 = published(by=staff)
    old_keep_v1 = sign(keep, v1, keep_owner)
    newer_duplicate_v1 = sign(duplicate, v1, duplicate_owner)
    _age(old_keep_v1, 30)
    v2 = published(by=staff)
    duplicate_v2 = sign(duplicate, v2, duplicate_owner)
    commitments_before = list(Commitment.objects.order_by("pk").values_list("pk", "title"))

    with translation.override("en"):
        preview = merge_plan(keep=keep, duplicate=duplicate).elsewhere
    actors_merge(keep=keep, duplicate=duplicate, acting_user=moderator_user(), reason="Doublon.")

    assert preview == ["2 charter signatures move to the entry kept"]
    assert set(Signature.objects.values_list("pk", "actor_id", "version_id")) == {
        (newer_duplicate_v1.pk, keep.pk, v1.pk),
        (duplicate_v2.pk, keep.pk, v2.pk),
    }
    assert not Signature.objects.filter(pk=old_keep_v1.pk).exists()
    moved = Signature.objects.get(pk=duplicate_v2.pk)
    assert moved.signed_by == duplicate_owner
    assert moved.accepted.count() == v2.commitments.count()
    # The frozen versions and their commitments are untouched.
    assert list(Commitment.objects.order_by("pk").values_list("pk", "title")) == (
        commitments_before
    )
    assert CharterVersion.objects.current() == v2
    event = Event.objects.get(verb="directory.actors_merged")
    assert event.data["elsewhere"]["charter_signatures"] == {
        "moved": [newer_duplicate_v1.pk, duplicate_v2.pk],
        "dropped": [old_keep_v1.pk],
    }


def test_the_entry_kept_keeps_its_own_newer_signature(staff, entries):
    keep, duplicate, keep_owner, duplicate_owner = entries
    v1 = published(by=staff)
    older = sign(duplicate, v1, duplicate_owner)
    _age(older, 10)
    newer = sign(keep, v1, keep_owner)

    with translation.override("en"):
        lines = describe_signatures(keep=keep, duplicate=duplicate)
    summary = move_signatures(keep=keep, duplicate=duplicate)

    assert lines == ["1 charter signature is dropped: the entry kept signed the same version later"]
    assert summary == {"moved": [], "dropped": [older.pk]}
    assert list(Signature.objects.values_list("pk", "actor_id")) == [(newer.pk, keep.pk)]


def test_nothing_to_move_says_nothing(entries):
    keep, duplicate, _keep_owner, _duplicate_owner = entries

    assert describe_signatures(keep=keep, duplicate=duplicate) == []
    assert move_signatures(keep=keep, duplicate=duplicate) == {"moved": [], "dropped": []}


def test_the_merged_duplicate_no_longer_signs(staff, entries):
    keep, duplicate, _keep_owner, duplicate_owner = entries
    v1 = published(by=staff)
    sign(duplicate, v1, duplicate_owner)

    actors_merge(keep=keep, duplicate=duplicate, acting_user=moderator_user(), reason="Doublon.")

    duplicate.refresh_from_db()
    assert duplicate.status == ActorStatus.ARCHIVED
    assert not Signature.objects.filter(actor=duplicate).exists()
    assert Signature.objects.get().actor == keep
