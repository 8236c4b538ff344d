"""The main journey: a newcomer signs up, joins a group, the organiser hears of it,
and the newcomer then switches the site to English for good."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from coops.accounts.models import User
from coops.accounts.tests.factories import PASSWORD, UserFactory
from coops.groups.models import JoinPolicy, Membership, MembershipStatus, Role, Visibility
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.notifications.models import Notification
from coops.tests.browser.conftest import (
    assert_signed_in,
    assert_signed_out,
    assert_translated,
    console_problems,
    form_with,
    link_in,
    login,
    logout,
    signup,
    tr,
    unread_badge,
    wait_for_email,
)

pytestmark = pytest.mark.browser

EMAIL = "lea.martin@example.org"
NEW_PASSWORD = "paniers de légumes du jeudi soir"


def test_newcomer_signs_up_joins_a_group_and_switches_to_english(new_page):
    group = GroupFactory(
        name="AMAP des Weppes",
        slug="amap-des-weppes",
        visibility=Visibility.PUBLIC,
        join_policy=JoinPolicy.OPEN,
        city="Lille",
    )
    organiser = MembershipFactory(
        group=group,
        role=Role.ORGANISER,
        user=UserFactory(email="organiser@example.org", display_name="Camille Organise"),
    ).user
    page = new_page()

    # Home, in French by default.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("header a[href='/accounts/signup/']").click()
    expect(page).to_have_url("/accounts/signup/")

    # Sign up: allauth sends a confirmation link and says so.
    sent_before = len(mail.outbox)
    signup(page, EMAIL, NEW_PASSWORD)
    expect(page).to_have_url("/accounts/confirm-email/")
    expect(page.locator("main h1")).to_have_count(1)
    newcomer = User.objects.get(email=EMAIL)
    assert newcomer.language == "fr"
    assert EmailAddress.objects.filter(user=newcomer, email=EMAIL, verified=False).count() == 1
    assert_signed_out(page)

    message = wait_for_email(EMAIL, after=sent_before)
    confirm_path = link_in(message, r"^/accounts/confirm-email/[-:\w]+/$")

    # The link opens a page with a button: confirming is a POST, never a GET.
    page.goto(confirm_path)
    assert EmailAddress.objects.get(user=newcomer).verified is False
    confirm = page.locator("main form[method=post]").filter(has=page.locator("[type=submit]"))
    confirm.locator("button[type=submit]:not([form])").first.click()
    page.wait_for_url(lambda url: "/accounts/confirm-email/" not in url)
    assert_signed_in(page)
    assert EmailAddress.objects.get(user=newcomer).verified is True

    # Browse the groups and join the open one.
    page.locator("header nav a[href='/g/']").click()
    expect(page).to_have_url("/g/")
    expect(page.locator("main h1")).to_have_text(tr("Groups"))
    page.locator("main .card h2 a", has_text="AMAP des Weppes").click()
    expect(page).to_have_url("/g/amap-des-weppes/")
    expect(page.locator("main h1")).to_have_text("AMAP des Weppes")
    sent_before = len(mail.outbox)
    page.get_by_role("button", name=assert_translated("Join this group")).click()

    expect(page).to_have_url("/g/amap-des-weppes/")
    expect(page.locator("main .messages")).to_contain_text(
        tr("Welcome to %(group)s!", group="AMAP des Weppes")
    )
    membership = Membership.objects.get(group=group, user=newcomer)
    assert (membership.status, membership.role) == (MembershipStatus.ACTIVE, Role.MEMBER)
    assert membership.joined_at is not None
    expect(page.get_by_role("button", name=tr("Leave this group"))).to_be_visible()

    # The organiser, in their own browser, sees the bell count and the notification.
    organiser_page = new_page()
    login(organiser_page, organiser.email, PASSWORD)
    expect(unread_badge(organiser_page)).to_have_text("1")
    joined_title = tr(
        "%(name)s joined %(group)s", name=newcomer.public_name, group="AMAP des Weppes"
    )
    notification = Notification.objects.get(recipient=organiser)
    assert (notification.kind, notification.title) == ("group.member_joined", joined_title)
    email = wait_for_email("organiser@example.org", after=sent_before)
    assert joined_title in email.subject + email.body
    organiser_page.locator("header a.bell").click()
    expect(organiser_page).to_have_url("/notifications/")
    items = organiser_page.locator("main [data-testid=notification]")
    expect(items).to_have_count(1)
    expect(items.first.locator("h2")).to_have_text(joined_title)
    # Opening it marks it read and leads to the member management page.
    items.first.locator("h2 a").click()
    expect(organiser_page).to_have_url("/g/amap-des-weppes/members/manage/")
    expect(unread_badge(organiser_page)).to_have_count(0)
    notification.refresh_from_db()
    assert notification.read_at is not None

    # The newcomer switches to English with the header's switcher.
    page.goto("/notifications/")
    empty = "No notifications yet. When something happens in your groups, you will find it here."
    expect(page.locator("main [data-testid=no-notifications]")).to_have_text(
        assert_translated(empty)
    )
    page.locator("header form.lang-switch button[value=en]").click()
    expect(page).to_have_url("/notifications/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Notifications")
    expect(page.locator("main [data-testid=no-notifications]")).to_have_text(empty)
    expect(page.locator("header nav a[href='/g/']")).to_have_text("Groups")
    expect(page.locator("header form.lang-switch button[value=fr]")).to_have_text("Français")
    newcomer.refresh_from_db()
    assert newcomer.language == "en"
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["coops_language"] == "en"

    # English stays after a reload (cookie and profile)…
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Notifications")

    # …after logging out (the cookie stays in this browser)…
    logout(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("header a[href='/accounts/login/']")).to_have_text("Log in")

    # …and on a new device with a French browser: the profile language wins once signed in.
    elsewhere = new_page(locale="fr-FR")
    elsewhere.goto("/accounts/login/")
    expect(elsewhere.locator("html")).to_have_attribute("lang", "fr")
    form = form_with(elsewhere, "login")
    form.locator("input[name=login]").fill(EMAIL)
    form.locator("input[name=password]").fill(NEW_PASSWORD)
    form.locator("button[type=submit]:not([form])").first.click()
    elsewhere.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert_signed_in(elsewhere)
    expect(elsewhere.locator("html")).to_have_attribute("lang", "en")
    elsewhere.goto("/g/amap-des-weppes/")
    expect(elsewhere.get_by_role("button", name="Leave this group")).to_be_visible()

    # No page of the journey broke the CSP or threw a script error.
    assert console_problems(page) == []
    assert console_problems(organiser_page) == []
    assert console_problems(elsewhere) == []
