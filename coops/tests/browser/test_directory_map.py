"""The directory map in a browser: clusters that open when activated, points whose popup
links to the actor, the widget's links in a new tab, the actor page's marker; no CSP
refusal, no serious accessibility issue. Tiles are answered locally (a blank image)."""

import re
from decimal import Decimal

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from coops.directory.tests.factories import ActorFactory, SectorFactory
from coops.tests.browser.conftest import BLANK_TILE, TILES, axe_check, console_problems, tr

pytestmark = pytest.mark.browser


@pytest.fixture
def territory(transactional_db):
    bread = SectorFactory(slug="boulangerie", name="Boulangerie")
    spots = [
        ("Le Fournil", "50.629200", "3.057300"),
        ("Recyclerie du Sud", "50.610000", "3.040000"),
        ("Épicerie Wazemmes", "50.625000", "3.050000"),
        ("Café Solidaire", "50.640000", "3.070000"),
        ("Vélo Cité", "50.291000", "2.777500"),
    ]
    for n, (name, lat, lon) in enumerate(spots):
        ActorFactory(
            name=name,
            slug=f"acteur-{n}",
            city="Arras" if n == 4 else "Lille",
            latitude=Decimal(lat),
            longitude=Decimal(lon),
            sectors=[bread],
        )


@pytest.fixture
def map_page(page):
    page.route(TILES, lambda route: route.fulfill(body=BLANK_TILE, content_type="image/png"))
    return page


@override_settings(MAP_MAX_POINTS=4)  # the 5 actors come as clusters, Lille's 4 as points
def test_clusters_open_into_points_that_link_to_the_actor(territory, map_page):
    page = map_page
    page.goto("/annuaire/carte/")

    status = tr("{n} actors on this part of the map.").replace("{n}", "5")
    expect(page.locator("#map-status")).to_have_text(status)
    clusters = page.locator(".map-cluster")
    expect(clusters.first).to_be_visible()
    expect(page.locator(".map-fallback")).to_have_count(0)
    several = re.escape(tr("{n} actors: zoom in")).replace(r"\{n\}", "[2-9]")
    lille = page.get_by_role("button", name=re.compile(f"^{several}$")).first
    lille.focus()
    page.keyboard.press("Enter")  # the keyboard opens a cluster too

    expect(page.locator(".leaflet-marker-icon[title='Le Fournil']")).to_be_visible()
    assert "#" in page.url  # the view is in the address, to share it
    page.locator(".leaflet-marker-icon[title='Le Fournil']").click()
    link = page.locator(".leaflet-popup a", has_text="Le Fournil")
    expect(link).to_have_attribute("href", "/annuaire/acteur-0/")
    expect(page.locator(".leaflet-popup")).to_contain_text("Lille")
    expect(page.locator(".leaflet-popup")).to_contain_text("Boulangerie")
    assert console_problems(page) == []
    axe_check(page)


def test_the_widget_opens_actors_in_a_new_tab(territory, map_page):
    page = map_page
    page.goto("/annuaire/integrer/?vue=carte&city=Arras")

    marker = page.locator(".leaflet-marker-icon[title='Vélo Cité']")
    expect(marker).to_be_visible()
    marker.click()
    link = page.locator(".leaflet-popup a", has_text="Vélo Cité")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener")
    expect(page.locator(".main-nav")).to_have_count(0)
    assert console_problems(page) == []


def test_the_actor_page_shows_its_marker(territory, map_page):
    page = map_page
    page.goto("/annuaire/acteur-0/")

    expect(page.locator(".actor-map .leaflet-marker-icon[title='Le Fournil']")).to_be_visible()
    assert console_problems(page) == []
    axe_check(page)


def test_without_javascript_the_map_points_to_the_list(territory, browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/annuaire/carte/?city=Lille")
        fallback = page.locator(".map-fallback a")
        expect(fallback).to_have_attribute("href", "/annuaire/?city=Lille")
    finally:
        context.close()
