"""Assembly pages: who may see and do what, and that each refusal changes nothing."""

from __future__ import annotations

import pytest

from conftest import PERSONAS
from coops.groups.tests.helpers import fr, page

from ..models import (
    SpeakingRequest,
)
from .assembly_helpers import (
    MEMBERS,
    ORGANISERS,
    assembly_form,
    build_scene,
    check_denied,
    errors_of,
    governance_on,
    gurl,
    register,
    snapshot,
)
from .factories import AgendaItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _registered():
    register()


@pytest.fixture
def world(personas):
    return governance_on(personas)


@pytest.fixture
def scene(world):
    return build_scene(world)


# --- Pages (GET) -------------------------------------------------------------------------------

VIEW_PAGES = [
    ("assembly_list", lambda s: {}),
    ("assembly_detail", lambda s: {"pk": s.upcoming.pk}),
    ("assembly_ics", lambda s: {"pk": s.upcoming.pk}),
    ("assembly_room", lambda s: {"pk": s.live.pk, "item_pk": s.live_item.pk}),
    ("assembly_speaking", lambda s: {"pk": s.live.pk, "item_pk": s.live_item.pk}),
    ("assembly_minutes", lambda s: {"pk": s.past.pk}),
    ("assembly_minutes_md", lambda s: {"pk": s.past.pk}),
    ("assembly_minutes_pdf", lambda s: {"pk": s.past.pk}),
]
ORGANISER_PAGES = [
    ("assembly_create", lambda s: {}),
    ("assembly_edit", lambda s: {"pk": s.upcoming.pk}),
    ("assembly_attendance", lambda s: {"pk": s.live.pk}),
]


@pytest.mark.parametrize(("name", "kwargs"), VIEW_PAGES)
@pytest.mark.parametrize("who", PERSONAS)
def test_member_pages(scene, who, name, kwargs):
    before = snapshot()
    response = scene.client(who).get(gurl(scene, name, **kwargs(scene)))
    if check_denied(response, who, MEMBERS):
        assert response.status_code == 200
    elif who == "other_member":
        assert fr("Only the group's members can see its assemblies and proposals.") in page(
            response
        )
    assert snapshot() == before


@pytest.mark.parametrize(("name", "kwargs"), ORGANISER_PAGES)
@pytest.mark.parametrize("who", PERSONAS)
def test_organiser_pages(scene, who, name, kwargs):
    response = scene.client(who).get(gurl(scene, name, **kwargs(scene)))
    if check_denied(response, who, ORGANISERS):
        assert response.status_code == 200
    elif who == "member":
        assert fr("Only the group's organisers can run its assemblies and votes.") in page(response)


@pytest.mark.parametrize("who", ORGANISERS)
def test_another_groups_assembly_is_404(scene, who):
    for name in ("assembly_detail", "assembly_minutes", "assembly_edit"):
        response = scene.client(who).get(gurl(scene, name, pk=scene.foreign.pk))
        assert response.status_code == 404


def test_module_off_is_404(scene):
    from coops.groups.models import GroupModule

    GroupModule.objects.filter(group=scene.group, module="governance").delete()
    response = scene.client("member").get(gurl(scene, "assembly_list"))
    assert response.status_code == 404


# --- Actions (POST) ----------------------------------------------------------------------------


ORGANISER_POSTS = [
    ("assembly_create", lambda s: {}, lambda s: assembly_form()),
    ("assembly_edit", lambda s: {"pk": s.upcoming.pk}, lambda s: assembly_form(title="Nouveau")),
    ("assembly_cancel", lambda s: {"pk": s.upcoming.pk}, lambda s: {}),
    ("assembly_start", lambda s: {"pk": s.upcoming.pk}, lambda s: {}),
    ("assembly_close", lambda s: {"pk": s.live.pk}, lambda s: {}),
    (
        "agenda_item_move",
        lambda s: {"pk": s.upcoming.pk, "item_pk": s.upcoming_item.pk},
        lambda s: {"direction": "down"},
    ),
    (
        "agenda_item_defer",
        lambda s: {"pk": s.live.pk, "item_pk": s.live_item.pk},
        lambda s: {},
    ),
    (
        "assembly_attendance",
        lambda s: {"pk": s.live.pk},
        lambda s: {"user": s.member.pk, "status": "present"},
    ),
    (
        "assembly_speaker_add",
        lambda s: {"pk": s.live.pk, "item_pk": s.live_item.pk},
        lambda s: {"user": s.member.pk},
    ),
    (
        "assembly_speaker_next",
        lambda s: {"pk": s.live.pk, "item_pk": s.live_item.pk},
        lambda s: {"seen": s.speaker.pk},
    ),
    (
        "assembly_speaker_done",
        lambda s: {"pk": s.live.pk, "item_pk": s.live_item.pk},
        lambda s: {},
    ),
    (
        "assembly_item_record",
        lambda s: {"pk": s.past.pk, "item_pk": s.past_item.pk},
        lambda s: {"notes": "Vu", "outcome": "Validé", "discussed": "on"},
    ),
    (
        "assembly_open_vote",
        lambda s: {"pk": s.live.pk, "item_pk": s.live_item.pk},
        lambda s: {"title": "On vote", "method": "consent", "minutes": "15"},
    ),
    ("assembly_minutes_notes", lambda s: {"pk": s.past.pk}, lambda s: {"notes": "Fin"}),
    ("assembly_minutes_submit", lambda s: {"pk": s.past.pk}, lambda s: {}),
]


@pytest.mark.parametrize(("name", "kwargs", "data"), ORGANISER_POSTS)
@pytest.mark.parametrize("who", PERSONAS)
def test_organiser_actions(scene, who, name, kwargs, data, django_capture_on_commit_callbacks):
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = scene.client(who).post(gurl(scene, name, **kwargs(scene)), data(scene))
    if check_denied(response, who, ORGANISERS):
        assert response.status_code == 302, page(response)
        assert errors_of(response) == []
        assert snapshot() != before
    else:
        assert snapshot() == before


MEMBER_POSTS = [
    (
        "agenda_item_add",
        lambda s: {"pk": s.upcoming.pk},
        lambda s: {"title": "Composteur collectif", "description": ""},
    ),
    (
        "assembly_hand_raise",
        lambda s: {"pk": s.live.pk, "item_pk": s.live_item.pk},
        lambda s: {},
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "data"), MEMBER_POSTS)
@pytest.mark.parametrize("who", PERSONAS)
def test_member_actions(scene, who, name, kwargs, data):
    before = snapshot()
    response = scene.client(who).post(gurl(scene, name, **kwargs(scene)), data(scene))
    if name == "assembly_hand_raise" and who in ("organiser", "admin"):
        # In the scene the organiser has the floor and the admin's hand is up: refused.
        assert response.status_code == 302
        assert errors_of(response) == [
            fr(
                "%(name)s is already on the speaking list of this item.",
                name=getattr(scene, who).public_name,
            )
        ]
        assert snapshot() == before
        return
    if check_denied(response, who, MEMBERS):
        assert response.status_code == 302
        assert snapshot() != before
    else:
        assert snapshot() == before


@pytest.mark.parametrize("who", PERSONAS)
def test_lowering_a_hand(scene, who):
    SpeakingRequest.objects.create(item=scene.live_item, user=scene.member)
    before = snapshot()
    response = scene.client(who).post(
        gurl(scene, "assembly_hand_lower", pk=scene.live.pk, item_pk=scene.live_item.pk)
    )
    if check_denied(response, who, MEMBERS):
        assert response.status_code == 302
    changed = who in ("member", "admin")  # the two who have a waiting hand
    assert (snapshot() != before) is changed


@pytest.mark.parametrize("who", PERSONAS)
def test_withdrawing_an_item(scene, who):
    before = snapshot()
    url = gurl(scene, "agenda_item_withdraw", pk=scene.upcoming.pk, item_pk=scene.upcoming_item.pk)
    response = scene.client(who).post(url)
    if check_denied(response, who, MEMBERS):
        assert response.status_code == 302
        assert snapshot() != before
    else:
        assert snapshot() == before


def test_a_member_cannot_withdraw_someone_elses_item(scene):
    other = AgendaItemFactory(assembly=scene.upcoming, proposed_by=scene.admin)
    before = snapshot()
    url = gurl(scene, "agenda_item_withdraw", pk=scene.upcoming.pk, item_pk=other.pk)
    assert scene.client("member").post(url).status_code == 403
    assert snapshot() == before
