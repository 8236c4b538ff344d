"""Charter admin: drafts are edited there, published versions and signatures are
read-only, and publishing goes through the service."""

import pytest
from django.urls import reverse

from coops.accounts.tests.factories import UserFactory
from coops.charter.models import CharterVersion, Signature
from coops.core.models import Event
from coops.directory.tests.factories import ActorFactory
from coops.notifications.models import Notification

from .factories import draft, published, sign

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/charter/charterversion/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _inline_management(prefix: str, total: int, initial: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_the_publish_action_calls_the_service(admin_client):
    owner = UserFactory()
    actor = ActorFactory(slug="scop", owners=[owner])
    sign(actor, published(), owner)
    pending = draft(title="Charte relue")
    response = admin_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [pending.pk]}, follow=True
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.number == 2
    assert Event.objects.filter(
        verb="charter.version_published", target_id=str(pending.pk)
    ).exists()
    assert list(Notification.objects.values_list("recipient", "url")) == [
        (owner.pk, "/charte/signer/scop/")
    ]
    assert "La version 2 de la charte est publiée." in [
        str(m) for m in response.context["messages"]
    ]


def test_the_publish_action_refuses_a_published_version(admin_client):
    version = published()
    response = admin_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [version.pk]}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "La version 1 est déjà publiée ; préparez une nouvelle version pour la modifier."
    ]
    assert CharterVersion.objects.get().number == 1


def test_the_publish_action_takes_one_draft_at_a_time(admin_client):
    first, second = draft(), draft()
    response = admin_client.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Sélectionnez un seul brouillon à publier."
    ]
    assert CharterVersion.objects.published().count() == 0


def test_the_draft_action_copies_a_version(admin_client):
    version = published(title="Charte commune")
    response = admin_client.post(
        CHANGELIST, {"action": "draft_from", "_selected_action": [version.pk]}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["1 brouillon créé."]
    new = CharterVersion.objects.drafts().get()
    assert (new.title, new.commitments.count()) == ("Charte commune", 3)


def test_a_draft_is_edited_with_its_commitments(admin_client):
    version = draft(title="Brouillon")
    commitments = list(version.commitments.order_by("position"))
    data = {
        "title": "Brouillon relu",
        "preamble": "Nouveau préambule.",
        **_inline_management("commitments", 4, 3),
        "commitments-3-position": "4",
        "commitments-3-category": "governance",
        "commitments-3-key": "entraide",
        "commitments-3-title": "Coopérer entre nous",
        "commitments-3-explanation": "Partager nos savoir-faire.",
    }
    for i, c in enumerate(commitments):
        data.update(
            {
                f"commitments-{i}-id": c.pk,
                f"commitments-{i}-version": version.pk,
                f"commitments-{i}-position": c.position,
                f"commitments-{i}-category": c.category,
                f"commitments-{i}-key": c.key,
                f"commitments-{i}-title": c.title,
                f"commitments-{i}-explanation": c.explanation,
            }
        )
    response = admin_client.post(f"{CHANGELIST}{version.pk}/change/", data)
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.title, version.preamble) == ("Brouillon relu", "Nouveau préambule.")
    assert list(version.commitments.order_by("position").values_list("key", flat=True)) == [
        "salaires",
        "energie",
        "une-voix",
        "entraide",
    ]


def test_a_published_version_is_read_only(admin_client):
    version = published(title="Charte commune")
    url = f"{CHANGELIST}{version.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert admin_client.post(url, {"title": "Autre"}).status_code == 403
    assert (
        admin_client.post(f"{CHANGELIST}{version.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    version.refresh_from_db()
    assert version.title == "Charte commune"


def test_a_commitment_of_a_published_version_is_read_only(admin_client):
    commitment = published().commitments.first()
    url = reverse("admin:charter_commitment_change", args=[commitment.pk])
    assert admin_client.post(url, {"title": "Autre"}).status_code == 403
    commitment.refresh_from_db()
    assert commitment.title == "Des salaires justes"


def test_a_commitment_is_added_to_drafts_only(admin_client):
    published()
    pending = draft(title="Brouillon")
    page = admin_client.get(reverse("admin:charter_commitment_add"))
    assert list(page.context["adminform"].form.fields["version"].queryset) == [pending]


def test_signatures_are_read_only(admin_client):
    staff = UserFactory(is_staff=True)
    signature = sign(ActorFactory(), published(by=staff), staff)
    url = reverse("admin:charter_signature_change", args=[signature.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {}).status_code == 403
    assert admin_client.get(reverse("admin:charter_signature_add")).status_code == 403
    assert Signature.objects.get().signed_by == staff
