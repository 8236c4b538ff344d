"""Submitting an entry on a phone: the live checks (SIRET, address, duplicates) answer
as the person types, the duplicate must be acknowledged, the entry ends up pending.
Then an owner's edit of a published entry waits for a moderator, who accepts it. No CSP
refusal, no serious accessibility issue."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from coops.accounts.tests.factories import UserFactory
from coops.directory.models import Actor, ActorChange, ActorStatus, ChangeStatus
from coops.directory.tests.factories import ActorFactory, SectorFactory
from coops.tests.browser.conftest import axe_check, console_problems, offline_tiles, tr

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def directory(transactional_db):
    food = SectorFactory(slug="alimentation", name="Alimentation", name_en="Food")
    bread = SectorFactory(slug="boulangerie", name="Boulangerie", name_en="Bakery", parent=food)
    twin = ActorFactory(name="Fournil Central", slug="fournil-central", siret="73282932000074")
    return {"bread": bread, "twin": twin}


def test_a_member_submits_an_entry_with_live_checks(directory, new_page, sign_in_as):
    person = UserFactory()
    page = new_page(viewport=PHONE)
    sign_in_as(page, person)
    page.goto("/annuaire/proposer/")

    page.locator("#id_name").fill("Le Fournil des Weppes")
    page.get_by_label(tr("Craft business")).check()
    siret = page.locator("#id_siret")
    siret.fill("732829320")
    expect(page.locator("#id_siret_check")).to_have_text(
        "… " + tr("SIREN valid — add the 5 digits of the establishment (NIC) for the SIRET.")
    )
    siret.fill("73282932000074")
    expect(page.locator("#id_siret_check")).to_have_text(
        "✓ " + tr("SIRET valid: %(siret)s.", siret="732 829 320 00074")
    )
    page.locator("#id_postcode").fill("59000")
    page.locator("#id_city").fill("Lille")
    page.locator("#id_city").press("Tab")
    expect(page.locator("#address-check")).to_have_text(
        "✓ " + tr("Found: %(place)s, town centre.", place="Lille (59000)")
    )
    duplicates = page.locator("[data-testid=duplicates]")
    expect(duplicates).to_contain_text("Fournil Central")
    expect(duplicates).to_contain_text(tr("Same SIRET"))

    page.locator("summary", has_text="Alimentation").click()
    page.get_by_label("Boulangerie", exact=True).check()
    axe_check(page)

    page.get_by_role("button", name=tr("Submit the entry for review")).click()
    page.wait_for_load_state()
    expect(page.locator("[data-testid=error-summary]")).to_be_visible()
    assert Actor.objects.count() == 1  # only the twin: the duplicate is to acknowledge

    page.locator("#id_not_duplicate_check").check()
    page.get_by_role("button", name=tr("Submit the entry for review")).click()
    page.wait_for_url("**/annuaire/proposer/merci/**")
    expect(page.locator("[data-testid=pending-message]")).to_be_visible()
    actor = Actor.objects.get(name="Le Fournil des Weppes")
    assert (actor.status, actor.submitted_by, actor.siret) == (
        ActorStatus.PENDING,
        person,
        "73282932000074",
    )
    assert [s.slug for s in actor.sectors.all()] == ["boulangerie"]
    assert console_problems(page) == []


def test_an_owners_edit_waits_for_a_moderator_who_accepts_it(directory, new_page, sign_in_as):
    owner = UserFactory()
    actor = ActorFactory(
        name="Le Fournil", slug="le-fournil", owners=[owner], sectors=[directory["bread"]]
    )
    judge = UserFactory()
    judge.user_permissions.add(Permission.objects.get(codename="moderate_actor"))

    page = offline_tiles(new_page(viewport=PHONE))
    sign_in_as(page, owner)
    page.goto("/annuaire/le-fournil/")
    page.get_by_test_id("edit-link").click()
    expect(page.get_by_test_id("reviewed-notice")).to_be_visible()
    page.locator("#id_name").fill("Le Grand Fournil")
    page.get_by_role("button", name=tr("Propose these changes")).click()
    page.wait_for_url("**/annuaire/modifications/**")
    expect(page.get_by_test_id("change-diff")).to_contain_text("Le Grand Fournil")
    axe_check(page)
    actor.refresh_from_db()
    assert actor.name == "Le Fournil"

    review = offline_tiles(new_page())
    sign_in_as(review, judge)
    review.goto("/annuaire/le-fournil/")
    review.get_by_test_id("pending-change").get_by_role("link").click()
    expect(review.get_by_test_id("decision-form")).to_be_visible()
    axe_check(review)
    review.get_by_role("button", name=tr("Accept the change")).click()
    review.wait_for_load_state()
    expect(review.get_by_test_id("change-status")).to_contain_text(tr("Accepted"))
    actor.refresh_from_db()
    assert actor.name == "Le Grand Fournil"
    assert ActorChange.objects.get().status == ChangeStatus.ACCEPTED
    assert console_problems(page) == [] and console_problems(review) == []
