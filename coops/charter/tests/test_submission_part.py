"""The charter's part of the directory's submission form: read and sign the current
version while submitting an actor, in the same transaction."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from coops.accounts.tests.factories import UserFactory
from coops.charter.demo import load_charter
from coops.charter.models import CharterVersion, Signature
from coops.charter.submission import CharterPartForm
from coops.charter.tests.factories import published
from coops.core.demo import DemoContext
from coops.directory.demo_submission import SUBMISSIONS, load_submissions
from coops.directory.models import Actor, ActorStatus
from coops.directory.services.submission import SubmissionPartInvalid, actor_submit
from coops.directory.submission_parts import complete_data, submission_forms
from coops.directory.taxonomy import load_taxonomy
from coops.directory.tests.factories import ActorFactory, SectorFactory

pytestmark = pytest.mark.django_db

SUBMIT_URL = "/annuaire/proposer/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def person():
    return UserFactory(language="en")


@pytest.fixture
def bakery_sector():
    return SectorFactory(slug="boulangerie", name="Boulangerie", name_en="Bakery")


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def actor_data(**overrides) -> dict:
    data = {
        "name": "Fournil des Weppes",
        "kind": "craft",
        "legal_form": "scop",
        "sectors": ["boulangerie"],
        "postcode": "59000",
        "city": "Lille",
        "country": "FR",
    }
    data.update(overrides)
    return data


def ticks(version: CharterVersion, *, leave_out: int = 0) -> dict:
    commitments = list(version.commitments.order_by("position", "id"))
    data = {"charter-version": str(version.number)}
    for commitment in commitments[leave_out:]:
        data[f"charter-commitment_{commitment.pk}"] = "on"
    return data


def test_before_any_version_the_part_is_absent(person, bakery_sector):
    assert [p.name for p in submission_forms(user=person)] == []
    html = client_for(person).get(SUBMIT_URL).content.decode()
    assert 'data-testid="charter-part"' not in html


def test_the_form_shows_the_current_version_to_read_and_tick(person, bakery_sector):
    published()
    version = published(title="Charte révisée")

    parts = submission_forms(user=person)
    html = client_for(person).get(SUBMIT_URL).content.decode()

    assert [p.name for p in parts] == ["charter"]
    assert parts[0].form.charter_version == version
    assert 'data-testid="charter-part"' in html
    assert "The network's charter (version 2)" in html
    for commitment in version.commitments.all():
        assert f'name="charter-commitment_{commitment.pk}"' in html
        assert escape(commitment.title) in html


def test_submitting_signs_the_current_version_for_the_new_actor(person, bakery_sector):
    version = published()

    response = client_for(person).post(SUBMIT_URL, actor_data() | ticks(version))

    actor = Actor.objects.get()
    assert response.status_code == 302
    assert actor.status == ActorStatus.PENDING
    signature = Signature.objects.get()
    assert (signature.actor, signature.version, signature.signed_by) == (actor, version, person)
    assert set(signature.accepted.all()) == set(version.commitments.all())


def test_a_commitment_left_unticked_writes_nothing(person, bakery_sector):
    version = published()
    first = version.commitments.order_by("position", "id").first()

    response = client_for(person).post(SUBMIT_URL, actor_data() | ticks(version, leave_out=1))

    html = response.content.decode()
    assert response.status_code == 200
    assert Actor.objects.count() == 0 and Signature.objects.count() == 0
    assert "Tick every commitment of the charter to submit the entry." in html
    anchor = f'<a href="#id_charter-commitment_{first.pk}">'
    assert f"{anchor}{first.title}: Tick this commitment to sign.</a>" in html


def test_a_version_published_while_reading_is_to_be_read_first(person, bakery_sector):
    old = published()
    published(title="Nouvelle charte")

    response = client_for(person).post(SUBMIT_URL, actor_data() | ticks(old))

    assert response.status_code == 200
    assert "A new version of the charter was published while you were reading." in (
        response.content.decode()
    )
    assert Actor.objects.count() == 0 and Signature.objects.count() == 0


def test_a_version_published_between_checking_and_saving_undoes_the_actor(person, bakery_sector):
    version = published()
    parts = submission_forms(user=person, data=ticks(version))
    assert parts[0].form.is_valid()
    published(title="Publiée entre-temps")

    with pytest.raises(SubmissionPartInvalid) as caught:
        actor_submit(
            acting_user=person,
            parts=parts,
            sectors=[bakery_sector],
            name="Fournil",
            kind="craft",
            postcode="59000",
            city="Lille",
        )

    assert caught.value.part == "charter"
    assert caught.value.error.code == "not_current"
    assert Actor.objects.count() == 0 and Signature.objects.count() == 0


def test_the_part_form_requires_every_commitment(person):
    version = published()
    form = submission_forms(user=person, data=ticks(version, leave_out=2))[0].form
    assert isinstance(form, CharterPartForm)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Tick every commitment of the charter to submit the entry."]
    assert len([name for name in form.errors if name.startswith("commitment_")]) == 2


def test_complete_data_ticks_every_commitment(person):
    version = published()
    data = complete_data(submission_forms(user=person))
    assert data == ticks(version)


def test_the_demo_submissions_sign_the_current_charter(db):
    load_taxonomy()
    users = {key: UserFactory() for key in ("hugo", "emma", "fatima", "ines")}
    admin = UserFactory(is_staff=True, is_superuser=True)
    bakery = ActorFactory(name="Le Levain de Wazemmes", owners=[users["ines"]])
    ctx = DemoContext(
        users={**users, "admin": admin},
        extra={"actors": {"levain-wazemmes": bakery}},
        log=lambda _: None,
    )
    load_charter(ctx)
    current = CharterVersion.objects.current()

    load_submissions(ctx)

    submitted = ctx.extra["submitted_actors"]
    assert len(submitted) == len(SUBMISSIONS)
    for actor in submitted:
        signature = Signature.objects.get(actor=actor)
        assert (signature.version, signature.signed_by) == (current, actor.submitted_by)
