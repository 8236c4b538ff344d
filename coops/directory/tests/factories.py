"""factory_boy factories for the directory: taxonomy terms and actors.

`ActorFactory()` gives a valid *published* actor placed in Lille, with its
`search_text` computed by `services.actor_reindex` after its taxonomy terms are set
(pass sectors=[...], skills=[...], labels=[...], tags=[...], owners=[...]).
Use `ActorFactory(pending=True)` for an entry awaiting moderation and
`ActorFactory(unlocated=True)` for one still "to geolocate".
"""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from coops.directory.models import (
    Actor,
    ActorKind,
    ActorStatus,
    GeocodeStatus,
    Label,
    LegalForm,
    Sector,
    Skill,
    Tag,
)
from coops.directory.services import actor_reindex

LILLE = (Decimal("50.629200"), Decimal("3.057300"))


class SectorFactory(DjangoModelFactory):
    """A sector; its path and depth follow its parent: SectorFactory(parent=food)."""

    class Meta:
        model = Sector
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"secteur-{n}")
    name = factory.Sequence(lambda n: f"Secteur {n}")
    name_en = factory.Sequence(lambda n: f"Sector {n}")
    parent = None
    path = factory.LazyAttribute(lambda o: f"{o.parent.path}/{o.slug}" if o.parent else o.slug)
    depth = factory.LazyAttribute(lambda o: o.parent.depth + 1 if o.parent else 0)
    position = 0


class SkillFactory(DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"competence-{n}")
    name = factory.Sequence(lambda n: f"Compétence {n}")
    name_en = factory.Sequence(lambda n: f"Skill {n}")


class LabelFactory(DjangoModelFactory):
    class Meta:
        model = Label
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"label-{n}")
    name = factory.Sequence(lambda n: f"Label {n}")
    name_en = factory.Sequence(lambda n: f"Label {n}")


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"mot-cle-{n}")
    name = factory.Sequence(lambda n: f"mot-clé {n}")
    name_en = ""


class ActorFactory(DjangoModelFactory):
    class Meta:
        model = Actor
        skip_postgeneration_save = True

    class Params:
        pending = factory.Trait(status=ActorStatus.PENDING, published_at=None)
        unlocated = factory.Trait(
            latitude=None, longitude=None, geocode_status=GeocodeStatus.TO_GEOLOCATE
        )

    name = factory.Sequence(lambda n: f"Coopérative {n}")
    slug = factory.Sequence(lambda n: f"cooperative-{n}")
    description = "Une coopérative de l'économie sociale et solidaire."
    kind = ActorKind.SERVICE
    legal_form = LegalForm.SCOP
    siret = ""
    street = "1 place du Théâtre"
    postcode = "59000"
    city = "Lille"
    department = "59"
    latitude = LILLE[0]
    longitude = LILLE[1]
    geocode_status = GeocodeStatus.ADDRESS
    email = factory.Sequence(lambda n: f"contact{n}@coop.example.org")
    status = ActorStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def sectors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.sectors.set(extracted)

    @factory.post_generation
    def skills(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.skills.set(extracted)

    @factory.post_generation
    def labels(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.labels.set(extracted)

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)

    @factory.post_generation
    def owners(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.owners.set(extracted)

    @factory.post_generation
    def index(obj, create, extracted, **kwargs):
        """Runs last (declared last): the text includes the terms set above."""
        if create:
            actor_reindex(actor=obj)


# --- Moderation -------------------------------------------------------------------------------


def moderator_user(**fields):
    """A directory moderator through the `directory.moderate_actor` permission (not staff)."""
    from django.contrib.auth.models import Permission

    from coops.accounts.tests.factories import UserFactory

    user = UserFactory(**fields)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="directory", codename="moderate_actor")
    )
    return user


class ModerationVoteFactory(DjangoModelFactory):
    """A member's opinion written directly (tests of reads); services.vote_cast applies
    the thresholds."""

    class Meta:
        model = "directory.ModerationVote"

    actor = factory.SubFactory(ActorFactory, pending=True)
    voter = factory.SubFactory("coops.accounts.tests.factories.UserFactory")
    choice = "exists"


class ActorReportFactory(DjangoModelFactory):
    class Meta:
        model = "directory.ActorReport"

    actor = factory.SubFactory(ActorFactory)
    reporter = factory.SubFactory("coops.accounts.tests.factories.UserFactory")
    reason = "wrong_info"
    comment = "L'adresse a changé."
