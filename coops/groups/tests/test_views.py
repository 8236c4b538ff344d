"""Group pages: what each of the five personas sees and may do, and that refusals change nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS
from coops.accounts.tests.factories import PASSWORD, UserFactory
from coops.groups import services
from coops.groups.models import (
    Group,
    GroupKind,
    GroupModule,
    Invitation,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Role,
    Visibility,
)
from coops.groups.modules import all_modules
from coops.groups.tests.factories import GroupFactory, MembershipFactory

from .helpers import fr, messages_of, page

pytestmark = pytest.mark.django_db

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
LOGIN = "/accounts/login/?next="


def _snapshot(group: Group) -> tuple:
    """Everything a denied request must leave untouched."""
    group.refresh_from_db()
    memberships = sorted(
        Membership.objects.filter(group=group).values_list(
            "pk", "user_id", "role", "status", "request_message", "decided_by_id"
        )
    )
    fields = tuple(
        getattr(group, f)
        for f in ("name", "slug", "description", "visibility", "join_policy", "time_zone", "city")
    )
    modules = sorted(GroupModule.objects.filter(group=group).values_list("module", flat=True))
    invitations = sorted(
        Invitation.objects.filter(group=group).values_list("pk", "revoked_at", "accepted_at")
    )
    return fields, memberships, modules, invitations, Group.objects.count()


def _url(name: str, group: Group, **kwargs) -> str:
    return reverse(f"groups:{name}", kwargs={"slug": group.slug, **kwargs})


def _members_only(group: Group) -> Group:
    Group.objects.filter(pk=group.pk).update(visibility=Visibility.MEMBERS)
    group.refresh_from_db()
    return group


def _assert_login_redirect(response, url: str):
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- list -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_list_shows_visible_groups_with_their_path(personas, who):
    network = GroupFactory(name="Réseau des Hauts-de-France", kind=GroupKind.NETWORK)
    Group.objects.filter(pk=personas.group.pk).update(parent=network)
    hidden = GroupFactory(name="Cercle restreint", visibility=Visibility.MEMBERS)
    if who == "member":
        MembershipFactory(group=hidden, user=personas.member)
    response = personas.client(who).get(reverse("groups:list"))
    assert response.status_code == 200
    names = [g.name for g in response.context["page"]]
    expected = ["AMAP des Weppes", "Groupe local de Roubaix", "Réseau des Hauts-de-France"]
    if who == "member":
        expected.insert(1, "Cercle restreint")
    assert names == expected
    amap = next(g for g in response.context["page"] if g.name == "AMAP des Weppes")
    assert [a.name for a in amap.path] == ["Réseau des Hauts-de-France"]
    assert amap.member_count == 3
    link = f'<a href="/g/{network.slug}/">Réseau des Hauts-de-France</a>'
    assert page(response).count(link) == 2  # its own card, and AMAP's path


def test_list_filters_by_kind_and_name_and_paginates(client, db):
    for n in range(35):
        GroupFactory(name=f"Groupe {n:02d}", kind=GroupKind.LOCAL)
    GroupFactory(name="AMAP du Vieux-Lille", kind=GroupKind.FOOD_HUB, city="Lille")
    response = client.get(reverse("groups:list"), {"kind": "food_hub"})
    assert [g.name for g in response.context["page"]] == ["AMAP du Vieux-Lille"]
    response = client.get(reverse("groups:list"), {"q": "lille"})
    assert [g.name for g in response.context["page"]] == ["AMAP du Vieux-Lille"]
    response = client.get(reverse("groups:list"), {"kind": "local"})
    assert len(response.context["page"]) == 30
    assert response.context["page"].paginator.count == 35
    assert "?kind=local&amp;page=2" in response.content.decode()
    response = client.get(reverse("groups:list"), {"kind": "local", "page": 2})
    assert [g.name for g in response.context["page"]] == [f"Groupe {n}" for n in range(30, 35)]
    response = client.get(reverse("groups:list"), {"kind": "nonsense"})
    assert response.context["page"].paginator.count == 36  # an invalid filter is ignored


def test_list_path_hides_members_only_ancestors(client, db):
    secret = GroupFactory(name="Fédération discrète", visibility=Visibility.MEMBERS)
    child = GroupFactory(name="Antenne publique", parent=secret)
    response = client.get(reverse("groups:list"))
    (shown,) = response.context["page"]
    assert (shown, shown.path) == (child, [])
    assert "Fédération discrète" not in page(response)


# --- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_detail_of_a_public_group(personas, who):
    response = personas.client(who).get(_url("detail", personas.group))
    assert response.status_code == 200
    text = page(response)
    members = [m.user for m in response.context["members"]]
    assert members == [personas.admin, personas.organiser, personas.member]
    for user in members:
        assert user.public_name in text
    can_manage = who in ("organiser", "admin")
    assert (_url("members", personas.group) in text) is can_manage
    assert (_url("settings", personas.group) in text) is (who == "admin")
    if who == "anonymous":
        assert fr("Log in to join") in text
    elif who == "other_member":
        assert fr("Join this group") in text
    else:
        assert fr("Leave this group") in text


@pytest.mark.parametrize("who", PERSONAS)
def test_members_only_group_is_404_for_outsiders(personas, who):
    group = _members_only(personas.group)
    response = personas.client(who).get(_url("detail", group))
    expected = 404 if who in ("anonymous", "other_member") else 200
    assert response.status_code == expected
    if expected == 404:
        assert "AMAP des Weppes" not in page(response)


def test_detail_shows_breadcrumb_children_and_request_states(personas):
    network = GroupFactory(name="Réseau régional", kind=GroupKind.NETWORK)
    Group.objects.filter(pk=personas.group.pk).update(
        parent=network, join_policy=JoinPolicy.REQUEST, city="Lomme"
    )
    GroupFactory(name="Commission paniers", parent=personas.group)
    GroupFactory(name="Commission cachée", parent=personas.group, visibility=Visibility.MEMBERS)
    client = personas.client("other_member")
    response = client.get(_url("detail", personas.group))
    text = page(response)
    assert [a.name for a in response.context["ancestors"]] == ["Réseau régional"]
    assert [c.name for c in response.context["children"]] == ["Commission paniers"]
    assert "Commission cachée" not in text
    assert fr("Ask to join") in text and "Lomme" in text
    client.post(_url("join", personas.group), {"message": "Bonjour"})
    text = page(client.get(_url("detail", personas.group)))
    assert fr("Your request to join is pending: an organiser will answer it.") in text
    assert fr("Ask to join") not in text


def test_invite_only_group_offers_no_join_button(personas):
    Group.objects.filter(pk=personas.group.pk).update(join_policy=JoinPolicy.INVITE)
    text = page(personas.client("other_member").get(_url("detail", personas.group)))
    assert fr("This group welcomes new members by invitation only: ask one of its organisers.") in (
        text
    )
    assert fr("Join this group") not in text


def test_member_list_is_paginated_by_50_organisers_first(personas):
    for _ in range(60):
        MembershipFactory(group=personas.group)
    client = personas.client("member")
    first = client.get(_url("detail", personas.group))
    assert len(first.context["members"]) == 50
    assert first.context["members"].paginator.count == 63
    assert [m.role for m in first.context["members"]][:3] == ["admin", "organiser", "member"]
    second = client.get(_url("detail", personas.group), {"page": 2})
    assert len(second.context["members"]) == 13


# --- join / leave ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_join_matrix(personas, who):
    before = _snapshot(personas.group)
    response = personas.client(who).post(_url("join", personas.group))
    if who == "anonymous":
        _assert_login_redirect(response, _url("join", personas.group))
        assert _snapshot(personas.group) == before
    elif who == "other_member":
        assert response.status_code == 302
        m = Membership.objects.get(group=personas.group, user=personas.other_member)
        assert (m.status, m.role) == (MembershipStatus.ACTIVE, Role.MEMBER)
        assert messages_of(response) == [fr("Welcome to %(group)s!", group="AMAP des Weppes")]
    else:
        assert response.status_code == 302
        assert messages_of(response) == [fr("You are already a member of this group.")]
        assert _snapshot(personas.group) == before


def test_asking_to_join_keeps_the_message(personas):
    Group.objects.filter(pk=personas.group.pk).update(join_policy=JoinPolicy.REQUEST)
    response = personas.client("other_member").post(
        _url("join", personas.group), {"message": "Je livre des légumes."}
    )
    assert messages_of(response) == [fr("Your request has been sent to the group's organisers.")]
    m = Membership.objects.get(user=personas.other_member, group=personas.group)
    assert (m.status, m.request_message) == (MembershipStatus.PENDING, "Je livre des légumes.")


@pytest.mark.parametrize("who", ["anonymous", "other_member"])
def test_join_a_members_only_group_is_404(personas, who):
    group = _members_only(personas.group)
    before = _snapshot(group)
    response = personas.client(who).post(_url("join", group))
    if who == "anonymous":
        _assert_login_redirect(response, _url("join", group))
    else:
        assert response.status_code == 404
    assert _snapshot(group) == before


def test_join_an_invite_only_group_is_403(personas):
    Group.objects.filter(pk=personas.group.pk).update(join_policy=JoinPolicy.INVITE)
    before = _snapshot(personas.group)
    response = personas.client("other_member").post(_url("join", personas.group))
    assert response.status_code == 403
    assert fr("You cannot join this group yourself; ask an organiser for an invitation.") in page(
        response
    )
    assert _snapshot(personas.group) == before


@pytest.mark.parametrize("who", PERSONAS)
def test_leave_matrix(personas, who):
    before = _snapshot(personas.group)
    response = personas.client(who).post(_url("leave", personas.group))
    if who == "anonymous":
        _assert_login_redirect(response, _url("leave", personas.group))
        assert _snapshot(personas.group) == before
    elif who == "other_member":
        assert response.status_code == 403
        assert _snapshot(personas.group) == before
    elif who == "admin":
        assert response.status_code == 302
        assert messages_of(response) == [
            fr(
                "You are the last administrator of this group: make another member "
                "administrator before leaving."
            )
        ]
        assert _snapshot(personas.group) == before
    else:
        assert response.status_code == 302
        m = Membership.objects.get(group=personas.group, user=getattr(personas, who))
        assert (m.status, m.role) == (MembershipStatus.LEFT, Role.MEMBER)


# --- managing members ----------------------------------------------------------------------


MANAGERS = {"organiser", "admin"}


def _expected_denial(who: str) -> int | None:
    """None when allowed; else the status a manager-only endpoint answers with."""
    if who == "anonymous":
        return 302
    return None if who in MANAGERS else 403


@pytest.mark.parametrize("who", PERSONAS)
def test_manage_page_matrix(personas, who):
    pending = MembershipFactory(
        group=personas.group,
        status=MembershipStatus.PENDING,
        joined_at=None,
        request_message="Je voudrais aider.",
    )
    response = personas.client(who).get(_url("members", personas.group))
    denial = _expected_denial(who)
    if denial == 302:
        _assert_login_redirect(response, _url("members", personas.group))
    elif denial == 403:
        assert response.status_code == 403
        assert fr("Only the group's organisers can manage its members.") in page(response)
    else:
        assert response.status_code == 200
        assert response.context["requests"] == [pending]
        assert "Je voudrais aider." in page(response)
        role_values = [v for v, _ in response.context["role_choices"]]
        expected = ["member", "organiser", "admin"] if who == "admin" else ["member", "organiser"]
        assert role_values == expected


def test_manage_page_of_a_members_only_group_is_404_for_outsiders(personas):
    group = _members_only(personas.group)
    assert personas.client("other_member").get(_url("members", group)).status_code == 404


@pytest.fixture
def pending(personas):
    user = UserFactory(display_name="Camille Martin")
    return MembershipFactory(
        group=personas.group, user=user, status=MembershipStatus.PENDING, joined_at=None
    )


def _post_as(personas, who, url, data=None, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return personas.client(who).post(url, data or {}, headers=headers)


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("action", ["request_accept", "request_refuse"])
def test_decide_request_matrix(personas, pending, who, action):
    before = _snapshot(personas.group)
    url = _url(action, personas.group, pk=pending.pk)
    response = _post_as(personas, who, url, {"reason": "Complet"})
    denial = _expected_denial(who)
    if denial:
        assert response.status_code == denial
        assert _snapshot(personas.group) == before
        return
    assert response.status_code == 302
    assert response["Location"] == _url("members", personas.group)
    pending.refresh_from_db()
    expected = MembershipStatus.ACTIVE if action == "request_accept" else MembershipStatus.REFUSED
    assert (pending.status, pending.decided_by) == (expected, getattr(personas, who))


def test_accept_with_htmx_returns_the_updated_row(personas, pending):
    url = _url("request_accept", personas.group, pk=pending.pk)
    response = _post_as(personas, "organiser", url, htmx=True)
    assert response.status_code == 200
    html = page(response)
    assert html.strip().startswith(f'<li class="card stack" id="request-{pending.pk}">')
    assert fr("%(name)s is now a member.", name="Camille Martin") in html
    assert "<html" not in html
    # A second click (another organiser was faster) explains itself in the row.
    response = _post_as(personas, "admin", url, htmx=True)
    assert fr("This request has already been decided.") in page(response)


def test_refuse_with_htmx_passes_the_reason(personas, pending, emitted):
    url = _url("request_refuse", personas.group, pk=pending.pk)
    response = _post_as(personas, "organiser", url, {"reason": "Plus de place"}, htmx=True)
    assert fr("The request from %(name)s was refused.", name="Camille Martin") in page(response)
    assert emitted[-1][1]["reason"] == "Plus de place"


def test_decide_a_request_of_another_group_is_404(personas):
    elsewhere = MembershipFactory(group=personas.other_group, status=MembershipStatus.PENDING)
    url = _url("request_accept", personas.group, pk=elsewhere.pk)
    assert _post_as(personas, "admin", url).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == MembershipStatus.PENDING


@pytest.mark.parametrize("who", PERSONAS)
def test_change_role_matrix(personas, who):
    target = Membership.objects.get(user=personas.member, group=personas.group)
    before = _snapshot(personas.group)
    url = _url("member_role", personas.group, pk=target.pk)
    response = _post_as(personas, who, url, {"role": "organiser"})
    denial = _expected_denial(who)
    if denial:
        assert response.status_code == denial
        assert _snapshot(personas.group) == before
        return
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.ORGANISER


def test_organiser_granting_admin_is_403_and_changes_nothing(personas):
    target = Membership.objects.get(user=personas.member)
    before = _snapshot(personas.group)
    url = _url("member_role", personas.group, pk=target.pk)
    response = _post_as(personas, "organiser", url, {"role": "admin"})
    assert response.status_code == 403
    assert _snapshot(personas.group) == before


def test_change_role_with_htmx_and_last_admin_error(personas):
    target = Membership.objects.get(user=personas.member)
    response = _post_as(
        personas,
        "admin",
        _url("member_role", personas.group, pk=target.pk),
        {"role": "admin"},
        True,
    )
    html = page(response)
    assert html.strip().startswith(f'<tr id="member-{target.pk}">')
    assert '<option value="admin" selected>' in html
    own = Membership.objects.get(user=personas.admin)
    Membership.objects.filter(pk=target.pk).update(role=Role.MEMBER)
    response = _post_as(
        personas, "admin", _url("member_role", personas.group, pk=own.pk), {"role": "member"}, True
    )
    assert fr(
        "This is the group's last administrator: make someone else administrator first."
    ) in page(response)
    own.refresh_from_db()
    assert own.role == Role.ADMIN


@pytest.mark.parametrize("who", PERSONAS)
def test_remove_matrix(personas, who):
    target = MembershipFactory(group=personas.group, user=UserFactory(display_name="Dominique"))
    before = _snapshot(personas.group)
    url = _url("member_remove", personas.group, pk=target.pk)
    response = _post_as(personas, who, url)
    denial = _expected_denial(who)
    if denial:
        assert response.status_code == denial
        assert _snapshot(personas.group) == before
        return
    assert response.status_code == 302
    assert messages_of(response) == [fr("%(name)s was removed from the group.", name="Dominique")]
    target.refresh_from_db()
    assert target.status == MembershipStatus.LEFT


def test_remove_with_htmx_shows_the_row_as_left(personas):
    target = Membership.objects.get(user=personas.member)
    response = _post_as(
        personas, "organiser", _url("member_remove", personas.group, pk=target.pk), htmx=True
    )
    html = page(response)
    assert fr("Left") in html
    assert fr("%(name)s was removed from the group.", name=personas.member.public_name) in html


@pytest.mark.parametrize("who", PERSONAS)
def test_invite_matrix(personas, who, mailoutbox, django_capture_on_commit_callbacks):
    before = _snapshot(personas.group)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_as(
            personas,
            who,
            _url("invite", personas.group),
            {"email": "nouveau@example.org", "role": "member"},
        )
    denial = _expected_denial(who)
    if denial:
        assert response.status_code == denial
        assert _snapshot(personas.group) == before
        assert mailoutbox == []
        return
    assert response.status_code == 302
    assert messages_of(response) == [
        fr("An invitation was sent to %(email)s.", email="nouveau@example.org")
    ]
    invitation = Invitation.objects.get(group=personas.group)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "nouveau@example.org",
        "member",
        getattr(personas, who),
    )
    assert [m.to for m in mailoutbox] == [["nouveau@example.org"]]


def test_invite_form_shows_field_errors(personas):
    response = _post_as(
        personas, "organiser", _url("invite", personas.group), {"email": "pas-un-email"}
    )
    assert response.status_code == 200
    form = response.context["invite_form"]
    assert list(form.errors) == ["email", "role"]
    response = _post_as(
        personas,
        "organiser",
        _url("invite", personas.group),
        {"email": personas.member.email, "role": "member"},
    )
    assert response.context["invite_form"].errors == {
        "email": [fr("This person is already a member of the group.")]
    }
    assert 'aria-invalid="true"' in response.content.decode()
    # An organiser is not offered the admin role at all.
    response = _post_as(
        personas, "organiser", _url("invite", personas.group), {"email": "a@b.org", "role": "admin"}
    )
    assert list(response.context["invite_form"].errors) == ["role"]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", PERSONAS)
def test_revoke_matrix(personas, who):
    invitation = Invitation.objects.create(
        group=personas.group,
        email="x@example.org",
        token="t" * 43,
        invited_by=personas.organiser,
        expires_at=timezone.now() + timedelta(days=3),
    )
    before = _snapshot(personas.group)
    response = _post_as(personas, who, _url("invitation_revoke", personas.group, pk=invitation.pk))
    denial = _expected_denial(who)
    invitation.refresh_from_db()
    if denial:
        assert response.status_code == denial
        assert _snapshot(personas.group) == before
        return
    assert response.status_code == 302
    assert invitation.is_revoked


# --- settings -------------------------------------------------------------------------------


SETTINGS = {
    "name": "AMAP des Weppes",
    "description": "Des paniers chaque jeudi.",
    "visibility": "public",
    "join_policy": "request",
    "time_zone": "Europe/Brussels",
    "city": "Lomme",
}


@pytest.mark.parametrize("who", PERSONAS)
def test_settings_matrix(personas, who, test_modules):
    before = _snapshot(personas.group)
    url = _url("settings", personas.group)
    client = personas.client(who)
    get, post = client.get(url), client.post(url, {**SETTINGS, "modules": ["notes"]})
    if who == "anonymous":
        _assert_login_redirect(get, url)
        _assert_login_redirect(post, url)
    elif who != "admin":
        assert (get.status_code, post.status_code) == (403, 403)
        assert fr("Only the group's administrators can change its settings.") in page(post)
    if who != "admin":
        assert _snapshot(personas.group) == before
        return
    assert get.status_code == 200
    assert get.context["form"].fields["time_zone"].choices[0][0] == "Europe/Paris"
    # Every registered module that suits the group's kind ("baskets" suits food hubs only).
    suits = [m.name for m in all_modules() if not m.kinds or personas.group.kind in m.kinds]
    assert "notes" in suits and "baskets" not in suits
    assert [v for v, _ in get.context["form"].fields["modules"].choices] == suits
    assert post.status_code == 302
    group = Group.objects.get(pk=personas.group.pk)
    assert (group.description, group.join_policy, group.time_zone, group.city) == (
        "Des paniers chaque jeudi.",
        "request",
        "Europe/Brussels",
        "Lomme",
    )
    assert list(GroupModule.objects.values_list("module", flat=True)) == ["notes"]


def test_settings_form_shows_errors(personas):
    url = _url("settings", personas.group)
    response = personas.client("admin").post(url, {**SETTINGS, "name": "", "time_zone": "Mars"})
    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["name", "time_zone"]
    personas.group.refresh_from_db()
    assert personas.group.time_zone == "Europe/Paris"


# --- create -----------------------------------------------------------------------------------


NEW_GROUP = {
    "name": "Commission paniers",
    "slug": "",
    "kind": "commission",
    "description": "",
    "visibility": "public",
    "join_policy": "request",
    "time_zone": "Europe/Paris",
    "city": "",
}


@pytest.mark.parametrize("who", PERSONAS)
def test_create_subgroup_matrix(personas, who):
    url = reverse("groups:create") + f"?parent={personas.group.slug}"
    client = personas.client(who)
    count = Group.objects.count()
    get, post = client.get(url), client.post(url, NEW_GROUP)
    if who == "anonymous":
        assert get.status_code == post.status_code == 302
    elif who in MANAGERS:
        assert get.status_code == 200
        assert post.status_code == 302
        child = Group.objects.get(slug="commission-paniers")
        assert (child.parent, child.kind) == (personas.group, GroupKind.COMMISSION)
        assert Membership.objects.get(group=child).user == getattr(personas, who)
        assert post["Location"] == child.get_absolute_url()
        return
    else:
        assert get.status_code == post.status_code == 403
    assert Group.objects.count() == count


@pytest.mark.parametrize("who", PERSONAS)
def test_top_level_groups_are_for_staff_only(personas, who):
    count = Group.objects.count()
    response = personas.client(who).post(reverse("groups:create"), NEW_GROUP)
    assert response.status_code == (302 if who == "anonymous" else 403)
    if who != "anonymous":
        assert fr("Only the site's staff can create a top-level group.") in page(response)
    assert Group.objects.count() == count


def test_staff_create_a_top_level_group_with_a_unique_slug(client, db):
    staff = UserFactory(is_staff=True)
    GroupFactory(slug="commission-paniers")
    client.force_login(staff)
    response = client.post(reverse("groups:create"), NEW_GROUP)
    group = Group.objects.get(name="Commission paniers", parent=None)
    assert group.slug == "commission-paniers-2"
    assert response["Location"] == group.get_absolute_url()
    response = client.post(reverse("groups:create"), {**NEW_GROUP, "slug": "new"})
    assert response.context["form"].errors == {
        "slug": [fr("This short name is reserved; choose another one.")]
    }


def test_create_under_a_hidden_parent_is_404(personas):
    _members_only(personas.group)
    url = reverse("groups:create") + f"?parent={personas.group.slug}"
    assert personas.client("other_member").get(url).status_code == 404


# --- invitation page ------------------------------------------------------------------------


@pytest.fixture
def invitation(personas):
    return services.invitation_create(
        group=personas.group,
        email="invite@example.org",
        role=Role.ORGANISER,
        acting_user=personas.admin,
    )


@pytest.mark.parametrize("who", PERSONAS)
def test_invitation_page_matrix(personas, invitation, who):
    url = reverse("groups:invitation", kwargs={"token": invitation.token})
    client = personas.client(who)
    get = client.get(url)
    if who == "anonymous":
        assert get.status_code == 302
        assert get["Location"] == f"{LOGIN}{url}"
        before = _snapshot(personas.group)
        assert client.post(url).status_code == 302
        assert _snapshot(personas.group) == before
        return
    assert get.status_code == 200
    assert fr("Accept the invitation") in page(get)
    post = client.post(url)
    assert post.status_code == 302
    assert post["Location"] == personas.group.get_absolute_url()
    m = Membership.objects.get(group=personas.group, user=getattr(personas, who))
    expected_role = {"admin": Role.ADMIN}.get(who, Role.ORGANISER)
    assert (m.status, m.role) == (MembershipStatus.ACTIVE, expected_role)


def test_invitation_sign_in_then_back(personas, invitation):
    url = reverse("groups:invitation", kwargs={"token": invitation.token})
    client = personas.client("anonymous")
    response = client.post(
        reverse("account_login") + f"?next={url}",
        {"login": personas.other_member.email, "password": PASSWORD},
    )
    assert response["Location"] == url


def test_used_or_unknown_invitation(personas, invitation):
    url = reverse("groups:invitation", kwargs={"token": invitation.token})
    client = personas.client("other_member")
    client.post(url)
    again = client.post(url)
    assert again.status_code == 200
    assert fr("This invitation has already been used.") in page(again)
    assert fr("Accept the invitation") not in page(again)
    missing = reverse("groups:invitation", kwargs={"token": "nope"})
    assert client.get(missing).status_code == 404


# --- POST-only endpoints ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_post_only_endpoints_answer_405_to_get(personas, pending, who):
    group = personas.group
    urls = [
        _url("join", group),
        _url("leave", group),
        _url("request_accept", group, pk=pending.pk),
        _url("request_refuse", group, pk=pending.pk),
        _url("member_role", group, pk=pending.pk),
        _url("member_remove", group, pk=pending.pk),
        _url("invite", group),
        _url("invitation_revoke", group, pk=1),
    ]
    client = personas.client(who)
    assert [client.get(u).status_code for u in urls] == [405] * len(urls)


def test_unknown_group_is_404(client, db):
    assert client.get("/g/nowhere/").status_code == 404
