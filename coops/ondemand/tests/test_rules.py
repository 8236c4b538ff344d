"""Federation rules change only by an adopted proposal; the page shows them publicly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coops.core.models import Event
from coops.governance.forms_proposals import ProposalForm
from coops.governance.models import Method, Proposal, ProposalStatus
from coops.governance.services.ballots import ballot_cast
from coops.governance.services.closing import proposal_close
from coops.governance.services.proposals import proposal_open
from coops.governance.tests.factories_proposals import enable_governance, make_council
from coops.groups.models import GroupKind
from coops.groups.tests.helpers import fr, page

from ..models import FederationRules, RuleChange
from ..motions import SET_RULES, rules_apply, validate_rules
from ..services._base import rules_of
from ..services.rules import rules_propose
from .factories import enable_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    council = make_council(kind=GroupKind.FEDERATION, slug="coursiers-lillois")
    enable_module(council.group)
    return council


def _adopt(proposal, council):
    proposal_open(proposal=proposal, acting_user=council.organiser)
    for user in (council.alice, council.bob):
        ballot_cast(proposal=proposal, acting_user=user, response={"position": "agree"})
    proposal_close(proposal=proposal, acting_user=council.organiser)
    proposal.refresh_from_db()
    return proposal


def test_the_defaults_are_created_on_first_read(council):
    rules = rules_of(council.group)
    assert (rules.min_hourly_rate, rules.commission_percent) == (Decimal("12.00"), Decimal("8"))
    assert FederationRules.objects.count() == 1


def test_an_adopted_proposal_sets_the_floor_and_the_commission(council):
    proposal = rules_propose(
        group=council.group,
        acting_user=council.alice,
        changes={"min_hourly_rate": "14.50", "commission_percent": "6"},
        reason="Le SMIC a augmenté, et les frais de serveur ont baissé.",
        method=Method.CONSENT,
    )
    assert proposal.status == ProposalStatus.DRAFT
    assert proposal.motion_type == SET_RULES
    assert proposal.motion_data == {"min_hourly_rate": "14.50", "commission_percent": "6.00"}
    assert rules_of(council.group).min_hourly_rate == Decimal("12.00")  # not before the vote

    proposal = _adopt(proposal, council)

    assert proposal.status == ProposalStatus.ADOPTED
    rules = FederationRules.objects.get(group=council.group)
    assert (rules.min_hourly_rate, rules.commission_percent) == (Decimal("14.50"), Decimal("6"))
    change = RuleChange.objects.get(group=council.group)
    assert change.proposal_id == proposal.pk
    assert change.before == {"min_hourly_rate": "12.00", "commission_percent": "8.00"}
    assert change.after == {"min_hourly_rate": "14.50", "commission_percent": "6.00"}
    assert Event.objects.filter(verb="ondemand.rules_changed").count() == 1


def test_a_rejected_proposal_changes_nothing(council):
    proposal = rules_propose(
        group=council.group, acting_user=council.alice, changes={"commission_percent": "10"},
        reason="Pour financer l'application.", method=Method.CONSENT,
    )  # fmt: skip
    proposal_open(proposal=proposal, acting_user=council.organiser)
    ballot_cast(
        proposal=proposal,
        acting_user=council.bob,
        response={"position": "objection", "reason": "Trop cher pour les coursiers."},
    )
    proposal_close(proposal=proposal, acting_user=council.organiser)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert rules_of(council.group).commission_percent == Decimal("8.00")
    assert not RuleChange.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"commission_percent": "12"},
            "Ensure this value is less than or equal to %(limit_value)s.",
        ),
        (
            {"min_hourly_rate": "-1"},
            "Ensure this value is greater than or equal to %(limit_value)s.",
        ),
        (
            {"max_hours_per_day": "30"},
            "Ensure this value is less than or equal to %(limit_value)s.",
        ),
    ],
)
def test_values_out_of_bounds_are_refused_before_the_vote(council, changes, message):
    with pytest.raises(ValidationError) as error:
        rules_propose(
            group=council.group, acting_user=council.alice, changes=changes,
            reason="…", method=Method.CONSENT,
        )  # fmt: skip
    assert any(message.split("%")[0][:10] in m or "Assurez" in m for m in error.value.messages)
    assert not Proposal.objects.exists()


def test_unknown_or_empty_changes_are_refused(council):
    with pytest.raises(ValidationError, match="shoe_size"):
        validate_rules(council.group, {"shoe_size": "42"})
    with pytest.raises(ValidationError):
        validate_rules(council.group, {})
    with pytest.raises(ValidationError):
        validate_rules(council.group, {"required_documents": ["passport"]})
    with pytest.raises(ValidationError):
        validate_rules(council.group, {"min_hourly_rate": "douze"})


def test_documents_and_booleans_round_trip(council):
    rules_apply(
        group=council.group,
        changes={"required_documents": ["licence", "insurance"], "require_dues": False},
        acting_user=council.organiser,
    )
    rules = rules_of(council.group)
    assert rules.required_documents == ["insurance", "licence"]
    assert rules.require_dues is False


def test_the_generic_form_does_not_offer_the_rules_motion_but_keeps_it_on_edit(council):
    form = ProposalForm(group=council.group)
    assert SET_RULES not in dict(form.fields["motion_type"].choices)
    proposal = rules_propose(
        group=council.group, acting_user=council.alice, changes={"commission_percent": "7"},
        reason="…", method=Method.CONSENT,
    )  # fmt: skip
    data = {**ProposalForm.initial_from(proposal), "title": "Commission à 7 %"}
    data = {k: v for k, v in data.items() if v is not None and v is not False}
    form = ProposalForm(data, group=council.group, proposal=proposal)
    assert form.is_valid(), form.errors
    assert form.service_kwargs()["motion_data"] == {"commission_percent": "7.00"}
    assert form.service_kwargs()["motion_type"] == SET_RULES


# --- Pages ---------------------------------------------------------------------------------


def _index(group) -> str:
    return reverse("groups:ondemand:index", kwargs={"slug": group.slug})


def _propose(group) -> str:
    return reverse("groups:ondemand:rules_propose", kwargs={"slug": group.slug})


PERSONAS = ["anonymous", "member", "other_member", "organiser", "admin"]


@pytest.mark.parametrize("who", PERSONAS)
def test_the_rules_page_is_public(personas, who):
    enable_module(personas.group)
    response = personas.client(who).get(_index(personas.group))
    assert response.status_code == 200
    assert "12,00 EUR" in page(response)
    assert fr("Minimum hourly rate") in page(response)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("member", 302),
        ("other_member", 403),
        ("organiser", 302),
        ("admin", 302),
    ],
)
def test_proposing_new_rules(personas, who, status):
    personas.group.kind = GroupKind.FEDERATION
    personas.group.save()
    enable_module(personas.group)
    enable_governance(personas.group)
    client = personas.client(who)
    form = client.get(_propose(personas.group))
    assert form.status_code == (302 if who == "anonymous" else status if status == 403 else 200)
    data = {
        "reason": "Aligner le plancher sur le SMIC.",
        "method": Method.CONSENT,
        "min_hourly_rate": "13.00",
        "commission_percent": "8.00",
        "fund_percent": "0.00",
        "max_hours_per_day": "10.00",
        "running_costs_monthly": "0.00",
        "tariff_base": "3.50",
        "tariff_per_km": "1.20",
        "tariff_per_minute": "0.25",
        "tariff_per_item": "0.50",
        "require_charter": "on",
        "require_dues": "on",
        "dispatch_radius_km": "8.0",
        "offer_timeout_seconds": "90",
    }
    response = client.post(_propose(personas.group), data)
    assert response.status_code == status
    if who in ("member", "organiser", "admin"):
        proposal = Proposal.objects.get()
        assert proposal.motion_data == {"min_hourly_rate": "13.00"}
        assert response["Location"] == reverse(
            "groups:governance:proposal", kwargs={"slug": personas.group.slug, "pk": proposal.pk}
        )
    else:
        assert not Proposal.objects.exists()


def test_proposing_nothing_new_is_refused_on_the_form(personas):
    enable_module(personas.group)
    enable_governance(personas.group)
    client = personas.client("member")
    rules = rules_of(personas.group)
    data = {
        "reason": "Rien.",
        "method": Method.CONSENT,
        **{
            name: str(getattr(rules, name))
            for name in (
                "min_hourly_rate",
                "commission_percent",
                "fund_percent",
                "max_hours_per_day",
                "running_costs_monthly",
                "tariff_base",
                "tariff_per_km",
                "tariff_per_minute",
                "tariff_per_item",
                "dispatch_radius_km",
                "offer_timeout_seconds",
            )
        },
        "require_charter": "on",
        "require_dues": "on",
    }
    response = client.post(_propose(personas.group), data)
    assert response.status_code == 200
    assert fr("Change at least one rule.") in page(response)
    assert not Proposal.objects.exists()


def test_the_history_names_the_decision(council):
    proposal = rules_propose(
        group=council.group, acting_user=council.alice, changes={"min_hourly_rate": "15"},
        reason="…", method=Method.CONSENT,
    )  # fmt: skip
    _adopt(proposal, council)
    response = council_client(council).get(_index(council.group))
    body = page(response)
    assert "15,00 EUR" in body
    assert proposal.title[:40] in body
    assert "12,00 → " in body


def council_client(council):
    from django.test import Client

    client = Client()
    client.force_login(council.alice)
    return client
