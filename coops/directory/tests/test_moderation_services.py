"""Collaborative moderation, the writes: opinions and thresholds, moderators' decisions and
their transitions, reports, merging duplicates, freshness reminders; and, on PostgreSQL,
what happens when they run at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.core.tests.concurrency import race
from coops.directory import merging
from coops.directory.models import (
    Actor,
    ActorChange,
    ActorReport,
    ActorStatus,
    ChangeStatus,
    DecisionOutcome,
    GeocodeStatus,
    ModerationDecision,
    ModerationSettings,
    ModerationVote,
    ReportReason,
    ReportStatus,
    VoteChoice,
)
from coops.directory.selectors.moderation import Tally, months_before
from coops.directory.services import moderation as services
from coops.directory.tasks import send_freshness_reminders
from coops.directory.tests.factories import (
    ActorFactory,
    ActorReportFactory,
    LabelFactory,
    SectorFactory,
    SkillFactory,
    TagFactory,
    moderator_user,
)
from coops.notifications.models import Notification

pytestmark = pytest.mark.django_db

FAVOURABLE = [VoteChoice.EXISTS, VoteChoice.EXISTS_GOOD_INFORMATION]
UNFAVOURABLE = [VoteChoice.DOES_NOT_EXIST, VoteChoice.AGAINST_CHARTER]


@pytest.fixture
def submitter():
    return UserFactory(email="submitter@example.org", language="en")


@pytest.fixture
def owner():
    return UserFactory(email="owner@example.org", language="en")


@pytest.fixture
def pending(submitter, owner):
    return ActorFactory(
        pending=True, name="Fournil de Fives", submitted_by=submitter, owners=[owner]
    )


@pytest.fixture
def moderator():
    return moderator_user(email="moderator@example.org", language="en")


def members(n: int) -> list:
    return [UserFactory(language="en") for _ in range(n)]


def cast(actor, choices):
    results = []
    for choice in choices:
        results.append(services.vote_cast(actor=actor, acting_user=UserFactory(), choice=choice))
    return results


def decided_titles(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind=services.DECIDED_KIND).values_list(
            "title", flat=True
        )
    )


# --- Transitions ----------------------------------------------------------------------------

TRANSITIONS = {
    ActorStatus.PENDING: {ActorStatus.PUBLISHED, ActorStatus.REJECTED},
    ActorStatus.PUBLISHED: {ActorStatus.ARCHIVED},
    ActorStatus.REJECTED: {ActorStatus.PUBLISHED},
    ActorStatus.ARCHIVED: {ActorStatus.PUBLISHED},
}
OUTCOMES = [ActorStatus.PUBLISHED, ActorStatus.REJECTED, ActorStatus.ARCHIVED]
TABLE = [(status, outcome) for status in ActorStatus.values for outcome in OUTCOMES]


def test_the_transitions_table():
    assert {s: set(services.allowed_transitions(s)) for s in ActorStatus.values} == TRANSITIONS
    for status in ActorStatus.values:
        assert services.allowed_transitions(status, merged=True) == ()


@pytest.mark.parametrize(("status", "outcome"), TABLE, ids=[f"{s}-to-{o}" for s, o in TABLE])
def test_moderators_decide_only_along_the_transitions(moderator, status, outcome):
    actor = ActorFactory(status=status, published_at=None)

    if outcome in TRANSITIONS[status]:
        decision = services.actor_decide(
            actor=actor, acting_user=moderator, outcome=outcome, reason="Vérifié sur place."
        )
        assert decision.outcome == outcome
        assert Actor.objects.get(pk=actor.pk).status == outcome
    else:
        with pytest.raises(ValidationError) as error:
            services.actor_decide(
                actor=actor, acting_user=moderator, outcome=outcome, reason="Vérifié sur place."
            )
        assert error.value.code == "transition"
        assert Actor.objects.get(pk=actor.pk).status == status
        assert not ModerationDecision.objects.exists()


# --- Opinions and thresholds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        ([VoteChoice.EXISTS] * 3, ActorStatus.PUBLISHED),
        (
            [
                VoteChoice.EXISTS_GOOD_INFORMATION,
                VoteChoice.EXISTS,
                VoteChoice.EXISTS_GOOD_INFORMATION,
            ],
            ActorStatus.PUBLISHED,
        ),
        ([VoteChoice.EXISTS] * 2, ActorStatus.PENDING),
        ([VoteChoice.EXISTS] * 2 + [VoteChoice.DOES_NOT_EXIST], ActorStatus.PENDING),
        ([VoteChoice.AGAINST_CHARTER] + [VoteChoice.EXISTS] * 4, ActorStatus.PUBLISHED),
        ([VoteChoice.EXISTS] * 2 + [VoteChoice.WRONG_INFORMATION] * 5, ActorStatus.PENDING),
        (
            [VoteChoice.DOES_NOT_EXIST, VoteChoice.AGAINST_CHARTER, VoteChoice.DOES_NOT_EXIST],
            ActorStatus.REJECTED,
        ),
        (
            [VoteChoice.EXISTS] + [VoteChoice.DOES_NOT_EXIST] * 3,
            ActorStatus.PENDING,
        ),
    ],
    ids=[
        "3-for-publish",
        "both-kinds-of-favourable-count",
        "2-for-wait",
        "2-for-1-against-wait",
        "1-against-then-4-for-publish",
        "wrong-information-counts-for-nobody",
        "3-against-reject",
        "1-for-then-3-against-wait",
    ],
)
def test_the_default_thresholds(pending, choices, expected):
    results = cast(pending, choices)

    assert Actor.objects.get(pk=pending.pk).status == expected
    decisions = [r.decision for r in results if r.decision is not None]
    assert len(decisions) == (0 if expected == ActorStatus.PENDING else 1)
    if decisions:
        assert results[-1].decision == decisions[0]  # the opinion that crossed it
        assert decisions[0].decided_by is None


def test_three_favourable_opinions_publish_and_tell_the_submitter_and_owners(
    pending, submitter, owner, django_capture_on_commit_callbacks, mailoutbox
):
    voters = members(3)
    with django_capture_on_commit_callbacks(execute=True):
        for voter in voters[:2]:
            services.vote_cast(actor=pending, acting_user=voter, choice=VoteChoice.EXISTS)
        assert Actor.objects.get(pk=pending.pk).status == ActorStatus.PENDING
        result = services.vote_cast(
            actor=pending, acting_user=voters[2], choice=VoteChoice.EXISTS_GOOD_INFORMATION
        )

    actor = Actor.objects.get(pk=pending.pk)
    assert actor.status == ActorStatus.PUBLISHED
    assert actor.published_at is not None
    decision = ModerationDecision.objects.get(actor=actor)
    assert result.decision == decision
    assert (decision.outcome, decision.decided_by) == (DecisionOutcome.PUBLISHED, None)
    with translation.override(settings.LANGUAGE_CODE):
        summary = services.votes_summary(Tally(exists=2, exists_good=1))
    assert summary in decision.reason
    for person in (submitter, owner):
        assert decided_titles(person) == ["« Fournil de Fives » is now published in the directory"]
        body = Notification.objects.get(recipient=person).body
        assert body == (
            "The members who checked it gave these opinions: 3 opinions in favour, 0 against "
            "(Exists: 2; Exists, and the information is right: 1)."
        )
    assert not Notification.objects.filter(recipient__in=voters).exists()
    assert sorted(m.to[0] for m in mailoutbox) == ["owner@example.org", "submitter@example.org"]
    event = Event.objects.get(verb="directory.actor_decided")
    assert event.data["before"] == "pending"
    assert event.data["after"] == "published"
    assert event.data["by_votes"] is True
    assert Event.objects.filter(verb="directory.vote_cast").count() == 3


def test_three_unfavourable_opinions_reject(pending, owner):
    cast(
        pending, [VoteChoice.DOES_NOT_EXIST, VoteChoice.AGAINST_CHARTER, VoteChoice.DOES_NOT_EXIST]
    )

    assert Actor.objects.get(pk=pending.pk).status == ActorStatus.REJECTED
    assert decided_titles(owner) == ["« Fournil de Fives » was not accepted in the directory"]


def test_changed_settings_apply_to_the_next_opinion(pending):
    cast(pending, [VoteChoice.EXISTS])
    rules = ModerationSettings.current()
    rules.votes_to_publish = 2
    rules.save()

    cast(pending, [VoteChoice.EXISTS])

    assert Actor.objects.get(pk=pending.pk).status == ActorStatus.PUBLISHED


def test_a_higher_threshold_waits_for_more_opinions(pending):
    ModerationSettings.objects.update_or_create(pk=1, defaults={"votes_to_reject": 5})

    cast(pending, [VoteChoice.DOES_NOT_EXIST] * 4)
    assert Actor.objects.get(pk=pending.pk).status == ActorStatus.PENDING
    cast(pending, [VoteChoice.AGAINST_CHARTER])
    assert Actor.objects.get(pk=pending.pk).status == ActorStatus.REJECTED


def test_a_member_gives_one_opinion_and_may_change_it(pending):
    voter = UserFactory()
    first = services.vote_cast(
        actor=pending, acting_user=voter, choice=VoteChoice.DOES_NOT_EXIST, comment="Fermé."
    )
    second = services.vote_cast(actor=pending, acting_user=voter, choice=VoteChoice.EXISTS)

    assert (first.changed, second.changed) == (False, True)
    vote = ModerationVote.objects.get(actor=pending, voter=voter)
    assert (vote.choice, vote.comment) == (VoteChoice.EXISTS, "")
    assert ModerationVote.objects.count() == 1
    assert (
        Event.objects.filter(verb="directory.vote_cast").order_by("pk").last().data["before"]
        == "not_exist"
    )


def test_the_database_refuses_a_second_opinion_row(pending):
    voter = UserFactory()
    ModerationVote.objects.create(actor=pending, voter=voter, choice=VoteChoice.EXISTS)

    with pytest.raises(IntegrityError), transaction.atomic():
        ModerationVote.objects.create(actor=pending, voter=voter, choice=VoteChoice.EXISTS)


@pytest.mark.parametrize("who", ["submitter", "owner", "superuser_submitter"])
def test_nobody_gives_an_opinion_on_their_own_submission(pending, submitter, owner, who):
    if who == "superuser_submitter":
        user = UserFactory(is_superuser=True, is_staff=True)
        pending.submitted_by = user
        pending.save()
    else:
        user = submitter if who == "submitter" else owner

    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=pending, acting_user=user, choice=VoteChoice.EXISTS)
    assert not ModerationVote.objects.exists()
    assert not Event.objects.filter(verb="directory.vote_cast").exists()


def test_opinions_only_on_pending_entries_and_by_members(db):
    published = ActorFactory()
    voter = UserFactory()
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=published, acting_user=voter, choice=VoteChoice.EXISTS)
    with pytest.raises(PermissionDenied):
        services.vote_cast(
            actor=ActorFactory(pending=True), acting_user=None, choice=VoteChoice.EXISTS
        )
    assert not ModerationVote.objects.exists()


def test_an_opinion_on_an_entry_decided_meanwhile_is_refused(pending):
    stale = Actor.objects.get(pk=pending.pk)
    Actor.objects.filter(pk=pending.pk).update(status=ActorStatus.PUBLISHED)

    with pytest.raises(ValidationError) as error:
        services.vote_cast(actor=stale, acting_user=UserFactory(), choice=VoteChoice.EXISTS)
    assert error.value.code == "decided"
    assert not ModerationVote.objects.exists()


def test_an_unknown_opinion_is_refused(pending):
    with pytest.raises(ValidationError) as error:
        services.vote_cast(actor=pending, acting_user=UserFactory(), choice="maybe")
    assert "choice" in error.value.message_dict
    assert not ModerationVote.objects.exists()


# --- Moderators' decisions --------------------------------------------------------------------


def test_a_moderator_decides_with_a_reason_sent_to_the_people_behind_the_entry(
    pending, moderator, submitter, owner, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.actor_decide(
            actor=pending,
            acting_user=moderator,
            outcome=ActorStatus.REJECTED,
            reason="Une boulangerie industrielle : hors charte.",
        )

    assert Actor.objects.get(pk=pending.pk).status == ActorStatus.REJECTED
    assert (decision.decided_by, decision.outcome, decision.reason) == (
        moderator,
        DecisionOutcome.REJECTED,
        "Une boulangerie industrielle : hors charte.",
    )
    for person in (submitter, owner):
        notification = Notification.objects.get(recipient=person)
        assert notification.title == "« Fournil de Fives » was not accepted in the directory"
        assert notification.body == (
            "Reason given by the moderators: Une boulangerie industrielle : hors charte."
        )
    assert sorted(m.to[0] for m in mailoutbox) == ["owner@example.org", "submitter@example.org"]
    assert all("Une boulangerie industrielle : hors charte." in m.body for m in mailoutbox)
    event = Event.objects.get(verb="directory.actor_decided")
    assert event.actor == moderator
    assert event.data["reason"] == "Une boulangerie industrielle : hors charte."


@translation.override("en")
def test_a_decision_needs_a_reason(pending, moderator):
    with pytest.raises(ValidationError) as error:
        services.actor_decide(
            actor=pending, acting_user=moderator, outcome=ActorStatus.PUBLISHED, reason="  "
        )
    assert error.value.message_dict == {
        "reason": ["Give the reason for this decision: it is sent to the people behind the entry."]
    }
    assert Actor.objects.get(pk=pending.pk).status == ActorStatus.PENDING
    assert not ModerationDecision.objects.exists()


@pytest.mark.parametrize("who", ["member", "owner", "organiser_of_nothing"])
def test_only_moderators_decide(pending, owner, who):
    user = owner if who == "owner" else UserFactory()
    with pytest.raises(PermissionDenied):
        services.actor_decide(
            actor=pending, acting_user=user, outcome=ActorStatus.PUBLISHED, reason="Oui."
        )
    assert Actor.objects.get(pk=pending.pk).status == ActorStatus.PENDING
    assert not ModerationDecision.objects.exists()


def test_staff_are_moderators(pending):
    services.actor_decide(
        actor=pending,
        acting_user=UserFactory(is_staff=True),
        outcome=ActorStatus.PUBLISHED,
        reason="Vérifié.",
    )
    assert Actor.objects.get(pk=pending.pk).status == ActorStatus.PUBLISHED


def test_restoring_an_archived_entry_keeps_its_first_publication_date(moderator, owner):
    first = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
    actor = ActorFactory(status=ActorStatus.ARCHIVED, published_at=first, owners=[owner])

    services.actor_decide(
        actor=actor, acting_user=moderator, outcome=ActorStatus.PUBLISHED, reason="Rouvert."
    )

    actor.refresh_from_db()
    assert (actor.status, actor.published_at) == (ActorStatus.PUBLISHED, first)
    assert decided_titles(owner) == [f"« {actor.name} » is back in the directory"]


def test_archiving_resolves_the_open_reports_and_tells_their_authors(
    moderator, django_capture_on_commit_callbacks, mailoutbox
):
    actor = ActorFactory(name="Brasserie du Port")
    reporter = UserFactory(language="en")
    signed = ActorReportFactory(actor=actor, reporter=reporter, reason=ReportReason.DOES_NOT_EXIST)
    anonymous = ActorReportFactory(actor=actor, reporter=None, reporter_email="voisin@example.net")
    handled = ActorReportFactory(actor=actor, status=ReportStatus.DISMISSED)

    with django_capture_on_commit_callbacks(execute=True):
        services.actor_decide(
            actor=actor,
            acting_user=moderator,
            outcome=ActorStatus.ARCHIVED,
            reason="Fermée depuis mars.",
        )

    for report in (signed, anonymous):
        report.refresh_from_db()
        assert (report.status, report.handled_by) == (ReportStatus.RESOLVED, moderator)
        assert report.handled_at is not None
        assert report.resolution == "Fermée depuis mars."
    handled.refresh_from_db()
    assert handled.status == ReportStatus.DISMISSED
    notification = Notification.objects.get(recipient=reporter, kind=services.REPORT_HANDLED_KIND)
    assert notification.title == "Your report on « Brasserie du Port »"
    assert notification.body == (
        "Thank you: the moderators acted on your report. Their reason: Fermée depuis mars."
    )
    assert notification.url == ""  # the archived entry's page is not public any more
    to_anonymous = [m for m in mailoutbox if m.to == ["voisin@example.net"]]
    assert len(to_anonymous) == 1
    assert "Fermée depuis mars." in to_anonymous[0].body


def test_a_merged_duplicate_cannot_be_restored(moderator):
    keep = ActorFactory()
    duplicate = ActorFactory(status=ActorStatus.ARCHIVED, merged_into=keep)
    with pytest.raises(ValidationError) as error:
        services.actor_decide(
            actor=duplicate, acting_user=moderator, outcome=ActorStatus.PUBLISHED, reason="Non."
        )
    assert error.value.code == "transition"


# --- Reports ------------------------------------------------------------------------------------


def test_anyone_reports_a_published_entry(db):
    actor = ActorFactory()

    report = services.report_create(
        actor=actor,
        acting_user=None,
        reason=ReportReason.DOES_NOT_EXIST,
        comment="Rideau baissé depuis des mois.",
        reporter_email=" Voisin@Example.NET ",
    )

    assert (report.reporter, report.reporter_email, report.status) == (
        None,
        "voisin@example.net",
        ReportStatus.OPEN,
    )
    assert report.comment == "Rideau baissé depuis des mois."
    event = Event.objects.get(verb="directory.actor_reported")
    assert (event.actor, event.data["reason"], event.data["updated"]) == (None, "not_exist", False)


def test_one_open_report_per_person_and_entry(db):
    actor = ActorFactory()
    member = UserFactory()
    first = services.report_create(
        actor=actor, acting_user=member, reason=ReportReason.WRONG_INFORMATION, comment="A"
    )
    again = services.report_create(
        actor=actor, acting_user=member, reason=ReportReason.DOES_NOT_EXIST, comment="B"
    )
    by_email = services.report_create(
        actor=actor, reason=ReportReason.WRONG_INFORMATION, reporter_email="a@example.net"
    )
    same_email = services.report_create(
        actor=actor, reason=ReportReason.DOES_NOT_EXIST, reporter_email="A@example.net"
    )
    nameless = [
        services.report_create(actor=actor, reason=ReportReason.WRONG_INFORMATION) for _ in range(2)
    ]

    assert again.pk == first.pk
    assert same_email.pk == by_email.pk
    assert nameless[0].pk != nameless[1].pk
    assert ActorReport.objects.count() == 4
    first.refresh_from_db()
    assert (first.reason, first.comment) == (ReportReason.DOES_NOT_EXIST, "B")
    # Once handled, a new report starts a new row.
    ActorReport.objects.filter(pk=first.pk).update(status=ReportStatus.RESOLVED)
    fresh = services.report_create(
        actor=actor, acting_user=member, reason=ReportReason.DUPLICATE, duplicate_of=ActorFactory()
    )
    assert fresh.pk != first.pk


@translation.override("en")
def test_a_duplicate_report_names_another_live_entry(db):
    actor = ActorFactory()
    other = ActorFactory(pending=True)
    cases = [
        (None, "duplicate_of", "Say which entry this one duplicates."),
        (actor, "duplicate_of", "An entry cannot be a duplicate of itself."),
        (
            ActorFactory(status=ActorStatus.ARCHIVED),
            "duplicate_of",
            "The other entry must be published or waiting for moderation.",
        ),
    ]
    for duplicate_of, field, message in cases:
        with pytest.raises(ValidationError) as error:
            services.report_create(
                actor=actor, reason=ReportReason.DUPLICATE, duplicate_of=duplicate_of
            )
        assert error.value.message_dict == {field: [message]}
    assert not ActorReport.objects.exists()

    report = services.report_create(actor=actor, reason=ReportReason.DUPLICATE, duplicate_of=other)
    assert report.duplicate_of == other
    other_reason = services.report_create(
        actor=actor,
        acting_user=UserFactory(),
        reason=ReportReason.WRONG_INFORMATION,
        duplicate_of=other,
    )
    assert other_reason.duplicate_of is None


def test_unpublished_entries_cannot_be_reported(db):
    for status in (ActorStatus.PENDING, ActorStatus.REJECTED, ActorStatus.ARCHIVED):
        with pytest.raises(PermissionDenied):
            services.report_create(
                actor=ActorFactory(status=status), reason=ReportReason.DOES_NOT_EXIST
            )
    assert not ActorReport.objects.exists()


def test_a_moderator_dismisses_a_report_with_a_reason(moderator):
    reporter = UserFactory(language="en")
    report = ActorReportFactory(reporter=reporter, actor=ActorFactory(name="Vélo Cité"))

    services.report_handle(
        report=report,
        acting_user=moderator,
        outcome=ReportStatus.DISMISSED,
        reason="Les horaires sont bons, vérifiés par téléphone.",
    )

    report.refresh_from_db()
    assert (report.status, report.handled_by) == (ReportStatus.DISMISSED, moderator)
    decision = ModerationDecision.objects.get()
    assert (decision.actor, decision.outcome, decision.decided_by) == (
        report.actor,
        DecisionOutcome.REPORT_DISMISSED,
        moderator,
    )
    notification = Notification.objects.get(recipient=reporter)
    assert notification.body == (
        "Thank you: the moderators looked at your report and left the entry as it is. "
        "Their reason: Les horaires sont bons, vérifiés par téléphone."
    )
    assert notification.url == report.actor.get_absolute_url()
    with pytest.raises(ValidationError) as error:
        services.report_handle(
            report=report, acting_user=moderator, outcome=ReportStatus.RESOLVED, reason="Encore."
        )
    assert error.value.code == "already_handled"


def test_handling_a_report_is_for_moderators_with_a_reason(moderator):
    report = ActorReportFactory()
    with pytest.raises(PermissionDenied):
        services.report_handle(
            report=report, acting_user=UserFactory(), outcome=ReportStatus.DISMISSED, reason="x"
        )
    with pytest.raises(ValidationError) as error:
        services.report_handle(
            report=report, acting_user=moderator, outcome=ReportStatus.DISMISSED, reason=""
        )
    assert list(error.value.message_dict) == ["reason"]
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN


# --- Merging ------------------------------------------------------------------------------------


@pytest.fixture
def pair(owner):
    """A published entry to keep and a pending duplicate with more to give."""
    food = SectorFactory(slug="alimentation", name="Alimentation", name_en="Food")
    bread = SectorFactory(slug="boulangerie", name="Boulangerie", name_en="Bakery", parent=food)
    shared_skill, skill = SkillFactory(), SkillFactory(slug="panification", name="Panification")
    label, tag = LabelFactory(), TagFactory()
    keep_owner = UserFactory(language="en")
    keep = ActorFactory(
        name="La Fournée",
        slug="la-fournee",
        telephone="",
        website="",
        siret="",
        opening_hours="Tu-Sa 07:00-13:00",
        unlocated=True,
        sectors=[food],
        skills=[shared_skill],
        owners=[keep_owner],
    )
    duplicate = ActorFactory(
        pending=True,
        name="Boulangerie La Fournée",
        slug="boulangerie-la-fournee",
        telephone="03 20 00 00 00",
        website="https://fournee.example.org",
        opening_hours="Mo-Fr 06:00-20:00",
        latitude=Decimal("50.630000"),
        longitude=Decimal("3.060000"),
        geocode_status=GeocodeStatus.ADDRESS,
        sectors=[bread],
        skills=[shared_skill, skill],
        labels=[label],
        tags=[tag],
        owners=[owner],
    )
    return keep, duplicate, keep_owner


def test_merging_moves_everything_to_the_entry_kept(pair, moderator, owner):
    keep, duplicate, keep_owner = pair
    reporter = UserFactory(language="en")
    moved = ActorReportFactory(actor=duplicate, reason=ReportReason.WRONG_INFORMATION)
    said_so = ActorReportFactory(
        actor=duplicate, reporter=reporter, reason=ReportReason.DUPLICATE, duplicate_of=keep
    )
    elsewhere = ActorReportFactory(reason=ReportReason.DUPLICATE, duplicate_of=duplicate)
    vote = ModerationVote.objects.create(actor=duplicate, voter=UserFactory(), choice="exists")
    change = ActorChange.objects.create(actor=duplicate, proposed={"telephone": "03"})
    earlier = ActorFactory(status=ActorStatus.ARCHIVED, merged_into=duplicate)

    result = services.actors_merge(
        keep=keep, duplicate=duplicate, acting_user=moderator, reason="Même boulangerie."
    )

    assert result.pk == keep.pk
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (ActorStatus.ARCHIVED, keep)
    assert set(keep.owners.all()) == {keep_owner, owner}
    assert list(duplicate.owners.all()) == []
    assert {s.slug for s in keep.sectors.all()} == {"alimentation", "boulangerie"}
    assert {s.slug for s in keep.skills.all()} == {s.slug for s in duplicate.skills.all()}
    assert list(keep.labels.all()) == list(duplicate.labels.all())
    assert list(keep.tags.all()) == list(duplicate.tags.all())
    assert (keep.telephone, keep.website) == ("03 20 00 00 00", "https://fournee.example.org")
    assert keep.opening_hours == "Tu-Sa 07:00-13:00"  # kept: only empty fields are filled
    assert (keep.latitude, keep.longitude, keep.geocode_status) == (
        Decimal("50.630000"),
        Decimal("3.060000"),
        GeocodeStatus.ADDRESS,
    )
    assert "bakery" in keep.search_text
    moved.refresh_from_db()
    said_so.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (moved.actor, moved.status) == (keep, ReportStatus.OPEN)
    assert (said_so.actor, said_so.status) == (duplicate, ReportStatus.RESOLVED)
    assert elsewhere.duplicate_of == keep
    assert ModerationVote.objects.get(pk=vote.pk).actor == duplicate  # opinions stay
    change.refresh_from_db()
    assert change.status == ChangeStatus.WITHDRAWN
    assert Actor.objects.get(pk=earlier.pk).merged_into == keep
    decision = ModerationDecision.objects.get(actor=duplicate)
    assert (decision.outcome, decision.reason) == (DecisionOutcome.MERGED, "Même boulangerie.")
    event = Event.objects.get(verb="directory.actors_merged")
    assert event.data["duplicate"] == duplicate.pk
    assert event.data["owners_added"] == [owner.pk]
    assert event.data["terms_added"]["sectors"] == ["boulangerie"]
    assert event.data["fields_filled"] == [
        "telephone",
        "website",
        "latitude",
        "longitude",
        "geocode_status",
    ]
    assert event.data["reports_moved"] == [moved.pk]
    assert event.data["reports_resolved"] == [said_so.pk]
    title = "« Boulangerie La Fournée » was merged into « La Fournée »"
    assert decided_titles(owner) == [title]
    assert decided_titles(keep_owner) == [title]
    assert Notification.objects.get(recipient=reporter).title == (
        "Your report on « Boulangerie La Fournée »"
    )


def test_merge_handlers_of_other_apps_run_inside_the_merge(pair, moderator):
    keep, duplicate, _owner = pair
    seen = []

    def move(*, keep, duplicate, acting_user):
        seen.append((keep.pk, duplicate.pk, duplicate.status, acting_user))
        return {"moved": 2}

    merging.register_merge_handler("test_rows", move=move, describe=lambda **kw: ["2 rows"])
    try:
        services.actors_merge(keep=keep, duplicate=duplicate, acting_user=moderator, reason="x")
    finally:
        merging.unregister_merge_handler("test_rows")

    assert seen == [(keep.pk, duplicate.pk, ActorStatus.PENDING, moderator)]
    event = Event.objects.get(verb="directory.actors_merged")
    assert event.data["elsewhere"]["test_rows"] == {"moved": 2}


def test_a_handler_that_fails_undoes_the_whole_merge(pair, moderator, owner):
    keep, duplicate, _keep_owner = pair

    def move(**kwargs):
        raise ValidationError("refused by the test")

    merging.register_merge_handler("test_fails", move=move)
    try:
        with pytest.raises(ValidationError):
            services.actors_merge(keep=keep, duplicate=duplicate, acting_user=moderator, reason="x")
    finally:
        merging.unregister_merge_handler("test_fails")

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (ActorStatus.PENDING, None)
    assert list(duplicate.owners.all()) == [owner]
    assert not ModerationDecision.objects.exists()


def test_refused_merges_change_nothing(moderator):
    live = ActorFactory()
    cases = [
        (live, live, "same"),
        (ActorFactory(status=ActorStatus.ARCHIVED), ActorFactory(), "keep_not_live"),
        (ActorFactory(), ActorFactory(status=ActorStatus.REJECTED), "duplicate_not_live"),
        (ActorFactory(), ActorFactory(status=ActorStatus.ARCHIVED, merged_into=live), None),
        (ActorFactory(pending=True), ActorFactory(), "keep_pending"),
    ]
    for keep, duplicate, code in cases:
        before = list(Actor.objects.order_by("pk").values_list("pk", "status", "merged_into"))
        with pytest.raises(ValidationError) as error:
            services.actors_merge(keep=keep, duplicate=duplicate, acting_user=moderator, reason="x")
        assert error.value.code == (code or "already_merged")
        after = list(Actor.objects.order_by("pk").values_list("pk", "status", "merged_into"))
        assert after == before
    assert not ModerationDecision.objects.exists()


def test_merging_is_for_moderators_with_a_reason(pair, moderator, owner):
    keep, duplicate, _keep_owner = pair
    with pytest.raises(PermissionDenied):
        services.actors_merge(keep=keep, duplicate=duplicate, acting_user=owner, reason="x")
    with pytest.raises(ValidationError) as error:
        services.actors_merge(keep=keep, duplicate=duplicate, acting_user=moderator, reason=" ")
    assert list(error.value.message_dict) == ["reason"]
    assert Actor.objects.get(pk=duplicate.pk).status == ActorStatus.PENDING


# --- Freshness ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2025, 3, 31, 8, tzinfo=UTC), 1, datetime(2025, 2, 28, 8, tzinfo=UTC)),
        (datetime(2024, 3, 31, 8, tzinfo=UTC), 1, datetime(2024, 2, 29, 8, tzinfo=UTC)),
        (datetime(2025, 6, 15, 8, tzinfo=UTC), 12, datetime(2024, 6, 15, 8, tzinfo=UTC)),
        (datetime(2025, 1, 10, 8, tzinfo=UTC), 13, datetime(2023, 12, 10, 8, tzinfo=UTC)),
    ],
)
def test_months_before(moment, months, expected):
    assert months_before(moment, months) == expected


def _age(actor, days: int) -> None:
    Actor.objects.filter(pk=actor.pk).update(updated_at=timezone.now() - timedelta(days=days))


def test_owners_of_a_stale_entry_are_reminded_once(owner, django_capture_on_commit_callbacks):
    stale = ActorFactory(name="Vélo Cité", owners=[owner])
    co_owner = UserFactory(language="en")
    stale.owners.add(co_owner)
    _age(stale, 400)
    recent = ActorFactory(owners=[UserFactory()])
    _age(recent, 300)
    orphan = ActorFactory()
    _age(orphan, 400)
    hidden = ActorFactory(pending=True, owners=[UserFactory()])
    _age(hidden, 400)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.freshness_remind() == 1
    assert services.freshness_remind() == 0

    reminders = Notification.objects.filter(kind=services.FRESHNESS_KIND)
    assert sorted(n.recipient_id for n in reminders) == sorted([owner.pk, co_owner.pk])
    notification = reminders.get(recipient=owner)
    assert notification.title == "Is « Vélo Cité » still accurate?"
    assert stale.get_absolute_url() in notification.body
    assert notification.url in (f"/annuaire/{stale.slug}/", f"/annuaire/{stale.slug}/modifier/")
    stale.refresh_from_db()
    assert stale.freshness_reminded_at is not None
    assert timezone.now() - stale.updated_at > timedelta(days=399)  # the reminder is no update
    assert Event.objects.filter(verb="directory.freshness_reminded").count() == 1


def test_confirming_an_entry_starts_a_new_year(owner):
    actor = ActorFactory(owners=[owner])
    _age(actor, 400)
    assert services.freshness_remind() == 1

    services.actor_confirm_fresh(actor=actor, acting_user=owner)
    actor.refresh_from_db()
    assert timezone.now() - actor.updated_at < timedelta(minutes=1)
    assert services.freshness_remind() == 0
    later = timezone.now() + timedelta(days=400)
    assert services.freshness_remind(now=later) == 1
    assert Notification.objects.filter(kind=services.FRESHNESS_KIND).count() == 2
    assert Event.objects.filter(verb="directory.actor_confirmed_fresh", actor=owner).count() == 1


def test_only_owners_confirm_an_entry_is_still_accurate(owner, moderator):
    actor = ActorFactory(owners=[owner])
    _age(actor, 400)
    before = Actor.objects.get(pk=actor.pk).updated_at
    for user in (UserFactory(), moderator, None):
        with pytest.raises(PermissionDenied):
            services.actor_confirm_fresh(actor=actor, acting_user=user)
    assert Actor.objects.get(pk=actor.pk).updated_at == before


def test_the_freshness_delay_comes_from_the_settings(owner):
    actor = ActorFactory(owners=[owner])
    _age(actor, 100)
    assert services.freshness_remind() == 0
    ModerationSettings.objects.update_or_create(pk=1, defaults={"freshness_months": 3})
    assert services.freshness_remind() == 1


def test_the_daily_command_and_task(owner):
    for _ in range(2):
        _age(ActorFactory(owners=[owner]), 400)
    out = StringIO()
    call_command("directory_freshness", stdout=out)
    assert out.getvalue() == "directory_freshness: 2 entries reminded\n"
    _age(ActorFactory(owners=[owner]), 400)
    assert send_freshness_reminders.call() == 1
    queued = StringIO()
    call_command("directory_freshness", "--enqueue", stdout=queued)
    assert queued.getvalue().startswith("directory_freshness: task queued (")


# --- At once, on PostgreSQL ---------------------------------------------------------------------


@pytest.mark.postgres
def test_two_last_opinions_at_once_publish_once(pg):
    submitter = UserFactory()
    actor = ActorFactory(pending=True, submitted_by=submitter)
    for _ in range(2):
        services.vote_cast(actor=actor, acting_user=UserFactory(), choice=VoteChoice.EXISTS)
    voters = [UserFactory(), UserFactory()]

    results = race(
        *[
            (lambda v=v: services.vote_cast(actor=actor, acting_user=v, choice=VoteChoice.EXISTS))
            for v in voters
        ]
    )

    done = [r for r in results if isinstance(r, services.VoteResult)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(done), len(refused)) == (1, 1), results
    assert refused[0].code == "decided"
    assert done[0].decision is not None
    assert Actor.objects.get(pk=actor.pk).status == ActorStatus.PUBLISHED
    assert ModerationDecision.objects.filter(actor=actor).count() == 1
    assert ModerationVote.objects.filter(actor=actor).count() == 3
    assert Notification.objects.filter(recipient=submitter).count() == 1


@pytest.mark.postgres
def test_two_merges_of_the_same_pair_at_once_never_deadlock(pg):
    moderator = moderator_user()
    a, b = ActorFactory(), ActorFactory()

    results = race(
        lambda: services.actors_merge(keep=a, duplicate=b, acting_user=moderator, reason="x"),
        lambda: services.actors_merge(keep=b, duplicate=a, acting_user=moderator, reason="y"),
    )

    merged = [r for r in results if isinstance(r, Actor)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(merged), len(refused)) == (1, 1), results
    assert refused[0].code in ("already_merged", "keep_not_live")
    kept = merged[0]
    other = b if kept.pk == a.pk else a
    other.refresh_from_db()
    assert (other.status, other.merged_into_id) == (ActorStatus.ARCHIVED, kept.pk)
    assert ModerationDecision.objects.filter(outcome=DecisionOutcome.MERGED).count() == 1


@pytest.mark.postgres
def test_two_freshness_runs_at_once_remind_once(pg):
    owner = UserFactory()
    actors = [ActorFactory(owners=[owner]) for _ in range(5)]
    for actor in actors:
        _age(actor, 400)

    results = race(services.freshness_remind, services.freshness_remind)

    assert all(isinstance(r, int) for r in results) and sum(results) == 5, results
    assert Notification.objects.filter(recipient=owner).count() == 5


# --- Personal data ------------------------------------------------------------------------------


def test_opinions_and_reports_are_exported_and_their_comments_erased():
    from coops.accounts.personal_data import personal_data_sources
    from coops.accounts.services import user_erase
    from coops.directory import moderation_personal_data

    member = UserFactory()
    pending = ActorFactory(pending=True, name="Fournil", slug="fournil")
    published = ActorFactory(name="Vélo Cité", slug="velo-cite")
    vote = services.vote_cast(
        actor=pending, acting_user=member, choice=VoteChoice.EXISTS, comment="Vu ouvert."
    ).vote
    report = services.report_create(
        actor=published, acting_user=member, reason=ReportReason.WRONG_INFORMATION, comment="Tél."
    )
    source = next(s for s in personal_data_sources() if s.name == "directory_moderation")

    assert (source.export, source.erase) == (
        moderation_personal_data.export,
        moderation_personal_data.erase,
    )
    assert source.export(member) == {
        "opinions": [
            {
                "actor": "Fournil",
                "actor_slug": "fournil",
                "opinion": "exists",
                "comment": "Vu ouvert.",
                "given_at": vote.created_at.isoformat(),
                "changed_at": vote.updated_at.isoformat(),
            }
        ],
        "reports": [
            {
                "actor": "Vélo Cité",
                "actor_slug": "velo-cite",
                "reason": "wrong_info",
                "comment": "Tél.",
                "status": "open",
                "reported_at": report.created_at.isoformat(),
            }
        ],
    }

    user_erase(user=member, acting_user=member)

    vote.refresh_from_db()
    report.refresh_from_db()
    assert (vote.voter_id, vote.choice, vote.comment) == (member.pk, VoteChoice.EXISTS, "")
    assert (report.reporter_id, report.reason, report.comment) == (member.pk, "wrong_info", "")
