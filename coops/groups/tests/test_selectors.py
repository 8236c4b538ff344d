"""Reads: pages cost a fixed number of queries, whatever the number of members or groups."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coops.accounts.models import User
from coops.groups import selectors
from coops.groups.models import Group, GroupKind, Membership, Role, Visibility
from coops.groups.tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _add_members(group: Group, count: int, start: int = 0) -> None:
    users = User.objects.bulk_create(
        User(email=f"bulk{start + n}@example.org", display_name=f"Membre {start + n}")
        for n in range(count)
    )
    now = timezone.now()
    Membership.objects.bulk_create(
        Membership(group=group, user=user, role=Role.MEMBER, joined_at=now) for user in users
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["anonymous", "member", "admin"])
def test_group_page_queries_do_not_grow_with_members(personas, who):
    group = personas.group
    GroupFactory(parent=group, name="Commission")
    client = personas.client(who)
    url = group.get_absolute_url()
    _add_members(group, 7)  # with the personas: 10 members
    assert group.memberships.count() == 10
    with_ten = _queries(client, url)
    _add_members(group, 990, start=100)
    assert group.memberships.count() == 1000
    with_a_thousand = _queries(client, url)
    assert with_ten == with_a_thousand


def test_list_page_queries_do_not_grow_with_groups(client, db):
    network = GroupFactory(kind=GroupKind.NETWORK)
    for _ in range(3):
        GroupFactory(parent=network)
    # Filtered on kind, the network itself is never on the page: its name is fetched once.
    url = reverse("groups:list") + "?kind=local"
    few = _queries(client, url)
    for _ in range(40):
        child = GroupFactory(parent=network)
        MembershipFactory(group=child)
    assert _queries(client, url) == few


def test_manage_page_queries_do_not_grow_with_members(personas):
    client = personas.client("organiser")
    url = reverse("groups:members", kwargs={"slug": personas.group.slug})
    _add_members(personas.group, 7)
    few = _queries(client, url)
    _add_members(personas.group, 200, start=100)
    assert _queries(client, url) == few


def test_attach_paths_keeps_visible_ancestors_root_first(personas):
    root = GroupFactory(name="Racine")
    hidden = GroupFactory(name="Cachée", parent=root, visibility=Visibility.MEMBERS)
    leaf = GroupFactory(name="Feuille", parent=hidden)
    selectors.attach_paths([leaf], user=personas.other_member)
    assert leaf.path == [root]
    MembershipFactory(group=hidden, user=personas.other_member)
    selectors.attach_paths([leaf], user=personas.other_member)
    assert leaf.path == [root, hidden]


def test_members_ordered_puts_admins_then_organisers_first(personas):
    MembershipFactory(group=personas.group, role=Role.ORGANISER)
    roles = [m.role for m in selectors.members_ordered(personas.group)]
    assert roles == ["admin", "organiser", "organiser", "member"]


def test_home_groups_still_lists_networks_and_my_groups(personas):
    network = GroupFactory(kind=GroupKind.NETWORK, name="Réseau")
    MembershipFactory(group=network, user=personas.member)
    data = selectors.home_groups(user=personas.member)
    assert [g.name for g in data["networks"]] == ["Réseau"]
    assert [(g.name, g.member_count) for g in data["my_groups"]] == [
        ("AMAP des Weppes", 3),
        ("Réseau", 1),
    ]
