"""A moderator imports a partner's spreadsheet on a phone: upload, mapping guessed from
the French column names, dry run with its counts and report, then the real import.
No CSP refusal, no serious accessibility issue."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coops.accounts.tests.factories import UserFactory
from coops.directory.demo_imports import DEMO_IMPORT_CSV
from coops.directory.models import Actor, ImportJob, ImportStatus
from coops.directory.taxonomy import load_taxonomy
from coops.tests.browser.conftest import axe_check, console_problems, tr

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_moderator_imports_a_spreadsheet(transactional_db, new_page, sign_in_as):
    load_taxonomy()
    moderator = UserFactory(is_staff=True)
    page = new_page(viewport=PHONE)
    sign_in_as(page, moderator)

    page.goto("/annuaire/")
    page.get_by_role("link", name=tr("Imports of open data")).click()
    page.get_by_role("link", name=tr("Import a file")).click()
    page.locator("#id_file").set_input_files(str(DEMO_IMPORT_CSV))
    page.locator("#id_source").fill("tiers-lieux-hdf")
    axe_check(page)
    page.get_by_role("button", name=tr("Read the file")).click()
    page.wait_for_load_state()

    expect(page.locator("#id_field_name")).to_have_value("Nom")
    expect(page.locator("#id_field_postcode")).to_have_value("Code postal")
    axe_check(page)
    page.get_by_role("button", name=tr("Dry run")).click()
    page.wait_for_load_state()

    counts = page.locator("[data-testid=preview-counts]")
    expect(counts.locator("div", has_text=tr("New entries"))).to_contain_text("19")
    expect(counts.locator("div", has_text=tr("Invalid rows (not imported)"))).to_contain_text("1")
    expect(page.locator("[data-testid=import-errors]")).to_contain_text("12345678900000")
    assert Actor.objects.count() == 0
    axe_check(page)

    page.get_by_role("button", name=tr("Import these rows")).click()
    page.wait_for_load_state()

    expect(page.locator("[data-testid=result-counts]")).to_contain_text("19")
    assert ImportJob.objects.get().status == ImportStatus.DONE
    assert Actor.objects.filter(source="tiers-lieux-hdf").count() == 19
    axe_check(page)
    assert console_problems(page) == []
