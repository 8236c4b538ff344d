"""The admin pages for groups open for a superuser and list what they should."""

import pytest
from django.urls import reverse
from django.utils import timezone

from coops.accounts.tests.factories import UserFactory
from coops.groups.models import Invitation, ModuleRole
from coops.groups.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model", ["group", "groupmodule", "membership", "modulerole", "invitation"]
)
def test_changelists_open(superuser_client, personas, model):
    response = superuser_client.get(reverse(f"admin:groups_{model}_changelist"))
    assert response.status_code == 200


def test_group_change_page_lists_only_its_leaders_inline(superuser_client, personas):
    url = reverse("admin:groups_group_change", args=[personas.group.pk])
    response = superuser_client.get(url)
    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0]
    users = {form.instance.user for form in inline.formset.forms}
    assert users == {personas.organiser, personas.admin}


def test_group_changelist_links_to_its_members(superuser_client, personas):
    response = superuser_client.get(reverse("admin:groups_group_changelist"))
    members_url = reverse("admin:groups_membership_changelist")
    assert f'<a href="{members_url}?group__id__exact={personas.group.pk}">3</a>' in (
        response.content.decode()
    )


def test_membership_and_related_change_pages_open(superuser_client, personas):
    membership = MembershipFactory(group=personas.group)
    role = ModuleRole.objects.create(membership=membership, module="notes", role="scribe")
    invitation = Invitation.objects.create(
        group=personas.group, email="a@example.org", token="t" * 43, expires_at=timezone.now()
    )
    for name, obj in [("membership", membership), ("modulerole", role), ("invitation", invitation)]:
        response = superuser_client.get(reverse(f"admin:groups_{name}_change", args=[obj.pk]))
        assert response.status_code == 200
