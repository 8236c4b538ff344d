"""Assembly pages: what they show and do (scheduling, agenda, attendance, the room,
the minutes)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr, page

from ..models import (
    AgendaItem,
    Assembly,
    AssemblyStatus,
    Attendance,
    Proposal,
    SpeakingRequest,
)
from .assembly_helpers import (
    assembly_form,
    build_scene,
    future,
    governance_on,
    gurl,
    register,
    snapshot,
)
from .factories import AgendaItemFactory, AssemblyFactory

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


# --- Scheduling through the form -------------------------------------------------------------


def test_times_are_typed_in_the_groups_zone(scene):
    scene.group.time_zone = "America/Montreal"
    scene.group.save()
    response = scene.client("organiser").post(
        gurl(scene, "assembly_create"),
        assembly_form(starts_at="2031-01-15T18:30", ends_at="2031-01-15T20:00"),
    )
    assert response.status_code == 302
    created = Assembly.objects.get(title="AG extraordinaire")
    assert created.starts_at == datetime(2031, 1, 15, 23, 30, tzinfo=UTC)
    assert created.ends_at == datetime(2031, 1, 16, 1, 0, tzinfo=UTC)
    edit = page(scene.client("organiser").get(gurl(scene, "assembly_edit", pk=created.pk)))
    assert 'value="2031-01-15T18:30"' in edit


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"place": "", "online_url": ""}, "place", "Give a place, an online link, or both."),
        ({"ends_at": future(hour="17:00")}, "ends_at", "The assembly must end after it starts."),
        (
            {"starts_at": "2020-01-01T10:00", "ends_at": "2020-01-01T12:00"},
            "starts_at",
            "An assembly cannot start in the past.",
        ),
    ],
)
def test_schedule_form_errors(scene, data, field, message):
    before = snapshot()
    response = scene.client("organiser").post(gurl(scene, "assembly_create"), assembly_form(**data))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [fr(message)]
    assert fr(message) in page(response)
    assert snapshot() == before


# --- The agenda through the pages ---------------------------------------------------------------


def test_a_late_item_is_refused_with_an_offer_for_the_next_assembly(scene):
    closed = AssemblyFactory(group=scene.group, agenda_closed=True, title="AG proche")
    add = gurl(scene, "agenda_item_add", pk=closed.pk)
    before = snapshot()
    response = scene.client("member").post(add, {"title": "Vélos cargo", "description": "Achat"})
    assert response.status_code == 400
    text = page(response)
    assert fr("Put it on the next assembly's agenda") in text
    next_add = gurl(scene, "agenda_item_add", pk=scene.upcoming.pk)
    assert f'action="{next_add}"' in text
    assert 'name="title" value="Vélos cargo"' in text
    assert snapshot() == before
    response = scene.client("member").post(
        next_add, {"title": "Vélos cargo", "description": "Achat"}
    )
    assert response.status_code == 302
    assert AgendaItem.objects.get(title="Vélos cargo").assembly == scene.upcoming


def test_a_late_item_without_a_next_open_agenda_gets_no_offer(world):
    closed = AssemblyFactory(group=world.group, agenda_closed=True)
    response = world.client("member").post(
        gurl(world, "agenda_item_add", pk=closed.pk), {"title": "Trop tard"}
    )
    assert response.status_code == 400
    assert fr("Put it on the next assembly's agenda") not in page(response)


def test_the_agenda_is_reordered_without_javascript(scene):
    second = AgendaItemFactory(assembly=scene.upcoming, title="Second", position=5)
    url = gurl(scene, "agenda_item_move", pk=scene.upcoming.pk, item_pk=second.pk)
    response = scene.client("organiser").post(url, {"direction": "up"})
    assert response["Location"].endswith(f"#item-{second.pk}")
    order = list(
        AgendaItem.objects.filter(assembly=scene.upcoming)
        .order_by("position")
        .values_list("title", flat=True)
    )
    assert order == ["Second", "Point du membre"]
    text = page(scene.client("organiser").get(gurl(scene, "assembly_detail", pk=scene.upcoming.pk)))
    assert text.index("Second") < text.index("Point du membre")


def test_deferring_without_a_next_assembly_says_so(world):
    item = AgendaItemFactory(assembly=AssemblyFactory(group=world.group, in_progress=True))
    response = world.client("organiser").post(
        gurl(world, "agenda_item_defer", pk=item.assembly.pk, item_pk=item.pk), follow=True
    )
    assert fr("There is no next assembly to move this item to: schedule one first.") in page(
        response
    )


# --- Attendance ----------------------------------------------------------------------------------


def test_attendance_page_refuses_an_absent_holder(scene):
    url = gurl(scene, "assembly_attendance", pk=scene.live.pk)
    before = snapshot()
    response = scene.client("organiser").post(
        url, {"user": scene.member.pk, "status": "represented", "proxy_holder": scene.admin.pk}
    )
    assert response.status_code == 400
    assert fr(
        "%(holder)s must be recorded present to represent someone.",
        holder=scene.admin.public_name,
    ) in page(response)
    assert snapshot() == before
    client = scene.client("organiser")
    client.post(url, {"user": scene.admin.pk, "status": "present"})
    client.post(
        url, {"user": scene.member.pk, "status": "represented", "proxy_holder": scene.admin.pk}
    )
    row = Attendance.objects.get(user=scene.member)
    assert (row.status, row.proxy_holder) == ("represented", scene.admin)
    text = page(client.get(url))
    assert (
        fr(
            "%(counted)s of %(members)s members present or represented (%(share)s %%)",
            counted=2,
            members=3,
            share=66,
        )
        in text
    )


def test_attendance_of_someone_outside_the_group(scene):
    before = snapshot()
    response = scene.client("organiser").post(
        gurl(scene, "assembly_attendance", pk=scene.live.pk),
        {"user": scene.other_member.pk, "status": "present"},
    )
    assert response.status_code == 400
    assert fr(
        "%(name)s is not a member of the group.", name=scene.other_member.public_name
    ) in page(response)
    assert snapshot() == before


# --- The room and the live speaking list --------------------------------------------------------


def _speaking_url(s):
    return gurl(s, "assembly_speaking", pk=s.live.pk, item_pk=s.live_item.pk)


def test_the_speaking_list_polls_and_answers_204_while_unchanged(scene):
    client = scene.client("member")
    response = client.get(_speaking_url(scene))
    text = page(response)
    version = response.context["state"].version
    assert f'hx-get="{_speaking_url(scene)}?v={version}"' in text
    assert 'hx-trigger="every 3s"' in text
    assert scene.admin.public_name in text
    assert client.get(_speaking_url(scene) + f"?v={version}").status_code == 204
    newcomer = MembershipFactory(group=scene.group, user__display_name="Nadia Nouvelle").user
    SpeakingRequest.objects.create(item=scene.live_item, user=newcomer)
    changed = client.get(_speaking_url(scene) + f"?v={version}")
    assert changed.status_code == 200
    assert "Nadia Nouvelle" in page(changed)


def test_the_speaking_list_costs_constant_queries(scene):
    client = scene.client("member")
    client.get(_speaking_url(scene))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(_speaking_url(scene))
    for _ in range(10):
        user = MembershipFactory(group=scene.group).user
        SpeakingRequest.objects.create(item=scene.live_item, user=user)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_speaking_url(scene))
    assert len(response.context["state"].first) == 11
    assert len(many) == len(few)


def test_raising_a_hand_with_htmx_returns_the_list(scene):
    url = gurl(scene, "assembly_hand_raise", pk=scene.live.pk, item_pk=scene.live_item.pk)
    response = scene.client("member").post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = page(response)
    assert 'id="speaking"' in text
    assert fr("Your hand is raised: you are number %(my_rank)s.", my_rank=2) in text
    again = scene.client("member").post(url, HTTP_HX_REQUEST="true")
    assert fr(
        "%(name)s is already on the speaking list of this item.", name=scene.member.public_name
    ) in page(again)
    assert SpeakingRequest.objects.filter(user=scene.member).count() == 1


def test_the_room_shows_both_queues_and_the_chair_controls(scene):
    SpeakingRequest.objects.create(item=scene.live_item, user=scene.member, status="done")
    SpeakingRequest.objects.create(item=scene.live_item, user=scene.member)
    room = gurl(scene, "assembly_room", pk=scene.live.pk, item_pk=scene.live_item.pk)
    chair = page(scene.client("organiser").get(room))
    assert 'aria-live="polite"' in chair
    assert fr("Call the next speaker") in chair
    state = scene.client("organiser").get(room).context["state"]
    assert [r.user for r in state.first] == [scene.admin]
    assert [r.user for r in state.second] == [scene.member]
    member = page(scene.client("member").get(room))
    assert fr("Call the next speaker") not in member
    assert fr("Lower my hand") in member
    # Without JavaScript: the chair's button posts and comes back to the room.
    response = scene.client("organiser").post(
        gurl(scene, "assembly_speaker_next", pk=scene.live.pk, item_pk=scene.live_item.pk),
        {"seen": scene.speaker.pk},
    )
    assert response["Location"] == room + "#speaking"
    assert SpeakingRequest.objects.get(status="speaking").user == scene.admin


def test_a_stale_call_is_refused_in_the_room(scene):
    SpeakingRequest.objects.create(item=scene.live_item, user=scene.member)
    next_url = gurl(scene, "assembly_speaker_next", pk=scene.live.pk, item_pk=scene.live_item.pk)
    scene.client("organiser").post(next_url, {"seen": ""})
    before = snapshot()
    response = scene.client("admin").post(next_url, {"seen": ""}, follow=True)
    assert fr("The speaking list has just changed: check who has the floor and try again.") in page(
        response
    )
    assert snapshot() == before


def test_opening_a_vote_links_the_proposal(scene):
    url = gurl(scene, "assembly_open_vote", pk=scene.live.pk, item_pk=scene.live_item.pk)
    response = scene.client("organiser").post(
        url, {"title": "Budget 2026", "method": "majority", "minutes": "10"}
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.method) == ("open", "majority")
    room = page(
        scene.client("member").get(
            gurl(scene, "assembly_room", pk=scene.live.pk, item_pk=scene.live_item.pk)
        )
    )
    assert gurl(scene, "proposal", pk=proposal.pk) in room


def test_an_option_vote_needs_options(scene):
    url = gurl(scene, "assembly_open_vote", pk=scene.live.pk, item_pk=scene.live_item.pk)
    before = snapshot()
    response = scene.client("organiser").post(
        url,
        {"title": "Jour", "method": "schulze", "minutes": "10", "options": "Mardi"},
        follow=True,
    )
    assert fr("Give at least two options, one per line.") in page(response)
    assert snapshot() == before


# --- Minutes ---------------------------------------------------------------------------------


def test_minutes_downloads(scene):
    client = scene.client("member")
    md = client.get(gurl(scene, "assembly_minutes_md", pk=scene.past.pk))
    assert md["Content-Type"] == "text/markdown; charset=utf-8"
    assert md["Content-Disposition"].startswith('attachment; filename="minutes-amap-des-weppes-')
    assert "AG passée" in md.content.decode()
    pdf = client.get(gurl(scene, "assembly_minutes_pdf", pk=scene.past.pk))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    html = page(client.get(gurl(scene, "assembly_minutes", pk=scene.past.pk)))
    assert "governance/governance.css" in html
    assert fr("Draft minutes, not yet approved.") in html
    assert fr("Submit the minutes for approval at the next assembly") not in html


def test_submitting_the_minutes_puts_them_on_the_next_agenda(scene):
    minutes = gurl(scene, "assembly_minutes", pk=scene.past.pk)
    assert fr("Submit the minutes for approval at the next assembly") in page(
        scene.client("organiser").get(minutes)
    )
    response = scene.client("organiser").post(
        gurl(scene, "assembly_minutes_submit", pk=scene.past.pk), follow=True
    )
    item = AgendaItem.objects.get(proposal__isnull=False)
    assert item.assembly == scene.live  # the next one after the closed assembly
    assert item.proposal.motion_data == {"assembly": scene.past.pk}
    assert fr("Submit the minutes for approval at the next assembly") not in page(response)


def test_the_ics_download(scene):
    response = scene.client("member").get(gurl(scene, "assembly_ics", pk=scene.upcoming.pk))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert "METHOD:PUBLISH" in body
    assert f"UID:assembly-{scene.upcoming.pk}@127.0.0.1" in body


def test_the_list_splits_upcoming_and_past(scene):
    response = scene.client("member").get(gurl(scene, "assembly_list"))
    upcoming = [a.title for a in response.context["upcoming"]]
    past = [a.title for a in response.context["past"]]
    assert upcoming == ["AG en cours", "AG d'automne"]
    assert past == ["AG passée"]
    Assembly.objects.filter(pk=scene.upcoming.pk).update(status=AssemblyStatus.CANCELLED)
    response = scene.client("member").get(gurl(scene, "assembly_list"))
    assert [a.title for a in response.context["past"]] == ["AG d'automne", "AG passée"]
