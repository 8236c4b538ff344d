"""Property: no sequence of joins, role changes, removals and departures leaves a group
with members but no administrator."""

import contextlib

from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from coops.accounts.tests.factories import UserFactory
from coops.groups import services
from coops.groups.models import GroupKind, JoinPolicy, Membership, Role

PEOPLE = 5
person = st.integers(min_value=0, max_value=PEOPLE - 1)
step = st.one_of(
    st.tuples(st.just("join"), person),
    st.tuples(st.just("leave"), person),
    st.tuples(st.just("role"), person, person, st.sampled_from(Role.values)),
    st.tuples(st.just("remove"), person, person),
)


def _membership(group, user):
    return Membership.objects.filter(group=group, user=user).first()


def _apply(group, users, op) -> None:
    kind, actor = op[0], users[op[1]]
    if kind == "join":
        services.membership_join(group=group, acting_user=actor)
        return
    if kind == "leave":
        services.membership_leave(group=group, acting_user=actor)
        return
    target = _membership(group, users[op[2]])
    if target is None:
        return
    if kind == "role":
        services.membership_change_role(membership=target, role=op[3], acting_user=actor)
    else:
        services.membership_remove(membership=target, acting_user=actor)


class RoleInvariantTests(TestCase):
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(steps=st.lists(step, max_size=30))
    def test_members_always_keep_an_admin(self, steps):
        users = [UserFactory() for _ in range(PEOPLE)]
        group = services.group_create(
            acting_user=users[0],
            name="Groupe",
            slug="groupe",
            kind=GroupKind.LOCAL,
            join_policy=JoinPolicy.OPEN,
        )
        for op in steps:
            with contextlib.suppress(ValidationError, PermissionDenied):
                _apply(group, users, op)
            active = Membership.objects.active().filter(group=group)
            assert active.count() == 0 or active.filter(role=Role.ADMIN).exists(), op
        # The creator can only go once someone else holds the admin role.
        assert Membership.objects.active().filter(group=group, role=Role.ADMIN).exists()
