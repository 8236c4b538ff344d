"""The groups API: visible groups, their members, joining; with session and token auth."""

import pytest
from django.test import Client

from conftest import PERSONAS
from coops.api.tests.conftest import make_token
from coops.groups.models import Group, GroupKind, GroupModule, JoinPolicy, Membership, Visibility
from coops.groups.tests.factories import GroupFactory, MembershipFactory

from .helpers import fr

pytestmark = pytest.mark.django_db

BASE = "/api/v1/groups"


def _members_only(group: Group) -> None:
    Group.objects.filter(pk=group.pk).update(visibility=Visibility.MEMBERS)


def _memberships(group: Group) -> list[tuple]:
    return sorted(Membership.objects.filter(group=group).values_list("user_id", "role", "status"))


@pytest.mark.parametrize("who", PERSONAS)
def test_list_shows_the_groups_the_caller_may_see(personas, who):
    _members_only(personas.group)
    response = personas.client(who).get(f"{BASE}/")
    assert response.status_code == 200
    body = response.json()
    slugs = [item["slug"] for item in body["items"]]
    if who in ("anonymous", "other_member"):
        assert (body["count"], slugs) == (1, ["groupe-local-roubaix"])
    else:
        assert (body["count"], slugs) == (2, ["amap-des-weppes", "groupe-local-roubaix"])


def test_list_item_shape_filters_and_pages(client, personas):
    network = GroupFactory(name="Réseau", slug="reseau", kind=GroupKind.NETWORK, city="Lille")
    Group.objects.filter(pk=personas.group.pk).update(parent=network)
    body = client.get(f"{BASE}/", {"kind": "local", "q": "weppes"}).json()
    assert body == {
        "count": 1,
        "items": [
            {
                "slug": "amap-des-weppes",
                "name": "AMAP des Weppes",
                "kind": "local",
                "parent": "reseau",
                "city": "",
                "description": "Un groupe local du réseau.",
                "visibility": "public",
                "join_policy": "open",
                "member_count": 3,
            }
        ],
    }
    assert client.get(f"{BASE}/", {"q": "lille"}).json()["count"] == 1
    page2 = client.get(f"{BASE}/", {"page": 2, "page_size": 2}).json()
    assert (page2["count"], [i["slug"] for i in page2["items"]]) == (3, ["reseau"])
    assert client.get(f"{BASE}/", {"kind": "castle"}).status_code == 422


def test_hidden_parent_is_not_named(client, personas):
    secret = GroupFactory(slug="secret", visibility=Visibility.MEMBERS)
    Group.objects.filter(pk=personas.group.pk).update(parent=secret)
    body = client.get(f"{BASE}/amap-des-weppes/").json()
    assert body["parent"] is None


@pytest.mark.parametrize("who", PERSONAS)
def test_detail_of_a_members_only_group(personas, who, test_modules):
    _members_only(personas.group)
    GroupModule.objects.create(group=personas.group, module="notes")
    response = personas.client(who).get(f"{BASE}/amap-des-weppes/")
    if who in ("anonymous", "other_member"):
        assert response.status_code == 404
        assert response.json() == {"detail": fr("Not found, or visible to members only.")}
        return
    assert response.status_code == 200
    assert response.json() == {
        "slug": "amap-des-weppes",
        "name": "AMAP des Weppes",
        "kind": "local",
        "parent": None,
        "city": "",
        "description": "Un groupe local du réseau.",
        "visibility": "members",
        "join_policy": "open",
        "member_count": 3,
        "time_zone": "Europe/Paris",
        "modules": [
            {
                "name": "notes",
                "label": "Shared notes",
                "description": "Notes the members write together.",
            }
        ],
    }


def test_unknown_group_is_404(client, db):
    assert client.get(f"{BASE}/nowhere/").status_code == 404
    assert client.get(f"{BASE}/nowhere/members/").status_code == 404


@pytest.mark.parametrize("who", PERSONAS)
def test_members_endpoint(personas, who):
    response = personas.client(who).get(f"{BASE}/amap-des-weppes/members/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(m["name"], m["role"]) for m in body["items"]] == [
        (personas.admin.public_name, "admin"),
        (personas.organiser.public_name, "organiser"),
        (personas.member.public_name, "member"),
    ]
    assert all(m["joined_at"] for m in body["items"])


@pytest.mark.parametrize("who", PERSONAS)
def test_members_of_a_members_only_group(personas, who):
    _members_only(personas.group)
    response = personas.client(who).get(f"{BASE}/amap-des-weppes/members/")
    assert response.status_code == (404 if who in ("anonymous", "other_member") else 200)


def test_members_are_paginated(client, personas):
    for _ in range(60):
        MembershipFactory(group=personas.group)
    first = client.get(f"{BASE}/amap-des-weppes/members/").json()
    assert (first["count"], len(first["items"])) == (63, 50)
    second = client.get(f"{BASE}/amap-des-weppes/members/", {"page": 2}).json()
    assert len(second["items"]) == 13


@pytest.mark.parametrize("who", PERSONAS)
def test_join_matrix(personas, who):
    before = _memberships(personas.group)
    response = personas.client(who).post(
        f"{BASE}/amap-des-weppes/join/", {}, content_type="application/json"
    )
    if who == "anonymous":
        assert response.status_code == 401
        assert _memberships(personas.group) == before
    elif who == "other_member":
        assert response.status_code == 200
        assert response.json()["group"] == "amap-des-weppes"
        assert (response.json()["role"], response.json()["status"]) == ("member", "active")
        assert Membership.objects.get(group=personas.group, user=personas.other_member).is_active
    else:
        assert response.status_code == 409
        assert response.json() == {"detail": fr("You are already a member of this group.")}
        assert _memberships(personas.group) == before


def test_join_on_request_with_a_token(personas):
    Group.objects.filter(pk=personas.group.pk).update(join_policy=JoinPolicy.REQUEST)
    client = Client(headers={"Authorization": f"Bearer {make_token(personas.other_member)}"})
    response = client.post(
        f"{BASE}/amap-des-weppes/join/",
        {"message": "Bonjour, je cultive des pommes."},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["joined_at"]) == ("pending", None)
    m = Membership.objects.get(group=personas.group, user=personas.other_member)
    assert m.request_message == "Bonjour, je cultive des pommes."
    again = client.post(f"{BASE}/amap-des-weppes/join/", {}, content_type="application/json")
    assert again.status_code == 409
    assert again.json() == {"detail": fr("You have already asked to join this group.")}


def test_join_refusals(personas):
    client = personas.client("other_member")
    Group.objects.filter(pk=personas.group.pk).update(join_policy=JoinPolicy.INVITE)
    before = _memberships(personas.group)
    response = client.post(f"{BASE}/amap-des-weppes/join/", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": fr("You cannot join this group yourself; ask an organiser for an invitation.")
    }
    _members_only(personas.group)
    response = client.post(f"{BASE}/amap-des-weppes/join/", {}, content_type="application/json")
    assert response.status_code == 404
    Group.objects.filter(pk=personas.group.pk).update(
        visibility=Visibility.PUBLIC, join_policy=JoinPolicy.REQUEST
    )
    response = client.post(
        f"{BASE}/amap-des-weppes/join/", {"message": "x" * 1001}, content_type="application/json"
    )
    assert response.status_code == 422
    assert _memberships(personas.group) == before
