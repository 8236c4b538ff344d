import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from coops.accounts.tests.factories import UserFactory
from coops.groups.models import Group, GroupKind, JoinPolicy, Membership, MembershipStatus, Role


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Groupe local {n}")
    slug = factory.Sequence(lambda n: f"groupe-local-{n}")
    kind = GroupKind.LOCAL
    join_policy = JoinPolicy.OPEN
    description = "Un groupe local du réseau."


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    status = MembershipStatus.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)
