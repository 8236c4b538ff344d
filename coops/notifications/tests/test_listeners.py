"""The groups app emits these hooks from its services; here they are emitted directly."""

import pytest
from django.urls import reverse
from django.utils import translation

from coops.accounts.tests.factories import UserFactory
from coops.core.hooks import emit, listeners
from coops.groups import services as group_services
from coops.groups.models import JoinPolicy, MembershipStatus, Role, Visibility
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_NAME = "Coops"


@pytest.fixture
def group():
    return GroupFactory(name="AMAP des Weppes", slug="amap-des-weppes")


@pytest.fixture
def staff(group):
    """An organiser (fr), an admin (en), a plain member and an organiser elsewhere."""
    return {
        "organiser": MembershipFactory(
            group=group, role=Role.ORGANISER, user=UserFactory(language="fr")
        ).user,
        "admin": MembershipFactory(
            group=group, role=Role.ADMIN, user=UserFactory(language="en")
        ).user,
        "member": MembershipFactory(group=group, role=Role.MEMBER).user,
        "elsewhere": MembershipFactory(role=Role.ORGANISER).user,
        "left": MembershipFactory(
            group=group, role=Role.ORGANISER, status=MembershipStatus.LEFT
        ).user,
    }


def _rows():
    return sorted(
        Notification.objects.values_list(
            "recipient_id", "kind", "title", "body", "url", "group_id"
        ),
        key=lambda row: row[0],
    )


def test_every_group_event_with_recipients_has_a_listener():
    for event in [
        "group.join_requested",
        "group.member_joined",
        "group.request_decided",
        "group.role_changed",
        "group.member_removed",
    ]:
        assert len(listeners(event)) == 1, event


def test_join_request_notifies_the_active_organisers_in_their_language(group, staff):
    requester = UserFactory(display_name="Léa Martin")
    membership = MembershipFactory(
        group=group,
        user=requester,
        status=MembershipStatus.PENDING,
        request_message="Je cultive des légumes à Fournes.",
        joined_at=None,
    )
    emit("group.join_requested", membership=membership, acting_user=requester)

    members_url = reverse("groups:members", kwargs={"slug": "amap-des-weppes"})
    assert _rows() == sorted(
        [
            (
                staff["organiser"].pk,
                "group.join_requested",
                "Léa Martin demande à rejoindre AMAP des Weppes",
                "Je cultive des légumes à Fournes.",
                members_url,
                group.pk,
            ),
            (
                staff["admin"].pk,
                "group.join_requested",
                "Léa Martin asks to join AMAP des Weppes",
                "Je cultive des légumes à Fournes.",
                members_url,
                group.pk,
            ),
        ],
        key=lambda row: row[0],
    )


def test_member_joined_notifies_organisers_except_whoever_accepted(group, staff):
    newcomer = UserFactory(display_name="Noé")
    membership = MembershipFactory(group=group, user=newcomer)
    emit("group.member_joined", membership=membership, acting_user=staff["organiser"])

    assert _rows() == [
        (
            staff["admin"].pk,
            "group.member_joined",
            "Noé joined AMAP des Weppes",
            "",
            reverse("groups:members", kwargs={"slug": "amap-des-weppes"}),
            group.pk,
        )
    ]


def test_an_organiser_joining_is_not_told_about_themself(group, staff):
    membership = MembershipFactory(group=group, role=Role.ORGANISER)
    emit("group.member_joined", membership=membership, acting_user=None)
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [staff["organiser"].pk, staff["admin"].pk]
    )


def test_accepted_request_notifies_the_requester(group, staff):
    requester = UserFactory(language="en")
    membership = MembershipFactory(group=group, user=requester)
    emit(
        "group.request_decided",
        membership=membership,
        accepted=True,
        reason="",
        acting_user=staff["organiser"],
    )
    assert _rows() == [
        (
            requester.pk,
            "group.request_decided",
            "Your request to join AMAP des Weppes was accepted",
            "",
            reverse("groups:detail", kwargs={"slug": "amap-des-weppes"}),
            group.pk,
        )
    ]


def test_refused_request_gives_the_reason_and_no_link_to_a_private_group(staff):
    private = GroupFactory(name="Commission finances", visibility=Visibility.MEMBERS)
    requester = UserFactory(language="fr")
    membership = MembershipFactory(
        group=private, user=requester, status=MembershipStatus.REFUSED, joined_at=None
    )
    emit(
        "group.request_decided",
        membership=membership,
        accepted=False,
        reason="Réservé aux sociétaires.",
        acting_user=staff["organiser"],
    )
    assert _rows() == [
        (
            requester.pk,
            "group.request_decided",
            "Votre demande pour rejoindre Commission finances a été refusée",
            "Réservé aux sociétaires.",
            "",
            private.pk,
        )
    ]


def test_role_change_notifies_the_member(group, staff):
    member = UserFactory(language="fr")
    membership = MembershipFactory(group=group, user=member, role=Role.ORGANISER)
    emit(
        "group.role_changed",
        membership=membership,
        old_role=Role.MEMBER,
        acting_user=staff["admin"],
    )
    with translation.override("fr"):
        new_label, old_label = str(Role.ORGANISER.label), str(Role.MEMBER.label)
    assert _rows() == [
        (
            member.pk,
            "group.role_changed",
            f"Votre rôle dans AMAP des Weppes est désormais : {new_label}",
            f"Votre rôle précédent était : {old_label}.",
            reverse("groups:detail", kwargs={"slug": "amap-des-weppes"}),
            group.pk,
        )
    ]


def test_removal_notifies_the_removed_member(group, staff):
    member = UserFactory(language="en")
    membership = MembershipFactory(group=group, user=member, status=MembershipStatus.LEFT)
    emit("group.member_removed", membership=membership, acting_user=staff["organiser"])
    assert _rows() == [
        (
            member.pk,
            "group.member_removed",
            "You were removed from AMAP des Weppes",
            "",
            reverse("groups:detail", kwargs={"slug": "amap-des-weppes"}),
            group.pk,
        )
    ]


def test_leaving_notifies_nobody(group, staff):
    membership = MembershipFactory(group=group, status=MembershipStatus.LEFT)
    emit("group.member_left", membership=membership, acting_user=membership.user)
    assert Notification.objects.count() == 0


def test_listener_emails_leave_after_the_groups_transaction_commits(
    group, staff, django_capture_on_commit_callbacks, mailoutbox
):
    requester = UserFactory(display_name="Léa")
    membership = MembershipFactory(group=group, user=requester, status=MembershipStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        emit("group.join_requested", membership=membership, acting_user=requester)
        assert mailoutbox == []
    assert sorted(m.subject for m in mailoutbox) == [
        "[Coops] Léa asks to join AMAP des Weppes",
        "[Coops] Léa demande à rejoindre AMAP des Weppes",
    ]


def test_through_the_groups_services(group, staff, django_capture_on_commit_callbacks, mailoutbox):
    """End to end: a request, its acceptance, a role change, a removal."""
    group.join_policy = JoinPolicy.REQUEST
    group.save(update_fields=["join_policy"])
    requester = UserFactory(display_name="Léa", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        membership = group_services.membership_join(
            group=group, acting_user=requester, message="Bonjour !"
        )
        group_services.membership_accept(membership=membership, acting_user=staff["organiser"])
        group_services.membership_change_role(
            membership=membership, role=Role.ORGANISER, acting_user=staff["admin"]
        )
        group_services.membership_remove(membership=membership, acting_user=staff["admin"])

    by_recipient = {}
    for recipient_id, kind in Notification.objects.order_by("pk").values_list(
        "recipient_id", "kind"
    ):
        by_recipient.setdefault(recipient_id, []).append(kind)
    assert by_recipient == {
        staff["organiser"].pk: ["group.join_requested"],
        staff["admin"].pk: ["group.join_requested", "group.member_joined"],
        requester.pk: ["group.request_decided", "group.role_changed", "group.member_removed"],
    }
    assert len(mailoutbox) == 6
