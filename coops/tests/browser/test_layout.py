"""Pages every visitor meets: styled errors, small screens, keyboard access."""

import pytest
from playwright.sync_api import expect

from coops.accounts.tests.factories import UserFactory
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.notifications.tests.factories import NotificationFactory
from coops.tests.browser.conftest import assert_translated

pytestmark = pytest.mark.browser


def test_unknown_group_shows_the_styled_404(page):
    response = page.goto("/g/does-not-exist/")

    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("main h1")).to_have_count(1)
    expect(page.locator("main h1")).to_have_text(assert_translated("Page not found"))
    expect(page.locator("main .error-code")).to_have_text("404")
    home = page.locator("main a[href='/']")
    expect(home).to_have_text(assert_translated("Back to the home page"))
    # The site's own stylesheet is applied: the header is there and styled.
    expect(page.locator("header.site-header")).to_be_visible()
    assert page.evaluate(
        "() => [...document.styleSheets].some((s) => (s.href || '').endsWith('/coops.css'))"
    )

    home.click()
    expect(page).to_have_url("/")
    expect(page.locator("main h1")).to_have_count(1)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
def test_home_has_no_horizontal_scroll_on_a_phone(new_page, sign_in_as, signed_in):
    page = new_page(viewport={"width": 375, "height": 667})
    if signed_in:
        # A long name and an unread notification fill the header.
        member = MembershipFactory(
            group=GroupFactory(name="Coopérative funéraire du Grand Ouest"),
            user=UserFactory(display_name="Marie-Christine Delacroix-Dupont"),
        ).user
        NotificationFactory(recipient=member)
        sign_in_as(page, member)
    page.goto("/")

    expect(page.locator("main h1")).to_be_visible()
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= 375, f"the home page is {width}px wide on a 375px screen"


@pytest.mark.parametrize(
    ("signed_in", "path"), [(False, "/"), (True, "/notifications/")], ids=["anonymous", "member"]
)
def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page, sign_in_as, signed_in, path):
    if signed_in:
        member = UserFactory()
        NotificationFactory(recipient=member)
        sign_in_as(page, member)
    page.goto(path)

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className,"
        " href: document.activeElement.getAttribute('href'),"
        " text: document.activeElement.textContent.trim()})"
    )
    assert focused == {
        "cls": "skip-link",
        "href": "#main",
        "text": assert_translated("Skip to content"),
    }
    # Focused, the skip link is on screen (it is hidden only until focused).
    expect(page.locator("a.skip-link")).to_be_in_viewport()

    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    expect(page).to_have_url(f"{path}#main")
    # The next Tab lands inside the content, past the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
