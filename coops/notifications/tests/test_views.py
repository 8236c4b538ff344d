import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS
from coops.notifications.models import Frequency, Notification, NotificationPreference

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
LIST_URL = "/notifications/"


def _snapshot():
    return list(
        Notification.objects.order_by("pk").values_list("pk", "recipient_id", "read_at")
    ) + list(
        NotificationPreference.objects.order_by("pk").values_list("user_id", "kind", "frequency")
    )


def _titles(html: str) -> list[str]:
    return re.findall(r'<a href="/notifications/\d+/open/">([^<]*)</a>', html)


def _login_redirect(response, next_url):
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={next_url}"


@pytest.fixture
def own_notifications(personas):
    """One notification per signed-in persona, titled after them."""
    return {
        who: NotificationFactory(recipient=getattr(personas, who), title=f"Pour {who}")
        for who in SIGNED_IN
    }


def test_urls():
    assert reverse("notifications:list") == "/notifications/"
    assert reverse("notifications:open", kwargs={"pk": 7}) == "/notifications/7/open/"
    assert reverse("notifications:preferences") == "/notifications/preferences/"
    assert reverse("notifications:unsubscribe", kwargs={"token": "t"}) == (
        "/notifications/unsubscribe/t/"
    )


# --- list --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_list_shows_only_your_own_notifications(personas, own_notifications, who):
    response = personas.client(who).get(LIST_URL)
    if who == "anonymous":
        _login_redirect(response, LIST_URL)
        return
    assert response.status_code == 200
    assert _titles(response.content.decode()) == [f"Pour {who}"]


def test_list_is_newest_first_with_unread_highlighted(client):
    user = NotificationFactory(title="Ancienne", read_at=timezone.now()).recipient
    NotificationFactory(recipient=user, title="Récente")
    client.force_login(user)
    html = client.get(LIST_URL).content.decode()

    assert _titles(html) == ["Récente", "Ancienne"]
    classes = re.findall(r'<article class="([^"]*)" data-testid="notification"', html)
    assert classes == ["card unread", "card"]
    assert 'data-testid="read-all"' in html


def test_list_is_paginated_by_thirty(client):
    user = NotificationFactory(title="n00").recipient
    for i in range(1, 31):
        NotificationFactory(recipient=user, title=f"n{i:02d}")
    client.force_login(user)

    first = client.get(LIST_URL).content.decode()
    second = client.get(LIST_URL + "?page=2").content.decode()

    assert _titles(first) == [f"n{i:02d}" for i in range(30, 0, -1)]
    assert _titles(second) == ["n00"]
    assert "Page 2 sur 2" in second


def test_empty_list_says_so(client, user):
    client.force_login(user)
    html = client.get(LIST_URL).content.decode()
    assert 'data-testid="no-notifications"' in html
    assert 'data-testid="read-all"' not in html


# --- mark all as read --------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_mark_all_read_touches_only_your_own(personas, own_notifications, who):
    before = {n.pk: n.read_at for n in Notification.objects.all()}
    response = personas.client(who).post(reverse("notifications:read_all"))
    after = dict(Notification.objects.values_list("pk", "read_at"))

    if who == "anonymous":
        _login_redirect(response, reverse("notifications:read_all"))
        assert after == before
        return
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    mine = own_notifications[who].pk
    assert after[mine] is not None
    assert {pk: at for pk, at in after.items() if pk != mine} == {
        pk: at for pk, at in before.items() if pk != mine
    }


def test_mark_all_read_needs_post(client, user):
    NotificationFactory(recipient=user)
    client.force_login(user)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    assert Notification.objects.unread().count() == 1


def test_mark_all_read_says_how_many(client, user):
    NotificationFactory.create_batch(2, recipient=user)
    client.force_login(user)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "2 notifications marquées comme lues." in response.content.decode()


# --- open --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_open_is_for_the_recipient_only(personas, who):
    notification = NotificationFactory(recipient=personas.member, url="/g/amap-des-weppes/")
    url = reverse("notifications:open", kwargs={"pk": notification.pk})
    before = _snapshot()

    response = personas.client(who).get(url)

    notification.refresh_from_db()
    if who == "member":
        assert response.status_code == 302
        assert response["Location"] == "/g/amap-des-weppes/"
        assert notification.read_at is not None
        return
    if who == "anonymous":
        _login_redirect(response, url)
    else:
        assert response.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("stored", ["https://evil.example/", "//evil.example/", "", "/\\evil"])
def test_open_never_leaves_the_site(client, stored):
    notification = NotificationFactory(url=stored)
    client.force_login(notification.recipient)
    response = client.get(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_open_keeps_the_first_read_time(client):
    read_at = timezone.now() - timezone.timedelta(days=2)
    notification = NotificationFactory(read_at=read_at)
    client.force_login(notification.recipient)
    client.get(reverse("notifications:open", kwargs={"pk": notification.pk}))
    notification.refresh_from_db()
    assert notification.read_at == read_at


def test_open_unknown_notification_is_404(client, user):
    client.force_login(user)
    assert client.get("/notifications/999999/open/").status_code == 404


# --- bell --------------------------------------------------------------------------------


def _bell(html: str) -> str:
    match = re.search(r'<a class="bell".*?</a>', html, re.S)
    assert match, html
    return " ".join(match.group(0).split())


@pytest.mark.parametrize("who", PERSONAS)
def test_header_shows_your_unread_count(personas, who):
    if who != "anonymous":
        me = getattr(personas, who)
        NotificationFactory.create_batch(2, recipient=me)
        NotificationFactory(recipient=me, read_at=timezone.now())
    NotificationFactory.create_batch(5, recipient=personas.other_member)
    html = personas.client(who).get("/").content.decode()

    if who == "anonymous":
        assert 'class="bell"' not in html
    elif who == "other_member":
        assert '<span class="badge" data-testid="unread-count">7</span>' in html
    else:
        assert '<span class="badge" data-testid="unread-count">2</span>' in html
        assert 'aria-label="Notifications : 2 non lues"' in html


def test_no_badge_without_unread(client, user):
    NotificationFactory(recipient=user, read_at=timezone.now())
    client.force_login(user)
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()


@pytest.mark.parametrize("who", PERSONAS)
def test_bell_fragment(personas, own_notifications, who):
    response = personas.client(who).get(reverse("notifications:bell"))
    if who == "anonymous":
        assert response.status_code == 204
        assert response.content == b""
        return
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    assert '<span class="badge" data-testid="unread-count">1</span>' in html
    assert 'hx-get="/notifications/bell/"' in html


def test_bell_fragment_matches_the_header(client, user):
    """The polled fragment replaces the header's bell: both must render the same element."""
    NotificationFactory.create_batch(3, recipient=user)
    client.force_login(user)
    page = client.get(LIST_URL).content.decode()
    fragment = client.get(reverse("notifications:bell")).content.decode()
    assert _bell(fragment) == _bell(page)
    assert 'hx-trigger="every 60s"' in _bell(page)


# --- preferences -------------------------------------------------------------------------


PREFS_URL = "/notifications/preferences/"
ALL_KINDS = [
    "group.join_requested",
    "group.member_joined",
    "group.request_decided",
    "group.role_changed",
    "group.member_removed",
]


def _post_data(default="daily", **kinds):
    data = {"default": default}
    for kind in ALL_KINDS:
        data[kind] = kinds.get(kind.replace(".", "_"), "")
    return data


@pytest.mark.parametrize("who", PERSONAS)
def test_preferences_change_only_your_own(personas, who):
    before = _snapshot()
    response = personas.client(who).post(
        PREFS_URL, _post_data(default="daily", group_member_joined="off")
    )
    if who == "anonymous":
        _login_redirect(response, PREFS_URL)
        assert _snapshot() == before
        return
    assert response.status_code == 302
    assert response["Location"] == PREFS_URL
    me = getattr(personas, who)
    assert list(NotificationPreference.objects.values_list("user_id", "kind", "frequency")) == [
        (me.pk, "", Frequency.DAILY),
        (me.pk, "group.member_joined", Frequency.OFF),
    ]


def test_preferences_page_lists_every_registered_kind(client, user):
    client.force_login(user)
    html = client.get(PREFS_URL).content.decode()
    for label in [
        "Demandes d’adhésion à un groupe",
        "Nouveaux membres",
        "Réponses à vos demandes",
        "Votre rôle dans un groupe",
        "Retrait d’un groupe",
    ]:
        assert label in html
    for kind in ALL_KINDS:
        assert f'name="{kind}"' in html


def test_preferences_show_what_is_saved_and_follow_default_clears_a_row(client, user):
    NotificationPreference.objects.create(user=user, kind="", frequency=Frequency.OFF)
    NotificationPreference.objects.create(
        user=user, kind="group.role_changed", frequency=Frequency.DAILY
    )
    client.force_login(user)
    html = client.get(PREFS_URL).content.decode()
    assert re.search(r'<select name="default"[^>]*>.*?<option value="off" selected>', html, re.S)
    assert re.search(
        r'<select name="group.role_changed"[^>]*>.*?<option value="daily" selected>', html, re.S
    )

    client.post(PREFS_URL, _post_data(default="immediate"))
    assert list(NotificationPreference.objects.values_list("kind", "frequency")) == [
        ("", Frequency.IMMEDIATE)
    ]


def test_saving_untouched_preferences_keeps_kind_defaults(client, user, daily_kind):
    client.force_login(user)
    response = client.get(PREFS_URL)
    form = response.context["form"]
    assert form.initial["default"] == "immediate"
    assert form.initial[daily_kind.name] == "daily"
    assert form.initial["group.member_joined"] == ""


def test_invalid_preferences_change_nothing(client, user):
    client.force_login(user)
    response = client.post(PREFS_URL, _post_data(default="hourly"))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert NotificationPreference.objects.count() == 0


@pytest.mark.parametrize("who", PERSONAS)
def test_preferences_page_shows_your_own_settings(personas, who):
    for persona in SIGNED_IN:
        NotificationPreference.objects.create(
            user=getattr(personas, persona),
            kind="",
            frequency=Frequency.DAILY if persona == who else Frequency.OFF,
        )
    response = personas.client(who).get(PREFS_URL)
    if who == "anonymous":
        _login_redirect(response, PREFS_URL)
        return
    assert response.status_code == 200
    assert response.context["form"].initial["default"] == Frequency.DAILY
