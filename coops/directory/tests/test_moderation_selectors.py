"""Collaborative moderation, the reads: tallies, the moderators' queue and its tabs (with a
constant number of queries), the entries a member can still give an opinion on, the
moderation file of an entry, merge plans and freshness."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coops.accounts.tests.factories import UserFactory
from coops.directory.models import (
    Actor,
    ActorChange,
    ActorStatus,
    ChangeStatus,
    GeocodeStatus,
    ReportReason,
    ReportStatus,
    VoteChoice,
)
from coops.directory.selectors import moderation as selectors
from coops.directory.selectors.moderation import Tally
from coops.directory.tests.factories import (
    ActorFactory,
    ActorReportFactory,
    ModerationVoteFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


def votes(actor, *choices):
    for choice in choices:
        ModerationVoteFactory(actor=actor, choice=choice)


def names(queue) -> list[str]:
    return [a.name for a in queue.page.object_list]


def age(actor, days: int, field: str = "created_at") -> None:
    Actor.objects.filter(pk=actor.pk).update(**{field: timezone.now() - timedelta(days=days)})


# --- Tallies --------------------------------------------------------------------------------


def test_a_tally_counts_each_side():
    tally = Tally(not_exist=1, wrong_info=2, exists=3, exists_good=1, not_charter=1)

    assert (tally.favourable, tally.unfavourable, tally.total) == (4, 2, 8)
    assert tally.conflicting
    assert not Tally(exists=3).conflicting
    assert Tally(wrong_info=1).conflicting
    assert Tally(exists=1, not_charter=1).conflicting
    assert [count for _value, _label, count in tally.rows()] == [1, 2, 3, 1, 1]


def test_tally_for_reads_the_votes_in_one_query(django_assert_num_queries):
    actor = ActorFactory(pending=True)
    votes(actor, "exists", "exists", "not_charter", "wrong_info")

    with django_assert_num_queries(1):
        tally = selectors.tally_for(actor)

    assert tally == Tally(exists=2, not_charter=1, wrong_info=1)


def test_threshold_outcome_is_a_pure_function():
    rules = selectors.ModerationSettings(votes_to_publish=3, votes_to_reject=2)

    assert selectors.threshold_outcome(Tally(exists=2, exists_good=1), rules) == "published"
    assert selectors.threshold_outcome(Tally(exists=3, not_exist=1), rules) is None
    assert selectors.threshold_outcome(Tally(not_exist=1, not_charter=1), rules) == "rejected"
    assert selectors.threshold_outcome(Tally(not_exist=2, exists=1), rules) is None
    assert selectors.threshold_outcome(Tally(wrong_info=9), rules) is None


# --- Entries a member can give an opinion on -----------------------------------------------------


def test_entries_to_review_leave_out_their_own_the_voted_and_the_decided():
    member = UserFactory()
    older = ActorFactory(pending=True, name="Ancienne")
    age(older, 10)
    newer = ActorFactory(pending=True, name="Récente")
    ActorFactory(pending=True, name="Proposée par moi", submitted_by=member)
    ActorFactory(pending=True, name="Gérée par moi", owners=[member])
    voted = ActorFactory(pending=True, name="Déjà donnée")
    ModerationVoteFactory(actor=voted, voter=member)
    ActorFactory(name="Publiée")

    assert list(selectors.entries_to_review_for(member)) == [newer, older]
    assert [a.name for a in selectors.entries_to_review_for(UserFactory())] == [
        "Déjà donnée",
        "Gérée par moi",
        "Proposée par moi",
        "Récente",
        "Ancienne",
    ]


def test_entries_to_review_for_nobody_signed_in():
    from django.contrib.auth.models import AnonymousUser

    ActorFactory(pending=True)
    assert list(selectors.entries_to_review_for(AnonymousUser())) == []
    assert list(selectors.entries_to_review_for(UserFactory(is_active=False))) == []


# --- The queue ----------------------------------------------------------------------------------


@pytest.fixture
def queue_entries():
    """One entry for each reason to look at it."""
    quiet = ActorFactory(pending=True, name="Calme", siret="", website="")
    age(quiet, 30)
    conflict = ActorFactory(pending=True, name="Conflit")
    age(conflict, 20)
    votes(conflict, VoteChoice.EXISTS, VoteChoice.DOES_NOT_EXIST)
    wrong = ActorFactory(pending=True, name="Erronée")
    age(wrong, 10)
    votes(wrong, VoteChoice.EXISTS, VoteChoice.EXISTS, VoteChoice.WRONG_INFORMATION)
    agreed = ActorFactory(pending=True, name="Unanime")
    votes(agreed, VoteChoice.EXISTS, VoteChoice.EXISTS_GOOD_INFORMATION)
    twin_email = ActorFactory(pending=True, name="Jumelle", email="pain@example.org")
    ActorFactory(name="Originale", email="pain@example.org")
    reported = ActorFactory(name="Signalée")
    ActorReportFactory(actor=reported)
    ActorReportFactory(actor=reported, reason=ReportReason.DUPLICATE, duplicate_of=quiet)
    ActorReportFactory(actor=ActorFactory(name="Traitée"), status=ReportStatus.RESOLVED)
    lost = ActorFactory(name="Sans position", unlocated=True)
    changed = ActorFactory(name="Modifiée")
    ActorChange.objects.create(actor=changed, proposed={"telephone": "03 20 00 00 00"})
    ActorChange.objects.create(
        actor=ActorFactory(name="Déjà revue"), proposed={}, status=ChangeStatus.ACCEPTED
    )
    return {
        "quiet": quiet,
        "conflict": conflict,
        "wrong": wrong,
        "agreed": agreed,
        "twin": twin_email,
        "reported": reported,
        "lost": lost,
    }


def test_the_oldest_tab_lists_pending_entries_first_in_first_out(queue_entries):
    queue = selectors.moderation_queue()

    assert queue.filter == "oldest"
    assert names(queue) == ["Calme", "Conflit", "Erronée", "Unanime", "Jumelle"]
    by_name = {a.name: a for a in queue.page.object_list}
    assert by_name["Erronée"].tally == Tally(exists=2, wrong_info=1)
    assert by_name["Conflit"].tally.conflicting
    assert not by_name["Unanime"].tally.conflicting
    assert by_name["Jumelle"].has_duplicate is True
    assert by_name["Calme"].has_duplicate is False


def test_the_tabs_and_their_counts(queue_entries):
    counts = {t.key: t.count for t in selectors.moderation_queue(filter="reported").tabs}

    assert counts == {
        "oldest": 5,
        "conflicting": 2,
        "reported": 1,
        "duplicates": 1,
        "to_geolocate": 1,
        "changes": 1,
    }


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("conflicting", ["Conflit", "Erronée"]),
        ("reported", ["Signalée"]),
        ("duplicates", ["Jumelle"]),
        ("to_geolocate", ["Sans position"]),
        ("changes", ["Modifiée"]),
        ("nonsense", ["Calme", "Conflit", "Erronée", "Unanime", "Jumelle"]),
    ],
)
def test_each_tab_lists_its_entries(queue_entries, key, expected):
    queue = selectors.moderation_queue(filter=key)

    assert names(queue) == expected
    assert queue.count == len(expected)


def test_reported_entries_carry_their_open_report_count(queue_entries):
    queue = selectors.moderation_queue(filter="reported")

    assert [(a.name, a.open_reports) for a in queue.page.object_list] == [("Signalée", 2)]


@pytest.mark.parametrize("field", ["siret", "email", "website"])
def test_duplicates_share_an_identity_with_another_live_entry(field):
    values = {
        "siret": "73282932000074",
        "email": "meme@example.org",
        "website": "https://meme.example.org",
    }
    blank = {"siret": "", "website": ""}
    twin = ActorFactory(pending=True, name="Jumelle", **{**blank, field: values[field]})
    ActorFactory(**{**blank, field: values[field]})
    ActorFactory(pending=True, name="Sans rien", email="", **blank)
    ActorFactory(pending=True, name="Sans rien bis", email="", **blank)
    ActorFactory(pending=True, name="Avec archivée", **{**blank, "email": "vieux@example.org"})
    ActorFactory(status=ActorStatus.ARCHIVED, **{**blank, "email": "vieux@example.org"})

    assert names(selectors.moderation_queue(filter="duplicates")) == [twin.name]


@pytest.mark.parametrize("size", [5, 25])
def test_the_queue_runs_the_same_queries_whatever_its_length(size, django_assert_num_queries):
    # Each entry belongs to every tab: pending, conflicting, a duplicate, to geolocate;
    # and as many published entries are reported, and as many have a change to review.
    for n in range(size):
        actor = ActorFactory(
            pending=True, submitted_by=UserFactory(), email=f"x{n}@example.org", unlocated=True
        )
        votes(actor, VoteChoice.EXISTS, VoteChoice.DOES_NOT_EXIST)
        ActorReportFactory(actor=ActorFactory(email=f"x{n}@example.org"))
        ActorChange.objects.create(actor=ActorFactory(), proposed={"telephone": str(n)})

    # The tabs' counts, the page's count, the page with its votes, reports and submitters.
    for key in selectors.QUEUE_FILTERS:
        with django_assert_num_queries(3):
            queue = selectors.moderation_queue(filter=key)
            seen = [
                (a.tally.total, a.open_reports, a.has_duplicate, str(a.submitted_by or ""))
                for a in queue.page.object_list
            ]
        assert len(seen) == min(size, selectors.QUEUE_PER_PAGE)


def test_the_queue_pages():
    for n in range(selectors.QUEUE_PER_PAGE + 3):
        ActorFactory(pending=True, name=f"Entrée {n:02d}")

    second = selectors.moderation_queue(page=2)

    assert names(second) == [f"Entrée {n:02d}" for n in range(20, 23)]
    assert selectors.moderation_queue(page="abc").page.number == 1


# --- The moderation file of an entry ----------------------------------------------------------


def test_the_moderation_file_gathers_opinions_reports_decisions_and_duplicates():
    at = {"latitude": Decimal("50.630000"), "longitude": Decimal("3.060000")}
    actor = ActorFactory(pending=True, name="Boulangerie La Fournée", **at)
    near = ActorFactory(name="La Fournée", latitude=Decimal("50.630500"), longitude=at["longitude"])
    ActorFactory(name="Garage du Centre", **at)
    votes(actor, VoteChoice.EXISTS, VoteChoice.WRONG_INFORMATION)
    open_report = ActorReportFactory(actor=actor)
    handled = ActorReportFactory(actor=actor, status=ReportStatus.DISMISSED)

    file = selectors.moderation_file(actor)

    assert file.tally == Tally(exists=1, wrong_info=1)
    assert [v.choice for v in file.votes] == ["exists", "wrong_info"]
    assert file.open_reports == [open_report]
    assert file.handled_reports == [handled]
    assert [(d.actor, d.reasons) for d in file.duplicates] == [(near, ["name_nearby"])]


# --- Merge plans --------------------------------------------------------------------------------


def test_a_merge_plan_says_what_would_move():
    food = SectorFactory(slug="alimentation")
    owner = UserFactory()
    keep = ActorFactory(telephone="", website="", sectors=[food], unlocated=True)
    duplicate = ActorFactory(
        pending=True,
        telephone="03 20 00 00 00",
        website="",
        sectors=[food, SectorFactory(slug="boulangerie", parent=food)],
        owners=[owner],
    )
    moved = ActorReportFactory(actor=duplicate)
    resolved = ActorReportFactory(actor=keep, reason=ReportReason.DUPLICATE, duplicate_of=duplicate)

    plan = selectors.merge_plan(keep=keep, duplicate=duplicate)

    assert plan.owners == [owner]
    assert [s.slug for s in plan.terms["sectors"]] == ["boulangerie"]
    assert plan.terms["skills"] == []
    assert [(name, value) for name, _label, value in plan.fields] == [
        ("telephone", "03 20 00 00 00")
    ]
    assert plan.location is True
    assert plan.reports_moved == [moved]
    assert plan.reports_resolved == [resolved]
    assert plan.moves_anything


def test_merge_candidates_are_live_possible_duplicates():
    actor = ActorFactory(pending=True, email="pain@example.org")
    live = ActorFactory(email="pain@example.org")
    ActorFactory(status=ActorStatus.REJECTED, email="pain@example.org")

    assert [d.actor for d in selectors.merge_candidates(actor)] == [live]


# --- Freshness ----------------------------------------------------------------------------------


def test_stale_entries_and_those_due_a_reminder():
    owner = UserFactory()
    stale = ActorFactory(owners=[owner])
    age(stale, 400, "updated_at")
    fresh = ActorFactory(owners=[owner])
    orphan = ActorFactory()
    age(orphan, 400, "updated_at")
    reminded = ActorFactory(owners=[owner])
    now = timezone.now()
    Actor.objects.filter(pk=reminded.pk).update(
        updated_at=now - timedelta(days=400), freshness_reminded_at=now - timedelta(days=30)
    )

    assert list(selectors.freshness_due()) == [stale]
    for actor, expected in [(stale, True), (fresh, False), (reminded, True)]:
        actor.refresh_from_db()
        assert selectors.is_stale(actor) is expected
    pending = ActorFactory(pending=True, geocode_status=GeocodeStatus.ADDRESS)
    age(pending, 400, "updated_at")
    pending.refresh_from_db()
    assert selectors.is_stale(pending) is False
