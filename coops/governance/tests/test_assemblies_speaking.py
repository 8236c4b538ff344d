"""The double speaking list: the ordering rule (property tests), raising and lowering
hands, the chair's calls, and two chairs calling at once (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from coops.accounts.tests.factories import UserFactory
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.groups.tests.helpers import fr

from ..models import AgendaItemStatus, SpeakingRequest, SpeakingStatus
from ..selectors.assemblies import Hand, next_hand, speaking_order, speaking_state
from ..services import speaking as svc
from .assembly_helpers import governance_on, register
from .factories import AgendaItemFactory, AssemblyFactory


@pytest.fixture(autouse=True)
def _registered():
    register()


@pytest.fixture
def world(personas):
    return governance_on(personas)


T0 = datetime(2025, 3, 1, 18, 0, tzinfo=UTC)

# --- The rule, as a pure function ---------------------------------------------------------

hands = st.lists(
    st.tuples(st.integers(1, 8), st.integers(0, 20)), max_size=30, unique_by=lambda t: t[0]
).map(
    lambda rows: [
        Hand(pk=i + 1, user_id=user, raised_at=T0 + timedelta(seconds=s))
        for i, (user, s) in enumerate(rows)
    ]
)


@given(hands, st.frozensets(st.integers(1, 8)))
def test_first_timers_always_come_first_and_each_queue_is_fcfs(waiting, spoken):
    first, second = speaking_order(reversed(waiting), spoken)
    assert sorted(h.pk for h in first + second) == sorted(h.pk for h in waiting)
    assert all(h.user_id not in spoken for h in first)
    assert all(h.user_id in spoken for h in second)
    for queue in (first, second):
        keys = [(h.raised_at, h.pk) for h in queue]
        assert keys == sorted(keys)
    head = next_hand(first, second)
    if first:
        assert head == first[0]
    elif second:
        assert head == second[0]
    else:
        assert head is None


@given(hands, st.frozensets(st.integers(1, 8)))
def test_calling_everyone_in_turn_serves_first_timers_before_anyone_speaks_twice(waiting, spoken):
    """Calling heads one by one (each called person joins the spoken set): no one who had
    already spoken is called while a first-timer who raised a hand is waiting."""
    remaining, spoken = list(waiting), set(spoken)
    while remaining:
        first, second = speaking_order(remaining, spoken)
        head = next_hand(first, second)
        if any(h.user_id not in spoken for h in remaining):
            assert head.user_id not in spoken
        remaining.remove(head)
        spoken.add(head.user_id)


def test_worked_example():
    """Alice spoke already; Bob raised his hand after her; Chloé last, same second as Bob
    but a later request: Bob, Chloé, then Alice."""
    alice = Hand(1, 10, T0)
    bob = Hand(2, 11, T0 + timedelta(seconds=5))
    chloe = Hand(3, 12, T0 + timedelta(seconds=5))
    first, second = speaking_order([chloe, alice, bob], {10})
    assert (first, second) == ([bob, chloe], [alice])


# --- Services ------------------------------------------------------------------------------


@pytest.fixture
def room(world):
    world.assembly = AssemblyFactory(group=world.group, in_progress=True)
    world.item = AgendaItemFactory(assembly=world.assembly, title="Budget 2026")
    return world


def _raise(w, user):
    return svc.speaking_hand_raise(item=w.item, acting_user=user)


@pytest.mark.django_db
def test_one_waiting_hand_per_person(room):
    _raise(room, room.member)
    with pytest.raises(ValidationError) as error:
        _raise(room, room.member)
    assert error.value.messages == [
        fr(
            "%(name)s is already on the speaking list of this item.",
            name=room.member.public_name,
        )
    ]
    assert SpeakingRequest.objects.count() == 1
    svc.speaking_hand_lower(item=room.item, acting_user=room.member)
    assert SpeakingRequest.objects.get().status == SpeakingStatus.WITHDRAWN
    assert svc.speaking_hand_lower(item=room.item, acting_user=room.member) is None
    _raise(room, room.member)
    assert SpeakingRequest.objects.filter(status=SpeakingStatus.WAITING).count() == 1


@pytest.mark.django_db
def test_hands_need_a_live_item_and_a_member(room):
    with pytest.raises(PermissionDenied):
        _raise(room, room.other_member)
    scheduled = AgendaItemFactory(assembly=AssemblyFactory(group=room.group))
    with pytest.raises(ValidationError):
        svc.speaking_hand_raise(item=scheduled, acting_user=room.member)
    room.item.status = AgendaItemStatus.DEFERRED
    room.item.save()
    with pytest.raises(ValidationError):
        _raise(room, room.member)
    assert not SpeakingRequest.objects.exists()


@pytest.mark.django_db
def test_the_speaker_cannot_raise_a_second_hand(room):
    _raise(room, room.member)
    assert svc.speaking_call_next(item=room.item, acting_user=room.organiser).user == room.member
    with pytest.raises(ValidationError) as error:
        _raise(room, room.member)
    assert error.value.code == "one_hand"


@pytest.mark.django_db
def test_call_next_order_and_turns(room):
    carol = MembershipFactory(group=room.group).user
    _raise(room, room.member)
    first = svc.speaking_call_next(item=room.item, acting_user=room.organiser)
    assert first.user == room.member
    assert first.called_at is not None
    svc.speaking_done(item=room.item, acting_user=room.organiser)
    _raise(room, room.member)  # second time on this item
    _raise(room, carol)  # later, but never spoke: goes first
    state = speaking_state(item=room.item)
    assert [r.user for r in state.first] == [carol]
    assert [r.user for r in state.second] == [room.member]
    assert state.rank_of(room.member) == 2
    assert svc.speaking_call_next(item=room.item, acting_user=room.organiser).user == carol
    nxt = svc.speaking_call_next(item=room.item, acting_user=room.organiser)
    assert nxt.user == room.member
    statuses = list(SpeakingRequest.objects.order_by("pk").values_list("user_id", "status"))
    assert statuses == [
        (room.member.pk, "done"),
        (room.member.pk, "speaking"),
        (carol.pk, "done"),
    ]
    assert svc.speaking_call_next(item=room.item, acting_user=room.organiser) is None
    assert not SpeakingRequest.objects.filter(status="speaking").exists()
    with pytest.raises(ValidationError) as error:
        svc.speaking_done(item=room.item, acting_user=room.organiser)
    assert error.value.messages == [fr("Nobody has the floor.")]


@pytest.mark.django_db
def test_a_stale_call_changes_nothing(room):
    _raise(room, room.member)
    _raise(room, room.admin)
    speaker = svc.speaking_call_next(
        item=room.item, acting_user=room.organiser, seen_speaker_id=None
    )
    with pytest.raises(ValidationError) as error:
        svc.speaking_call_next(item=room.item, acting_user=room.organiser, seen_speaker_id=None)
    assert error.value.code == "stale"
    assert SpeakingRequest.objects.get(status="speaking") == speaker
    nxt = svc.speaking_call_next(
        item=room.item, acting_user=room.organiser, seen_speaker_id=speaker.pk
    )
    assert nxt.user == room.admin


@pytest.mark.django_db
def test_the_chair_adds_members_only(room):
    added = svc.speaking_add(item=room.item, acting_user=room.organiser, user=room.member)
    assert added.added_by == room.organiser
    with pytest.raises(ValidationError):
        svc.speaking_add(item=room.item, acting_user=room.organiser, user=room.other_member)
    with pytest.raises(PermissionDenied):
        svc.speaking_add(item=room.item, acting_user=room.member, user=room.admin)
    with pytest.raises(PermissionDenied):
        svc.speaking_call_next(item=room.item, acting_user=room.member)
    assert SpeakingRequest.objects.count() == 1


@pytest.mark.django_db
def test_speaking_state_is_one_query(room, django_assert_num_queries):
    for _ in range(6):
        user = MembershipFactory(group=room.group).user
        _raise(room, user)
    item = type(room.item).objects.select_related("assembly").get(pk=room.item.pk)
    with django_assert_num_queries(1):
        state = speaking_state(item=item)
    assert len(state.first) == 6


# --- Two chairs at once (PostgreSQL) --------------------------------------------------------


@pytest.mark.postgres
def test_two_chairs_calling_at_once_call_one_person(pg):
    group = GroupFactory()
    chairs = [MembershipFactory(group=group, role="organiser").user for _ in range(2)]
    item = AgendaItemFactory(assembly=AssemblyFactory(group=group, in_progress=True))
    for _ in range(3):
        user = UserFactory()
        MembershipFactory(group=group, user=user)
        SpeakingRequest.objects.create(item=item, user=user)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click(chair):
        try:
            barrier.wait()
            svc.speaking_call_next(item=item, acting_user=chair, seen_speaker_id=None)
            outcomes.append("called")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(c,)) for c in chairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["called", "stale"]
    assert SpeakingRequest.objects.filter(status="speaking").count() == 1
    assert SpeakingRequest.objects.filter(status="waiting").count() == 2


@pytest.mark.postgres
def test_a_double_tap_raises_one_hand(pg):
    group = GroupFactory()
    member = MembershipFactory(group=group).user
    item = AgendaItemFactory(assembly=AssemblyFactory(group=group, in_progress=True))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def tap():
        try:
            barrier.wait()
            svc.speaking_hand_raise(item=item, acting_user=member)
            outcomes.append("raised")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["one_hand", "raised"]
    assert SpeakingRequest.objects.filter(status="waiting").count() == 1
