import pytest
from django.test import Client
from django.utils import timezone

from conftest import PERSONAS
from coops.accounts.models import ApiToken
from coops.api.api import api
from coops.notifications.models import Notification

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/notifications"


def _read_state():
    return dict(Notification.objects.values_list("pk", "read_at"))


def _token_client(user) -> Client:
    key = ApiToken.generate_key()
    ApiToken.objects.create(
        user=user, name="test", key_prefix=key[:10], key_hash=ApiToken.hash_key(key)
    )
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def mine(personas):
    """Per signed-in persona: one unread, one read notification."""
    result = {}
    for who in [p for p in PERSONAS if p != "anonymous"]:
        user = getattr(personas, who)
        result[who] = (
            NotificationFactory(recipient=user, title=f"{who} non lue", url="/g/a/"),
            NotificationFactory(recipient=user, title=f"{who} lue", read_at=timezone.now()),
        )
    return result


@pytest.mark.parametrize("who", PERSONAS)
def test_list_returns_only_your_notifications(personas, mine, who):
    response = personas.client(who).get(f"{BASE}/")
    if who == "anonymous":
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentification requise."}
        return
    assert response.status_code == 200
    unread, _read = mine[who]
    body = response.json()
    assert body["count"] == 2
    assert body["page"] == 1
    assert body["page_size"] == 30
    assert [item["title"] for item in body["items"]] == [f"{who} lue", f"{who} non lue"]
    item = body["items"][1]
    assert item == {
        "id": unread.pk,
        "kind": "group.member_joined",
        "title": f"{who} non lue",
        "body": "",
        "url": "/g/a/",
        "group": None,
        "created_at": item["created_at"],
        "read_at": None,
        "unread": True,
    }


def test_list_unread_filter_and_pages(personas, mine):
    client = personas.client("member")
    for i in range(3):
        NotificationFactory(recipient=personas.member, title=f"extra {i}")

    unread = client.get(f"{BASE}/?unread=true").json()
    assert unread["count"] == 4
    assert all(item["unread"] for item in unread["items"])

    page = client.get(f"{BASE}/?page=2&page_size=2").json()
    assert page["count"] == 5
    assert [item["title"] for item in page["items"]] == ["extra 0", "member lue"]

    assert client.get(f"{BASE}/?page_size=101").status_code == 422
    assert client.get(f"{BASE}/?page=0").status_code == 422


@pytest.mark.parametrize("who", PERSONAS)
def test_read_one_is_for_the_recipient_only(personas, mine, who):
    target = mine["member"][0]
    before = _read_state()

    response = personas.client(who).post(f"{BASE}/{target.pk}/read/")

    after = _read_state()
    if who == "member":
        assert response.status_code == 200
        assert response.json()["id"] == target.pk
        assert response.json()["unread"] is False
        assert after[target.pk] is not None
        assert {k: v for k, v in after.items() if k != target.pk} == {
            k: v for k, v in before.items() if k != target.pk
        }
        return
    assert response.status_code == (401 if who == "anonymous" else 404)
    assert after == before


def test_read_unknown_is_404(personas):
    response = personas.client("member").post(f"{BASE}/999999/read/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Introuvable, ou visible des membres seulement."}


@pytest.mark.parametrize("who", PERSONAS)
def test_read_all_marks_only_yours(personas, mine, who):
    before = _read_state()
    response = personas.client(who).post(f"{BASE}/read-all/")
    after = _read_state()
    if who == "anonymous":
        assert response.status_code == 401
        assert after == before
        return
    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    unread, _read = mine[who]
    assert after[unread.pk] is not None
    changed = {pk for pk in after if after[pk] != before[pk]}
    assert changed == {unread.pk}


def test_token_clients_get_their_own_notifications(personas, mine):
    client = _token_client(personas.organiser)
    body = client.get(f"{BASE}/").json()
    assert {item["title"] for item in body["items"]} == {"organiser non lue", "organiser lue"}
    assert client.post(f"{BASE}/read-all/").json() == {"marked": 1}


def test_schema_declares_the_error_answers():
    paths = api.get_openapi_schema()["paths"]
    listing = paths["/api/v1/notifications/"]["get"]["responses"]
    one = paths["/api/v1/notifications/{notification_id}/read/"]["post"]["responses"]
    every = paths["/api/v1/notifications/read-all/"]["post"]["responses"]
    assert {"200", "401"} <= set(map(str, listing))
    assert {"200", "401", "404"} <= set(map(str, one))
    assert {"200", "401"} <= set(map(str, every))
