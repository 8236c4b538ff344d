"""Row locks: two administrators demoting themselves at once cannot leave a group without one."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from coops.groups import services
from coops.groups.models import Membership, Role
from coops.groups.tests.factories import GroupFactory, MembershipFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_self_demotions_keep_one_admin():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (run with DATABASE_URL=postgres://…)")
    group = GroupFactory()
    admins = [MembershipFactory(group=group, role=Role.ADMIN) for _ in range(2)]
    MembershipFactory(group=group)
    barrier = threading.Barrier(len(admins))
    results: list[str] = []

    def demote_self(membership: Membership) -> None:
        try:
            barrier.wait(timeout=10)
            services.membership_change_role(
                membership=membership, role=Role.MEMBER, acting_user=membership.user
            )
            results.append("demoted")
        except ValidationError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=demote_self, args=(m,)) for m in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["demoted", "refused"]
    assert Membership.objects.active().filter(group=group, role=Role.ADMIN).count() == 1
