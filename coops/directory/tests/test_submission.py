"""Submitting an actor, owners' edits and the review of pending changes: services,
live checks, pages and who may use them."""

from __future__ import annotations

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import PERSONAS
from coops.accounts.tests.factories import UserFactory
from coops.core.demo import DemoContext, demo_steps
from coops.core.models import Event
from coops.directory.demo_submission import SUBMISSIONS, load_submissions
from coops.directory.models import (
    Actor,
    ActorChange,
    ActorStatus,
    ChangeStatus,
    DecisionOutcome,
    GeocodeStatus,
    ModerationDecision,
    Tag,
)
from coops.directory.selectors.submission import (
    actor_values,
    address_preview,
    change_conflicts,
    change_fingerprint,
    change_rows,
    siret_check,
)
from coops.directory.services.submission import (
    APPLIED,
    CHANGE_DECIDED_KIND,
    PROPOSED,
    UNCHANGED,
    WITHDRAWN,
    SubmissionPartInvalid,
    actor_change_accept,
    actor_change_reject,
    actor_change_withdraw,
    actor_submit,
    actor_update,
)
from coops.directory.submission_parts import (
    register_submission_part,
    registered_parts,
    submission_forms,
    unregister_submission_part,
)
from coops.directory.taxonomy import load_taxonomy
from coops.directory.tests.factories import (
    ActorFactory,
    LabelFactory,
    SectorFactory,
    SkillFactory,
    TagFactory,
)
from coops.directory.views import submission as views
from coops.notifications.models import Notification

pytestmark = pytest.mark.django_db

SUBMIT_URL = "/annuaire/proposer/"
VALID_SIRET = "73282932000074"
LA_POSTE_HEAD_OFFICE = "35600000000048"  # La Poste's head office: Luhn like everyone
LA_POSTE_ESTABLISHMENT = "35600000001000"  # digits add up to 15; fails Luhn, still valid
LA_POSTE_WRONG = "35600000001004"  # passes Luhn, but its digits add up to 19


# --- Fixtures and helpers ----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids), whatever the French catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_parts_from_other_apps():
    """These tests are about the directory: parts other apps register (the charter's,
    which is absent anyway while no version is published) are set aside."""
    from coops.directory import submission_parts

    saved = dict(submission_parts._PARTS)
    submission_parts._PARTS.clear()
    yield
    submission_parts._PARTS.clear()
    submission_parts._PARTS.update(saved)


@pytest.fixture
def terms():
    food = SectorFactory(slug="alimentation", name="Alimentation", name_en="Food")
    bread = SectorFactory(slug="boulangerie", name="Boulangerie", name_en="Bakery", parent=food)
    repair = SectorFactory(slug="reemploi", name="Réemploi", name_en="Reuse")
    return {
        "food": food,
        "bread": bread,
        "repair": repair,
        "baking": SkillFactory(slug="panification", name="Panification", name_en="Baking"),
        "organic": LabelFactory(slug="bio", name="Agriculture biologique", name_en="Organic"),
        "local": TagFactory(slug="circuit-court", name="circuit court"),
        "vrac": TagFactory(slug="vrac", name="vrac"),
    }


def english(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        if user.language != "en":  # signed-in people read the site in their language
            user.language = "en"
            user.save(update_fields=["language"])
        client.force_login(user)
    return client


def member(**kwargs):
    return UserFactory(language="en", **kwargs)


def moderator():
    user = member()
    user.user_permissions.add(Permission.objects.get(codename="moderate_actor"))
    return user


def trusted():
    user = member()
    user.user_permissions.add(Permission.objects.get(codename="publish_without_review"))
    return user


def post_data(**overrides) -> dict:
    data = {
        "name": "Fournil des Weppes",
        "kind": "craft",
        "legal_form": "scop",
        "siret": "",
        "description": "Pain au levain.",
        "sectors": ["boulangerie"],
        "skills": ["panification"],
        "labels": [],
        "tags": ["circuit-court"],
        "street": "",
        "postcode": "59000",
        "city": "Lille",
        "country": "FR",
        "email": "fournil@example.org",
        "telephone": "03 20 00 00 00",
        "website": "",
        "opening_hours": "Tu-Sa 07:00-19:00",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(user, terms, **fields):
    values = {
        "name": "Fournil des Weppes",
        "kind": "craft",
        "legal_form": "scop",
        "postcode": "59000",
        "city": "Lille",
        "email": "Fournil@Example.org",
    }
    values.update(fields)
    return actor_submit(acting_user=user, sectors=[terms["bread"]], tags=[terms["local"]], **values)


def published_actor(owner, **fields):
    return ActorFactory(owners=[owner], **fields)


def snapshot(actor) -> dict:
    actor.refresh_from_db()
    return actor_values(actor) | {"status": actor.status, "updated_at": actor.updated_at}


# --- The registry of parts ------------------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField()


def note_factory(data, *, prefix, user):
    return NoteForm(data, prefix=prefix)


@pytest.fixture
def note_part():
    saved = []

    def save(*, actor, user, form):
        if form.cleaned_data["note"] == "refuse":
            Tag.objects.create(slug="written-before-failing", name="x")
            raise ValidationError("The note part refuses.")
        saved.append((actor.pk, user.pk, form.cleaned_data["note"]))

    register_submission_part(
        "note",
        form_factory=note_factory,
        template="directory/submission/_too_many.html",
        save=save,
        order=5,
        complete_data=lambda form: {form.add_prefix("note"): "filled"},
    )
    yield saved
    unregister_submission_part("note")


def test_a_part_registered_twice_differently_is_refused(note_part):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        register_submission_part("note", note_factory, "other.html", lambda **kw: None)
    assert [p.name for p in registered_parts()] == ["note"]


def test_the_parts_are_saved_with_the_actor(note_part, terms):
    user = member()
    parts = submission_forms(user=user, data={"note-note": "hello"})
    assert [p.name for p in parts] == ["note"] and parts[0].form.is_valid()

    actor = submit(user, terms, parts=parts)

    assert note_part == [(actor.pk, user.pk, "hello")]
    event = Event.objects.get(verb="directory.actor_submitted")
    assert (event.actor, event.target_id, event.data) == (user, str(actor.pk), {"parts": ["note"]})


def test_a_part_that_fails_leaves_nothing_written(note_part, terms):
    user = member()
    parts = submission_forms(user=user, data={"note-note": "refuse"})
    parts[0].form.is_valid()

    with pytest.raises(SubmissionPartInvalid) as caught:
        submit(user, terms, parts=parts)

    assert caught.value.part == "note"
    assert caught.value.error.messages == ["The note part refuses."]
    assert Actor.objects.count() == 0
    assert not Tag.objects.filter(slug="written-before-failing").exists()
    assert not Event.objects.exists()


def test_complete_data_fills_every_part(note_part):
    from coops.directory.submission_parts import complete_data

    assert complete_data(submission_forms(user=member())) == {"note-note": "filled"}


# --- Submitting -------------------------------------------------------------------------------


def test_a_submission_is_pending_and_owned_by_its_submitter(terms):
    user = member()
    actor = submit(user, terms, siret="732 829 320 00074")

    actor.refresh_from_db()
    assert actor.status == ActorStatus.PENDING and actor.published_at is None
    assert actor.submitted_by == user
    assert list(actor.owners.all()) == [user]
    assert (actor.siret, actor.email, actor.department) == (
        VALID_SIRET,
        "fournil@example.org",
        "59",
    )
    assert actor.geocode_status == GeocodeStatus.MUNICIPALITY and actor.latitude is not None
    assert list(actor.sectors.all()) == [terms["bread"]]
    assert "boulangerie" in actor.search_text
    assert list(Event.objects.order_by("pk").values_list("verb", flat=True)) == [
        "directory.actor_created",
        "directory.actor_submitted",
    ]


def test_a_submission_needs_a_signed_in_user(terms):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        submit(AnonymousUser(), terms)
    assert Actor.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Proposer", "proposer-2"),
        ("Mes fiches", "mes-fiches-2"),
        ("Carte", "carte-2"),
        ("Le Fournil", "le-fournil"),
    ],
)
def test_a_submission_never_takes_the_slug_of_a_directory_page(terms, name, slug):
    assert submit(member(), terms, name=name).slug == slug


def test_an_invalid_siret_is_refused_with_its_reason(terms):
    with pytest.raises(ValidationError) as caught:
        submit(member(), terms, siret="73282932000079")
    assert caught.value.message_dict == {
        "siret": [
            "This SIRET is not valid: the establishment's number (the last 5 digits) "
            "does not match its SIREN. Look for a typo."
        ]
    }
    assert Actor.objects.count() == 0


@pytest.mark.parametrize("siret", [LA_POSTE_HEAD_OFFICE, LA_POSTE_ESTABLISHMENT])
def test_la_poste_sirets_follow_their_own_rule(terms, siret):
    actor = submit(member(), terms, siret=siret)
    assert actor.siret == siret


# --- Live checks (pure) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "state", "message"),
    [
        ("", "empty", ""),
        ("732 829 320 00074", "valid", "SIRET valid: 732 829 320 00074."),
        (LA_POSTE_HEAD_OFFICE, "valid", "SIRET valid: 356 000 000 00048."),
        (LA_POSTE_ESTABLISHMENT, "valid", "SIRET valid: 356 000 000 01000."),
        (
            LA_POSTE_WRONG,
            "invalid",
            "This SIRET is not valid: for La Poste's establishments (SIREN 356 000 000) the 14 "
            "digits must add up to a multiple of 5. Look for a typo.",
        ),
        (
            "732829320",
            "siren",
            "SIREN valid — add the 5 digits of the establishment (NIC) for the SIRET.",
        ),
        (
            "732829321",
            "invalid",
            "This SIREN is not valid: its check digit does not match. Look for a typo.",
        ),
        ("7328293200007", "invalid", "A SIRET has 14 digits; you typed 13."),
        (
            "73282932000079",
            "invalid",
            "This SIRET is not valid: the establishment's number "
            "(the last 5 digits) does not match its SIREN. Look for a typo.",
        ),
        (
            "10000000010007",
            "invalid",
            "This SIRET is not valid: its SIREN (the first 9 digits) "
            "has a check digit that does not match. Look for a typo.",
        ),
        ("7328-2932-0000A", "invalid", "A SIRET is made of digits only."),
    ],
)
def test_siret_check_says_which_rule_fails(raw, state, message):
    check = siret_check(raw)
    assert (check.state, check.message) == (state, message)
    assert check.is_acceptable == (state in ("empty", "valid"))


def test_address_preview_says_where_the_entry_goes():
    found = address_preview(postcode="59000", city="Lille")
    assert (found.state, found.message) == ("municipality", "Found: Lille (59000), town centre.")
    assert found.latitude is not None and found.longitude is not None
    lost = address_preview(postcode="", city="Nulle-Part-sur-Mer")
    assert (lost.state, lost.message, lost.latitude) == (
        "not_found",
        "Not found: your entry will be placed on the map by a moderator.",
        None,
    )
    abroad = address_preview(postcode="1000", city="Bruxelles", country="BE")
    assert abroad.state == "abroad"
    assert address_preview().state == "empty"


# --- Editing ------------------------------------------------------------------------------


def test_an_owner_edits_a_pending_entry_at_once_and_a_new_town_is_located_again(terms):
    user = member()
    actor = submit(user, terms)
    lille = (actor.latitude, actor.longitude)

    result = actor_update(
        actor=actor,
        acting_user=user,
        fields={"city": "Arras", "postcode": "62000", "name": "Fournil d'Arras"},
        sectors=[terms["bread"], terms["repair"]],
    )

    actor.refresh_from_db()
    assert (result.outcome, result.fields) == (APPLIED, ["city", "name", "postcode", "sectors"])
    assert (actor.name, actor.city, actor.department) == ("Fournil d'Arras", "Arras", "62")
    assert (actor.latitude, actor.longitude) != lille
    assert actor.geocode_status == GeocodeStatus.MUNICIPALITY
    assert sorted(s.slug for s in actor.sectors.all()) == ["boulangerie", "reemploi"]
    assert "arras" in actor.search_text and "reemploi" in actor.search_text
    assert not ActorChange.objects.exists()
    event = Event.objects.get(verb="directory.actor_updated")
    assert event.data["before"] == {
        "city": "Lille",
        "name": "Fournil des Weppes",
        "postcode": "59000",
        "sectors": ["boulangerie"],
    }
    assert event.data["after"]["sectors"] == ["boulangerie", "reemploi"]


def test_an_edit_of_a_published_entry_waits_for_review_and_changes_nothing(terms):
    owner = member()
    actor = published_actor(
        owner, name="Le Fournil", sectors=[terms["bread"]], tags=[terms["local"]]
    )
    before = snapshot(actor)

    result = actor_update(
        actor=actor,
        acting_user=owner,
        fields={"name": "Le Grand Fournil", "city": "Lille", "opening_hours": "Mo 09:00-12:00"},
        tags=[terms["vrac"], terms["local"]],
    )

    assert result.outcome == PROPOSED and result.fields == ["name", "opening_hours", "tags"]
    assert snapshot(actor) == before
    change = ActorChange.objects.get()
    assert (change.status, change.proposed_by) == (ChangeStatus.PENDING, owner)
    assert change.proposed == {
        "name": "Le Grand Fournil",
        "opening_hours": "Mo 09:00-12:00",
        "tags": ["circuit-court", "vrac"],
    }
    assert change.original == {"name": "Le Fournil", "opening_hours": "", "tags": ["circuit-court"]}
    assert Event.objects.filter(verb="directory.change_proposed").count() == 1


def test_a_second_edit_updates_the_one_pending_change(terms):
    owner, co_owner = member(), member()
    actor = ActorFactory(owners=[owner, co_owner], name="Le Fournil")
    actor_update(actor=actor, acting_user=owner, fields={"name": "Le Grand Fournil"})

    result = actor_update(
        actor=actor, acting_user=co_owner, fields={"name": "Fournil", "telephone": "0320000000"}
    )

    change = ActorChange.objects.get()
    assert result.change == change and result.outcome == PROPOSED
    assert change.proposed == {"name": "Fournil", "telephone": "0320000000"}
    assert change.original == {"name": "Le Fournil", "telephone": ""}
    assert change.proposed_by == co_owner


def test_an_edit_back_to_the_published_values_withdraws_the_pending_change(terms):
    owner = member()
    actor = published_actor(owner, name="Le Fournil")
    actor_update(actor=actor, acting_user=owner, fields={"name": "Autre nom"})

    result = actor_update(actor=actor, acting_user=owner, fields={"name": "Le Fournil"})

    assert result.outcome == WITHDRAWN
    assert ActorChange.objects.get().status == ChangeStatus.WITHDRAWN
    again = actor_update(actor=actor, acting_user=owner, fields={"name": "Le Fournil"})
    assert again.outcome == UNCHANGED


@pytest.mark.parametrize("editor", ["trusted", "moderator"])
def test_trusted_owners_and_moderators_edit_a_published_entry_at_once(terms, editor):
    actor = ActorFactory(name="Le Fournil")
    user = trusted() if editor == "trusted" else moderator()
    if editor == "trusted":
        actor.owners.add(user)

    result = actor_update(actor=actor, acting_user=user, fields={"name": "Le Grand Fournil"})

    actor.refresh_from_db()
    assert (result.outcome, actor.name) == (APPLIED, "Le Grand Fournil")
    assert not ActorChange.objects.exists()


def test_a_trusted_user_is_not_trusted_on_someone_elses_entry(terms):
    actor = ActorFactory(name="Le Fournil")
    before = snapshot(actor)
    with pytest.raises(PermissionDenied):
        actor_update(actor=actor, acting_user=trusted(), fields={"name": "Pris"})
    assert snapshot(actor) == before and not ActorChange.objects.exists()


def test_an_invalid_proposal_is_refused_before_it_is_stored(terms):
    owner = member()
    actor = published_actor(owner)
    with pytest.raises(ValidationError) as caught:
        actor_update(actor=actor, acting_user=owner, fields={"email": "not an email"})
    assert "email" in caught.value.message_dict
    assert not ActorChange.objects.exists()


# --- Deciding on a change ------------------------------------------------------------------


@pytest.fixture
def proposal(terms):
    owner = member()
    actor = published_actor(owner, name="Le Fournil", tags=[terms["local"]])
    actor_update(
        actor=actor,
        acting_user=owner,
        fields={"name": "Le Grand Fournil", "city": "Arras", "postcode": "62000"},
        tags=[terms["vrac"]],
    )
    return actor, ActorChange.objects.get(), owner


def test_accepting_a_change_applies_it_and_tells_its_proposer(proposal):
    actor, change, owner = proposal
    judge = moderator()

    actor_change_accept(change=change, acting_user=judge, reason="Vérifié.")

    actor.refresh_from_db()
    assert (actor.name, actor.city, actor.department) == ("Le Grand Fournil", "Arras", "62")
    assert [t.slug for t in actor.tags.all()] == ["vrac"]
    change.refresh_from_db()
    assert (change.status, change.decided_by, change.reason) == (
        ChangeStatus.ACCEPTED,
        judge,
        "Vérifié.",
    )
    decision = ModerationDecision.objects.get()
    assert (decision.actor, decision.outcome, decision.decided_by, decision.reason) == (
        actor,
        DecisionOutcome.CHANGE_ACCEPTED,
        judge,
        "Vérifié.",
    )
    note = Notification.objects.get()
    assert (note.recipient, note.kind, note.title, note.body, note.url) == (
        owner,
        CHANGE_DECIDED_KIND,
        "Your change to Le Grand Fournil was accepted",
        "The moderator's reason: Vérifié.",
        f"/annuaire/modifications/{change.pk}/",
    )


def test_rejecting_needs_a_reason_and_leaves_the_entry_as_it_is(proposal):
    actor, change, owner = proposal
    judge = moderator()
    before = snapshot(actor)

    with pytest.raises(ValidationError) as caught:
        actor_change_reject(change=change, acting_user=judge, reason="  ")
    assert caught.value.message_dict == {
        "reason": ["Say why you reject this change: the person who proposed it reads it."]
    }
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING and not ModerationDecision.objects.exists()

    actor_change_reject(change=change, acting_user=judge, reason="Le nom ne correspond pas.")

    assert snapshot(actor) == before
    change.refresh_from_db()
    assert (change.status, change.reason) == (ChangeStatus.REJECTED, "Le nom ne correspond pas.")
    assert ModerationDecision.objects.get().outcome == DecisionOutcome.CHANGE_REJECTED
    note = Notification.objects.get(recipient=owner)
    assert (note.title, note.body) == (
        "Your change to Le Fournil was not accepted",
        "The moderator's reason: Le nom ne correspond pas.",
    )


def test_a_decided_change_cannot_be_decided_again(proposal):
    _actor, change, _owner = proposal
    actor_change_reject(change=change, acting_user=moderator(), reason="Non.")
    with pytest.raises(ValidationError) as caught:
        actor_change_accept(change=change, acting_user=moderator())
    assert caught.value.messages == ["This change was already decided on: Rejected."]
    assert ModerationDecision.objects.count() == 1


def test_only_moderators_decide(proposal):
    actor, change, owner = proposal
    before = snapshot(actor)
    for user in (owner, trusted(), member()):
        with pytest.raises(PermissionDenied):
            actor_change_accept(change=change, acting_user=user)
        with pytest.raises(PermissionDenied):
            actor_change_reject(change=change, acting_user=user, reason="Non.")
    assert snapshot(actor) == before
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING


def test_a_conflicting_edit_is_shown_then_overwritten_on_acceptance(proposal):
    actor, change, _owner = proposal
    judge = moderator()
    actor_update(actor=actor, acting_user=judge, fields={"name": "Fournil (corrigé)"})
    actor.refresh_from_db()

    assert change_conflicts(change, actor_values(actor)) == ["name"]
    rows = {row.name: row for row in change_rows(change)}
    assert (rows["name"].original, rows["name"].proposed, rows["name"].current) == (
        "Le Fournil",
        "Le Grand Fournil",
        "Fournil (corrigé)",
    )
    assert rows["name"].conflict and not rows["city"].conflict
    assert (rows["tags"].added, rows["tags"].removed) == (["vrac"], ["circuit court"])

    actor_change_accept(change=change, acting_user=judge)

    actor.refresh_from_db()
    assert actor.name == "Le Grand Fournil"
    event = Event.objects.get(verb="directory.change_accepted")
    assert event.data["conflicts"] == ["name"]
    assert event.data["overwritten"] == {"name": "Fournil (corrigé)"}


def test_a_decision_on_what_moved_since_the_review_page_is_refused(proposal):
    actor, change, owner = proposal
    seen = change_fingerprint(change)
    actor_update(actor=actor, acting_user=owner, fields={"name": "Encore un autre nom"})
    change.refresh_from_db()

    with pytest.raises(ValidationError) as caught:
        actor_change_accept(change=change, acting_user=moderator(), fingerprint=seen)

    assert caught.value.code == "stale"
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING
    actor_change_accept(
        change=change, acting_user=moderator(), fingerprint=change_fingerprint(change)
    )
    actor.refresh_from_db()
    assert actor.name == "Encore un autre nom"


def test_only_the_proposer_withdraws_a_change(proposal):
    actor, change, owner = proposal
    co_owner = member()
    actor.owners.add(co_owner)
    for user in (co_owner, member()):
        with pytest.raises(PermissionDenied):
            actor_change_withdraw(change=change, acting_user=user)
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING

    actor_change_withdraw(change=change, acting_user=owner)

    change.refresh_from_db()
    assert (change.status, change.decided_by) == (ChangeStatus.WITHDRAWN, owner)
    assert Event.objects.filter(verb="directory.change_withdrawn").count() == 1


# --- Pages: who may use them -----------------------------------------------------------------


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse(settings.LOGIN_URL) + "?next="
    )


@pytest.fixture
def pages(personas, terms):
    actor = ActorFactory(owners=[personas.member], name="Fournil des Weppes", slug="fournil")
    actor_update(actor=actor, acting_user=personas.member, fields={"name": "Grand Fournil"})
    change = ActorChange.objects.get()
    return actor, change


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize(
    "url",
    [
        SUBMIT_URL,
        "/annuaire/proposer/siret/?siret=732829320",
        "/annuaire/proposer/adresse/?city=Lille",
        "/annuaire/proposer/doublons/?name=x",
        "/annuaire/mes-fiches/",
    ],
)
def test_the_member_pages_need_a_signed_in_person(personas, terms, who, url):
    response = personas.client(who).get(url)
    if who == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("who", PERSONAS)
def test_only_owners_and_moderators_edit(personas, pages, who):
    actor, _change = pages
    before = snapshot(actor)
    change_before = ActorChange.objects.values().get()
    client = personas.client(who)

    get = client.get(f"/annuaire/{actor.slug}/modifier/")
    post = client.post(f"/annuaire/{actor.slug}/modifier/", post_data(name="Volé", sectors=[]))

    if who == "anonymous":
        assert is_login_redirect(get) and is_login_redirect(post)
    elif who == "member":
        assert get.status_code == 200
        return
    else:
        assert get.status_code == post.status_code == 403
    assert snapshot(actor) == before
    assert ActorChange.objects.values().get() == change_before


@pytest.mark.parametrize("who", PERSONAS)
def test_who_sees_a_pending_change(personas, pages, who):
    _actor, change = pages
    response = personas.client(who).get(f"/annuaire/modifications/{change.pk}/")
    expected = {"anonymous": 302, "member": 200}.get(who, 403)
    assert response.status_code == expected


@pytest.mark.parametrize("who", PERSONAS)
def test_nobody_but_moderators_decides_on_a_change(personas, pages, who):
    actor, change = pages
    before = snapshot(actor)
    response = personas.client(who).post(
        f"/annuaire/modifications/{change.pk}/",
        {"decision": "accept", "reason": "", "fingerprint": change_fingerprint(change)},
    )
    if who == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == 403
    assert snapshot(actor) == before
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING


@pytest.mark.parametrize("who", PERSONAS)
def test_only_the_proposer_withdraws_through_the_page(personas, pages, who):
    _actor, change = pages
    response = personas.client(who).post(f"/annuaire/modifications/{change.pk}/retirer/")
    change.refresh_from_db()
    if who == "member":
        assert response.status_code == 302 and response["Location"] == "/annuaire/mes-fiches/"
        assert change.status == ChangeStatus.WITHDRAWN
    else:
        assert response.status_code == (302 if who == "anonymous" else 403)
        assert change.status == ChangeStatus.PENDING


@pytest.mark.parametrize("who", PERSONAS)
def test_the_thank_you_page_is_for_the_submitter(personas, terms, who):
    actor = submit(personas.member, terms)
    response = personas.client(who).get(f"/annuaire/proposer/merci/{actor.slug}/")
    assert response.status_code == {"anonymous": 302, "member": 200}.get(who, 404)


def test_moderators_review_and_decide_on_the_page(pages):
    actor, change = pages
    judge = moderator()
    client = english(judge)

    page = client.get(f"/annuaire/modifications/{change.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="decision-form"' in html
    assert "Fournil des Weppes" in html and "Grand Fournil" in html

    refused = client.post(
        f"/annuaire/modifications/{change.pk}/",
        {"decision": "reject", "reason": "", "fingerprint": change_fingerprint(change)},
    )
    assert refused.status_code == 200
    assert "Say why you reject this change" in refused.content.decode()
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING

    accepted = client.post(
        f"/annuaire/modifications/{change.pk}/",
        {"decision": "accept", "reason": "", "fingerprint": change_fingerprint(change)},
    )
    assert accepted.status_code == 302
    actor.refresh_from_db()
    assert actor.name == "Grand Fournil"


def test_a_staff_member_is_a_moderator_too(pages):
    _actor, change = pages
    staff = member(is_staff=True)
    response = english(staff).post(
        f"/annuaire/modifications/{change.pk}/",
        {"decision": "reject", "reason": "Non.", "fingerprint": change_fingerprint(change)},
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED


def test_the_review_page_warns_of_conflicts_and_of_a_stale_view(pages):
    actor, change = pages
    judge = moderator()
    seen = change_fingerprint(change)
    actor_update(actor=actor, acting_user=judge, fields={"name": "Fournil corrigé"})
    client = english(judge)

    stale = client.post(
        f"/annuaire/modifications/{change.pk}/",
        {"decision": "accept", "reason": "", "fingerprint": seen},
    )

    html = stale.content.decode()
    assert stale.status_code == 200
    assert "The entry or the change was modified while you were reviewing it." in html
    assert 'data-testid="conflicts"' in html and "Changed since the proposal" in html
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING


# --- Pages: submitting without JavaScript --------------------------------------------------


def test_the_form_shows_the_taxonomy_grouped_by_sector(personas, terms):
    html = english(personas.member).get(SUBMIT_URL).content.decode()
    assert '<details class="term-group">' in html
    assert "<summary>Food</summary>" in html
    assert "Food (in general)" in html and ">Bakery</label>" in html
    assert 'hx-get="/annuaire/proposer/siret/"' in html
    assert 'hx-get="/annuaire/proposer/doublons/"' in html
    assert 'aria-describedby="id_siret_helptext id_siret_check"' in html
    assert "members and moderators will review it" in html


def test_a_valid_submission_creates_a_pending_entry(personas, terms):
    client = english(personas.member)
    response = client.post(SUBMIT_URL, post_data(siret="732 829 320 00074"))

    actor = Actor.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/annuaire/proposer/merci/{actor.slug}/"
    assert (actor.status, actor.submitted_by, actor.siret) == (
        ActorStatus.PENDING,
        personas.member,
        VALID_SIRET,
    )
    assert [t.slug for t in actor.tags.all()] == ["circuit-court"]
    thanks = client.get(response["Location"]).content.decode()
    assert "Fournil des Weppes is pending: members and moderators will review it." in thanks


def test_an_invalid_submission_lists_its_errors_at_the_top(personas, terms):
    response = english(personas.member).post(
        SUBMIT_URL,
        post_data(
            siret="732829320",
            sectors=["boulangerie", "inconnu"],
            postcode="590",
            opening_hours="tous les jours",
        ),
    )

    html = response.content.decode()
    assert response.status_code == 200 and Actor.objects.count() == 0
    assert 'data-testid="error-summary"' in html
    assert (
        '<a href="#id_siret">SIRET: SIREN valid — add the 5 digits of the establishment (NIC) '
        "for the SIRET.</a>"
    ) in html
    assert "Unknown sectors: « inconnu ». Choose among the ones listed." in html
    assert '<a href="#id_postcode">Postcode: A French postcode has 5 digits.</a>' in html
    assert "These hours are not in the expected format." in html
    assert 'aria-describedby="id_siret_helptext id_siret_error id_siret_check"' in html


def test_possible_duplicates_need_a_confirmation(personas, terms):
    twin = ActorFactory(name="Boulangerie Centrale", siret=VALID_SIRET, city="Lille")
    client = english(personas.member)

    first = client.post(SUBMIT_URL, post_data(siret=VALID_SIRET))

    html = first.content.decode()
    assert first.status_code == 200 and Actor.objects.count() == 1
    assert 'data-testid="duplicates"' in html
    assert f'<a href="/annuaire/{twin.slug}/">Boulangerie Centrale</a>' in html
    assert "Same SIRET" in html
    assert f'value="{twin.pk}"' in html
    assert '<a href="#id_not_duplicate_check">' in html

    confirmed = client.post(SUBMIT_URL, post_data(siret=VALID_SIRET, not_duplicate=str(twin.pk)))

    assert confirmed.status_code == 302
    assert Actor.objects.count() == 2


def test_a_new_duplicate_after_the_confirmation_asks_again(personas, terms):
    twin = ActorFactory(name="Un", siret=VALID_SIRET)
    other = ActorFactory(name="Deux", email="fournil@example.org")
    response = english(personas.member).post(
        SUBMIT_URL, post_data(siret=VALID_SIRET, not_duplicate=str(twin.pk))
    )
    assert response.status_code == 200
    assert f'value="{other.pk},{twin.pk}"' in response.content.decode() or (
        f'value="{twin.pk},{other.pk}"' in response.content.decode()
    )
    assert Actor.objects.count() == 2


# --- Live check endpoints ------------------------------------------------------------------


def test_the_siret_endpoint_answers_a_small_partial(personas):
    client = english(personas.member)
    valid = client.get("/annuaire/proposer/siret/", {"siret": "732 829 320 00074"})
    siren = client.get("/annuaire/proposer/siret/", {"siret": "732829320"})
    wrong = client.get("/annuaire/proposer/siret/", {"siret": LA_POSTE_WRONG})
    assert valid.content.decode().strip() == (
        '<span class="check-ok" data-state="valid"><span aria-hidden="true">✓ </span>'
        "SIRET valid: 732 829 320 00074.</span>"
    )
    assert 'data-state="siren"' in siren.content.decode()
    assert "multiple of 5" in wrong.content.decode()
    assert "<html" not in valid.content.decode()


def test_the_address_endpoint_previews_the_placement(personas):
    client = english(personas.member)
    found = client.get("/annuaire/proposer/adresse/", {"postcode": "59000", "city": "Lille"})
    lost = client.get("/annuaire/proposer/adresse/", {"city": "Nulle-Part-sur-Mer"})
    assert "Found: Lille (59000), town centre." in found.content.decode()
    assert "Not found: your entry will be placed on the map by a moderator." in (
        lost.content.decode()
    )


def test_the_duplicates_endpoint_says_why(personas, terms):
    spot = address_preview(postcode="59000", city="Lille")
    near = ActorFactory(
        name="SCOP Le Fournil", latitude=spot.latitude, longitude=spot.longitude, email=""
    )
    hidden = ActorFactory(name="Rejetée", email="fournil@example.org", status=ActorStatus.REJECTED)
    pending = ActorFactory(pending=True, name="En attente", email="fournil@example.org")

    html = (
        english(personas.member)
        .get(
            "/annuaire/proposer/doublons/",
            {
                "name": "Le Fournil",
                "postcode": "59000",
                "city": "Lille",
                "email": "Fournil@example.org",
            },
        )
        .content.decode()
    )

    assert f'<a href="/annuaire/{near.slug}/">SCOP Le Fournil</a>' in html
    assert "Similar name less than 200 m away" in html
    assert "<strong>En attente</strong>" in html and "Same email address" in html
    assert f"/annuaire/{pending.slug}/" not in html
    assert hidden.name not in html


def test_the_live_checks_are_rate_limited(personas, monkeypatch):
    monkeypatch.setattr(views, "LIVE_CHECKS_PER_MINUTE", 2)
    client = english(personas.member)
    codes = [client.get("/annuaire/proposer/siret/", {"siret": "1"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert (
        english(personas.other_member).get("/annuaire/proposer/siret/", {"siret": "1"}).status_code
        == 200
    )


# --- Pages: editing, my entries, the actor page -------------------------------------------


def test_editing_a_published_entry_proposes_a_change(personas, terms):
    actor = ActorFactory(owners=[personas.member], name="Le Fournil", sectors=[terms["bread"]])
    client = english(personas.member)
    page = client.get(f"/annuaire/{actor.slug}/modifier/").content.decode()
    assert 'data-testid="reviewed-notice"' in page
    assert 'value="Le Fournil"' in page

    response = client.post(
        f"/annuaire/{actor.slug}/modifier/",
        post_data(name="Le Grand Fournil", sectors=["boulangerie"], tags=[]),
    )

    change = ActorChange.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/annuaire/modifications/{change.pk}/"
    actor.refresh_from_db()
    assert actor.name == "Le Fournil"
    assert change.proposed["name"] == "Le Grand Fournil"
    again = client.get(f"/annuaire/{actor.slug}/modifier/").content.decode()
    assert 'value="Le Grand Fournil"' in again and 'data-testid="pending-notice"' in again


def test_my_entries_lists_what_i_manage(personas, terms):
    mine = ActorFactory(owners=[personas.member], name="Mon Fournil")
    submitted = submit(personas.member, terms, name="Ma Fiche")
    ActorFactory(owners=[personas.other_member], name="Pas à moi")
    actor_update(actor=mine, acting_user=personas.member, fields={"name": "Mon Grand Fournil"})

    response = english(personas.member).get("/annuaire/mes-fiches/")

    actors = response.context["actors"]
    assert [a.name for a in actors] == ["Ma Fiche", "Mon Fournil"]
    assert [a.pending_change_id for a in actors] == [None, ActorChange.objects.get().pk]
    html = response.content.decode()
    assert f"/annuaire/{submitted.slug}/modifier/" in html
    assert "Pas à moi" not in html
    assert "A change is waiting for review" in html


def test_the_actor_page_offers_editing_to_those_who_may(personas, pages):
    actor, _change = pages
    owner_page = english(personas.member).get(f"/annuaire/{actor.slug}/").content.decode()
    other_page = english(personas.other_member).get(f"/annuaire/{actor.slug}/").content.decode()
    anonymous_page = english().get(f"/annuaire/{actor.slug}/").content.decode()

    assert f'href="/annuaire/{actor.slug}/modifier/"' in owner_page
    assert 'data-testid="pending-change"' in owner_page
    for html in (other_page, anonymous_page):
        assert 'data-testid="edit-link"' not in html
        assert 'data-testid="pending-change"' not in html
    moderator_page = english(moderator()).get(f"/annuaire/{actor.slug}/").content.decode()
    assert 'data-testid="edit-link"' in moderator_page and "Review it" in moderator_page


def test_the_list_links_to_adding_an_entry(db):
    html = english().get("/annuaire/").content.decode()
    assert 'href="/annuaire/proposer/"' in html


# --- Demo --------------------------------------------------------------------------------


def test_the_demo_step_runs_after_the_charter():
    step = next(s for s in demo_steps() if s.name == "directory_submissions")
    assert (step.load, step.order) == (load_submissions, 56)


def test_the_demo_submits_entries_and_proposes_a_change(db):
    load_taxonomy()
    users = {key: UserFactory() for key in ("hugo", "emma", "fatima", "ines")}
    bakery = ActorFactory(name="Le Levain de Wazemmes", owners=[users["ines"]], opening_hours="")
    ctx = DemoContext(
        users=users, extra={"actors": {"levain-wazemmes": bakery}}, log=lambda _: None
    )

    load_submissions(ctx)

    pending = Actor.objects.filter(status=ActorStatus.PENDING).order_by("name")
    assert [a.name for a in pending] == sorted(s["name"] for s in SUBMISSIONS)
    for actor in pending:
        assert actor.submitted_by is not None
        assert list(actor.owners.all()) == [actor.submitted_by]
        assert actor.latitude is not None
    change = ActorChange.objects.get()
    assert (change.actor, change.proposed_by, change.status) == (
        bakery,
        users["ines"],
        ChangeStatus.PENDING,
    )
    assert set(change.proposed) == {"opening_hours", "description", "tags"}
    bakery.refresh_from_db()
    assert bakery.opening_hours == ""
