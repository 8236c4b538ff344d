"""The hub's fee the reports recompute in SQL is, line by line, the fee
`pricing.line_amounts` took when the line was priced (and so the producer is due the
line's total minus it), for fixed prices and variable weights alike."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coops.accounts.tests.factories import UserFactory

from ..models import Distribution, OrderLine
from ..pricing import line_amounts
from ..selectors.reports import AMOUNT, line_fee
from .factories import DistributionFactory, offer, place

pytestmark = pytest.mark.django_db

cents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("80"), places=2)
percent = st.decimals(min_value=Decimal("0"), max_value=Decimal("30"), places=2)
per_item = st.decimals(min_value=Decimal("0"), max_value=Decimal("2"), places=2)
quantity = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("40"), places=3)
weight = st.decimals(min_value=Decimal("0.05"), max_value=Decimal("5"), places=3)


@pytest.fixture
def line(db):
    distribution = DistributionFactory()
    order = place(distribution, UserFactory(), {offer(distribution, stock=None): 1})
    return order.lines.get()


def _fee_in_sql(line) -> Decimal:
    lines = OrderLine.objects.filter(pk=line.pk)
    return lines.aggregate(fee=Sum(line_fee(), output_field=AMOUNT))["fee"]


def _store(line, amounts, *, fee_percent, fee_per_item, quantity, estimate, weighed):
    Distribution.objects.filter(pk=line.order.distribution_id).update(
        hub_fee_percent=fee_percent, hub_fee_per_item=fee_per_item
    )
    OrderLine.objects.filter(pk=line.pk).update(
        quantity=quantity,
        unit_price=amounts.unit_price,
        unit_fee=amounts.unit_fee,
        estimated_weight=estimate,
        actual_weight=weighed,
        total=amounts.total,
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(price=cents, fee_percent=percent, fee_per_item=per_item, q=quantity)
def test_fixed_price_fee(line, price, fee_percent, fee_per_item, q):
    amounts = line_amounts(
        price=price, quantity=q, fee_percent=fee_percent, fee_per_item=fee_per_item
    )
    with transaction.atomic():
        _store(line, amounts, fee_percent=fee_percent, fee_per_item=fee_per_item,
               quantity=q, estimate=None, weighed=None)  # fmt: skip
        assert _fee_in_sql(line) == amounts.fee_total
        transaction.set_rollback(True)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    price=cents,
    fee_percent=percent,
    fee_per_item=per_item,
    pieces=st.integers(min_value=1, max_value=12),
    estimate=weight,
    weighed=st.none() | weight,
)
@example(  # whole amounts that SQLite stores as integers (it once divided them as such)
    price=Decimal("0.52"),
    fee_percent=Decimal("6.00"),
    fee_per_item=Decimal("0.00"),
    pieces=11,
    estimate=Decimal("1.648"),
    weighed=None,
)
def test_variable_weight_fee(line, price, fee_percent, fee_per_item, pieces, estimate, weighed):
    q = Decimal(pieces)
    amounts = line_amounts(
        price=price,
        quantity=q,
        fee_percent=fee_percent,
        fee_per_item=fee_per_item,
        estimated_weight=estimate,
        actual_weight=weighed,
    )
    with transaction.atomic():
        _store(line, amounts, fee_percent=fee_percent, fee_per_item=fee_per_item,
               quantity=q, estimate=estimate, weighed=weighed)  # fmt: skip
        assert _fee_in_sql(line) == amounts.fee_total
        transaction.set_rollback(True)
