"""Assemblies: scheduling and the convocation, editing, cancelling, the meeting's states,
attendance with proxies, and the quorum."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coops.core.models import Event
from coops.groups.models import Membership, MembershipStatus, Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr
from coops.notifications.models import Notification

from ..models import (
    Assembly,
    AssemblyStatus,
    Attendance,
    AttendanceStatus,
    GroupGovernance,
    Proxy,
    SpeakingRequest,
    SpeakingStatus,
)
from ..selectors.assemblies import assembly_quorum
from ..services import assemblies as svc
from ..services.attendance import attendance_record
from .assembly_helpers import governance_on, register
from .factories import AgendaItemFactory, AssemblyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _registered():
    register()


@pytest.fixture
def world(personas):
    return governance_on(personas)


def _start(days=20):
    return timezone.now().replace(microsecond=0) + timedelta(days=days)


def _schedule(world, **overrides):
    kwargs = {
        "group": world.group,
        "acting_user": world.organiser,
        "title": "Assemblée générale ordinaire",
        "starts_at": _start(),
        "ends_at": _start() + timedelta(hours=2),
        "place": "Maison des associations, Lille",
        "description": "Bilan de l'année et budget.",
        "quorum_percent": 25,
    }
    kwargs.update(overrides)
    return svc.assembly_schedule(**kwargs)


def _ics_of(message) -> str:
    raw = message_from_bytes(message.message().as_bytes())
    parts = [p for p in raw.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0].get_payload(decode=True).decode().replace("\r\n ", "")  # unfolded


# --- Scheduling --------------------------------------------------------------------------


def test_schedule_convenes_every_active_member(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    MembershipFactory(group=world.group, status=MembershipStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        assembly = _schedule(world)
    assert assembly.status == AssemblyStatus.SCHEDULED
    assert assembly.agenda_closes_at == assembly.starts_at - timedelta(days=7)
    assert assembly.organiser == world.organiser
    assert assembly.convened_at is not None
    assert GroupGovernance.objects.get(group=world.group).agenda_cutoff_days == 7
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted(u.email for u in (world.member, world.organiser, world.admin))
    message = next(m for m in mailoutbox if m.to == [world.member.email])
    title = "Assemblée générale ordinaire"
    assert message.subject.startswith(
        "[Coops] " + fr("Convocation: %(title)s", title=title) + " · AMAP des Weppes · "
    )
    assert "Maison des associations, Lille" in message.body
    ics = _ics_of(message)
    assert "METHOD:REQUEST" in ics
    assert f"UID:assembly-{assembly.pk}@127.0.0.1" in ics
    assert "DTSTART:" + assembly.starts_at.strftime("%Y%m%dT%H%M%SZ") in ics
    assert "DTEND:" + assembly.ends_at.strftime("%Y%m%dT%H%M%SZ") in ics
    assert "LOCATION:Maison des associations\\, Lille" in ics
    assert (
        f"URL:http://127.0.0.1:8000/g/amap-des-weppes/m/governance/assemblies/{assembly.pk}/" in ics
    )
    assert f"mailto:{world.member.email}" in ics
    notified = Notification.objects.filter(kind=svc.KIND_ASSEMBLY)
    assert sorted(notified.values_list("recipient_id", flat=True)) == sorted(
        [world.member.pk, world.admin.pk]
    )
    assert Event.objects.filter(verb="governance.assembly_scheduled").count() == 1


def test_cutoff_follows_the_group_setting(world):
    GroupGovernance.objects.create(group=world.group, agenda_cutoff_days=10)
    assembly = _schedule(world)
    assert assembly.agenda_closes_at == assembly.starts_at - timedelta(days=10)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"starts_at": timezone.now() - timedelta(hours=1)},
            "starts_at",
            "An assembly cannot start in the past.",
        ),
        (
            {"ends_at": _start() - timedelta(minutes=1)},
            "ends_at",
            "The assembly must end after it starts.",
        ),
        ({"place": "", "online_url": ""}, "place", "Give a place, an online link, or both."),
        (
            {"quorum_percent": 101},
            "quorum_percent",
            "The quorum is a percentage between 0 and 100.",
        ),
    ],
)
def test_bad_schedules_are_refused(world, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        _schedule(world, **overrides)
    assert error.value.message_dict == {field: [fr(message)]}
    assert not Assembly.objects.exists()
    assert not Event.objects.exists()


def test_an_online_assembly_needs_no_place(world):
    assembly = _schedule(world, place="", online_url="https://visio.example.org/ag")
    assert assembly.online_url == "https://visio.example.org/ag"


@pytest.mark.parametrize("who", ["member", "other_member"])
def test_only_organisers_schedule(world, who):
    with pytest.raises(PermissionDenied):
        _schedule(world, acting_user=getattr(world, who))
    assert not Assembly.objects.exists()


def test_moving_the_start_moves_the_cutoff_and_reconvenes(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    assembly = _schedule(world)
    later = assembly.starts_at + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        svc.assembly_update(
            assembly=assembly,
            acting_user=world.organiser,
            starts_at=later,
            ends_at=later + timedelta(hours=2),
        )
    assembly.refresh_from_db()
    assert assembly.agenda_closes_at == later - timedelta(days=7)
    assert len(mailoutbox) == 3
    title = "Assemblée générale ordinaire"
    assert mailoutbox[0].subject.startswith("[Coops] " + fr("Changed: %(title)s", title=title))
    ics = _ics_of(mailoutbox[0])
    assert "METHOD:REQUEST" in ics
    sequence = int(ics.split("SEQUENCE:")[1].split()[0])
    assert sequence >= 0


def test_changing_only_the_text_sends_nothing(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    assembly = _schedule(world)
    with django_capture_on_commit_callbacks(execute=True):
        svc.assembly_update(
            assembly=assembly, acting_user=world.organiser, description="Ordre du jour modifié"
        )
    assert mailoutbox == []
    assert Assembly.objects.get().description == "Ordre du jour modifié"


def test_an_unchanged_start_in_the_past_does_not_block_an_edit(world):
    assembly = AssemblyFactory(group=world.group)
    Assembly.objects.filter(pk=assembly.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5),
        agenda_closes_at=timezone.now() - timedelta(days=7),
    )
    assembly.refresh_from_db()
    svc.assembly_update(assembly=assembly, acting_user=world.organiser, title="AG décalée")
    assert Assembly.objects.get().title == "AG décalée"


def test_cancelling_tells_the_members(world, mailoutbox, django_capture_on_commit_callbacks):
    assembly = _schedule(world)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        svc.assembly_cancel(assembly=assembly, acting_user=world.organiser)
    assert Assembly.objects.get().status == AssemblyStatus.CANCELLED
    ics = _ics_of(mailoutbox[0])
    assert "METHOD:CANCEL" in ics
    assert "STATUS:CANCELLED" in ics
    title = "Assemblée générale ordinaire"
    assert mailoutbox[0].subject.startswith("[Coops] " + fr("Cancelled: %(title)s", title=title))
    assert Notification.objects.filter(recipient=world.member).get().title == fr(
        "Assembly cancelled: %(title)s, %(when)s", title=title, when=svc.when_text(assembly)
    )


def test_state_machine(world):
    assembly = AssemblyFactory(group=world.group)
    with pytest.raises(ValidationError):
        svc.assembly_close(assembly=assembly, acting_user=world.organiser)
    svc.assembly_start(assembly=assembly, acting_user=world.organiser)
    assert Assembly.objects.get().status == AssemblyStatus.IN_PROGRESS
    with pytest.raises(ValidationError):
        svc.assembly_cancel(assembly=assembly, acting_user=world.organiser)
    with pytest.raises(ValidationError):
        svc.assembly_update(assembly=assembly, acting_user=world.organiser, title="Non")
    svc.assembly_close(assembly=assembly, acting_user=world.organiser)
    closed = Assembly.objects.get()
    assert closed.status == AssemblyStatus.CLOSED
    assert closed.started_at <= closed.closed_at
    for service in (svc.assembly_start, svc.assembly_cancel, svc.assembly_close):
        with pytest.raises(ValidationError):
            service(assembly=closed, acting_user=world.organiser)
    verbs = list(Event.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["governance.assembly_in_progress", "governance.assembly_closed"]


def test_closing_records_absentees_and_ends_the_speaking_lists(world):
    assembly = AssemblyFactory(group=world.group, in_progress=True)
    item = AgendaItemFactory(assembly=assembly)
    attendance_record(
        assembly=assembly, acting_user=world.organiser, user=world.organiser, status="present"
    )
    speaking = SpeakingRequest.objects.create(item=item, user=world.organiser, status="speaking")
    waiting = SpeakingRequest.objects.create(item=item, user=world.member)
    svc.assembly_close(assembly=assembly, acting_user=world.organiser)
    rows = dict(Attendance.objects.values_list("user_id", "status"))
    assert rows == {
        world.organiser.pk: AttendanceStatus.PRESENT,
        world.member.pk: AttendanceStatus.ABSENT,
        world.admin.pk: AttendanceStatus.ABSENT,
    }
    speaking.refresh_from_db()
    waiting.refresh_from_db()
    assert (speaking.status, waiting.status) == (SpeakingStatus.DONE, SpeakingStatus.WITHDRAWN)


# --- Attendance and quorum ---------------------------------------------------------------


@pytest.fixture
def meeting(world):
    world.assembly = AssemblyFactory(group=world.group, in_progress=True, quorum_percent=50)
    return world


def _record(w, user, status, holder=None):
    return attendance_record(
        assembly=w.assembly, acting_user=w.organiser, user=user, status=status, proxy_holder=holder
    )


def test_a_non_member_cannot_attend(meeting):
    with pytest.raises(ValidationError) as error:
        _record(meeting, meeting.other_member, "present")
    assert error.value.messages == [
        fr("%(name)s is not a member of the group.", name=meeting.other_member.public_name)
    ]
    assert not Attendance.objects.exists()


def test_represented_needs_a_present_holder(meeting):
    with pytest.raises(ValidationError) as error:
        _record(meeting, meeting.member, "represented", meeting.admin)
    assert error.value.code == "holder_absent"
    with pytest.raises(ValidationError) as error:
        _record(meeting, meeting.member, "represented")
    assert error.value.code == "proxy_holder"
    with pytest.raises(ValidationError) as error:
        _record(meeting, meeting.member, "represented", meeting.member)
    assert error.value.code == "proxy_holder"
    assert not Attendance.objects.exists()
    _record(meeting, meeting.admin, "present")
    row = _record(meeting, meeting.member, "represented", meeting.admin)
    assert (row.status, row.proxy_holder) == ("represented", meeting.admin)


def test_the_proxy_for_the_assembly_names_the_holder(meeting):
    Proxy.objects.create(
        group=meeting.group, giver=meeting.member, holder=meeting.admin, assembly=meeting.assembly
    )
    _record(meeting, meeting.admin, "present")
    _record(meeting, meeting.organiser, "present")
    with pytest.raises(ValidationError) as error:
        _record(meeting, meeting.member, "represented", meeting.organiser)
    assert error.value.messages == [
        fr(
            "%(name)s gave their proxy for this assembly to %(holder)s.",
            name=meeting.member.public_name,
            holder=meeting.admin.public_name,
        )
    ]
    row = _record(meeting, meeting.member, "represented")
    assert row.proxy_holder == meeting.admin


def test_a_holder_represents_at_most_the_group_limit(meeting):
    third = MembershipFactory(group=meeting.group).user
    _record(meeting, meeting.admin, "present")
    _record(meeting, meeting.member, "represented", meeting.admin)
    with pytest.raises(ValidationError) as error:
        _record(meeting, third, "represented", meeting.admin)
    assert error.value.code == "proxy_limit"
    GroupGovernance.objects.filter(group=meeting.group).update(max_proxies=2)
    _record(meeting, third, "represented", meeting.admin)
    # Recording the same member again does not count them twice.
    _record(meeting, third, "represented", meeting.admin)


def test_a_holder_stays_present_while_representing(meeting):
    _record(meeting, meeting.admin, "present")
    _record(meeting, meeting.member, "represented", meeting.admin)
    with pytest.raises(ValidationError) as error:
        _record(meeting, meeting.admin, "absent")
    assert error.value.code == "holder_busy"
    _record(meeting, meeting.member, "excused")
    assert Attendance.objects.get(user=meeting.member).proxy_holder is None
    _record(meeting, meeting.admin, "absent")


def test_attendance_of_a_closed_assembly_is_frozen(world):
    assembly = AssemblyFactory(group=world.group, closed=True)
    with pytest.raises(ValidationError):
        attendance_record(
            assembly=assembly, acting_user=world.organiser, user=world.member, status="present"
        )


def test_only_organisers_record_attendance(meeting):
    with pytest.raises(PermissionDenied):
        attendance_record(
            assembly=meeting.assembly,
            acting_user=meeting.member,
            user=meeting.member,
            status="present",
        )


def test_quorum_is_live_and_frozen_at_closing(meeting):
    q = assembly_quorum(assembly=meeting.assembly)
    assert (q.present, q.represented, q.members, q.needed, q.reached) == (0, 0, 3, 2, False)
    _record(meeting, meeting.admin, "present")
    _record(meeting, meeting.member, "represented", meeting.admin)
    q = assembly_quorum(assembly=meeting.assembly)
    assert (q.present, q.represented, q.counted, q.share, q.reached) == (1, 1, 2, 66, True)
    for _ in range(2):
        MembershipFactory(group=meeting.group)
    q = assembly_quorum(assembly=meeting.assembly)
    assert (q.members, q.needed, q.reached) == (5, 3, False)
    svc.assembly_close(assembly=meeting.assembly, acting_user=meeting.organiser)
    Membership.objects.filter(group=meeting.group, role=Role.MEMBER).exclude(
        user=meeting.member
    ).delete()
    MembershipFactory(group=meeting.group)
    meeting.assembly.refresh_from_db()
    q = assembly_quorum(assembly=meeting.assembly)
    assert (q.members, q.counted, q.reached) == (5, 2, False)


def test_no_quorum_required_is_always_reached(world):
    assembly = AssemblyFactory(group=world.group, in_progress=True, quorum_percent=0)
    assert assembly_quorum(assembly=assembly).reached
