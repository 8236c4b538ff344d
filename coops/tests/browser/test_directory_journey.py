"""The directory's whole journey: a newcomer signs up and submits an entry that signs the
charter; it stays out of sight while pending; a moderator publishes it with a reason,
which reaches the newcomer; then a visitor finds it by text typed without accents, by
its sector, by distance from a town and on the map. No console error or CSP refusal,
no serious accessibility issue on the submission form and the published page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from coops.accounts.models import User
from coops.accounts.tests.factories import PASSWORD
from coops.charter.models import Signature
from coops.charter.tests.factories import published
from coops.directory.models import Actor, ActorStatus, GeocodeStatus, ModerationDecision
from coops.directory.tests.factories import ActorFactory, SectorFactory, moderator_user
from coops.notifications.models import Notification
from coops.tests.browser.conftest import (
    assert_signed_in,
    axe_check,
    console_problems,
    link_in,
    login,
    offline_tiles,
    signup,
    tr,
    unread_badge,
    wait_for_email,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
EMAIL = "nadia.benali@example.org"
NAME = "Épicerie coopérative Les Écureuils"
SEARCH = "epicerie les ecureuils"  # what a visitor types: no accent, no capital
REASON = "Épicerie vérifiée : SIRET et adresse conformes."


def found(n: int) -> str:
    """The list's result count as the site words it in French."""
    with translation.override("fr"):
        text = translation.ngettext("%(counter)s actor found", "%(counter)s actors found", n)
    return text % {"counter": n}


def search_text(page, query: str) -> None:
    form = page.locator("form#directory-search")
    form.locator("#id_q").fill(query)
    form.get_by_role("button", name=tr("Search"), exact=True).click()


def result_names(page):
    return page.locator("main .actor-cards .actor-card h3")


@pytest.fixture
def network(transactional_db):
    """A small directory around Lille, the network's charter, one moderator."""
    food = SectorFactory(slug="alimentation", name="Alimentation", name_en="Food")
    grocery = SectorFactory(slug="epicerie", name="Épicerie", name_en="Grocery", parent=food)
    bakery = SectorFactory(slug="boulangerie", name="Boulangerie", name_en="Bakery", parent=food)
    mobility = SectorFactory(slug="mobilite", name="Mobilité", name_en="Mobility")
    ActorFactory(
        name="Le Fournil de Wazemmes",
        slug="le-fournil-de-wazemmes",
        description="Pain au levain, farines locales.",
        sectors=[bakery],
    )
    ActorFactory(
        name="Vélo Cité",
        slug="velo-cite",
        description="Atelier de réparation de vélos.",
        street="",
        postcode="62000",
        city="Arras",
        department="62",
        latitude=Decimal("50.291000"),
        longitude=Decimal("2.777500"),
        sectors=[mobility],
    )
    charter = published(title="Charte du réseau")
    moderator = moderator_user(email="moderation@example.org", display_name="Karim Modère")
    return {"grocery": grocery, "charter": charter, "moderator": moderator}


def test_an_entry_from_signup_to_publication_found_four_ways(network, new_page):
    # --- 1. Nadia signs up on her phone and confirms her address.
    page = offline_tiles(new_page(viewport=PHONE))
    sent_before = len(mail.outbox)
    signup(page, EMAIL, "mon épicerie de quartier à Roubaix")
    expect(page).to_have_url("/accounts/confirm-email/")
    confirm_path = link_in(
        wait_for_email(EMAIL, after=sent_before), r"^/accounts/confirm-email/[-:\w]+/$"
    )
    page.goto(confirm_path)
    page.locator("main form[method=post] button[type=submit]:not([form])").first.click()
    page.wait_for_url(lambda url: "/accounts/confirm-email/" not in url)
    assert_signed_in(page)
    nadia = User.objects.get(email=EMAIL)
    assert EmailAddress.objects.get(user=nadia).verified is True

    # --- 2. She adds her grocery to the directory.
    page.goto("/annuaire/")
    page.get_by_role("link", name=tr("Add an entry"), exact=True).click()
    expect(page).to_have_url("/annuaire/proposer/")
    expect(page.locator("main h1")).to_have_text(tr("Add an entry to the directory"))

    page.locator("#id_name").fill(NAME)
    page.get_by_label(tr("Shop or market"), exact=True).check()
    page.locator("#id_legal_form").select_option("scic")
    siret = page.locator("#id_siret")
    siret.fill("73282932000074")
    siret.press("Tab")
    expect(page.locator("#id_siret_check")).to_have_text(
        "✓ " + tr("SIRET valid: %(siret)s.", siret="732 829 320 00074")
    )
    page.locator("#id_description").fill(
        "Épicerie de quartier en SCIC : produits locaux, vrac et prix justes."
    )
    page.locator("summary", has_text="Alimentation").click()
    page.get_by_label("Épicerie", exact=True).check()
    page.locator("#id_street").fill("12 rue de Lannoy")
    page.locator("#id_postcode").fill("59100")
    page.locator("#id_city").fill("Roubaix")
    page.locator("#id_city").press("Tab")
    expect(page.locator("#address-check")).to_have_text(
        "✓ " + tr("Found: %(place)s, town centre.", place="Roubaix (59100)")
    )
    page.locator("#id_email").fill("bonjour@ecureuils.example.org")
    page.locator("#id_website").fill("https://ecureuils.example.org")

    charter = page.get_by_test_id("charter-part")
    commitments = charter.locator("input[type=checkbox]")
    expect(commitments).to_have_count(3)
    for title in ("Des salaires justes", "Moins d'énergie", "Une personne, une voix"):
        charter.get_by_label(title, exact=True).check()
    axe_check(page)

    page.get_by_role("button", name=tr("Submit the entry for review")).click()
    page.wait_for_url("**/annuaire/proposer/merci/**")
    expect(page.get_by_test_id("pending-message")).to_have_text(
        tr(
            "%(actor)s is pending: members and moderators will review it. "
            "Until then only you and the moderators see it.",
            actor=NAME,
        )
    )
    actor = Actor.objects.get(name=NAME)
    assert (actor.status, actor.submitted_by, actor.siret, actor.legal_form, actor.kind) == (
        ActorStatus.PENDING,
        nadia,
        "73282932000074",
        "scic",
        "shop",
    )
    assert (actor.city, actor.postcode, actor.geocode_status) == (
        "Roubaix",
        "59100",
        GeocodeStatus.MUNICIPALITY,
    )
    assert (actor.latitude, actor.longitude) == (Decimal("50.694200"), Decimal("3.174600"))
    assert [s.slug for s in actor.sectors.all()] == ["epicerie"]
    signature = Signature.objects.get(actor=actor)
    assert (signature.version, signature.signed_by) == (network["charter"], nadia)
    assert signature.accepted.count() == 3

    page.get_by_role("link", name=tr("My entries"), exact=True).click()
    expect(page).to_have_url("/annuaire/mes-fiches/")
    mine = page.get_by_test_id("my-actors").locator("li.card")
    expect(mine).to_have_count(1)
    expect(mine.locator("h3")).to_have_text(NAME)
    expect(mine.locator(".tag")).to_have_text(tr("Pending moderation"))

    # A visitor does not find the pending entry, nor open its page.
    visitor = offline_tiles(new_page(viewport=PHONE))
    visitor.goto("/annuaire/")
    expect(visitor.locator("main .results-count")).to_have_text(found(2))
    search_text(visitor, NAME)
    expect(visitor.locator("main .results-count")).to_have_text(found(0))
    expect(result_names(visitor)).to_have_count(0)
    response = visitor.goto(actor.get_absolute_url())
    assert response.status == 404
    # The browser logs that 404: it is the only console message expected of the journey.
    refused = console_problems(visitor)
    assert len(refused) == 1 and "404" in refused[0] and actor.get_absolute_url() in refused[0]

    # --- 3. The moderator publishes it, with a reason.
    judge = new_page()
    login(judge, "moderation@example.org", PASSWORD)
    judge.goto("/annuaire/")
    judge.get_by_test_id("moderation-links").get_by_role(
        "link", name=tr("Moderation"), exact=True
    ).click()
    expect(judge).to_have_url("/annuaire/moderation/")
    row = judge.get_by_test_id("queue-row").filter(has_text=NAME)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Roubaix")
    row.get_by_role("link", name=NAME).click()
    expect(judge).to_have_url(f"/annuaire/moderation/{actor.slug}/decider/")
    expect(judge.get_by_test_id("status")).to_have_text(tr("Pending moderation"))
    decision = judge.get_by_test_id("decision-form")
    decision.get_by_label(tr("Publish"), exact=True).check()
    decision.get_by_label(tr("Reason")).fill(REASON)
    sent_before = len(mail.outbox)
    decision.get_by_role("button", name=tr("Record the decision")).click()
    expect(judge).to_have_url("/annuaire/moderation/")
    expect(judge.locator("main .messages")).to_contain_text(
        tr(
            "« %(name)s »: %(decision)s. The people behind it are told why.",
            name=NAME,
            decision=tr("Published"),
        )
    )
    expect(judge.get_by_test_id("queue-row")).to_have_count(0)
    actor.refresh_from_db()
    assert actor.status == ActorStatus.PUBLISHED and actor.published_at is not None
    recorded = ModerationDecision.objects.get(actor=actor)
    assert (recorded.outcome, recorded.decided_by, recorded.reason) == (
        ActorStatus.PUBLISHED,
        network["moderator"],
        REASON,
    )

    # Nadia hears of it: by email and on the site, with the reason.
    title = tr("« %(name)s » is now published in the directory", name=NAME)
    body = tr("Reason given by the moderators: %(reason)s", reason=REASON)
    notification = Notification.objects.get(recipient=nadia)
    assert (notification.kind, notification.title, notification.body) == (
        "directory.entry_decided",
        title,
        body,
    )
    email = wait_for_email(EMAIL, after=sent_before)
    assert title in email.subject
    assert REASON in email.body
    page.goto("/annuaire/mes-fiches/")
    expect(unread_badge(page)).to_have_text("1")
    expect(mine.locator(".tag")).to_have_text(tr("Published"))
    page.locator("header a.bell").click()
    item = page.get_by_test_id("notification")
    expect(item).to_have_count(1)
    expect(item.locator("h2")).to_have_text(title)
    expect(item).to_contain_text(body)

    # --- 4. A visitor finds it four ways.
    # (a) By text, typed without accents.
    visitor.goto("/annuaire/")
    expect(visitor.locator("main .results-count")).to_have_text(found(3))
    search_text(visitor, SEARCH)
    expect(visitor.locator("main .results-count")).to_have_text(found(1))
    expect(result_names(visitor)).to_have_text([NAME])

    # (b) By ticking its sector among the filters.
    visitor.goto("/annuaire/")
    expect(result_names(visitor)).to_have_count(3)
    facets = visitor.locator("#filters")
    facets.get_by_label("Épicerie (1)", exact=True).check()
    facets.get_by_role("button", name=tr("Apply the filters")).click()
    visitor.wait_for_url("**/annuaire/?*sector=epicerie*")
    expect(visitor.locator("main .results-count")).to_have_text(found(1))
    expect(result_names(visitor)).to_have_text([NAME])
    expect(facets.get_by_label("Épicerie (1)", exact=True)).to_be_checked()

    # (c) Within 15 km of Lille: 11 km away; Arras (42 km) is left out.
    visitor.goto("/annuaire/")
    form = visitor.locator("form#directory-search")
    form.locator("#id_place").fill("Lille")
    form.locator("#id_radius").fill("15")
    form.get_by_role("button", name=tr("Search"), exact=True).click()
    expect(visitor.locator("main .results-count")).to_have_text(
        found(2)
        + " · "
        + tr("within %(radius)s km of %(place)s", radius="15", place="Lille (59000)")
    )
    expect(result_names(visitor)).to_have_text(["Le Fournil de Wazemmes", NAME])
    card = visitor.locator("main .actor-card").filter(has_text=NAME)
    expect(card.locator(".distance")).to_have_text(tr("%(distance)s km away", distance="11,0"))

    # (d) On the map, with the same words: one point whose popup leads to its page.
    with visitor.expect_response(lambda r: "/annuaire/carte/donnees/" in r.url) as answer:
        visitor.goto(f"/annuaire/carte/?q={SEARCH.replace(' ', '+')}")
    data = answer.value.json()
    assert data["total"] == 1 and data["clusters"] == []
    [point] = data["points"]
    assert point[:5] == [50.6942, 3.1746, NAME, actor.slug, "Roubaix"]
    assert [data["sectors"][str(s)] for s in point[5]] == [network["grocery"].label]
    marker = visitor.locator(f".leaflet-marker-icon[title='{NAME}']")
    expect(marker).to_be_visible()
    marker.click()
    link = visitor.locator(".leaflet-popup a", has_text=NAME)
    expect(link).to_have_attribute("href", actor.get_absolute_url())
    link.click()
    expect(visitor).to_have_url(actor.get_absolute_url())
    expect(visitor.locator("main h1")).to_have_text(NAME)
    axe_check(visitor)

    assert console_problems(visitor) == refused
    assert console_problems(page) == [] and console_problems(judge) == []
