"""The module registry wired into URLs: /g/<slug>/m/<module>/… for groups that enable it."""

import pytest
from django.urls import reverse

from conftest import PERSONAS
from coops.groups.models import Group, GroupKind, GroupModule, Visibility
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.groups.urls import module_urlpatterns

from .helpers import page

pytestmark = pytest.mark.django_db


def test_module_urls_are_namespaced_under_the_group(personas, test_modules):
    assert reverse("groups:notes:index", kwargs={"slug": "amap"}) == "/g/amap/m/notes/"
    assert (
        reverse("groups:notes:note", kwargs={"slug": "amap", "number": 4}) == "/g/amap/m/notes/4/"
    )


def test_modules_without_pages_are_not_mounted(test_modules):
    notes, baskets = test_modules
    patterns = module_urlpatterns([notes, baskets])
    assert [str(p.pattern) for p in patterns] == ["<slug:slug>/m/notes/"]


def test_enabled_module_serves_its_pages_with_the_group(personas, test_modules):
    GroupModule.objects.create(group=personas.group, module="notes")
    client = personas.client("member")
    response = client.get("/g/amap-des-weppes/m/notes/")
    assert (response.status_code, response.content) == (200, b"notes of amap-des-weppes")
    response = client.get("/g/amap-des-weppes/m/notes/7/")
    assert response.content == b"note 7 of amap-des-weppes"


def test_disabled_module_or_unknown_group_is_404(personas, test_modules):
    client = personas.client("admin")
    assert client.get("/g/amap-des-weppes/m/notes/").status_code == 404
    GroupModule.objects.create(group=personas.other_group, module="notes")
    assert client.get("/g/amap-des-weppes/m/notes/").status_code == 404
    assert client.get("/g/nowhere/m/notes/").status_code == 404


@pytest.mark.parametrize("who", PERSONAS)
def test_module_pages_of_a_members_only_group(personas, test_modules, who):
    Group.objects.filter(pk=personas.group.pk).update(visibility=Visibility.MEMBERS)
    GroupModule.objects.create(group=personas.group, module="notes")
    response = personas.client(who).get("/g/amap-des-weppes/m/notes/")
    expected = 404 if who in ("anonymous", "other_member") else 200
    assert response.status_code == expected


@pytest.mark.parametrize("who", PERSONAS)
def test_module_pages_of_a_public_group_are_public(personas, test_modules, who):
    GroupModule.objects.create(group=personas.group, module="notes")
    assert personas.client(who).get("/g/amap-des-weppes/m/notes/").status_code == 200


def test_group_page_lists_enabled_modules(personas, test_modules):
    hub = GroupFactory(kind=GroupKind.FOOD_HUB, slug="panier-bio")
    MembershipFactory(group=hub, user=personas.member)
    GroupModule.objects.create(group=hub, module="notes")
    GroupModule.objects.create(group=hub, module="baskets")
    GroupModule.objects.create(group=hub, module="uninstalled")
    response = personas.client("member").get(hub.get_absolute_url())
    listed = [(m.module.name, m.url) for m in response.context["modules"]]
    assert listed == [("baskets", None), ("notes", "/g/panier-bio/m/notes/")]
    html = page(response)
    assert '<a href="/g/panier-bio/m/notes/">Shared notes</a>' in html
    assert "Notes the members write together." in html
    assert "<h3>Baskets</h3>" in html
    assert "uninstalled" not in html
