"""The short-circuit demo step: the AMAP des Weppes runs a hub with producers, an open
distribution with orders and shifts, a settled one, Thursdays generated ahead, a winter
season contract and group purchases; its main pages open for the people involved."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from coops.core.demo import demo_steps
from coops.groups.models import GroupModule
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import Transaction

from .. import kinds
from ..demo import load_shortcircuit
from ..models import (
    BulkOrder,
    BulkStatus,
    Contract,
    Distribution,
    DistributionStatus,
    HubProducer,
    Need,
    Order,
    OrderPayment,
    OrderStatus,
    ShiftSignup,
    Variant,
)
from ..services.orders import accepting_orders

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=None)


def test_the_step_runs_after_the_directory_and_the_ledger():
    step = next(s for s in demo_steps() if s.name == "shortcircuit")
    assert (step.load, step.order) == (load_shortcircuit, 80)


def test_the_amap_runs_a_hub(demo, client):
    assert GroupModule.objects.filter(group__slug="amap-des-weppes", module="shortcircuit").exists()
    assert set(HubProducer.objects.values_list("producer__name", flat=True)) == {
        "Ferme Vandamme",
        "Ferme des Pâtures",
        "Le Levain de Wazemmes",
        "Les Vergers du Mont Noir",
    }
    assert Variant.objects.count() == 17

    market = Distribution.objects.get(title="Marché de l'Avent des producteurs")
    assert accepting_orders(market)
    placed = market.orders.filter(status=OrderStatus.PLACED)
    assert placed.count() == 5
    assert placed.filter(payment=OrderPayment.BALANCE).count() == 3
    assert ShiftSignup.objects.filter(shift__distribution=market).count() == 3

    past = Distribution.objects.get(status=DistributionStatus.SETTLED)
    assert past.orders.filter(settlement__isnull=True).count() == 0
    assert Transaction.objects.filter(kind=kinds.SETTLEMENT).count() == 3
    weighed = past.orders.get(buyer__email="lea@example.org").lines.get(product_name="Potimarron")
    assert weighed.actual_weight == Decimal("2.740")

    thursdays = Distribution.objects.filter(recurrence__isnull=False)
    assert thursdays.count() == 3
    assert all(d.offers.count() == 15 for d in thursdays)

    contract = Contract.objects.get(title="Contrat légumes d'hiver")
    subscriptions = {s.member.email: s for s in contract.subscriptions.all()}
    assert subscriptions["lea@example.org"].co_subscriber.email == "claire@example.org"
    assert subscriptions["nadia@example.org"].absences.count() == 2
    assert Order.objects.filter(subscription__contract=contract).count() == 3

    assert Need.objects.filter(group__slug="amap-des-weppes").count() == 4
    closed = BulkOrder.objects.get(status=BulkStatus.CLOSED)
    rice = closed.articles.get(name="Riz complet de Camargue bio")
    assert rice.cases_ordered == 2
    assert rice.requests.get(member__email="chloe@example.org").allocated == 6
    assert ledger_violations() == []

    client.force_login(market.group.memberships.get(user__email="martine@example.org").user)
    slug = market.group.slug
    for name, kwargs in [
        ("organise", {}),
        ("report", {"pk": market.pk, "kind": "signoff"}),
        ("shop", {"pk": market.pk}),
        ("contract", {"pk": contract.pk}),
        ("bulk", {"pk": closed.pk}),
        ("needs", {}),
    ]:
        url = reverse(f"groups:shortcircuit:{name}", kwargs={"slug": slug, **kwargs})
        assert client.get(url).status_code == 200, url
