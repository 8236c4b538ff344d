"""Settling a delivered distribution into the group's books, on-site payments, and the
organisers' settlement and payments pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coops.accounts.tests.factories import UserFactory
from coops.core.money import Money, format_money
from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr, page
from coops.ledger.models import Entry, LedgerAccount, Payment, Purpose, Transaction
from coops.notifications.models import Notification

from .. import kinds
from ..models import Distribution, DistributionStatus, Order, OrderStatus
from ..services.settlement import distribution_settle, order_payment_record, order_split
from ..services.weights import line_weigh
from .factories import (
    DistributionFactory,
    ProducerFactory,
    ProductFactory,
    VariantFactory,
    hub,
    offer,
    place,
)

pytestmark = pytest.mark.django_db


def set_status(distribution, status) -> None:
    Distribution.objects.filter(pk=distribution.pk).update(status=status)
    distribution.refresh_from_db()


def account(group, owner, purpose) -> LedgerAccount | None:
    return LedgerAccount.objects.filter(
        group=group,
        purpose=purpose,
        owner_type=ContentType.objects.get_for_model(owner),
        owner_id=str(owner.pk),
    ).first()


def top_up(group, user, amount: str, acting_user) -> None:
    from coops.ledger.providers import payment_record

    payment_record(
        group=group, member=user, amount=Decimal(amount), method="cash",
        received_on=group.today(), acting_user=acting_user,
    )  # fmt: skip


@pytest.fixture
def world(personas):
    """A delivered distribution: the member paid 2 carrots + 1 ham from their balance,
    the admin pays 1 bread on site. Fee 10 % + 0,05 per item."""
    group = hub(personas.group)
    distribution = DistributionFactory(
        group=group, title="Jeudi 12", hub_fee_percent=Decimal("10"),
        hub_fee_per_item=Decimal("0.05"),
    )  # fmt: skip
    market, bakery = ProducerFactory(name="Maraîcher"), ProducerFactory(name="Fournil")
    carrots = offer(
        distribution, VariantFactory(product=ProductFactory(producer=market), price=Decimal("2"))
    )
    ham = offer(
        distribution,
        VariantFactory(
            product=ProductFactory(producer=market),
            variable_weight=True,
            estimated_weight=Decimal("1"),
            price=Decimal("10"),
        ),
    )
    bread = offer(
        distribution, VariantFactory(product=ProductFactory(producer=bakery), price=Decimal("4"))
    )
    top_up(group, personas.member, "50", personas.organiser)
    by_balance = place(distribution, personas.member, {carrots: 2, ham: 1}, payment="balance")
    on_site = place(distribution, personas.admin, {bread: 1})
    set_status(distribution, DistributionStatus.CLOSED)
    line_weigh(line=by_balance.lines.get(variant=ham.variant), actual_weight=Decimal("1.2"),
               acting_user=personas.organiser)  # fmt: skip
    set_status(distribution, DistributionStatus.DELIVERED)
    by_balance.refresh_from_db()
    return {
        "group": group, "distribution": distribution, "market": market, "bakery": bakery,
        "by_balance": by_balance, "on_site": on_site,
    }  # fmt: skip


def test_amounts_of_the_world(world):
    # carrots 2 × (2,00 + 0,25) = 4,50; ham 12,00 + 1,20 + 0,05 = 13,25; bread 4,45
    assert world["by_balance"].total == Decimal("17.75")
    assert world["on_site"].total == Decimal("4.45")


def test_settlement_posts_one_balanced_transaction_per_order(
    personas, world, django_capture_on_commit_callbacks
):
    group = world["group"]
    with django_capture_on_commit_callbacks(execute=True):
        distribution = distribution_settle(
            distribution=world["distribution"], acting_user=personas.organiser
        )
    assert distribution.status == DistributionStatus.SETTLED
    assert Distribution.objects.get(pk=distribution.pk).settled_at is not None
    for order in (world["by_balance"], world["on_site"]):
        order.refresh_from_db()
        tx = order.settlement
        assert (tx.kind, tx.idempotency_key) == (kinds.SETTLEMENT, f"shortcircuit:order:{order.pk}")
        assert "Jeudi 12" in tx.memo
        assert tx.entries.aggregate(s=Sum("amount"))["s"] == 0
    entries = dict(
        world["by_balance"].settlement.entries.values_list("account__purpose", "amount")
        .exclude(account__purpose=Purpose.PRODUCER)
    )  # fmt: skip
    assert entries == {Purpose.MEMBER: -1775, Purpose.FEES: 175}
    assert account(group, world["market"], Purpose.PRODUCER).balance == 1600  # 4,00 + 12,00
    assert account(group, world["bakery"], Purpose.PRODUCER).balance == 400
    assert account(group, group, Purpose.FEES).balance == 175 + 45
    assert account(group, personas.member, Purpose.MEMBER).balance == 5000 - 1775
    # Paid nothing on site yet: the admin owes the order (an invoice, under zero).
    assert account(group, personas.admin, Purpose.MEMBER).balance == -445
    notified = Notification.objects.filter(kind=kinds.ORDER_CONFIRMED)
    assert sorted(notified.values_list("recipient_id", flat=True)) == sorted(
        [personas.member.pk, personas.admin.pk]
    )
    assert notified.get(recipient=personas.member).url == reverse(
        "groups:shortcircuit:order", kwargs={"slug": group.slug, "pk": world["by_balance"].pk}
    )


def test_an_on_site_payment_nets_the_settlement_to_zero(personas, world):
    group, order = world["group"], world["on_site"]
    payment = order_payment_record(
        order=order, method="cheque", amount=Decimal("4.45"), received_on=group.today(),
        acting_user=personas.organiser, cheque_number="123", cheque_bank="Crédit Coop",
    )  # fmt: skip
    assert payment.member == personas.admin
    assert account(group, personas.admin, Purpose.MEMBER).balance == 445
    distribution_settle(distribution=world["distribution"], acting_user=personas.organiser)
    assert account(group, personas.admin, Purpose.MEMBER).balance == 0


def test_an_order_is_paid_on_site_once(personas, world):
    group, order = world["group"], world["on_site"]
    kwargs = {"order": order, "method": "cash", "amount": Decimal("4.45"),
              "received_on": group.today(), "acting_user": personas.organiser}  # fmt: skip
    order_payment_record(**kwargs)
    with pytest.raises(ValidationError) as caught:
        order_payment_record(**kwargs)
    assert caught.value.messages == [fr("This order's payment is already recorded.")]
    assert Payment.objects.count() == 2  # the top-up and this one


def test_a_balance_paid_order_is_not_paid_on_site(personas, world):
    with pytest.raises(ValidationError) as caught:
        order_payment_record(
            order=world["by_balance"], method="cash", amount=Decimal("1"),
            received_on=world["group"].today(), acting_user=personas.organiser,
        )  # fmt: skip
    assert caught.value.messages == [fr("Only a placed order paid on site is paid here.")]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (DistributionStatus.CLOSED, "A distribution is settled once it is delivered."),
        (DistributionStatus.OPEN, "A distribution is settled once it is delivered."),
        (DistributionStatus.SETTLED, "This distribution is already settled."),
    ],
)
def test_settlement_needs_a_delivered_distribution(personas, world, status, message):
    set_status(world["distribution"], status)
    before = Transaction.objects.count()
    with pytest.raises(ValidationError) as caught:
        distribution_settle(distribution=world["distribution"], acting_user=personas.organiser)
    assert caught.value.messages == [fr(message)]
    assert Transaction.objects.count() == before
    assert Order.objects.filter(settlement__isnull=False).count() == 0
    assert Distribution.objects.get(pk=world["distribution"].pk).status == status


def test_unweighed_lines_block_the_settlement(personas, world):
    world["by_balance"].lines.filter(estimated_weight__isnull=False).update(actual_weight=None)
    with pytest.raises(ValidationError) as caught:
        distribution_settle(distribution=world["distribution"], acting_user=personas.organiser)
    assert caught.value.messages == [
        fr("Enter the weighed total of every variable-weight line first.")
    ]
    assert Distribution.objects.get(pk=world["distribution"].pk).status == "delivered"


def test_cancelled_orders_are_not_settled(personas, world):
    Order.objects.filter(pk=world["on_site"].pk).update(status=OrderStatus.CANCELLED)
    distribution_settle(distribution=world["distribution"], acting_user=personas.organiser)
    assert Order.objects.get(pk=world["on_site"].pk).settlement is None
    assert Transaction.objects.filter(kind=kinds.SETTLEMENT).count() == 1


# Pages ---------------------------------------------------------------------------------


def u(name: str, world) -> str:
    d = world["distribution"]
    return reverse(f"groups:shortcircuit:{name}", kwargs={"slug": d.group.slug, "pk": d.pk})


def test_settle_page_previews_then_settles(personas, world):
    client = personas.client("organiser")
    html = page(client.get(u("settle", world)))
    assert "Maraîcher" in html and "Fournil" in html
    assert format_money(Money(Decimal("16.00"), "EUR")) in html
    assert format_money(Money(Decimal("2.20"), "EUR")) in html  # hub fees
    assert format_money(Money(Decimal("22.20"), "EUR")) in html  # total
    assert fr("unpaid") in html
    response = client.post(u("settle", world))
    assert response.status_code == 302
    assert Distribution.objects.get(pk=world["distribution"].pk).status == "settled"
    assert 'data-testid="settled"' in page(client.get(u("settle", world)))


def test_settle_page_shows_why_it_cannot_settle(personas, world):
    set_status(world["distribution"], DistributionStatus.CLOSED)
    client = personas.client("organiser")
    html = page(client.get(u("settle", world)))
    assert fr("A distribution is settled once it is delivered.") in html
    assert 'data-testid="settle-button"' not in html
    response = client.post(u("settle", world))
    assert response.status_code == 400
    assert Transaction.objects.filter(kind=kinds.SETTLEMENT).count() == 0


def test_payments_page_records_and_shows_paid(personas, world):
    client = personas.client("organiser")
    order = world["on_site"]
    html = page(client.get(u("payments", world)))
    assert f'data-testid="unpaid-{order.pk}"' in html
    assert f'data-testid="payment-row-{world["by_balance"].pk}"' not in html
    response = client.post(
        u("payments", world), {"order": order.pk, "method": "cash", "amount": "4.45"}
    )
    assert response.status_code == 302
    html = page(client.get(u("payments", world)))
    assert f'data-testid="paid-{order.pk}"' in html
    assert account(world["group"], personas.admin, Purpose.MEMBER).balance == 445


def test_a_cheque_needs_its_number(personas, world):
    response = personas.client("organiser").post(
        u("payments", world), {"order": world["on_site"].pk, "method": "cheque", "amount": "4.45"}
    )
    assert response.status_code == 400
    assert fr("A cheque needs its number and its bank.") in page(response)
    assert account(world["group"], personas.admin, Purpose.MEMBER) is None


def ledger_state() -> tuple:
    return (
        Transaction.objects.count(),
        sorted(LedgerAccount.objects.values_list("pk", "balance")),
        sorted(Order.objects.values_list("pk", "settlement_id")),
        sorted(Distribution.objects.values_list("pk", "status")),
    )


@pytest.mark.parametrize(
    ("who", "get", "post"),
    [("anonymous", 302, 302), ("member", 403, 403), ("other_member", 403, 403),
     ("organiser", 200, 302), ("admin", 200, 302)],
)  # fmt: skip
@pytest.mark.parametrize("name", ["settle", "payments"])
def test_settlement_pages_authorisation(personas, world, who, get, post, name):
    client = personas.client(who)
    assert client.get(u(name, world)).status_code == get
    before = ledger_state()
    data = {"order": world["on_site"].pk, "method": "cash", "amount": "4.45"}
    response = client.post(u(name, world), data)
    assert response.status_code == post
    if post == 302 and who != "anonymous":
        assert ledger_state() != before
    else:
        assert ledger_state() == before
    if who == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


# Properties ----------------------------------------------------------------------------

prices = st.decimals(min_value="0", max_value="40", places=2)
quantities = st.integers(min_value=1, max_value=5)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fee_percent=st.decimals(min_value="0", max_value="30", places=2),
    fee_per_item=st.decimals(min_value="0", max_value="1", places=2),
    baskets=st.lists(
        st.lists(st.tuples(prices, quantities, st.booleans()), min_size=1, max_size=3),
        min_size=1,
        max_size=3,
    ),
    weights=st.lists(st.decimals(min_value="0.1", max_value="3", places=3), min_size=9, max_size=9),
)
def test_settlement_balances_and_each_order_sums_to_its_total(
    personas, fee_percent, fee_per_item, baskets, weights
):
    group = hub(personas.group)
    distribution = DistributionFactory(
        group=group, hub_fee_percent=fee_percent, hub_fee_per_item=fee_per_item
    )
    orders = []
    for basket in baskets:
        buyer = MembershipFactory(group=group, role=Role.MEMBER).user
        items = {}
        for price, quantity, variable in basket:
            variant = VariantFactory(
                price=price, variable_weight=variable,
                estimated_weight=Decimal("0.8") if variable else None,
            )  # fmt: skip
            items[offer(distribution, variant)] = quantity
        orders.append(place(distribution, buyer, items))
    set_status(distribution, DistributionStatus.CLOSED)
    lines = [li for o in orders for li in o.lines.filter(estimated_weight__isnull=False)]
    for line, weight in zip(lines, weights, strict=False):
        line_weigh(line=line, actual_weight=weight, acting_user=personas.organiser)
    set_status(distribution, DistributionStatus.DELIVERED)
    distribution_settle(distribution=distribution, acting_user=personas.organiser)
    entries = Entry.objects.filter(
        transaction__kind=kinds.SETTLEMENT, transaction__source_id__in=[str(o.pk) for o in orders]
    )
    assert entries.aggregate(s=Sum("amount"))["s"] in (0, None)
    for order in Order.objects.filter(pk__in=[o.pk for o in orders]):
        total = Money(order.total, "EUR").to_minor()
        assert order.total == sum(order.lines.values_list("total", flat=True))
        if total == 0:
            assert order.settlement is None
            continue
        posted = order.settlement.entries
        assert -posted.filter(amount__lt=0).aggregate(s=Sum("amount"))["s"] == total
        assert posted.filter(amount__gt=0).aggregate(s=Sum("amount"))["s"] == total
        assert all(e.amount != 0 for e in posted.all())


def test_order_split_matches_an_unsaved_order(personas, world):
    order = world["by_balance"]
    split = order_split(order, list(order.lines.select_related("offer")), world["distribution"])
    assert split.total == 1775
    assert split.producers == {world["market"].pk: 1600}
    assert split.fees == 175


def test_settlement_is_not_run_twice_for_a_second_user(personas, world):
    other = UserFactory()
    MembershipFactory(group=world["group"], user=other, role=Role.ORGANISER)
    distribution_settle(distribution=world["distribution"], acting_user=personas.organiser)
    with pytest.raises(ValidationError):
        distribution_settle(distribution=world["distribution"], acting_user=other)
    assert Transaction.objects.filter(kind=kinds.SETTLEMENT).count() == 2
