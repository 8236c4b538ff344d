"""A member who forgot their password gets a new one by email."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from coops.accounts.tests.factories import PASSWORD, UserFactory
from coops.tests.browser.conftest import (
    assert_signed_out,
    console_problems,
    form_with,
    link_in,
    login,
    submit,
    wait_for_email,
)

pytestmark = pytest.mark.browser

NEW_PASSWORD = "semis de printemps au jardin partagé"


def test_reset_password_by_email_then_log_in_with_it(page, new_page):
    user = UserFactory(email="claire@example.org")

    page.goto("/accounts/login/")
    page.locator("main a[href='/accounts/password/reset/']").click()
    expect(page).to_have_url("/accounts/password/reset/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    form = form_with(page, "email")
    form.locator("input[name=email]").fill("claire@example.org")
    sent_before = len(mail.outbox)
    submit(form)

    expect(page).to_have_url("/accounts/password/reset/done/")
    expect(page.locator("main h1")).to_have_count(1)
    message = wait_for_email("claire@example.org", after=sent_before)
    path = link_in(message, r"^/accounts/password/reset/key/[0-9A-Za-z]+-.+/$")

    page.goto(path)
    # allauth moves the key out of the URL into the session before showing the form.
    expect(page).to_have_url(
        re.compile(r"/accounts/password/reset/key/[0-9A-Za-z]+-set-password/$")
    )
    form = form_with(page, "password1")
    form.locator("input[name=password1]").fill(NEW_PASSWORD)
    form.locator("input[name=password2]").fill(NEW_PASSWORD)
    submit(form)

    expect(page).to_have_url("/accounts/password/reset/key/done/")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)

    # The link works once only.
    page.goto(path)
    expect(page.locator("main h1")).to_have_count(1)
    expect(page.locator("main input[name=password1]")).to_have_count(0)

    # The old password no longer opens the account…
    other = new_page()
    other.goto("/accounts/login/")
    form = form_with(other, "login")
    form.locator("input[name=login]").fill("claire@example.org")
    form.locator("input[name=password]").fill(PASSWORD)
    submit(form)
    expect(other).to_have_url("/accounts/login/")
    expect(other.locator("main .errorlist, main [role=alert]").first).to_be_visible()
    assert_signed_out(other)

    # …the new one does.
    login(page, "claire@example.org", NEW_PASSWORD)
    expect(page).to_have_url("/")

    # No page of the journey broke the CSP or threw a script error.
    assert console_problems(page) == []
    assert console_problems(other) == []
