"""The group services: every rule, the audit trail and the hooks they emit."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.groups import services
from coops.groups.models import (
    Group,
    GroupKind,
    GroupModule,
    JoinPolicy,
    Membership,
    MembershipStatus,
    ModuleRole,
    Role,
    Visibility,
)
from coops.groups.tests.factories import GroupFactory, MembershipFactory

from .helpers import fr

pytestmark = pytest.mark.django_db


def _verbs(group) -> list[str]:
    return list(
        Event.objects.filter(target_id=str(group.pk)).order_by("id").values_list("verb", flat=True)
    )


def _state(m: Membership) -> tuple:
    m.refresh_from_db()
    return (m.status, m.role)


def _message(exc) -> str:
    return " ".join(exc.value.messages)


# --- group_create / group_update ------------------------------------------------------------


def test_group_create_makes_the_creator_its_admin():
    user = UserFactory()
    parent = GroupFactory(kind=GroupKind.NETWORK)
    group = services.group_create(
        acting_user=user,
        name="Commission alimentation",
        slug="commission-alimentation",
        kind=GroupKind.COMMISSION,
        parent=parent,
        city="Lille",
    )
    assert (group.name, group.parent, group.city, group.time_zone) == (
        "Commission alimentation",
        parent,
        "Lille",
        "Europe/Paris",
    )
    (m,) = Membership.objects.filter(group=group)
    assert (m.user, m.role, m.status) == (user, Role.ADMIN, MembershipStatus.ACTIVE)
    assert m.joined_at is not None
    event = Event.objects.get(verb="group.created")
    assert (event.actor, event.target, event.data) == (user, group, {"parent": parent.pk})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("slug", "new"),
        ("slug", "invitations"),
        ("slug", "pas un slug"),
        ("time_zone", "Mars/Olympus"),
    ],
)
def test_group_create_validates_its_fields(field, value):
    data = {"name": "Groupe", "slug": "groupe", "kind": GroupKind.LOCAL, field: value}
    with pytest.raises(ValidationError) as exc:
        services.group_create(acting_user=UserFactory(), **data)
    assert field in exc.value.message_dict
    assert Group.objects.count() == 0
    assert Membership.objects.count() == 0


def test_group_create_refuses_a_used_slug():
    GroupFactory(slug="pris")
    with pytest.raises(ValidationError) as exc:
        services.group_create(
            acting_user=UserFactory(), name="Autre", slug="pris", kind=GroupKind.LOCAL
        )
    assert list(exc.value.message_dict) == ["slug"]


def test_group_update_records_before_and_after(personas):
    group = personas.group
    services.group_update(
        group=group,
        acting_user=personas.admin,
        name="AMAP des Weppes et environs",
        join_policy=JoinPolicy.REQUEST,
        city="",
    )
    group.refresh_from_db()
    assert (group.name, group.join_policy) == ("AMAP des Weppes et environs", JoinPolicy.REQUEST)
    event = Event.objects.get(verb="group.updated")
    assert event.actor == personas.admin
    assert event.data == {
        "changes": {
            "name": ["AMAP des Weppes", "AMAP des Weppes et environs"],
            "join_policy": ["open", "request"],
        }
    }


@pytest.mark.parametrize("who", ["member", "organiser", "other_member"])
def test_only_admins_update_a_group(personas, who):
    with pytest.raises(PermissionDenied):
        services.group_update(
            group=personas.group, acting_user=getattr(personas, who), name="Piraté"
        )
    personas.group.refresh_from_db()
    assert personas.group.name == "AMAP des Weppes"
    assert not Event.objects.filter(verb="group.updated").exists()


def test_group_update_rejects_invalid_values_and_unknown_fields(personas):
    with pytest.raises(ValidationError) as exc:
        services.group_update(group=personas.group, acting_user=personas.admin, time_zone="Nowhere")
    assert list(exc.value.message_dict) == ["time_zone"]
    with pytest.raises(TypeError):
        services.group_update(group=personas.group, acting_user=personas.admin, slug="x")
    personas.group.refresh_from_db()
    assert personas.group.time_zone == "Europe/Paris"


# --- modules --------------------------------------------------------------------------------


def test_enable_and_disable_a_registered_module(personas, test_modules):
    group = personas.group
    row = services.group_module_enable(group=group, module="notes", acting_user=personas.admin)
    assert (row.group, row.module, row.enabled_by) == (group, "notes", personas.admin)
    # Enabling twice changes nothing.
    services.group_module_enable(group=group, module="notes", acting_user=personas.admin)
    assert GroupModule.objects.filter(group=group).count() == 1
    services.group_module_disable(group=group, module="notes", acting_user=personas.admin)
    assert not GroupModule.objects.filter(group=group).exists()
    assert _verbs(group) == ["group.module_enabled", "group.module_disabled"]


def test_unknown_modules_are_refused(personas, test_modules):
    for service in (services.group_module_enable, services.group_module_disable):
        with pytest.raises(ValidationError) as exc:
            service(group=personas.group, module="forum", acting_user=personas.admin)
        assert _message(exc) == fr("There is no module called “%(name)s”.", name="forum")
    assert not GroupModule.objects.exists()


def test_a_module_limited_to_some_kinds_is_refused_elsewhere(personas, test_modules):
    with pytest.raises(ValidationError):
        services.group_module_enable(
            group=personas.group, module="baskets", acting_user=personas.admin
        )
    food_hub = GroupFactory(kind=GroupKind.FOOD_HUB)
    MembershipFactory(group=food_hub, user=personas.admin, role=Role.ADMIN)
    services.group_module_enable(group=food_hub, module="baskets", acting_user=personas.admin)
    assert list(GroupModule.objects.values_list("group", "module")) == [(food_hub.pk, "baskets")]


@pytest.mark.parametrize("who", ["member", "organiser", "other_member"])
def test_only_admins_turn_modules_on_and_off(personas, test_modules, who):
    GroupModule.objects.create(group=personas.group, module="notes")
    actor = getattr(personas, who)
    with pytest.raises(PermissionDenied):
        services.group_module_enable(group=personas.group, module="notes", acting_user=actor)
    with pytest.raises(PermissionDenied):
        services.group_module_disable(group=personas.group, module="notes", acting_user=actor)
    with pytest.raises(PermissionDenied):
        services.group_set_modules(group=personas.group, modules=set(), acting_user=actor)
    assert list(GroupModule.objects.values_list("module", flat=True)) == ["notes"]


def test_group_configure_saves_fields_and_modules_together(personas, test_modules):
    services.group_configure(
        group=personas.group, acting_user=personas.admin, modules={"notes"}, city="Lomme"
    )
    personas.group.refresh_from_db()
    assert personas.group.city == "Lomme"
    assert list(GroupModule.objects.values_list("module", flat=True)) == ["notes"]
    services.group_configure(group=personas.group, acting_user=personas.admin, modules=set())
    assert not GroupModule.objects.exists()


# --- joining ----------------------------------------------------------------------------------


def test_joining_an_open_group_makes_an_active_member(personas, emitted):
    user = UserFactory()
    m = services.membership_join(group=personas.group, acting_user=user, message="ignored")
    assert (m.status, m.role, m.request_message) == (MembershipStatus.ACTIVE, Role.MEMBER, "")
    assert m.joined_at is not None
    assert emitted == [("group.member_joined", {"membership": m, "acting_user": user})]
    assert _verbs(personas.group) == ["group.member_joined"]


def test_asking_to_join_a_group_on_request(emitted):
    group = GroupFactory(join_policy=JoinPolicy.REQUEST)
    user = UserFactory()
    m = services.membership_join(group=group, acting_user=user, message="  Bonjour !  ")
    assert (m.status, m.role, m.request_message, m.joined_at) == (
        MembershipStatus.PENDING,
        Role.MEMBER,
        "Bonjour !",
        None,
    )
    assert emitted == [("group.join_requested", {"membership": m, "acting_user": user})]


@pytest.mark.parametrize(
    ("visibility", "policy"),
    [
        (Visibility.PUBLIC, JoinPolicy.INVITE),
        (Visibility.MEMBERS, JoinPolicy.OPEN),
        (Visibility.MEMBERS, JoinPolicy.REQUEST),
    ],
)
def test_invite_only_and_members_only_groups_cannot_be_joined(visibility, policy, emitted):
    group = GroupFactory(visibility=visibility, join_policy=policy)
    with pytest.raises(PermissionDenied) as exc:
        services.membership_join(group=group, acting_user=UserFactory())
    assert str(exc.value) == fr(
        "You cannot join this group yourself; ask an organiser for an invitation."
    )
    assert not Membership.objects.filter(group=group).exists()
    assert emitted == []


def test_joining_twice_is_refused(personas):
    with pytest.raises(ValidationError) as exc:
        services.membership_join(group=personas.group, acting_user=personas.member)
    assert _message(exc) == fr("You are already a member of this group.")
    group = GroupFactory(join_policy=JoinPolicy.REQUEST)
    user = UserFactory()
    services.membership_join(group=group, acting_user=user)
    with pytest.raises(ValidationError) as exc:
        services.membership_join(group=group, acting_user=user)
    assert _message(exc) == fr("You have already asked to join this group.")
    assert Membership.objects.filter(group=group).count() == 1


def test_rejoining_after_leaving_reuses_the_row_as_a_plain_member(personas):
    organiser = Membership.objects.get(user=personas.organiser, group=personas.group)
    services.membership_leave(group=personas.group, acting_user=personas.organiser)
    again = services.membership_join(group=personas.group, acting_user=personas.organiser)
    assert again.pk == organiser.pk
    assert (again.status, again.role) == (MembershipStatus.ACTIVE, Role.MEMBER)
    assert again.joined_at > organiser.joined_at


def test_asking_again_after_a_refusal_reuses_the_row(personas):
    group = GroupFactory(join_policy=JoinPolicy.REQUEST)
    MembershipFactory(group=group, user=personas.organiser, role=Role.ORGANISER)
    user = UserFactory()
    first = services.membership_join(group=group, acting_user=user, message="Premier essai")
    services.membership_refuse(membership=first, acting_user=personas.organiser, reason="Complet")
    second = services.membership_join(group=group, acting_user=user, message="Second essai")
    assert second.pk == first.pk
    assert (second.status, second.request_message, second.decided_by, second.decided_at) == (
        MembershipStatus.PENDING,
        "Second essai",
        None,
        None,
    )


# --- accepting and refusing -------------------------------------------------------------------


@pytest.fixture
def request_group(personas):
    """personas.group on request, with one pending request."""
    Group.objects.filter(pk=personas.group.pk).update(join_policy=JoinPolicy.REQUEST)
    personas.group.refresh_from_db()
    requester = UserFactory(display_name="Camille Martin")
    pending = services.membership_join(
        group=personas.group, acting_user=requester, message="Je suis voisine."
    )
    return pending


@pytest.mark.parametrize("who", ["organiser", "admin"])
def test_organisers_accept_a_request(personas, request_group, emitted, who):
    actor = getattr(personas, who)
    emitted.clear()
    m = services.membership_accept(membership=request_group, acting_user=actor)
    m.refresh_from_db()
    assert (m.status, m.role, m.decided_by) == (MembershipStatus.ACTIVE, Role.MEMBER, actor)
    assert m.joined_at is not None and m.decided_at is not None
    assert [e for e, _ in emitted] == ["group.request_decided", "group.member_joined"]
    assert emitted[0][1] == {"membership": m, "accepted": True, "reason": "", "acting_user": actor}
    assert _verbs(personas.group)[-1] == "group.request_accepted"


def test_organisers_refuse_a_request_with_a_reason(personas, request_group, emitted):
    emitted.clear()
    m = services.membership_refuse(
        membership=request_group, acting_user=personas.organiser, reason=" Groupe complet "
    )
    m.refresh_from_db()
    assert (m.status, m.decided_by) == (MembershipStatus.REFUSED, personas.organiser)
    assert emitted == [
        (
            "group.request_decided",
            {
                "membership": m,
                "accepted": False,
                "reason": "Groupe complet",
                "acting_user": personas.organiser,
            },
        )
    ]
    event = Event.objects.get(verb="group.request_refused")
    assert event.data == {"membership": m.pk, "reason": "Groupe complet"}


@pytest.mark.parametrize("who", ["member", "other_member"])
def test_members_cannot_decide_requests(personas, request_group, emitted, who):
    emitted.clear()
    for decide in (services.membership_accept, services.membership_refuse):
        with pytest.raises(PermissionDenied):
            decide(membership=request_group, acting_user=getattr(personas, who))
    assert _state(request_group) == (MembershipStatus.PENDING, Role.MEMBER)
    assert emitted == []


def test_only_pending_requests_are_decided(personas, request_group):
    services.membership_accept(membership=request_group, acting_user=personas.organiser)
    for decide in (services.membership_accept, services.membership_refuse):
        with pytest.raises(ValidationError) as exc:
            decide(membership=request_group, acting_user=personas.admin)
        assert _message(exc) == fr("This request has already been decided.")
    assert _state(request_group) == (MembershipStatus.ACTIVE, Role.MEMBER)


# --- leaving and removing ------------------------------------------------------------------


def test_a_member_leaves_and_loses_module_roles(personas, test_modules, emitted):
    m = Membership.objects.get(user=personas.member, group=personas.group)
    ModuleRole.objects.create(membership=m, module="notes", role="scribe")
    left = services.membership_leave(group=personas.group, acting_user=personas.member)
    assert _state(m) == (MembershipStatus.LEFT, Role.MEMBER)
    assert not ModuleRole.objects.exists()
    assert emitted == [("group.member_left", {"membership": left, "acting_user": personas.member})]
    event = Event.objects.get(verb="group.member_left")
    assert event.data == {"membership": m.pk, "role": "member"}


def test_the_last_admin_cannot_leave(personas, emitted):
    with pytest.raises(ValidationError) as exc:
        services.membership_leave(group=personas.group, acting_user=personas.admin)
    assert _message(exc) == fr(
        "You are the last administrator of this group: make another member "
        "administrator before leaving."
    )
    assert _state(Membership.objects.get(user=personas.admin)) == (
        MembershipStatus.ACTIVE,
        Role.ADMIN,
    )
    assert emitted == []


def test_an_admin_leaves_when_another_admin_remains(personas):
    second = MembershipFactory(group=personas.group, role=Role.ADMIN)
    services.membership_leave(group=personas.group, acting_user=personas.admin)
    assert Membership.objects.active().filter(group=personas.group, role=Role.ADMIN).get() == (
        second
    )


def test_leaving_a_group_you_are_not_in(personas):
    with pytest.raises(ValidationError) as exc:
        services.membership_leave(group=personas.group, acting_user=personas.other_member)
    assert _message(exc) == fr("You are not a member of this group.")


@pytest.mark.parametrize("who", ["organiser", "admin"])
def test_organisers_remove_a_member(personas, emitted, who):
    actor = getattr(personas, who)
    m = Membership.objects.get(user=personas.member)
    removed = services.membership_remove(membership=m, acting_user=actor)
    assert _state(m) == (MembershipStatus.LEFT, Role.MEMBER)
    assert m.decided_by == actor
    assert emitted == [("group.member_removed", {"membership": removed, "acting_user": actor})]


def test_only_admins_remove_admins(personas):
    second = MembershipFactory(group=personas.group, role=Role.ADMIN)
    with pytest.raises(PermissionDenied) as exc:
        services.membership_remove(membership=second, acting_user=personas.organiser)
    assert str(exc.value) == fr("Only administrators can remove an administrator.")
    assert _state(second) == (MembershipStatus.ACTIVE, Role.ADMIN)
    services.membership_remove(membership=second, acting_user=personas.admin)
    assert _state(second) == (MembershipStatus.LEFT, Role.MEMBER)


def test_the_last_admin_cannot_be_removed(personas):
    staff = UserFactory(is_superuser=True)
    m = Membership.objects.get(user=personas.admin)
    with pytest.raises(ValidationError) as exc:
        services.membership_remove(membership=m, acting_user=staff)
    assert _message(exc) == fr("The last administrator of a group cannot be removed.")
    assert _state(m) == (MembershipStatus.ACTIVE, Role.ADMIN)


def test_removing_yourself_points_to_leaving(personas):
    m = Membership.objects.get(user=personas.organiser)
    with pytest.raises(ValidationError) as exc:
        services.membership_remove(membership=m, acting_user=personas.organiser)
    assert _message(exc) == fr("To leave the group yourself, use “Leave this group”.")
    assert _state(m) == (MembershipStatus.ACTIVE, Role.ORGANISER)


@pytest.mark.parametrize("who", ["member", "other_member"])
def test_members_cannot_remove_anyone(personas, who):
    target = Membership.objects.get(user=personas.organiser)
    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=target, acting_user=getattr(personas, who))
    assert _state(target) == (MembershipStatus.ACTIVE, Role.ORGANISER)


# --- roles ------------------------------------------------------------------------------------


def test_organisers_promote_a_member_to_organiser(personas, emitted):
    m = Membership.objects.get(user=personas.member)
    services.membership_change_role(
        membership=m, role=Role.ORGANISER, acting_user=personas.organiser
    )
    assert _state(m) == (MembershipStatus.ACTIVE, Role.ORGANISER)
    assert emitted == [
        (
            "group.role_changed",
            {
                "membership": emitted[0][1]["membership"],
                "old_role": "member",
                "acting_user": personas.organiser,
            },
        )
    ]
    assert emitted[0][1]["membership"].pk == m.pk
    event = Event.objects.get(verb="group.role_changed")
    assert event.data == {"membership": m.pk, "before": "member", "after": "organiser"}


def test_organisers_cannot_grant_or_take_the_admin_role(personas):
    member = Membership.objects.get(user=personas.member)
    admin = Membership.objects.get(user=personas.admin)
    with pytest.raises(PermissionDenied) as exc:
        services.membership_change_role(
            membership=member, role=Role.ADMIN, acting_user=personas.organiser
        )
    assert str(exc.value) == fr("Only administrators can grant or remove the admin role.")
    with pytest.raises(PermissionDenied):
        services.membership_change_role(
            membership=admin, role=Role.MEMBER, acting_user=personas.organiser
        )
    assert _state(member) == (MembershipStatus.ACTIVE, Role.MEMBER)
    assert _state(admin) == (MembershipStatus.ACTIVE, Role.ADMIN)


def test_admins_grant_admin_and_demote_another_admin(personas):
    member = Membership.objects.get(user=personas.member)
    services.membership_change_role(membership=member, role=Role.ADMIN, acting_user=personas.admin)
    assert _state(member) == (MembershipStatus.ACTIVE, Role.ADMIN)
    admin = Membership.objects.get(user=personas.admin)
    services.membership_change_role(membership=admin, role=Role.MEMBER, acting_user=personas.member)
    assert _state(admin) == (MembershipStatus.ACTIVE, Role.MEMBER)


def test_the_last_admin_cannot_be_demoted(personas, emitted):
    admin = Membership.objects.get(user=personas.admin)
    with pytest.raises(ValidationError) as exc:
        services.membership_change_role(
            membership=admin, role=Role.ORGANISER, acting_user=personas.admin
        )
    assert _message(exc) == fr(
        "This is the group's last administrator: make someone else administrator first."
    )
    assert _state(admin) == (MembershipStatus.ACTIVE, Role.ADMIN)
    assert emitted == []


def test_members_cannot_change_roles(personas):
    target = Membership.objects.get(user=personas.member)
    for who in ("member", "other_member"):
        with pytest.raises(PermissionDenied):
            services.membership_change_role(
                membership=target, role=Role.ORGANISER, acting_user=getattr(personas, who)
            )
    assert _state(target) == (MembershipStatus.ACTIVE, Role.MEMBER)


def test_role_changes_need_a_real_role_and_an_active_member(personas, emitted):
    target = Membership.objects.get(user=personas.member)
    with pytest.raises(ValidationError):
        services.membership_change_role(membership=target, role="king", acting_user=personas.admin)
    services.membership_change_role(membership=target, role=Role.MEMBER, acting_user=personas.admin)
    assert emitted == []  # same role: nothing happened
    services.membership_leave(group=personas.group, acting_user=personas.member)
    with pytest.raises(ValidationError) as exc:
        services.membership_change_role(
            membership=target, role=Role.ORGANISER, acting_user=personas.admin
        )
    assert _message(exc) == fr("This person is not a member of this group.")
    assert _state(target) == (MembershipStatus.LEFT, Role.MEMBER)


# --- module roles ---------------------------------------------------------------------------


def test_module_roles_need_an_enabled_module_that_declares_them(personas, test_modules):
    m = Membership.objects.get(user=personas.member)
    grant = services.module_role_grant
    with pytest.raises(ValidationError) as exc:
        grant(membership=m, module="notes", role="scribe", acting_user=personas.organiser)
    assert _message(exc) == fr(
        "The module “%(module)s” is not enabled for this group.", module="Shared notes"
    )
    GroupModule.objects.create(group=personas.group, module="notes")
    with pytest.raises(ValidationError) as exc:
        grant(membership=m, module="notes", role="king", acting_user=personas.organiser)
    assert _message(exc) == fr(
        "The module “%(module)s” has no role “%(role)s”.", module="Shared notes", role="king"
    )
    with pytest.raises(ValidationError):
        grant(membership=m, module="forum", role="scribe", acting_user=personas.organiser)
    with pytest.raises(PermissionDenied):
        grant(membership=m, module="notes", role="scribe", acting_user=personas.member)
    assert not ModuleRole.objects.exists()

    row = grant(membership=m, module="notes", role="scribe", acting_user=personas.organiser)
    assert (row.membership, row.module, row.role) == (m, "notes", "scribe")
    services.module_role_revoke(
        membership=m, module="notes", role="scribe", acting_user=personas.organiser
    )
    assert not ModuleRole.objects.exists()
    with pytest.raises(ValidationError):
        services.module_role_revoke(
            membership=m, module="notes", role="scribe", acting_user=personas.organiser
        )
    assert _verbs(personas.group) == ["group.module_role_granted", "group.module_role_revoked"]


# --- invitations ----------------------------------------------------------------------------


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://coops.example"
    settings.SITE_NAME = "Coops"


def test_invitation_create_sends_an_email_after_commit(
    personas, site, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            group=personas.group,
            email=" Nouvelle@Example.org ",
            role=Role.ORGANISER,
            acting_user=personas.organiser,
        )
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "nouvelle@example.org",
        Role.ORGANISER,
        personas.organiser,
    )
    assert len(invitation.token) >= 40
    lifetime = invitation.expires_at - timezone.now()
    assert timedelta(days=13, hours=23) < lifetime <= timedelta(days=14)
    (mail,) = mailoutbox
    assert mail.to == ["nouvelle@example.org"]
    assert mail.subject == fr("Invitation to join %(group)s", group="AMAP des Weppes")
    url = f"https://coops.example/g/invitations/{invitation.token}/"
    assert url in mail.body
    assert personas.organiser.public_name in mail.body
    assert fr("Organiser") in mail.body
    assert Event.objects.get(verb="group.invitation_created").actor == personas.organiser


def test_invitation_email_is_in_the_invitees_language(
    personas, site, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="english@example.org", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            group=personas.group,
            email="english@example.org",
            role=Role.MEMBER,
            acting_user=personas.admin,
        )
    assert mailoutbox[0].subject == "Invitation to join AMAP des Weppes"


def test_invitation_rules(personas, mailoutbox, django_capture_on_commit_callbacks):
    create = services.invitation_create
    group = personas.group
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(PermissionDenied):
            create(
                group=group, email="a@example.org", role=Role.MEMBER, acting_user=personas.member
            )
        with pytest.raises(PermissionDenied):
            create(
                group=group, email="a@example.org", role=Role.ADMIN, acting_user=personas.organiser
            )
        with pytest.raises(ValidationError) as exc:
            create(
                group=group,
                email=personas.member.email.upper(),
                role=Role.MEMBER,
                acting_user=personas.organiser,
            )
        assert exc.value.message_dict == {
            "email": [fr("This person is already a member of the group.")]
        }
        create(group=group, email="a@example.org", role=Role.ADMIN, acting_user=personas.admin)
        with pytest.raises(ValidationError) as exc:
            create(group=group, email="A@example.org", role=Role.MEMBER, acting_user=personas.admin)
        assert exc.value.message_dict == {
            "email": [fr("An invitation to this address is already waiting for an answer.")]
        }
    assert group.invitations.count() == 1
    assert [m.to for m in mailoutbox] == [["a@example.org"]]


def _invite(personas, role=Role.MEMBER, email="invitee@example.org"):
    return services.invitation_create(
        group=personas.group, email=email, role=role, acting_user=personas.admin
    )


def test_accepting_an_invitation_makes_a_member_with_the_invited_role(personas, emitted):
    invitation = _invite(personas, role=Role.ORGANISER)
    user = UserFactory()
    m = services.invitation_accept(invitation=invitation, acting_user=user)
    assert (m.user, m.status, m.role, m.decided_by) == (
        user,
        MembershipStatus.ACTIVE,
        Role.ORGANISER,
        personas.admin,
    )
    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.is_accepted) == (user, True)
    assert emitted == [("group.member_joined", {"membership": m, "acting_user": user})]


def test_accepting_reactivates_a_membership_that_had_left(personas):
    old = Membership.objects.get(user=personas.member)
    services.membership_leave(group=personas.group, acting_user=personas.member)
    m = services.invitation_accept(
        invitation=_invite(personas, role=Role.ORGANISER), acting_user=personas.member
    )
    assert m.pk == old.pk
    assert _state(m) == (MembershipStatus.ACTIVE, Role.ORGANISER)


def test_an_invitation_raises_an_existing_members_role_never_lowers_it(personas, emitted):
    m = services.invitation_accept(
        invitation=_invite(personas, role=Role.ORGANISER), acting_user=personas.member
    )
    assert _state(m) == (MembershipStatus.ACTIVE, Role.ORGANISER)
    assert emitted == [
        (
            "group.role_changed",
            {"membership": m, "old_role": "member", "acting_user": personas.member},
        )
    ]
    emitted.clear()
    m = services.invitation_accept(
        invitation=_invite(personas, role=Role.MEMBER, email="x@example.org"),
        acting_user=personas.admin,
    )
    assert _state(m) == (MembershipStatus.ACTIVE, Role.ADMIN)
    assert emitted == []


def test_used_revoked_and_expired_invitations_are_refused(personas):
    user = UserFactory()
    used = _invite(personas, email="used@example.org")
    services.invitation_accept(invitation=used, acting_user=UserFactory())
    revoked = _invite(personas, email="revoked@example.org")
    services.invitation_revoke(invitation=revoked, acting_user=personas.organiser)
    expired = _invite(personas, email="expired@example.org")
    expired.expires_at = timezone.now() - timedelta(seconds=1)
    expired.save()
    cases = [
        (used, "This invitation has already been used."),
        (revoked, "This invitation has been withdrawn by the group's organisers."),
        (expired, "This invitation has expired. Ask the group's organisers for a new one."),
    ]
    for invitation, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.invitation_accept(invitation=invitation, acting_user=user)
        assert _message(exc) == fr(message)
    assert not Membership.objects.filter(user=user).exists()


def test_revoking_invitations(personas):
    invitation = _invite(personas)
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(invitation=invitation, acting_user=personas.member)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    services.invitation_revoke(invitation=invitation, acting_user=personas.organiser)
    invitation.refresh_from_db()
    assert invitation.is_revoked
    with pytest.raises(ValidationError) as exc:
        services.invitation_revoke(invitation=invitation, acting_user=personas.organiser)
    assert _message(exc) == fr("This invitation has already been withdrawn.")
    accepted = _invite(personas, email="b@example.org")
    services.invitation_accept(invitation=accepted, acting_user=UserFactory())
    with pytest.raises(ValidationError) as exc:
        services.invitation_revoke(invitation=accepted, acting_user=personas.organiser)
    assert _message(exc) == fr("This invitation has already been used.")


# --- locks ----------------------------------------------------------------------------------


def test_lock_group_returns_a_fresh_row(personas):
    Group.objects.filter(pk=personas.group.pk).update(name="Renamed")
    with transaction.atomic():
        locked = services.lock_group(personas.group)
        assert locked.name == "Renamed"
        assert services.lock_group(personas.group.pk).pk == personas.group.pk
