"""factory_boy factories and small builders for the charter tests.

`CharterVersionFactory()` is a draft; `published(...)` builds a draft with the given
commitments and publishes it through the service, as staff would.
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from coops.accounts.tests.factories import UserFactory
from coops.charter import services
from coops.charter.models import Category, CharterVersion, Commitment, Signature

# key, category, title, explanation
THREE = [
    ("salaires", Category.SOCIAL, "Des salaires justes", "Écart de salaires limité."),
    ("energie", Category.ENVIRONMENTAL, "Moins d'énergie", "Un objectif chaque année."),
    ("une-voix", Category.GOVERNANCE, "Une personne, une voix", "Chacun vote."),
]


class CharterVersionFactory(DjangoModelFactory):
    class Meta:
        model = CharterVersion

    title = "Charte du réseau"
    preamble = "Nous coopérons pour vivre mieux."


class CommitmentFactory(DjangoModelFactory):
    class Meta:
        model = Commitment

    version = factory.SubFactory(CharterVersionFactory)
    key = factory.Sequence(lambda n: f"engagement-{n}")
    category = Category.SOCIAL
    title = factory.Sequence(lambda n: f"Engagement {n}")
    explanation = "Une courte explication."
    position = factory.Sequence(lambda n: n)


def draft(*, commitments=THREE, **fields) -> CharterVersion:
    version = CharterVersionFactory(**fields)
    for position, (key, category, title, explanation) in enumerate(commitments, start=1):
        CommitmentFactory(
            version=version,
            key=key,
            category=category,
            title=title,
            explanation=explanation,
            position=position,
        )
    return version


def published(*, by=None, commitments=THREE, **fields) -> CharterVersion:
    """A draft with `commitments`, published by `by` (a new staff user by default)."""
    staff = by or UserFactory(is_staff=True)
    return services.charter_version_publish(
        version=draft(commitments=commitments, **fields), acting_user=staff
    )


def sign(actor, version: CharterVersion, user) -> Signature:
    """Sign `version` for `actor` with every commitment ticked."""
    return services.charter_sign(
        actor=actor,
        version=version,
        accepted_commitment_ids=list(version.commitments.values_list("pk", flat=True)),
        acting_user=user,
    )
