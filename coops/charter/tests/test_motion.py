"""A network adopts a new charter version by a decision (the charter's governance motion)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from coops.charter.models import CharterVersion
from coops.governance.services.ballots import ballot_cast
from coops.governance.services.closing import proposal_close
from coops.governance.services.proposals import proposal_create, proposal_open
from coops.governance.tests.factories_proposals import make_council
from coops.groups.models import GroupKind

from .factories import draft as charter_draft
from .factories import published as charter_published

pytestmark = pytest.mark.django_db


def test_an_adopted_proposal_publishes_the_draft():
    council = make_council(kind=GroupKind.NETWORK)
    charter_published()
    draft = charter_draft(title="Charte 2027")
    proposal = proposal_create(
        group=council.group,
        acting_user=council.organiser,
        title="Charte 2027",
        method="consent",
        motion_type="charter.adopt_version",
        motion_data={"version": draft.pk},
    )
    proposal_open(proposal=proposal, acting_user=council.organiser)
    ballot_cast(proposal=proposal, acting_user=council.alice, response={"position": "agree"})
    with translation.override("fr"):
        proposal_close(proposal=proposal, acting_user=council.organiser)
    draft.refresh_from_db()
    assert draft.is_published
    assert CharterVersion.objects.current() == draft
    assert draft.adopted_through.startswith(f"Charte 2027, décidé par {council.group.name} le ")


def test_only_a_network_adopts_the_charter_and_only_a_draft():
    council = make_council(kind=GroupKind.LOCAL)
    published = charter_published()
    with translation.override("en"), pytest.raises(ValidationError) as info:
        proposal_create(
            group=council.group,
            acting_user=council.organiser,
            title="Charte",
            method="consent",
            motion_type="charter.adopt_version",
            motion_data={"version": published.pk},
        )
    assert info.value.messages == [
        "“Adopt a new version of the charter” does not apply to this kind of group."
    ]
    network = make_council(kind=GroupKind.NETWORK)
    with translation.override("en"), pytest.raises(ValidationError) as info:
        proposal_create(
            group=network.group,
            acting_user=network.organiser,
            title="Charte",
            method="consent",
            motion_type="charter.adopt_version",
            motion_data={"version": published.pk},
        )
    assert info.value.messages == ["Only a draft version of the charter can be adopted."]
