"""RGPD: the "group_memberships" personal data source."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coops.accounts.personal_data import personal_data_sources
from coops.accounts.services import user_erase
from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.groups import personal_data
from coops.groups.models import Invitation, JoinPolicy, Membership, MembershipStatus, Role
from coops.groups.tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _invitation(group, email, **fields):
    return Invitation.objects.create(
        group=group,
        email=email,
        role=Role.MEMBER,
        token=f"token-{email}-{group.pk}",
        expires_at=timezone.now() + timedelta(days=14),
        **fields,
    )


def test_the_source_is_registered():
    source = next(s for s in personal_data_sources() if s.name == "group_memberships")
    assert (source.export, source.erase) == (personal_data.export, personal_data.erase)


def test_export_lists_memberships_and_invitations_to_the_address():
    user = UserFactory(email="camille@example.org")
    amap = GroupFactory(name="AMAP", slug="amap")
    scic = GroupFactory(name="SCIC", slug="scic", join_policy=JoinPolicy.REQUEST)
    active = MembershipFactory(group=amap, user=user, role=Role.ORGANISER)
    MembershipFactory(
        group=scic,
        user=user,
        status=MembershipStatus.PENDING,
        joined_at=None,
        request_message="Bonjour",
    )
    invitation = _invitation(amap, "Camille@Example.org")
    _invitation(amap, "someone-else@example.org")
    data = personal_data.export(user)
    assert data == {
        "memberships": [
            {
                "group": "AMAP",
                "slug": "amap",
                "role": "organiser",
                "status": "active",
                "joined_at": active.joined_at.isoformat(),
                "request_message": "",
            },
            {
                "group": "SCIC",
                "slug": "scic",
                "role": "member",
                "status": "pending",
                "joined_at": None,
                "request_message": "Bonjour",
            },
        ],
        "invitations": [
            {
                "group": "AMAP",
                "slug": "amap",
                "email": "Camille@Example.org",
                "role": "member",
                "created_at": invitation.created_at.isoformat(),
                "expires_at": invitation.expires_at.isoformat(),
                "accepted_at": None,
                "revoked_at": None,
            }
        ],
    }


def test_erase_deletes_memberships_and_invitations():
    user = UserFactory(email="dominique@example.org")
    group = GroupFactory()
    MembershipFactory(group=group, role=Role.ADMIN)
    MembershipFactory(group=group, user=user, request_message="Message")
    _invitation(group, "dominique@example.org")
    kept = _invitation(group, "other@example.org")
    personal_data.erase(user)
    assert not Membership.objects.filter(user=user).exists()
    assert list(Invitation.objects.all()) == [kept]
    assert not Event.objects.filter(verb="group.admin_handed_over").exists()


def test_erasing_the_last_admin_promotes_the_longest_standing_organiser():
    user = UserFactory()
    group = GroupFactory()
    now = timezone.now()
    MembershipFactory(group=group, user=user, role=Role.ADMIN)
    oldest_member = MembershipFactory(group=group, joined_at=now - timedelta(days=900))
    young_organiser = MembershipFactory(
        group=group, role=Role.ORGANISER, joined_at=now - timedelta(days=10)
    )
    old_organiser = MembershipFactory(
        group=group, role=Role.ORGANISER, joined_at=now - timedelta(days=400)
    )
    personal_data.erase(user)
    roles = dict(Membership.objects.filter(group=group).values_list("pk", "role"))
    assert roles == {
        oldest_member.pk: Role.MEMBER,
        young_organiser.pk: Role.ORGANISER,
        old_organiser.pk: Role.ADMIN,
    }
    event = Event.objects.get(verb="group.admin_handed_over")
    assert event.data == {
        "reason": "erasure",
        "new_admin": old_organiser.user_id,
        "previous_role": "organiser",
        "left_without_admin": False,
    }


def test_erasing_the_last_admin_promotes_the_longest_standing_member_otherwise():
    user = UserFactory()
    group = GroupFactory()
    now = timezone.now()
    MembershipFactory(group=group, user=user, role=Role.ADMIN)
    newer = MembershipFactory(group=group, joined_at=now - timedelta(days=1))
    older = MembershipFactory(group=group, joined_at=now - timedelta(days=30))
    MembershipFactory(group=group, status=MembershipStatus.LEFT, joined_at=now - timedelta(days=99))
    personal_data.erase(user)
    assert Membership.objects.get(pk=older.pk).role == Role.ADMIN
    assert Membership.objects.get(pk=newer.pk).role == Role.MEMBER


def test_erasing_the_only_member_leaves_the_group_without_admin_and_says_so():
    user = UserFactory()
    group = GroupFactory()
    MembershipFactory(group=group, user=user, role=Role.ADMIN)
    personal_data.erase(user)
    assert not Membership.objects.filter(group=group).exists()
    event = Event.objects.get(verb="group.admin_handed_over")
    assert event.data == {
        "reason": "erasure",
        "new_admin": None,
        "previous_role": None,
        "left_without_admin": True,
    }


def test_account_erasure_runs_the_group_source():
    user = UserFactory()
    group = GroupFactory()
    MembershipFactory(group=group, user=user, role=Role.ADMIN)
    successor = MembershipFactory(group=group)
    user_erase(user=user, acting_user=user)
    assert not Membership.objects.filter(user=user).exists()
    assert Membership.objects.get(pk=successor.pk).role == Role.ADMIN
