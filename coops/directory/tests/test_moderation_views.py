"""Collaborative moderation, the pages: who may open and post each of them (every persona,
a moderator, the entry's owner; a denied request changes nothing), and what each shows
and does."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS
from coops.accounts.tests.factories import UserFactory
from coops.directory.models import (
    Actor,
    ActorChange,
    ActorReport,
    ActorStatus,
    ModerationDecision,
    ModerationVote,
    ReportReason,
    ReportStatus,
    VoteChoice,
)
from coops.directory.tests.factories import (
    ActorFactory,
    ActorReportFactory,
    ModerationVoteFactory,
    moderator_user,
)

pytestmark = pytest.mark.django_db

WHO = [*PERSONAS, "moderator", "owner"]
LOGIN = reverse("account_login")


@pytest.fixture
def owner():
    return UserFactory(language="en")


@pytest.fixture
def moderator():
    return moderator_user(language="en")


def client_for(personas, who: str, owner=None, moderator=None) -> Client:
    if who in ("owner", "moderator"):
        client = Client()
        client.force_login(owner if who == "owner" else moderator)
        return client
    return personas.client(who)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def to_login(response) -> bool:
    return response.status_code == 302 and response.url.startswith(LOGIN)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def posted(client: Client, url: str, data: dict) -> tuple[str, list[str]]:
    """Post, follow the redirect (so the messages shown are used up); return where it
    led and the messages it showed."""
    response = client.post(url, data, follow=True)
    return response.redirect_chain[-1][0], texts(response)


def snapshot() -> tuple:
    """Everything the moderation pages may write."""
    return (
        list(Actor.objects.order_by("pk").values_list("pk", "status", "merged_into", "updated_at")),
        list(ModerationVote.objects.order_by("pk").values_list("pk", "choice")),
        list(ModerationDecision.objects.order_by("pk").values_list("pk", "outcome")),
        list(ActorReport.objects.order_by("pk").values_list("pk", "status", "actor")),
    )


# --- Authorisation: every page, every persona ----------------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_review_page_authorisation(personas, owner, moderator, who):
    response = client_for(personas, who, owner, moderator).get(reverse("directory:review"))

    if who == "anonymous":
        assert to_login(response)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("who", WHO)
def test_vote_authorisation(personas, owner, moderator, who):
    actor = ActorFactory(pending=True, owners=[owner])
    before = snapshot()

    response = client_for(personas, who, owner, moderator).post(
        reverse("directory:vote", args=[actor.slug]), {"choice": VoteChoice.EXISTS}
    )

    if who == "anonymous":
        assert to_login(response)
    elif who == "owner":
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert ModerationVote.objects.get().choice == VoteChoice.EXISTS
        return
    assert snapshot() == before


@pytest.mark.parametrize("who", WHO)
def test_no_vote_on_a_published_entry(personas, owner, moderator, who):
    actor = ActorFactory(owners=[owner])
    before = snapshot()

    response = client_for(personas, who, owner, moderator).post(
        reverse("directory:vote", args=[actor.slug]), {"choice": VoteChoice.EXISTS}
    )

    assert to_login(response) if who == "anonymous" else response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", WHO)
def test_no_vote_on_a_rejected_entry_they_cannot_see(personas, owner, moderator, who):
    actor = ActorFactory(status=ActorStatus.REJECTED, owners=[owner])
    before = snapshot()

    response = client_for(personas, who, owner, moderator).post(
        reverse("directory:vote", args=[actor.slug]), {"choice": VoteChoice.EXISTS}
    )

    expected = {"anonymous": 302, "owner": 403, "moderator": 403}.get(who, 404)
    assert response.status_code == expected
    assert snapshot() == before


MODERATOR_PAGES = ["moderation", "decide", "merge"]


@pytest.mark.parametrize("page", MODERATOR_PAGES)
@pytest.mark.parametrize("who", WHO)
def test_moderator_pages_authorisation(personas, owner, moderator, who, page):
    actor = ActorFactory(pending=True, owners=[owner])
    url = reverse(f"directory:{page}", args=[] if page == "moderation" else [actor.slug])

    response = client_for(personas, who, owner, moderator).get(url)

    if who == "anonymous":
        assert to_login(response)
    else:
        assert response.status_code == (200 if who == "moderator" else 403)


@pytest.mark.parametrize("who", WHO)
def test_deciding_authorisation(personas, owner, moderator, who):
    actor = ActorFactory(pending=True, owners=[owner])
    before = snapshot()

    response = client_for(personas, who, owner, moderator).post(
        reverse("directory:decide", args=[actor.slug]),
        {"outcome": ActorStatus.PUBLISHED, "reason": "Vérifié."},
    )

    if who == "moderator":
        assert response.status_code == 302
        assert Actor.objects.get(pk=actor.pk).status == ActorStatus.PUBLISHED
        return
    assert to_login(response) if who == "anonymous" else response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", WHO)
def test_merging_authorisation(personas, owner, moderator, who):
    keep = ActorFactory(name="Gardée")
    duplicate = ActorFactory(pending=True, owners=[owner])
    before = snapshot()

    response = client_for(personas, who, owner, moderator).post(
        reverse("directory:merge", args=[duplicate.slug]),
        {"keep": keep.slug, "reason": "Doublon."},
    )

    if who == "moderator":
        assert response.status_code == 302
        assert Actor.objects.get(pk=duplicate.pk).merged_into == keep
        return
    assert to_login(response) if who == "anonymous" else response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", WHO)
def test_handling_a_report_authorisation(personas, owner, moderator, who):
    report = ActorReportFactory(actor=ActorFactory(owners=[owner]))
    before = snapshot()

    response = client_for(personas, who, owner, moderator).post(
        reverse("directory:report_handle", args=[report.pk]),
        {"outcome": ReportStatus.DISMISSED, "reason": "Rien à changer."},
    )

    if who == "moderator":
        assert response.status_code == 302
        assert ActorReport.objects.get(pk=report.pk).status == ReportStatus.DISMISSED
        return
    assert to_login(response) if who == "anonymous" else response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", WHO)
def test_reporting_authorisation(personas, owner, moderator, who):
    actor = ActorFactory(owners=[owner])
    client = client_for(personas, who, owner, moderator)
    url = reverse("directory:report", args=[actor.slug])

    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ReportReason.DOES_NOT_EXIST})

    assert response.status_code == 302
    assert response.url == actor.get_absolute_url()
    user = {"owner": owner, "moderator": moderator, "anonymous": None}.get(who)
    if who in PERSONAS and who != "anonymous":
        user = getattr(personas, who)
    assert ActorReport.objects.get().reporter == user


@pytest.mark.parametrize("status", [ActorStatus.PENDING, ActorStatus.REJECTED])
@pytest.mark.parametrize("who", WHO)
def test_unpublished_entries_cannot_be_reported(personas, owner, moderator, who, status):
    actor = ActorFactory(status=status, owners=[owner])
    client = client_for(personas, who, owner, moderator)
    url = reverse("directory:report", args=[actor.slug])

    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": ReportReason.DOES_NOT_EXIST}).status_code == 404
    assert not ActorReport.objects.exists()


@pytest.mark.parametrize("who", WHO)
def test_confirming_freshness_authorisation(personas, owner, moderator, who):
    actor = ActorFactory(owners=[owner])
    Actor.objects.filter(pk=actor.pk).update(updated_at=timezone.now() - timedelta(days=400))
    before = snapshot()

    response = client_for(personas, who, owner, moderator).post(
        reverse("directory:confirm_fresh", args=[actor.slug])
    )

    if who == "owner":
        assert response.status_code == 302
        assert timezone.now() - Actor.objects.get(pk=actor.pk).updated_at < timedelta(minutes=1)
        return
    assert to_login(response) if who == "anonymous" else response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("review", []),
        ("moderation", []),
        ("vote", ["x"]),
        ("report_handle", [1]),
        ("confirm_fresh", ["x"]),
    ],
)
def test_each_page_answers_only_its_methods(moderator, name, args):
    actor = ActorFactory(slug="x", pending=name == "vote")
    ActorReportFactory(actor=actor)
    url = reverse(f"directory:{name}", args=args)
    client = logged_in(moderator)
    before = snapshot()

    if name in ("review", "moderation"):
        assert client.post(url).status_code == 405
    else:
        assert client.get(url).status_code == 405
    assert snapshot() == before


# --- Members: the entries to check and their opinion ---------------------------------------------


def test_the_review_page_lists_what_the_member_can_check():
    member = UserFactory(language="en")
    mine = ActorFactory(pending=True, name="La mienne", submitted_by=member)
    first = ActorFactory(pending=True, name="Atelier Vélo", website="https://velo.example.org")
    second = ActorFactory(pending=True, name="Épicerie du Coin")
    ModerationVoteFactory(actor=ActorFactory(pending=True, name="Déjà vue"), voter=member)

    response = logged_in(member).get(reverse("directory:review"))
    html = response.content.decode()

    assert [a.name for a, _form in response.context["entries"]] == [second.name, first.name]
    assert "2 entries wait for your opinion." in html
    assert mine.name not in html and "Déjà vue" not in html
    assert html.count('data-testid="vote-form"') == 2
    assert f'id="vote-{first.pk}-choice_0"' in html
    assert f'id="vote-{second.pk}-choice_0"' in html
    assert "https://velo.example.org" in html
    for label in (
        "Does not exist",
        "Exists, but with wrong information",
        "Exists",
        "Exists, and the information is right",
        "Does not respect the charter",
    ):
        assert f"{label}</label>" in html


def test_nothing_to_review():
    html = logged_in(UserFactory(language="en")).get(reverse("directory:review")).content
    assert "Nothing to check for now" in html.decode()


def test_an_opinion_is_recorded_then_changed():
    member = UserFactory(language="en")
    actor = ActorFactory(pending=True, name="Atelier Vélo")
    client = logged_in(member)
    url = reverse("directory:vote", args=[actor.slug])

    first = posted(client, url, {"choice": VoteChoice.EXISTS, "comment": "Vu samedi."})
    again = posted(
        client, url, {"choice": VoteChoice.WRONG_INFORMATION, "next": actor.get_absolute_url()}
    )

    assert first == (
        reverse("directory:review"),
        ["Thank you: your opinion on « Atelier Vélo » is recorded."],
    )
    assert again == (actor.get_absolute_url(), ["Your opinion on « Atelier Vélo » is changed."])
    vote = ModerationVote.objects.get()
    assert (vote.voter, vote.choice, vote.comment) == (member, VoteChoice.WRONG_INFORMATION, "")


def test_the_opinion_that_publishes_says_so():
    actor = ActorFactory(pending=True, name="Atelier Vélo")
    for choice in (VoteChoice.EXISTS, VoteChoice.EXISTS):
        ModerationVoteFactory(actor=actor, choice=choice)

    response = logged_in(UserFactory(language="en")).post(
        reverse("directory:vote", args=[actor.slug]), {"choice": VoteChoice.EXISTS}
    )

    assert texts(response) == [
        "Thank you: your opinion on « Atelier Vélo » is recorded.",
        "With your opinion, « Atelier Vélo » is now published.",
    ]
    assert Actor.objects.get(pk=actor.pk).status == ActorStatus.PUBLISHED


def test_an_opinion_without_a_choice_records_nothing():
    actor = ActorFactory(pending=True)
    response = logged_in(UserFactory(language="en")).post(
        reverse("directory:vote", args=[actor.slug]), {"choice": "perhaps"}
    )

    assert response.status_code == 302
    assert texts(response) == [
        "Select a valid choice. perhaps is not one of the available choices."
    ]
    assert not ModerationVote.objects.exists()


def test_the_next_address_must_be_on_this_site():
    actor = ActorFactory(pending=True)
    response = logged_in(UserFactory()).post(
        reverse("directory:vote", args=[actor.slug]),
        {"choice": VoteChoice.EXISTS, "next": "https://evil.example.com/"},
    )
    assert response.url == reverse("directory:review")


# --- The actor page and the list ------------------------------------------------------------------


def test_a_member_sees_a_pending_entry_with_the_opinion_box(owner):
    actor = ActorFactory(pending=True, owners=[owner])
    member = UserFactory(language="en")
    ModerationVoteFactory(actor=actor, voter=member, choice=VoteChoice.WRONG_INFORMATION)

    html = logged_in(member).get(actor.get_absolute_url()).content.decode()
    owner_html = logged_in(owner).get(actor.get_absolute_url()).content.decode()

    assert "Give your opinion" in html
    assert 'data-testid="vote-form"' in html
    assert "Your opinion: Exists, but with wrong information." in html
    assert 'value="wrong_info" required id="id_choice_1" checked' in html
    assert 'data-testid="vote-form"' not in owner_html
    assert 'data-testid="report-link"' not in html  # pending entries are not reported


def test_a_published_entry_has_a_report_link_and_moderators_their_links(moderator):
    actor = ActorFactory()

    public = Client().get(actor.get_absolute_url()).content.decode()
    moderated = logged_in(moderator).get(actor.get_absolute_url()).content.decode()

    assert f'href="/annuaire/{actor.slug}/signaler/" data-testid="report-link"' in public
    assert 'data-testid="moderation-section"' not in public
    assert f'href="/annuaire/moderation/{actor.slug}/decider/"' in moderated
    assert f'href="/annuaire/moderation/{actor.slug}/fusionner/"' in moderated


def test_owners_of_a_stale_entry_are_asked_to_confirm_it(owner):
    actor = ActorFactory(owners=[owner])
    fresh_html = logged_in(owner).get(actor.get_absolute_url()).content.decode()
    Actor.objects.filter(pk=actor.pk).update(updated_at=timezone.now() - timedelta(days=400))

    html = logged_in(owner).get(actor.get_absolute_url()).content.decode()
    member_html = logged_in(UserFactory()).get(actor.get_absolute_url()).content.decode()

    assert 'data-testid="freshness"' not in fresh_html
    assert 'data-testid="freshness"' in html
    assert f'action="/annuaire/{actor.slug}/a-jour/"' in html
    assert "Still accurate" in html
    assert 'data-testid="freshness"' not in member_html
    response = logged_in(owner).post(reverse("directory:confirm_fresh", args=[actor.slug]))
    assert texts(response) == [f"Thank you: « {actor.name} » is marked as still accurate today."]
    html = logged_in(owner).get(actor.get_absolute_url()).content.decode()
    assert 'data-testid="freshness"' not in html


def test_a_merged_entry_redirects_to_the_one_kept():
    keep = ActorFactory(slug="la-fournee")
    duplicate = ActorFactory(status=ActorStatus.ARCHIVED, merged_into=keep)

    response = Client().get(duplicate.get_absolute_url())

    assert response.status_code == 301
    assert response.url == "/annuaire/la-fournee/"


def test_the_list_links_to_the_moderation_pages(moderator):
    ActorFactory(pending=True)
    member = UserFactory(language="en")

    anonymous = Client().get("/annuaire/").content.decode()
    html = logged_in(member).get("/annuaire/").content.decode()
    moderated = logged_in(moderator).get("/annuaire/").content.decode()

    assert 'data-testid="moderation-links"' not in anonymous
    assert '<a href="/annuaire/a-verifier/">Entries to check (1)</a>' in html
    assert 'href="/annuaire/moderation/"' not in html
    assert 'href="/annuaire/moderation/">Moderation</a>' in moderated


# --- Moderators: queue, decisions, merges, reports ---------------------------------------------


def test_the_queue_shows_tabs_counts_and_entries(moderator):
    conflict = ActorFactory(pending=True, name="Conflit")
    ModerationVoteFactory(actor=conflict, choice=VoteChoice.EXISTS)
    ModerationVoteFactory(actor=conflict, choice=VoteChoice.AGAINST_CHARTER)
    ActorFactory(pending=True, name="Calme")
    reported = ActorFactory(name="Signalée")
    ActorReportFactory(actor=reported)
    client = logged_in(moderator)

    html = client.get(reverse("directory:moderation")).content.decode()
    conflicting = client.get(reverse("directory:moderation"), {"filtre": "conflicting"})
    reports = client.get(reverse("directory:moderation"), {"filtre": "reported"}).content.decode()

    assert 'aria-current="page" data-testid="tab-oldest">Oldest first <span class="count">(2)' in (
        html
    )
    assert 'data-testid="tab-reported">Reported <span class="count">(1)' in html
    assert html.count('data-testid="queue-row"') == 2
    assert [a.name for a in conflicting.context["page"].object_list] == ["Conflit"]
    assert "Conflicting opinions</li>" in conflicting.content.decode()
    assert "Signalée" in reports and "1 report</li>" in reports
    change = ActorChange.objects.create(actor=reported, proposed={"telephone": "03"})
    changes = client.get(reverse("directory:moderation"), {"filtre": "changes"}).content.decode()
    assert f'<a href="/annuaire/modifications/{change.pk}/">Signalée</a>' in changes


def test_the_decision_page_shows_the_file_and_decides(moderator, owner):
    at = {"latitude": Decimal("50.630000"), "longitude": Decimal("3.060000")}
    actor = ActorFactory(pending=True, name="Boulangerie La Fournée", owners=[owner], **at)
    ActorFactory(name="La Fournée", slug="la-fournee", **at)
    voter = UserFactory(display_name="Camille Lefebvre")
    ModerationVoteFactory(actor=actor, voter=voter, choice=VoteChoice.EXISTS, comment="Vue hier.")
    client = logged_in(moderator)
    url = reverse("directory:decide", args=[actor.slug])

    html = client.get(url).content.decode()
    refused = client.post(url, {"outcome": ActorStatus.PUBLISHED, "reason": ""})
    wrong = client.post(url, {"outcome": ActorStatus.ARCHIVED, "reason": "Non."})

    assert "<strong>Camille Lefebvre</strong> — Exists: « Vue hier. »" in html
    assert "La Fournée</a>" in html and "Similar name less than 200 m away" in html
    assert f'href="/annuaire/moderation/{actor.slug}/fusionner/?garder=la-fournee"' in html
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert wrong.status_code == 200
    assert "is not one of the available choices" in wrong.content.decode()
    assert Actor.objects.get(pk=actor.pk).status == ActorStatus.PENDING

    done = client.post(url, {"outcome": ActorStatus.REJECTED, "reason": "Déjà inscrite."})

    assert done.url == reverse("directory:moderation")
    assert texts(done) == [
        "« Boulangerie La Fournée »: Rejected. The people behind it are told why."
    ]
    assert Actor.objects.get(pk=actor.pk).status == ActorStatus.REJECTED
    assert ModerationDecision.objects.get().reason == "Déjà inscrite."
    again = client.get(url).content.decode()
    assert "Déjà inscrite." in again and 'value="published"' in again


def test_the_merge_page_previews_then_merges(moderator, owner):
    keep = ActorFactory(name="La Fournée", slug="la-fournee", telephone="")
    duplicate = ActorFactory(
        pending=True,
        name="Boulangerie La Fournée",
        email=keep.email,
        telephone="03 20 00 00 00",
        owners=[owner],
    )
    client = logged_in(moderator)
    url = reverse("directory:merge", args=[duplicate.slug])

    choose = client.get(url).content.decode()
    preview = client.get(url, {"garder": "http://testserver/annuaire/la-fournee/"})
    unknown = client.get(url, {"garder": "nobody"}).content.decode()

    assert 'href="?garder=la-fournee"' in choose and "Same email address" in choose
    assert preview.context["keep"] == keep
    html = preview.content.decode()
    assert f"Owners added: {owner.public_name}" in html
    assert "telephone filled in: 03 20 00 00 00" in html
    assert "No published or pending entry has this address or slug." in unknown

    response = client.post(url, {"keep": "la-fournee", "reason": "Même boulangerie."})

    assert response.url == "/annuaire/la-fournee/"
    assert Actor.objects.get(pk=duplicate.pk).merged_into == keep
    assert Client().get(duplicate.get_absolute_url()).status_code == 301


def test_a_refused_merge_shows_why(moderator):
    actor = ActorFactory(slug="seule")
    response = logged_in(moderator).post(
        reverse("directory:merge", args=["seule"]), {"keep": "seule", "reason": "x"}
    )
    assert response.status_code == 200
    assert "An entry cannot be merged into itself." in response.content.decode()
    assert Actor.objects.get(pk=actor.pk).status == ActorStatus.PUBLISHED


def test_a_moderator_handles_a_report_from_the_decision_page(moderator):
    actor = ActorFactory()
    report = ActorReportFactory(actor=actor, comment="Fermé le lundi.")
    client = logged_in(moderator)
    page = client.get(reverse("directory:decide", args=[actor.slug])).content.decode()
    url = reverse("directory:report_handle", args=[report.pk])

    back = reverse("directory:decide", args=[actor.slug])

    missing = posted(client, url, {"outcome": ReportStatus.RESOLVED})
    done = posted(client, url, {"outcome": ReportStatus.RESOLVED, "reason": "Corrigé."})
    twice = posted(client, url, {"outcome": ReportStatus.DISMISSED, "reason": "Encore."})

    assert f'action="/annuaire/moderation/signalements/{report.pk}/"' in page
    assert "Fermé le lundi." in page
    assert missing == (back, ["Say what to do with the report and why: the reason is required."])
    assert done == (back, ["The report is handled; its author is told why."])
    assert twice == (back, ["This report was already handled."])
    report.refresh_from_db()
    assert (report.status, report.handled_by) == (ReportStatus.RESOLVED, moderator)


# --- Reporting ---------------------------------------------------------------------------------


def test_anyone_reports_with_an_email_to_be_answered():
    actor = ActorFactory(name="Vélo Cité")
    client = Client()
    url = reverse("directory:report", args=[actor.slug])

    form = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "reason": ReportReason.WRONG_INFORMATION,
            "comment": "Le numéro a changé.",
            "email": "voisin@example.net",
        },
    )

    assert 'name="email"' in form and 'name="homepage"' in form
    assert response.url == actor.get_absolute_url()
    report = ActorReport.objects.get()
    assert (report.reporter, report.reporter_email, report.comment) == (
        None,
        "voisin@example.net",
        "Le numéro a changé.",
    )


def test_signed_in_members_are_not_asked_their_email():
    actor = ActorFactory()
    html = logged_in(UserFactory()).get(reverse("directory:report", args=[actor.slug]))
    assert 'name="email"' not in html.content.decode()


def test_a_duplicate_report_points_at_the_other_entry():
    actor = ActorFactory()
    other = ActorFactory(slug="la-vraie")
    hidden = ActorFactory(pending=True, slug="en-attente")
    url = reverse("directory:report", args=[actor.slug])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    missing = client.post(url, {"reason": ReportReason.DUPLICATE})
    itself = client.post(url, {"reason": ReportReason.DUPLICATE, "duplicate": actor.slug})
    unseen = client.post(url, {"reason": ReportReason.DUPLICATE, "duplicate": hidden.slug})
    assert not ActorReport.objects.exists()
    done = client.post(
        url,
        {
            "reason": ReportReason.DUPLICATE,
            "duplicate": "https://coops.example.org/annuaire/la-vraie/",
        },
    )

    assert "No entry of the directory has this address: check it." in missing.content.decode()
    assert "This is the address of the entry you report." in itself.content.decode()
    assert "No entry of the directory has this address" in unseen.content.decode()
    assert done.status_code == 302
    assert ActorReport.objects.get().duplicate_of == other


def test_robots_filling_the_hidden_field_are_thanked_and_ignored():
    actor = ActorFactory()
    response = Client().post(
        reverse("directory:report", args=[actor.slug]),
        {"reason": ReportReason.DOES_NOT_EXIST, "homepage": "http://spam.example.com"},
    )
    assert response.status_code == 302
    assert not ActorReport.objects.exists()


@override_settings(DIRECTORY_REPORT_RATE_LIMIT="2/m/ip")
def test_reports_are_rate_limited_per_address():
    actors = [ActorFactory() for _ in range(3)]
    client = Client()

    statuses = [
        client.post(
            reverse("directory:report", args=[a.slug]), {"reason": ReportReason.DOES_NOT_EXIST}
        ).status_code
        for a in actors
    ]
    other_address = Client(REMOTE_ADDR="192.0.2.8").post(
        reverse("directory:report", args=[actors[2].slug]), {"reason": ReportReason.DOES_NOT_EXIST}
    )

    assert statuses == [302, 302, 429]
    assert other_address.status_code == 302
    assert ActorReport.objects.count() == 3
    assert ActorReport.objects.filter(actor=actors[2]).count() == 1
