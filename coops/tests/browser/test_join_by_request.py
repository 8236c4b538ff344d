"""Joining a group "on request": the organiser accepts, the requester hears of it."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from coops.accounts.tests.factories import PASSWORD, UserFactory
from coops.groups.models import JoinPolicy, Membership, MembershipStatus, Role, Visibility
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.notifications.models import Notification
from coops.tests.browser.conftest import console_problems, login, tr, unread_badge, wait_for_email

pytestmark = pytest.mark.browser

GROUP = "Commission énergie citoyenne"
MESSAGE = "Je monte une centrale solaire villageoise et j’aimerais participer."


def test_request_to_join_is_accepted_by_an_organiser(new_page):
    group = GroupFactory(
        name=GROUP,
        slug="commission-energie",
        visibility=Visibility.PUBLIC,
        join_policy=JoinPolicy.REQUEST,
    )
    organiser = MembershipFactory(
        group=group,
        role=Role.ORGANISER,
        user=UserFactory(email="organiser@example.org", display_name="Camille Organise"),
    ).user
    requester = UserFactory(email="sami@example.org", display_name="Sami Benali")

    # The requester asks to join, with a message.
    page = new_page()
    login(page, requester.email, PASSWORD)
    page.goto("/g/commission-energie/")
    form = page.locator("main form[action='/g/commission-energie/join/']")
    form.get_by_label(tr("Message to the organisers")).fill(MESSAGE)
    form.get_by_role("button", name=tr("Ask to join")).click()

    expect(page).to_have_url("/g/commission-energie/")
    expect(page.locator("main .messages")).to_contain_text(
        tr("Your request has been sent to the group's organisers.")
    )
    expect(page.locator("main [data-testid=pending]")).to_have_text(
        tr("Your request to join is pending: an organiser will answer it.")
    )
    membership = Membership.objects.get(group=group, user=requester)
    assert (membership.status, membership.request_message) == (MembershipStatus.PENDING, MESSAGE)
    assert membership.joined_at is None

    # The organiser is told, and accepts from the member management page.
    organiser_page = new_page()
    login(organiser_page, organiser.email, PASSWORD)
    expect(unread_badge(organiser_page)).to_have_text("1")
    asked = Notification.objects.get(recipient=organiser)
    assert (asked.kind, asked.title) == (
        "group.join_requested",
        tr("%(name)s asks to join %(group)s", name="Sami Benali", group=GROUP),
    )
    organiser_page.goto("/g/commission-energie/")
    organiser_page.get_by_role("link", name=tr("Manage members")).click()
    expect(organiser_page).to_have_url("/g/commission-energie/members/manage/")
    request_card = organiser_page.locator(f"#request-{membership.pk}")
    expect(request_card.locator("strong")).to_have_text("Sami Benali")
    expect(request_card.locator("blockquote")).to_have_text(MESSAGE)
    sent_before = len(mail.outbox)
    # The button's name includes the person's name for screen readers.
    request_card.get_by_role("button", name=f"{tr('Accept')} Sami Benali").click()

    # htmx swaps the card for a confirmation, without leaving the page.
    notice = organiser_page.locator(f"#request-{membership.pk} [role=status]")
    expect(notice).to_have_text(tr("%(name)s is now a member.", name="Sami Benali"))
    expect(organiser_page).to_have_url("/g/commission-energie/members/manage/")
    membership.refresh_from_db()
    assert (membership.status, membership.role) == (MembershipStatus.ACTIVE, Role.MEMBER)
    assert membership.decided_by == organiser
    assert membership.joined_at is not None
    organiser_page.reload()
    expect(organiser_page.locator(f"#request-{membership.pk}")).to_have_count(0)
    expect(organiser_page.locator(f"#member-{membership.pk} td").first).to_have_text("Sami Benali")

    # The requester sees the answer in the bell, the list and their mailbox.
    accepted_title = tr("Your request to join %(group)s was accepted", group=GROUP)
    email = wait_for_email("sami@example.org", after=sent_before)
    assert accepted_title in email.subject + email.body
    page.goto("/")
    expect(unread_badge(page)).to_have_text("1")
    page.locator("header a.bell").click()
    item = page.locator("main [data-testid=notification]")
    expect(item).to_have_count(1)
    expect(item.locator("h2")).to_have_text(accepted_title)
    item.locator("h2 a").click()
    expect(page).to_have_url("/g/commission-energie/")
    expect(page.get_by_role("button", name=tr("Leave this group"))).to_be_visible()
    expect(unread_badge(page)).to_have_count(0)

    # No page of the journey broke the CSP or threw a script error.
    assert console_problems(page) == []
    assert console_problems(organiser_page) == []
