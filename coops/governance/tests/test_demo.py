"""The governance demo step: two Agoras, proposals of every kind, colleges and proxies."""

import pytest
from django.core import mail

from coops.accounts.demo import load_people
from coops.core.demo import DemoContext, demo_steps
from coops.groups.demo import load_groups

from ..demo import load_governance
from ..models import (
    Assembly,
    AssemblyStatus,
    Attendance,
    GroupGovernance,
    Proposal,
    ProposalStatus,
    Proxy,
    SpeakingRequest,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(django_capture_on_commit_callbacks):
    ctx = DemoContext(log=lambda _: None)
    with django_capture_on_commit_callbacks(execute=True):
        load_people(ctx)
        load_groups(ctx)
        load_governance(ctx)
    return ctx


def test_the_step_runs_after_the_groups_and_the_charter():
    step = next(s for s in demo_steps() if s.name == "governance")
    assert (step.load, step.order) == (load_governance, 60)


def test_the_network_held_an_agora_and_convenes_the_next(ctx):
    october, november = Assembly.objects.filter(group__slug="hauts-de-france").order_by("starts_at")
    assert (october.status, november.status) == (AssemblyStatus.CLOSED, AssemblyStatus.SCHEDULED)
    assert november.agenda_open
    items = [i.title for i in november.items.order_by("position")]
    assert items[1:] == [
        "Fête de la coopération au printemps",
        "Statuts : ouvrir un collège des salariés",
    ]
    assert "Agora d'octobre" in items[0]  # the approval of October's minutes
    assert november.items.get(position=0).proposal.status == ProposalStatus.DRAFT
    represented = Attendance.objects.get(assembly=october, user=ctx.users["pierre"])
    assert represented.proxy_holder == ctx.users["karim"]
    # The double list: Inès (first time) was called before Léa's second turn.
    budget = october.items.get(title="Budget 2027 du réseau")
    turns = SpeakingRequest.objects.filter(item=budget, called_at__isnull=False)
    assert [t.user for t in turns.order_by("called_at")] == [ctx.users["lea"], ctx.users["ines"]]
    second = SpeakingRequest.objects.get(item=budget, called_at__isnull=True)
    assert second.user == ctx.users["lea"]  # her second turn waited behind Inès
    assert Proxy.objects.filter(assembly=november, giver=ctx.users["hugo"]).exists()
    assert any("Agora de novembre" in m.subject for m in mail.outbox)


def test_the_proposals_cover_every_path(ctx):
    by_title = {p.title: p for p in Proposal.objects.all()}
    blocked = by_title["Passer toutes nos listes de diffusion sur un service commercial"]
    counter = Proposal.objects.get(counters=blocked)
    assert (blocked.status, blocked.method) == (ProposalStatus.REJECTED, "consensus")
    assert (counter.status, counter.method) == (ProposalStatus.ADOPTED, "consent")
    assert counter.review_on is not None
    assert by_title["Adopter le budget 2027"].status == ProposalStatus.ADOPTED
    fete = by_title["Date de la fête des AMAP"]
    assert fete.status == ProposalStatus.ADOPTED
    assert fete.outcome["winners"] == [str(fete.options.get(label="Dimanche 13 juin").pk)]
    toiture = by_title["Financer la toiture solaire de l'école Jean-Bart"]
    assert toiture.status == ProposalStatus.ADOPTED
    assert [c["name"] for c in toiture.outcome["colleges"]] == [
        "Producteurs",
        "Usagers",
        "Collectivités",
        "Soutiens",
    ]
    for title in (
        "Tenir l'Agora le premier jeudi de chaque mois",
        "Thème des rencontres régionales 2027",
        "Quels producteurs inviter cette saison ?",
    ):
        assert by_title[title].status == ProposalStatus.OPEN
        assert by_title[title].ballots.exists()
    weppes = GroupGovernance.objects.get(group__slug="amap-des-weppes")
    assert weppes.agenda_cutoff_days == 10  # changed by an adopted motion
