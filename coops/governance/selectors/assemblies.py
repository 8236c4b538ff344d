"""Reads of assemblies: lists, the agenda, attendance and quorum, the double speaking list.

`speaking_order` is the pure rule of the double list: those who have not yet spoken on
the item come first, then the others, first come first served within each queue.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from coops.groups.models import Membership, MembershipStatus

from ..models import (
    AgendaItem,
    AgendaItemStatus,
    Assembly,
    AssemblyStatus,
    Attendance,
    AttendanceStatus,
    Proxy,
    SpeakingRequest,
    SpeakingStatus,
)

# --- Lists ---------------------------------------------------------------------------------


def assemblies_of(*, group) -> dict[str, list[Assembly]]:
    """The group's upcoming assemblies (soonest first, in progress included) and past
    ones (closed or cancelled, or whose end has passed; latest first): two queries."""
    upcoming = list(Assembly.objects.filter(group=group).upcoming())
    past = list(
        Assembly.objects.filter(group=group)
        .exclude(pk__in=[a.pk for a in upcoming])
        .order_by("-starts_at", "-pk")
    )
    return {"upcoming": upcoming, "past": past}


def assembly_next(*, assembly: Assembly, open_agenda: bool = False) -> Assembly | None:
    """The group's next assembly after `assembly` (by start time) that is scheduled or in
    progress, or None. With `open_agenda`, only one whose agenda still takes members'
    items."""
    qs = Assembly.objects.filter(
        group_id=assembly.group_id,
        status__in=[AssemblyStatus.SCHEDULED, AssemblyStatus.IN_PROGRESS],
        starts_at__gt=assembly.starts_at,
    ).exclude(pk=assembly.pk)
    if open_agenda:
        qs = qs.filter(status=AssemblyStatus.SCHEDULED, agenda_closes_at__gt=timezone.now())
    return qs.order_by("starts_at", "pk").first()


def agenda_of(*, assembly: Assembly) -> list[AgendaItem]:
    """The agenda in order, with who proposed each item and its vote: one query."""
    return list(
        AgendaItem.objects.filter(assembly=assembly)
        .select_related("proposed_by", "proposal", "deferred_from__assembly")
        .order_by("position", "pk")
    )


# --- Attendance and quorum ---------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    present: int
    represented: int
    members: int
    percent: int

    @property
    def counted(self) -> int:
        return self.present + self.represented

    @property
    def needed(self) -> int:
        """The smallest number of members present or represented that reaches it."""
        return -(-self.percent * self.members // 100)

    @property
    def reached(self) -> bool:
        return self.counted * 100 >= self.percent * self.members

    @property
    def share(self) -> int:
        """Members present or represented, in whole percent (rounded down)."""
        return self.counted * 100 // self.members if self.members else 0


def assembly_quorum(*, assembly: Assembly) -> Quorum:
    """Present and represented members against the group's active members (two queries).
    Once the assembly is closed, its attendance rows are the snapshot of the members at
    closing (assembly_close records the missing ones as absent)."""
    rows = Attendance.objects.filter(assembly=assembly)
    if assembly.status == AssemblyStatus.CLOSED:
        members = None
    else:
        active = Membership.objects.filter(
            group_id=assembly.group_id, status=MembershipStatus.ACTIVE
        ).values("user_id")
        rows = rows.filter(user_id__in=active)
        members = active.count()
    counts = rows.aggregate(
        rows=Count("pk"),
        present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
        represented=Count("pk", filter=Q(status=AttendanceStatus.REPRESENTED)),
    )
    return Quorum(
        present=counts["present"],
        represented=counts["represented"],
        members=counts["rows"] if members is None else members,
        percent=assembly.quorum_percent,
    )


@dataclass
class AttendanceRow:
    user: Any
    attendance: Attendance | None
    proxy_holder: Any | None  # the holder of the member's proxy for this assembly
    represents: list[Any] = field(default_factory=list)


def attendance_sheet(*, assembly: Assembly) -> list[AttendanceRow]:
    """One row per active member (by name) with their attendance, the holder of the
    proxy they gave for this assembly, and whom they represent: four queries."""
    User = get_user_model()
    users = list(
        User.objects.filter(
            memberships__group_id=assembly.group_id,
            memberships__status=MembershipStatus.ACTIVE,
        ).order_by("display_name", "email", "pk")
    )
    by_user = {
        a.user_id: a
        for a in Attendance.objects.filter(assembly=assembly).select_related("proxy_holder")
    }
    proxies = {
        p.giver_id: p.holder
        for p in Proxy.objects.filter(assembly=assembly, withdrawn_at__isnull=True).select_related(
            "holder"
        )
    }
    rows = {u.pk: AttendanceRow(u, by_user.get(u.pk), proxies.get(u.pk)) for u in users}
    for a in by_user.values():
        holder, giver = rows.get(a.proxy_holder_id), rows.get(a.user_id)
        if a.status == AttendanceStatus.REPRESENTED and holder and giver:
            holder.represents.append(giver.user)
    return list(rows.values())


# --- The double speaking list ------------------------------------------------------------


@dataclass(frozen=True)
class Hand:
    """A waiting request, reduced to what the order depends on."""

    pk: int
    user_id: int
    raised_at: datetime


def speaking_order(
    waiting: Iterable[Hand], spoken: set[int] | frozenset[int]
) -> tuple[list[Hand], list[Hand]]:
    """The two queues: (those who have not yet spoken on the item, those who have), each
    first come first served by (raised_at, pk). Every waiting hand is in exactly one."""
    key = lambda h: (h.raised_at, h.pk)  # noqa: E731
    hands = sorted(waiting, key=key)
    return (
        [h for h in hands if h.user_id not in spoken],
        [h for h in hands if h.user_id in spoken],
    )


def next_hand(first: Sequence[Hand], second: Sequence[Hand]) -> Hand | None:
    """The head of the first-timers' queue, else of the others', else None."""
    if first:
        return first[0]
    return second[0] if second else None


@dataclass
class SpeakingState:
    item: AgendaItem
    speaker: SpeakingRequest | None
    first: list[SpeakingRequest]
    second: list[SpeakingRequest]
    done: list[SpeakingRequest]
    version: str

    def waiting_of(self, user) -> SpeakingRequest | None:
        uid = getattr(user, "pk", None)
        return next((r for r in self.first + self.second if r.user_id == uid), None)

    def rank_of(self, user) -> int | None:
        """1-based place of the user's hand in the combined order, or None."""
        uid = getattr(user, "pk", None)
        for i, r in enumerate(self.first + self.second, start=1):
            if r.user_id == uid:
                return i
        return None


def speaking_state(*, item: AgendaItem) -> SpeakingState:
    """The item's speaking list in the order people will be called: one query however
    long the list. `version` changes whenever anything shown changes (for polling)."""
    rows = list(
        SpeakingRequest.objects.filter(item=item).select_related("user").order_by("raised_at", "pk")
    )
    spoken = {r.user_id for r in rows if r.status in (SpeakingStatus.DONE, SpeakingStatus.SPEAKING)}
    waiting = {r.pk: r for r in rows if r.status == SpeakingStatus.WAITING}
    first, second = speaking_order(
        (Hand(r.pk, r.user_id, r.raised_at) for r in waiting.values()), spoken
    )
    speaker = next((r for r in rows if r.status == SpeakingStatus.SPEAKING), None)
    done = [r for r in rows if r.status == SpeakingStatus.DONE]
    fingerprint = repr(
        (item.status, item.assembly.status, [(r.pk, r.status) for r in rows])
    ).encode()
    return SpeakingState(
        item=item,
        speaker=speaker,
        first=[waiting[h.pk] for h in first],
        second=[waiting[h.pk] for h in second],
        done=done,
        version=hashlib.sha256(fingerprint).hexdigest()[:16],
    )


def item_of(*, assembly: Assembly, pk: int) -> AgendaItem:
    """An item of `assembly` with its assembly and group loaded (raises DoesNotExist)."""
    return AgendaItem.objects.select_related("assembly__group", "proposal").get(
        assembly=assembly, pk=pk
    )


def live_items(*, assembly: Assembly) -> list[AgendaItem]:
    """Items that can still be discussed (on the agenda or discussed), in order."""
    return [
        i
        for i in agenda_of(assembly=assembly)
        if i.status in (AgendaItemStatus.PROPOSED, AgendaItemStatus.DISCUSSED)
    ]
