"""Row locks: two administrators demoting themselves at once cannot leave a group without one."""

import pytest
from django.core.exceptions import ValidationError

from coops.core.tests.concurrency import race
from coops.groups import services
from coops.groups.models import Membership, Role
from coops.groups.tests.factories import GroupFactory, MembershipFactory


@pytest.mark.postgres
def test_concurrent_self_demotions_keep_one_admin(pg):
    group = GroupFactory()
    admins = [MembershipFactory(group=group, role=Role.ADMIN) for _ in range(2)]
    MembershipFactory(group=group)

    def demote_self(membership: Membership):
        return lambda: services.membership_change_role(
            membership=membership, role=Role.MEMBER, acting_user=membership.user
        )

    results = race(*(demote_self(m) for m in admins))

    def outcome(result) -> str:
        if isinstance(result, ValidationError):
            return "refused"
        return "demoted" if isinstance(result, Membership) else repr(result)

    outcomes = sorted(outcome(r) for r in results)
    assert outcomes == ["demoted", "refused"]
    assert Membership.objects.active().filter(group=group, role=Role.ADMIN).count() == 1
