"""Charter pages: what each person sees and may do, and that refusals change nothing.

The people: anonymous, a member of the actor's group, the actor's owner, a member of
another group, and a member of the platform's staff.
"""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from coops.accounts.tests.factories import UserFactory
from coops.charter.models import CharterVersion, Signature
from coops.core.models import Event
from coops.directory.tests.factories import ActorFactory
from coops.notifications.models import Notification

from .factories import THREE, draft, published, sign

pytestmark = pytest.mark.django_db

PEOPLE = ["anonymous", "member", "owner", "other", "staff"]
LOGIN = "/accounts/login/?next="


class People:
    def __init__(self, personas):
        self.member = personas.member
        self.other = personas.other_member
        self.owner = UserFactory(display_name="Odile Owner")
        self.staff = UserFactory(is_staff=True)
        self.actor = ActorFactory(
            name="Scop du Vieux-Lille",
            slug="scop-du-vieux-lille",
            owners=[self.owner],
            group=personas.group,
        )

    def client(self, who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(getattr(self, who))
        return client


@pytest.fixture
def people(personas):
    return People(personas)


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _snapshot() -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        sorted(
            CharterVersion.objects.values_list("pk", "number", "title", "preamble", "published_at")
        ),
        sorted(Signature.objects.values_list("pk", "actor_id", "version_id", "signed_by_id")),
        Notification.objects.count(),
        Event.objects.count(),
    )


def _ticked(version) -> dict:
    data = {"version": version.number}
    for pk in version.commitments.values_list("pk", flat=True):
        data[f"commitment_{pk}"] = "on"
    return data


# --- Public pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_everyone_reads_the_current_charter_by_category(people, who):
    published(title="Charte de 2025", preamble="Ancien préambule.")
    published(title="Charte commune", preamble="Nous coopérons.")
    draft(title="Brouillon secret")
    response = people.client(who).get(reverse("charter:current"))
    assert response.status_code == 200
    text = _page(response)
    assert "<h1>Charte commune</h1>" in text
    assert "Nous coopérons." in text
    assert "Brouillon secret" not in text and "Ancien préambule" not in text
    headings = [g.label for g in response.context["groups"]]
    assert headings == ["Social", "Environnemental", "Gouvernance"]
    for _key, _category, title, explanation in THREE:
        assert f"<h3>{title}</h3>" in text
        assert f"<p>{explanation}</p>" in text
    assert "Version 2, publiée le" in text
    assert 'data-testid="not-current"' not in text
    assert ('href="/charte/brouillons/"' in text) == (who == "staff")


def test_the_charter_page_before_any_version(client):
    response = client.get(reverse("charter:current"))
    assert response.status_code == 200
    assert "Aucune version de la charte n’a encore été publiée." in _page(response)


@pytest.mark.parametrize("who", PEOPLE)
def test_everyone_reads_the_history(people, who):
    staff = UserFactory(is_staff=True)
    v1 = published(by=staff, title="Charte de 2025", commitments=THREE[:2])
    sign(people.actor, v1, staff)
    published(by=staff, title="Charte commune")
    draft(title="Brouillon secret")
    response = people.client(who).get(reverse("charter:history"))
    assert response.status_code == 200
    rows = [
        (v.number, v.title, v.commitment_count, v.signature_count)
        for v in response.context["versions"]
    ]
    assert rows == [(2, "Charte commune", 3, 0), (1, "Charte de 2025", 2, 1)]
    text = _page(response)
    assert "Brouillon secret" not in text
    assert 'href="/charte/versions/2/diff/"' in text
    assert 'href="/charte/versions/1/diff/"' not in text
    assert "Première version" in text


@pytest.mark.parametrize("who", PEOPLE)
def test_everyone_reads_an_older_version_marked_as_replaced(people, who):
    published(title="Charte de 2025")
    published(title="Charte commune")
    response = people.client(who).get(reverse("charter:version", kwargs={"number": 1}))
    assert response.status_code == 200
    text = _page(response)
    assert "<h1>Charte de 2025</h1>" in text
    assert "Il s’agit de la version 1 : elle a été remplacée par la version 2." in text


@pytest.mark.parametrize("who", PEOPLE)
def test_a_draft_or_unknown_number_is_not_found(people, who):
    published()
    draft()
    client = people.client(who)
    assert client.get(reverse("charter:version", kwargs={"number": 2})).status_code == 404
    assert client.get(reverse("charter:diff", kwargs={"number": 2})).status_code == 404


@pytest.mark.parametrize("who", PEOPLE)
def test_everyone_reads_the_diff_with_the_previous_version(people, who):
    published(
        preamble="Nous coopérons pour vivre mieux.",
        commitments=[*THREE[:2], ("achats", "environmental", "Des achats locaux", "Au plus près.")],
    )
    published(
        preamble="Nous coopérons pour vivre mieux ensemble.",
        commitments=[
            ("salaires", "social", "Des salaires justes et publics", "Écart de salaires limité."),
            *THREE[1:],
        ],
    )
    response = people.client(who).get(reverse("charter:diff", kwargs={"number": 2}))
    assert response.status_code == 200
    text = _page(response)
    assert "<h1>Changements de la version 1 à la version 2</h1>" in text
    assert (
        '<div class="diff-text" data-testid="preamble-diff">Nous coopérons pour vivre mieux'
        '<ins><span class="visually-hidden">[ajouté : </span> ensemble'
        '<span class="visually-hidden">]</span></ins>.</div>'
    ) in text
    assert "1 engagement ajouté" in text
    assert "1 engagement retiré" in text
    assert "1 engagement modifié" in text
    assert "1 engagement inchangé" in text
    assert [c.key for c in response.context["diff"].added] == ["une-voix"]
    assert [c.key for c in response.context["diff"].removed] == ["achats"]


def test_the_first_version_has_no_diff(client):
    published()
    assert client.get(reverse("charter:diff", kwargs={"number": 1})).status_code == 404


# --- Signing for an actor -------------------------------------------------------------------

SIGN_GET = {"anonymous": 302, "member": 403, "owner": 200, "other": 403, "staff": 200}


@pytest.mark.parametrize("who", PEOPLE)
def test_who_opens_the_signing_page(people, who):
    published()
    url = reverse("charter:sign", kwargs={"slug": people.actor.slug})
    response = people.client(who).get(url)
    assert response.status_code == SIGN_GET[who]
    if who == "anonymous":
        assert response["Location"].startswith(LOGIN)
    if SIGN_GET[who] == 200:
        text = _page(response)
        assert "Signer la charte pour Scop du Vieux-Lille" in text
        assert "Scop du Vieux-Lille n’a pas encore signé la charte." in text
        assert text.count('type="checkbox"') == 3
        assert len(re.findall(r'<input type="checkbox"[^>]*\srequired[\s>]', text)) == 3
        legends = re.findall(r"<legend>(.*?)</legend>", text)
        assert legends == ["Social", "Environnemental", "Gouvernance"]


@pytest.mark.parametrize("who", PEOPLE)
def test_who_signs(people, who):
    version = published()
    url = reverse("charter:sign", kwargs={"slug": people.actor.slug})
    before = _snapshot()
    response = people.client(who).post(url, _ticked(version))
    if who in ("owner", "staff"):
        assert response.status_code == 302
        assert response["Location"] == url
        signature = Signature.objects.get()
        assert (signature.actor, signature.version, signature.signed_by) == (
            people.actor,
            version,
            getattr(people, who),
        )
        page = people.client(who).get(url)
        assert "Scop du Vieux-Lille a signé la version 1 de la charte, la version en vigueur" in (
            _page(page)
        )
        assert 'type="checkbox"' not in _page(page)
    else:
        assert response.status_code == {"anonymous": 302, "member": 403, "other": 403}[who]
        assert _snapshot() == before


@pytest.mark.parametrize("who", ["member", "other"])
def test_a_pending_actor_is_not_found_by_those_who_cannot_sign(people, who):
    published()
    pending = ActorFactory(slug="en-attente", pending=True, owners=[people.owner])
    url = reverse("charter:sign", kwargs={"slug": pending.slug})
    assert people.client(who).get(url).status_code == 404
    assert people.client("owner").get(url).status_code == 200


def test_an_unknown_actor_is_not_found(people):
    assert people.client("staff").get("/charte/signer/inconnu/").status_code == 404


def test_a_missing_tick_is_named_and_nothing_is_signed(people):
    version = published()
    data = _ticked(version)
    missing = version.commitments.get(key="energie")
    del data[f"commitment_{missing.pk}"]
    before = _snapshot()
    response = people.client("owner").post(
        reverse("charter:sign", kwargs={"slug": people.actor.slug}), data
    )
    assert response.status_code == 200
    text = _page(response)
    assert (
        "Cochez chaque engagement pour signer la charte. Non coché : « Moins d'énergie »." in text
    )
    assert response.context["form"].errors[f"commitment_{missing.pk}"] == [
        "Cochez cet engagement pour signer."
    ]
    assert f'id="id_commitment_{missing.pk}_error"' in text
    assert _snapshot() == before


def test_a_version_published_while_reading_is_shown_instead(people):
    old = published()
    published(commitments=THREE[:2])
    before = _snapshot()
    response = people.client("owner").post(
        reverse("charter:sign", kwargs={"slug": people.actor.slug}), _ticked(old)
    )
    assert response.status_code == 200
    text = _page(response)
    assert "Une nouvelle version de la charte a été publiée pendant votre lecture." in text
    assert response.context["version"].number == 2
    assert text.count('type="checkbox"') == 2
    assert _snapshot() == before


def test_an_owner_who_signed_an_older_version_is_asked_to_sign_again(people):
    staff = UserFactory(is_staff=True)
    sign(people.actor, published(by=staff), people.owner)
    published(by=staff)
    response = people.client("owner").get(
        reverse("charter:sign", kwargs={"slug": people.actor.slug})
    )
    text = _page(response)
    assert "Scop du Vieux-Lille a signé une version précédente de la charte (version 1, le" in text
    assert 'href="/charte/versions/2/diff/"' in text
    assert text.count('type="checkbox"') == 3


def test_the_signing_page_before_any_version(people):
    response = people.client("owner").get(
        reverse("charter:sign", kwargs={"slug": people.actor.slug})
    )
    assert response.status_code == 200
    assert "Aucune version de la charte n’a encore été publiée : il n’y a rien à signer." in (
        _page(response)
    )


# --- Staff: drafts and publishing -----------------------------------------------------------

STAFF_ONLY = {"anonymous": 302, "member": 403, "owner": 403, "other": 403, "staff": 200}


@pytest.mark.parametrize("who", PEOPLE)
def test_who_sees_the_drafts(people, who):
    published()
    draft(title="Charte relue")
    response = people.client(who).get(reverse("charter:drafts"))
    assert response.status_code == STAFF_ONLY[who]
    if who == "anonymous":
        assert response["Location"].startswith(LOGIN)
    if who == "staff":
        text = _page(response)
        assert "<h2" in text and "Charte relue</h2>" in text
        assert "Par rapport à la version 1 : 0 ajout(s), 0 retrait(s), 0 modification(s)." in text


@pytest.mark.parametrize("who", PEOPLE)
def test_who_starts_a_draft(people, who):
    published()
    before = _snapshot()
    response = people.client(who).post(reverse("charter:draft_create"))
    if who == "staff":
        new = CharterVersion.objects.drafts().get()
        assert response.status_code == 302
        assert response["Location"] == f"/admin/charter/charterversion/{new.pk}/change/"
        assert new.commitments.count() == 3
    else:
        assert response.status_code == (302 if who == "anonymous" else 403)
        assert _snapshot() == before


@pytest.mark.parametrize("who", PEOPLE)
def test_who_publishes_a_draft(people, who):
    staff = UserFactory(is_staff=True)
    sign(people.actor, published(by=staff), people.owner)
    pending = draft(title="Charte relue")
    before = _snapshot()
    response = people.client(who).post(reverse("charter:draft_publish", kwargs={"pk": pending.pk}))
    pending.refresh_from_db()
    if who == "staff":
        assert response.status_code == 302
        assert response["Location"] == "/charte/versions/2/"
        assert (pending.number, pending.published_by) == (2, people.staff)
        assert list(Notification.objects.values_list("recipient", "url")) == [
            (people.owner.pk, "/charte/signer/scop-du-vieux-lille/")
        ]
    else:
        assert response.status_code == (302 if who == "anonymous" else 403)
        assert pending.number is None
        assert _snapshot() == before


def test_publishing_a_published_version_is_not_found(people):
    version = published()
    response = people.client("staff").post(
        reverse("charter:draft_publish", kwargs={"pk": version.pk})
    )
    assert response.status_code == 404


def test_publishing_an_empty_draft_says_why(people):
    empty = draft(commitments=[])
    response = people.client("staff").post(
        reverse("charter:draft_publish", kwargs={"pk": empty.pk}), follow=True
    )
    assert "Une version de la charte doit comporter au moins un engagement." in _page(response)
    empty.refresh_from_db()
    assert empty.number is None


@pytest.mark.parametrize(
    "url", ["/charte/", "/charte/versions/", "/charte/versions/1/", "/charte/versions/2/diff/"]
)
def test_public_pages_refuse_posts(client, url):
    published()
    published()
    assert client.post(url).status_code == 405
