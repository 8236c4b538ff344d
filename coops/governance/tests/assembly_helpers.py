"""Helpers shared by the assembly tests (the personas come from the root conftest)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from coops.core.models import Event
from coops.groups.models import GroupModule
from coops.notifications.models import Notification

from ..minutes import register_minutes_motion
from ..models import (
    AgendaItem,
    Assembly,
    Attendance,
    Proposal,
    SpeakingRequest,
)
from ..services.assemblies import register_kinds
from .factories import AgendaItemFactory, AssemblyFactory

ORGANISERS = ("organiser", "admin")
MEMBERS = ("member", "organiser", "admin")


def register() -> None:
    """The kinds and the motion (idempotent; GovernanceConfig.ready registers them too)."""
    register_kinds()
    register_minutes_motion()


def governance_on(personas):
    """The personas' groups with the governance module on."""
    GroupModule.objects.get_or_create(group=personas.group, module="governance")
    GroupModule.objects.get_or_create(group=personas.other_group, module="governance")
    return personas


def gurl(world, name: str, **kwargs) -> str:
    return reverse(f"groups:governance:{name}", kwargs={"slug": world.group.slug, **kwargs})


def snapshot() -> tuple:
    """Everything a denied request must leave untouched."""
    return (
        sorted(
            Assembly.objects.values_list(
                "pk",
                "title",
                "status",
                "starts_at",
                "ends_at",
                "place",
                "agenda_closes_at",
                "minutes_notes",
                "minutes_approved_at",
            )
        ),
        sorted(
            AgendaItem.objects.values_list(
                "pk",
                "assembly_id",
                "title",
                "position",
                "status",
                "notes",
                "outcome",
                "proposal_id",
            )
        ),
        sorted(Attendance.objects.values_list("pk", "user_id", "status", "proxy_holder_id")),
        sorted(SpeakingRequest.objects.values_list("pk", "user_id", "status")),
        sorted(Proposal.objects.values_list("pk", "status")),
        Notification.objects.count(),
        Event.objects.count(),
    )


LOGIN = "/accounts/login/?next="


def login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def build_scene(w):
    """Upcoming (agenda open, one item by the member); live (in progress, one item: the
    organiser has the floor, the admin's hand is up); past (closed); and another group's."""
    w.upcoming = AssemblyFactory(group=w.group, title="AG d'automne")
    w.upcoming_item = AgendaItemFactory(
        assembly=w.upcoming, title="Point du membre", proposed_by=w.member
    )
    w.live = AssemblyFactory(group=w.group, in_progress=True, title="AG en cours")
    w.live_item = AgendaItemFactory(assembly=w.live, title="Budget")
    SpeakingRequest.objects.create(item=w.live_item, user=w.admin)
    w.speaker = SpeakingRequest.objects.create(
        item=w.live_item, user=w.organiser, status="speaking"
    )
    w.past = AssemblyFactory(group=w.group, closed=True, title="AG passée")
    w.past_item = AgendaItemFactory(assembly=w.past, title="Bilan")
    w.foreign = AssemblyFactory(group=w.other_group, title="AG de Roubaix")
    return w


def errors_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages if m.level_tag == "error"]


def check_denied(response, who, allowed):
    if who == "anonymous":
        assert login_redirect(response)
    elif who not in allowed:
        assert response.status_code == 403, response.status_code
    return who in allowed


def future(days=30, hour="18:30"):
    day = timezone.localdate() + timedelta(days=days)
    return f"{day.isoformat()}T{hour}"


def assembly_form(**overrides):
    data = {
        "title": "AG extraordinaire",
        "starts_at": future(),
        "ends_at": future(hour="20:30"),
        "place": "Salle des fêtes",
        "online_url": "",
        "description": "",
        "quorum_percent": "20",
    }
    data.update(overrides)
    return data
