"""A published version and its commitments never change, down to the database; the
constraints hold the invariants the services rely on."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from coops.accounts.tests.factories import UserFactory
from coops.charter.models import CharterVersion, Commitment, Signature
from coops.directory.tests.factories import ActorFactory

from .factories import CommitmentFactory, draft, published, sign

pytestmark = pytest.mark.django_db


def _refused(callable_):
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        callable_()
    assert "immutable once published" in str(exc.value)


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Autre titre"},
        {"preamble": "Autre texte"},
        {"number": 7},
        {"published_at": None, "number": None},
        {"adopted_through": "Motion 1"},
    ],
)
def test_a_published_version_refuses_any_change_of_its_text(change):
    version = published(title="Charte", preamble="Texte")
    _refused(lambda: CharterVersion.objects.filter(pk=version.pk).update(**change))
    version.refresh_from_db()
    assert (version.title, version.preamble, version.number) == ("Charte", "Texte", 1)


def test_its_publication_date_stays_writable_for_imports():
    version = published()
    earlier = timezone.now() - timezone.timedelta(days=100)
    CharterVersion.objects.filter(pk=version.pk).update(published_at=earlier)
    version.refresh_from_db()
    assert version.published_at == earlier


def test_a_draft_stays_editable():
    version = draft(title="Brouillon")
    CharterVersion.objects.filter(pk=version.pk).update(title="Brouillon relu")
    Commitment.objects.filter(version=version).update(explanation="Reformulé.")
    CommitmentFactory(version=version, key="nouveau")
    Commitment.objects.filter(version=version, key="nouveau").delete()
    version.refresh_from_db()
    assert version.title == "Brouillon relu"
    assert set(version.commitments.values_list("explanation", flat=True)) == {"Reformulé."}


def test_commitments_of_a_published_version_are_frozen():
    version = published()
    before = list(version.commitments.values_list("pk", "title", "explanation"))
    _refused(lambda: Commitment.objects.filter(version=version).update(title="Changé"))
    _refused(lambda: CommitmentFactory(version=version, key="ajout"))
    assert list(version.commitments.values_list("pk", "title", "explanation")) == before


def test_a_commitment_cannot_move_into_a_published_version():
    version = published()
    other = draft()
    _refused(lambda: Commitment.objects.filter(version=other).update(version=version))
    assert version.commitments.count() == 3


def test_published_versions_and_commitments_are_not_deleted_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("DELETE triggers exist on PostgreSQL only (see migration 0002)")
    version = published()
    _refused(lambda: Commitment.objects.filter(version=version).delete())
    _refused(lambda: CharterVersion.objects.filter(pk=version.pk).delete())
    assert version.commitments.count() == 3


def test_a_version_is_numbered_if_and_only_if_published():
    version = draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        CharterVersion.objects.filter(pk=version.pk).update(number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        CharterVersion.objects.filter(pk=version.pk).update(published_at=timezone.now())


def test_two_versions_never_share_a_number():
    published()
    version = draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        CharterVersion.objects.filter(pk=version.pk).update(number=1, published_at=timezone.now())


def test_a_commitment_key_is_unique_in_its_version():
    version = draft()
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentFactory(version=version, key="salaires")


def test_a_commitment_category_is_social_environmental_or_governance():
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentFactory(version=draft(), category="economic")


def test_a_commitment_has_a_title_and_an_explanation():
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentFactory(version=draft(), explanation="")


def test_an_actor_signs_a_version_once():
    actor = ActorFactory()
    version = published()
    staff = UserFactory(is_staff=True)
    sign(actor, version, staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(actor=actor, version=version, signed_by=staff)
    assert Signature.objects.count() == 1
