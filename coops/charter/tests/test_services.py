"""Charter services: drafting, publishing (by staff or by a governance decision), signing
and the requests to sign again."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coops.accounts.tests.factories import UserFactory
from coops.charter import services
from coops.charter.models import CharterVersion, Signature
from coops.core.models import Event
from coops.directory.models import ActorStatus
from coops.directory.tests.factories import ActorFactory
from coops.notifications.models import Notification

from .factories import THREE, CharterVersionFactory, draft, published, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


def _commitments(version):
    return list(
        version.commitments.order_by("position").values_list(
            "key", "category", "title", "explanation", "position"
        )
    )


# --- Drafting -------------------------------------------------------------------------------


def test_the_first_draft_starts_empty(staff):
    version = services.charter_version_draft(acting_user=staff)
    assert (version.number, version.published_at, version.preamble) == (None, None, "")
    assert version.commitments.count() == 0
    event = Event.objects.get(verb="charter.version_drafted")
    assert (event.actor, event.target_id) == (staff, str(version.pk))
    assert event.data == {"based_on": None, "based_on_number": None}


def test_a_draft_copies_the_current_version_by_default(staff):
    v1 = published(by=staff, preamble="Texte de la version 1.")
    new = services.charter_version_draft(acting_user=staff)
    assert new.pk != v1.pk
    assert (new.title, new.preamble, new.number) == (
        "Charte du réseau",
        "Texte de la version 1.",
        None,
    )
    assert _commitments(new) == _commitments(v1)
    assert set(new.commitments.values_list("pk", flat=True)).isdisjoint(
        v1.commitments.values_list("pk", flat=True)
    )
    assert Event.objects.get(verb="charter.version_drafted").data == {
        "based_on": v1.pk,
        "based_on_number": 1,
    }


def test_a_draft_can_be_based_on_an_older_version(staff):
    v1 = published(by=staff, title="Première charte")
    published(by=staff, title="Deuxième charte", commitments=THREE[:1])
    new = services.charter_version_draft(acting_user=staff, based_on=v1)
    assert new.title == "Première charte"
    assert new.commitments.count() == 3


def test_only_staff_draft(personas):
    with pytest.raises(PermissionDenied):
        services.charter_version_draft(acting_user=personas.admin)
    assert CharterVersion.objects.count() == 0


# --- Publishing -----------------------------------------------------------------------------


def test_publishing_numbers_versions_in_order(staff):
    v1 = published(by=staff)
    v2 = published(by=staff)
    assert (v1.number, v2.number) == (1, 2)
    assert v2.published_by == staff
    assert v2.published_at is not None
    assert CharterVersion.objects.current() == v2
    assert (v1.is_current, CharterVersion.objects.get(pk=v2.pk).is_current) == (False, True)
    event = Event.objects.filter(verb="charter.version_published").first()
    assert event.data == {"number": 2, "previous": 1, "adopted_through": ""}
    assert event.actor == staff


def test_publishing_updates_the_callers_object(staff):
    version = draft()
    services.charter_version_publish(version=version, acting_user=staff)
    assert version.number == 1


def test_a_published_version_cannot_be_published_again(staff):
    version = published(by=staff)
    published_at = version.published_at
    with pytest.raises(ValidationError) as exc:
        services.charter_version_publish(version=version, acting_user=staff)
    assert exc.value.code == "already_published"
    version.refresh_from_db()
    assert (version.number, version.published_at) == (1, published_at)
    assert Event.objects.filter(verb="charter.version_published").count() == 1


def test_a_version_needs_a_commitment(staff):
    empty = CharterVersionFactory()
    with pytest.raises(ValidationError) as exc:
        services.charter_version_publish(version=empty, acting_user=staff)
    assert exc.value.code == "no_commitments"
    empty.refresh_from_db()
    assert empty.number is None


@pytest.mark.parametrize("who", ["member", "organiser", "admin"])
def test_only_staff_publish(personas, who):
    version = draft()
    with pytest.raises(PermissionDenied):
        services.charter_version_publish(version=version, acting_user=getattr(personas, who))
    version.refresh_from_db()
    assert (version.number, version.published_at) == (None, None)


def test_a_superuser_publishes():
    version = services.charter_version_publish(
        version=draft(), acting_user=UserFactory(is_superuser=True)
    )
    assert version.number == 1


def test_a_governance_decision_adopts_a_version_without_a_user():
    version = services.charter_version_adopt(
        version=draft(), decision="  Motion 4, assemblée générale du 12 mars  "
    )
    assert (version.number, version.published_by, version.adopted_through) == (
        1,
        None,
        "Motion 4, assemblée générale du 12 mars",
    )
    event = Event.objects.get(verb="charter.version_published")
    assert event.actor is None
    assert event.data["adopted_through"] == "Motion 4, assemblée générale du 12 mars"


def test_an_adoption_names_its_decision():
    version = draft()
    with pytest.raises(ValidationError) as exc:
        services.charter_version_adopt(version=version, decision=" ")
    assert exc.value.code == "no_decision"
    version.refresh_from_db()
    assert version.number is None


# --- Signing --------------------------------------------------------------------------------


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def actor(owner):
    return ActorFactory(name="Scop du Vieux-Lille", owners=[owner])


def test_an_owner_signs_with_every_commitment_ticked(actor, owner):
    version = published()
    signature = sign(actor, version, owner)
    assert (signature.actor, signature.version, signature.signed_by) == (actor, version, owner)
    assert set(signature.accepted.all()) == set(version.commitments.all())
    event = Event.objects.get(verb="charter.signed")
    assert (event.actor, event.target_id) == (owner, str(signature.pk))
    assert event.data == {
        "actor_id": actor.pk,
        "version": 1,
        "commitments": list(version.commitments.order_by("position").values_list("pk", flat=True)),
    }


def test_a_missing_commitment_is_named_and_nothing_is_signed(actor, owner):
    version = published()
    first, second, third = version.commitments.order_by("position")
    with pytest.raises(services.CommitmentsMissing) as exc:
        services.charter_sign(
            actor=actor, version=version, accepted_commitment_ids=[second.pk], acting_user=owner
        )
    assert exc.value.missing == [first, third]
    assert exc.value.code == "missing_commitments"
    assert exc.value.messages == [
        "Cochez chaque engagement pour signer la charte. Non coché : "
        "« Des salaires justes »; « Une personne, une voix »."
    ]
    assert Signature.objects.count() == 0
    assert not Event.objects.filter(verb="charter.signed").exists()


def test_no_commitment_ticked_names_them_all(actor, owner):
    version = published()
    with pytest.raises(services.CommitmentsMissing) as exc:
        services.charter_sign(
            actor=actor, version=version, accepted_commitment_ids=[], acting_user=owner
        )
    assert [c.key for c in exc.value.missing] == ["salaires", "energie", "une-voix"]


def test_a_commitment_of_another_version_is_refused(actor, owner):
    old = published()
    current = published()
    ids = [*current.commitments.values_list("pk", flat=True), old.commitments.first().pk]
    with pytest.raises(ValidationError) as exc:
        services.charter_sign(
            actor=actor, version=current, accepted_commitment_ids=ids, acting_user=owner
        )
    assert exc.value.code == "unknown_commitments"
    assert Signature.objects.count() == 0


def test_signing_twice_is_idempotent(actor, owner):
    version = published()
    first = sign(actor, version, owner)
    again = sign(actor, version, UserFactory(is_staff=True))
    assert again.pk == first.pk
    assert again.signed_by == owner
    assert Signature.objects.count() == 1
    assert Event.objects.filter(verb="charter.signed").count() == 1


def test_signing_again_needs_nothing_ticked_once_signed(actor, owner):
    version = published()
    first = sign(actor, version, owner)
    again = services.charter_sign(
        actor=actor, version=version, accepted_commitment_ids=[], acting_user=owner
    )
    assert again == first


def test_only_the_current_version_can_be_signed(actor, owner):
    old = published()
    published()
    with pytest.raises(ValidationError) as exc:
        sign(actor, old, owner)
    assert exc.value.code == "not_current"
    assert Signature.objects.count() == 0


def test_a_draft_cannot_be_signed(actor, owner):
    published()
    with pytest.raises(ValidationError) as exc:
        sign(actor, draft(), owner)
    assert exc.value.code == "not_current"


@pytest.mark.parametrize("status", [ActorStatus.REJECTED, ActorStatus.ARCHIVED])
def test_an_actor_out_of_the_directory_cannot_sign(owner, status):
    actor = ActorFactory(owners=[owner], status=status)
    with pytest.raises(ValidationError) as exc:
        sign(actor, published(), owner)
    assert exc.value.code == "actor_inactive"
    assert Signature.objects.count() == 0


def test_a_pending_actor_signs_while_being_submitted(owner):
    actor = ActorFactory(owners=[owner], pending=True)
    assert sign(actor, published(), owner).actor == actor


def test_staff_sign_for_an_actor_without_owner():
    actor = ActorFactory()
    staff = UserFactory(is_staff=True)
    assert sign(actor, published(), staff).signed_by == staff


@pytest.mark.parametrize("who", ["member", "organiser", "admin", "other_member"])
def test_only_owners_and_staff_sign(personas, actor, who):
    version = published()
    with pytest.raises(PermissionDenied):
        sign(actor, version, getattr(personas, who))
    assert Signature.objects.count() == 0


# --- Asking to sign again -------------------------------------------------------------------


def _notified():
    return sorted(
        Notification.objects.filter(kind=services.RESIGN_KIND).values_list(
            "recipient__email", "url"
        )
    )


def test_publishing_asks_the_signers_of_older_versions_to_sign_again_once_each():
    staff = UserFactory(is_staff=True, email="staff@example.org")
    alice = UserFactory(email="alice@example.org")
    bruno = UserFactory(email="bruno@example.org")
    chloe = UserFactory(email="chloe@example.org")
    never = UserFactory(email="never@example.org")
    scop = ActorFactory(name="Scop A", slug="scop-a", owners=[alice, bruno])
    epicerie = ActorFactory(name="Épicerie B", slug="epicerie-b", owners=[alice])
    ActorFactory(name="Ferme C", slug="ferme-c", owners=[never])  # never signed
    archived = ActorFactory(name="Archivée", slug="archivee", owners=[chloe])
    v1 = published(by=staff)
    sign(scop, v1, alice)
    sign(epicerie, v1, alice)
    sign(archived, v1, chloe)
    archived.status = ActorStatus.ARCHIVED
    archived.save(update_fields=["status"])
    assert _notified() == []

    v2 = published(by=staff)
    assert _notified() == [
        ("alice@example.org", reverse("charter:diff", kwargs={"number": 2})),
        ("bruno@example.org", reverse("charter:sign", kwargs={"slug": "scop-a"})),
    ]
    alice_note = Notification.objects.get(recipient=alice)
    assert alice_note.title == "La charte a une nouvelle version : merci de signer la version 2"
    assert alice_note.body == (
        "Épicerie B, Scop A ont signé une version précédente de la charte. La version 2 est "
        "désormais en vigueur : lisez ce qui a changé et signez-la à nouveau."
    )

    # Scop A signs version 2; only Épicerie B is still on version 1 when version 3 comes.
    sign(scop, v2, bruno)
    Notification.objects.all().delete()
    published(by=staff)
    assert _notified() == [
        ("alice@example.org", reverse("charter:diff", kwargs={"number": 3})),
        ("bruno@example.org", reverse("charter:sign", kwargs={"slug": "scop-a"})),
    ]


def test_the_publisher_is_asked_too_when_they_manage_a_signer():
    staff = UserFactory(is_staff=True)
    actor = ActorFactory(slug="scic", owners=[staff])
    sign(actor, published(by=staff), staff)
    published(by=staff)
    assert list(Notification.objects.values_list("recipient", "url")) == [
        (staff.pk, "/charte/signer/scic/")
    ]


def test_an_adoption_asks_to_sign_again_too(owner, actor):
    sign(actor, published(), owner)
    services.charter_version_adopt(version=draft(), decision="Motion 7")
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (owner.pk, "charter.resign_requested")
    ]
