"""axe-core (WCAG 2.1 A and AA) on every main page, as the person who would see it.

A serious or critical violation fails the test and names the rule and the elements.
The API docs page is a third-party UI and is left out.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coops.accounts.tests.factories import UserFactory
from coops.groups import services as group_services
from coops.groups.models import GroupKind, JoinPolicy, Role, Visibility
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.notifications.tests.factories import NotificationFactory
from coops.tests.browser.conftest import axe_check, console_problems, form_with, submit, tr

pytestmark = pytest.mark.browser


@pytest.fixture
def network(transactional_db):
    """A small network with something on every page: a request, an invitation, news."""
    parent = GroupFactory(
        name="Réseau des AMAP des Hauts-de-France", slug="reseau-amap", kind=GroupKind.NETWORK
    )
    group = GroupFactory(
        name="AMAP des Weppes",
        slug="amap-des-weppes",
        parent=parent,
        kind=GroupKind.FOOD_HUB,
        visibility=Visibility.PUBLIC,
        join_policy=JoinPolicy.REQUEST,
        city="Lille",
        description="Des paniers de légumes bio chaque jeudi.\n\nDistribution à la ferme.",
    )
    GroupFactory(name="Atelier conserves", slug="atelier-conserves", parent=group)
    admin = MembershipFactory(
        group=group, role=Role.ADMIN, user=UserFactory(display_name="Alix Admin")
    ).user
    MembershipFactory(group=group, role=Role.ORGANISER, user=UserFactory(display_name="Oscar"))
    member = MembershipFactory(group=group, user=UserFactory(display_name="Maya Membre")).user
    requester = UserFactory(display_name="Sami Benali")
    group_services.membership_join(
        group=group, acting_user=requester, message="Je voudrais un panier le jeudi."
    )
    invitation = group_services.invitation_create(
        group=group, email="nouvelle@example.org", role=Role.MEMBER, acting_user=admin
    )
    NotificationFactory(
        recipient=member, title="Oscar a rejoint AMAP des Weppes", url="/g/amap-des-weppes/"
    )
    NotificationFactory(
        recipient=member,
        title="Votre demande pour rejoindre AMAP des Weppes a été acceptée",
        body="Bienvenue !",
        url="/g/amap-des-weppes/",
        group=group,
    )
    return {
        "anonymous": None,
        "member": member,
        "admin": admin,
        "staff": UserFactory(display_name="Équipe du site", is_staff=True),
        "invitee": UserFactory(email="nouvelle@example.org", display_name="Nour"),
        "invitation": invitation,
    }


GROUP = {"slug": "amap-des-weppes"}
PAGES = [
    ("anonymous", "home", {}),
    ("anonymous", "groups:list", {}),
    ("anonymous", "groups:detail", GROUP),
    ("anonymous", "account_signup", {}),
    ("anonymous", "account_login", {}),
    ("anonymous", "account_reset_password", {}),
    ("member", "home", {}),
    ("member", "groups:list", {}),
    ("member", "groups:detail", GROUP),
    ("member", "accounts:profile", {}),
    ("member", "notifications:list", {}),
    ("member", "notifications:preferences", {}),
    ("admin", "groups:detail", GROUP),
    ("admin", "groups:members", GROUP),
    ("admin", "groups:settings", GROUP),
]


@pytest.mark.parametrize(
    ("who", "url_name", "kwargs"), PAGES, ids=[f"{w}-{u}" for w, u, _ in PAGES]
)
def test_page_has_no_serious_accessibility_issue(network, page, sign_in_as, who, url_name, kwargs):
    if network[who] is not None:
        sign_in_as(page, network[who])

    response = page.goto(reverse(url_name, kwargs=kwargs))

    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("main h1")).to_have_count(1)
    # The CSP refuses inline scripts and styles: a page relying on them shows errors.
    assert console_problems(page) == []
    axe_check(page)


SECONDARY_PAGES = [
    ("anonymous", "account_email_verification_sent", {}),
    ("anonymous", "account_reset_password_done", {}),
    ("member", "account_email", {}),
    ("member", "account_change_password", {}),
    ("staff", "groups:create", {}),
    ("invitee", "groups:invitation", {"token": None}),
]


@pytest.mark.parametrize(
    ("who", "url_name", "kwargs"),
    SECONDARY_PAGES,
    ids=[f"{w}-{u}" for w, u, _ in SECONDARY_PAGES],
)
def test_secondary_page_has_no_serious_accessibility_issue(
    network, page, sign_in_as, who, url_name, kwargs
):
    if network[who] is not None:
        sign_in_as(page, network[who])
    if "token" in kwargs:
        kwargs = {"token": network["invitation"].token}

    response = page.goto(reverse(url_name, kwargs=kwargs))

    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("main h1")).to_have_count(1)
    assert console_problems(page) == []
    axe_check(page)


def test_styled_404_has_no_serious_accessibility_issue(page):
    response = page.goto("/g/does-not-exist/")

    assert response.status == 404
    axe_check(page)


def test_signup_errors_are_accessible(page):
    page.goto(reverse("account_signup"))
    form = form_with(page, "password1")
    form.locator("input[name=email]").fill("pas-une-adresse")
    form.locator("input[name=password1]").fill("court")
    password2 = form.locator("input[name=password2]")
    if password2.count():
        password2.fill("autre")
    # Skip the browser's own checks to reach the server's messages.
    page.evaluate("() => document.querySelectorAll('form').forEach((f) => f.noValidate = true)")
    submit(form)

    invalid = page.locator("main [aria-invalid=true]")
    expect(invalid.first).to_be_visible()
    # Each invalid field points to its message.
    for i in range(invalid.count()):
        described_by = invalid.nth(i).get_attribute("aria-describedby") or ""
        assert described_by, f"field {invalid.nth(i).get_attribute('name')} has no description"
        messages = " ".join(
            page.locator(f"[id='{ref}']").inner_text() for ref in described_by.split()
        )
        assert messages.strip()
    axe_check(page)


def test_login_error_is_accessible(page):
    UserFactory(email="maya@example.org")
    page.goto(reverse("account_login"))
    form = form_with(page, "login")
    form.locator("input[name=login]").fill("maya@example.org")
    form.locator("input[name=password]").fill("pas le bon mot de passe")
    submit(form)

    expect(page).to_have_url(reverse("account_login"))
    expect(page.locator("main .errorlist, main [role=alert]").first).to_be_visible()
    axe_check(page)


def test_member_management_after_an_htmx_swap_stays_accessible(network, page, sign_in_as):
    sign_in_as(page, network["admin"])
    page.goto(reverse("groups:members", kwargs=GROUP))
    page.get_by_role("button", name=f"{tr('Accept')} Sami Benali").click()
    expect(page.locator("main [id^=request-] [role=status]")).to_have_count(1)

    axe_check(page)
