from datetime import timedelta

import pytest
from django.utils import timezone

from coops.accounts.demo import load_people
from coops.core.demo import DEMO_PASSWORD, DemoContext, demo_steps
from coops.directory.demo import load_directory
from coops.directory.demo_moderation import load_moderation
from coops.directory.models import (
    Actor,
    ActorReport,
    ActorStatus,
    DecisionOutcome,
    ModerationDecision,
    ReportReason,
    ReportStatus,
)
from coops.directory.permissions import is_moderator
from coops.directory.selectors.moderation import moderation_queue
from coops.directory.services.moderation import DECIDED_KIND, FRESHNESS_KIND
from coops.groups.demo import load_groups
from coops.notifications.models import Notification


@pytest.fixture
def territory(db, django_capture_on_commit_callbacks):
    lines: list[str] = []
    ctx = DemoContext(log=lines.append)
    with django_capture_on_commit_callbacks(execute=True):
        load_people(ctx)
        load_groups(ctx)
        load_directory(ctx)
        load_moderation(ctx)
    return ctx, lines


def test_the_step_runs_after_the_directory_and_the_charter():
    orders = {step.name: step.order for step in demo_steps()}
    assert orders["directory"] < orders["charter"] < orders["directory_moderation"] == 57


def test_the_demo_moderator_and_her_queue(territory):
    """One test per territory (it takes seconds to build): the moderator, then the queue."""
    ctx, lines = territory
    helene = ctx.users["helene"]

    assert helene.email == "helene@example.org"
    assert helene.check_password(DEMO_PASSWORD)
    assert (helene.is_staff, helene.is_superuser) == (False, False)
    assert is_moderator(helene)
    assert (helene.home_town, helene.home_lat is not None) == ("Lille", True)
    assert ("Hélène Carpentier", "helene@example.org", "directory moderator") in ctx.logins
    assert lines[-1] == (
        "directory moderation: moderator helene@example.org, 3 pending entries with opinions, "
        "1 published by opinions, 1 rejected, 2 open reports, 1 freshness reminder(s)"
    )

    queue = moderation_queue(filter="conflicting")
    counts = {tab.key: tab.count for tab in queue.tabs}
    conflicting = {a.name for a in queue.page.object_list}

    assert {"Le Fournil partagé de Fives", "Atelier Métal & Bois"} <= conflicting
    assert "Vélo-école des Weppes" not in conflicting
    assert counts["reported"] == 2
    duplicates = {a.name for a in moderation_queue(filter="duplicates").page.object_list}
    assert "Atelier vélo Les Rayons" in duplicates
    assert counts["to_geolocate"] >= 1
    velo = ctx.extra["moderation"]["pending"]["velo-ecole-weppes"]
    assert velo.status == ActorStatus.PENDING
    assert velo.submitted_by == ctx.users["karim"]
    assert velo.votes.count() == 2
    assert (
        Actor.objects.get(name="Monnaie locale de la métropole lilloise").submitted_by
        == (ctx.users["sarah"])
    )


def test_past_decisions_open_reports_and_a_freshness_reminder(territory):
    ctx, _lines = territory
    garden = Actor.objects.get(name="Jardin partagé des Moulins")
    shop = Actor.objects.get(name="Le Comptoir gourmet")

    assert garden.status == ActorStatus.PUBLISHED
    assert ModerationDecision.objects.get(actor=garden).decided_by is None
    assert shop.status == ActorStatus.REJECTED
    decision = ModerationDecision.objects.get(actor=shop)
    assert (decision.outcome, decision.decided_by) == (
        DecisionOutcome.REJECTED,
        ctx.users["helene"],
    )
    assert decision.reason.startswith("Une épicerie fine classique")
    assert (
        Notification.objects.filter(recipient=ctx.users["pierre"], kind=DECIDED_KIND).count() == 1
    )
    assert Notification.objects.filter(recipient=ctx.users["chloe"], kind=DECIDED_KIND).count() == 1

    reports = ActorReport.objects.filter(status=ReportStatus.OPEN).order_by("pk")
    assert [(r.actor.name, r.reason) for r in reports] == [
        ("Coursiers coopératifs Métropole lilloise", ReportReason.DUPLICATE),
        ("Brasserie des Remparts", ReportReason.WRONG_INFORMATION),
    ]
    assert reports[0].duplicate_of == ctx.extra["actors"]["coursiers-metropole"]
    assert (reports[0].reporter, reports[0].reporter_email) == (None, "voisine.belfort@example.net")
    assert reports[1].reporter == ctx.users["pierre"]

    bookshop = Actor.objects.get(name="Librairie coopérative du Beffroi")

    assert bookshop.freshness_reminded_at is not None
    assert timezone.now() - bookshop.updated_at > timedelta(days=365)
    reminder = Notification.objects.get(kind=FRESHNESS_KIND)
    assert reminder.recipient == ctx.users["chloe"]
    # In Chloé's language (French once the translations are compiled).
    assert "« Librairie coopérative du Beffroi »" in reminder.title
    assert reminder.url.startswith(f"/annuaire/{bookshop.slug}/")
