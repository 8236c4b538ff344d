"""An AMAP season contract in Chromium: a member opens the vegetable basket contract,
subscribes to the small basket with one absence and a plan of three instalments, sees
the season price and the instalments; then, on the subscription's one screen, takes
the large basket instead and sees the new price and the instalments replanned."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.formats import date_format, localize
from playwright.sync_api import expect

from coops.accounts.tests.factories import UserFactory
from coops.core.money import Money, format_money
from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr, nfr, pfr
from coops.shortcircuit.models import ContractStatus, HubProducer, Subscription
from coops.shortcircuit.services.contracts import OptionSpec, contract_save, contract_transition
from coops.shortcircuit.tests.factories import PickupPointFactory, ProducerFactory, hub
from coops.tests.browser.conftest import axe_check, console_problems

pytestmark = pytest.mark.browser

SLUG = "amap-des-weppes"


def sc(path: str = "") -> str:
    return f"/g/{SLUG}/m/shortcircuit/{path}"


def number(amount: str) -> str:
    """A decimal as the French pages print it ("20,84")."""
    with translation.override("fr"):
        return localize(Decimal(amount))


def euros(amount: str) -> str:
    with translation.override("fr"):
        return format_money(Money(Decimal(amount), "EUR"))


def day(value) -> str:
    with translation.override("fr"):
        return date_format(value, "l j F Y")


@pytest.fixture
def amap(transactional_db):
    group = hub(name="AMAP des Weppes", slug=SLUG)
    organiser, member = UserFactory(display_name="Odile"), UserFactory(display_name="Marc Adhérent")
    MembershipFactory(group=group, user=organiser, role=Role.ORGANISER)
    MembershipFactory(group=group, user=member, role=Role.MEMBER)
    producer = ProducerFactory(name="Les Jardins de Wavrin")
    HubProducer.objects.create(group=group, producer=producer)
    start = group.today() + timedelta(days=14)
    contract = contract_save(
        group=group, acting_user=organiser, producer=producer, title="Panier de légumes",
        kind="fixed", starts_on=start, ends_on=start + timedelta(weeks=5),
        weekday=start.weekday(), pickup_point=PickupPointFactory(group=group, name="La Grange"),
        options=[
            OptionSpec(name="Petit", price_per_delivery=Decimal("12.50")),
            OptionSpec(name="Grand", price_per_delivery=Decimal("20.00")),
        ],
        max_absences=2, absence_notice_days=7, instalment_choices=[1, 3, 8],
    )  # fmt: skip
    contract_transition(contract=contract, status=ContractStatus.OPEN, acting_user=organiser)
    return contract, member


def test_subscribe_with_an_absence_then_change_the_size(amap, new_page, sign_in_as):
    contract, member = amap
    dates = list(contract.deliveries.order_by("date").values_list("date", flat=True))
    assert len(dates) == 6
    marc = new_page()
    sign_in_as(marc, member)

    # Marc finds the contract and its subscribe page with each size's season price.
    marc.goto(sc("contracts/"))
    marc.get_by_role("link", name="Panier de légumes").click()
    marc.locator("main").get_by_role("link", name=fr("Subscribe"), exact=True).click()
    prices = marc.get_by_test_id("prices").locator("li")
    season = "%(name)s: %(price)s %(currency)s × %(counter)s delivery = %(season)s %(currency)s"
    seasons = season.replace("delivery", "deliveries")
    expect(prices).to_have_text(
        [
            nfr(season, seasons, 6, name=name, price=number(price), currency="EUR", counter=6,
                season=number(total))
            for name, price, total in (("Petit", "12.50", "75.00"), ("Grand", "20.00", "120.00"))
        ]
    )  # fmt: skip
    axe_check(marc)

    # The small basket, absent on the second date, paid in three cheques.
    form = marc.get_by_test_id("subscribe-form")
    form.get_by_label("Petit").check()
    form.get_by_label(fr("Baskets per delivery")).fill("1")
    form.get_by_label(day(dates[1])).check()
    form.get_by_label(fr("Payment plan")).select_option(
        label=nfr("%(count)s instalment", "%(count)s instalments", 3, count=3)
    )
    form.get_by_label(fr("Cheque numbers (optional)")).fill("1001, 1002, 1003")
    form.get_by_role("button", name=fr("Subscribe")).click()
    expect(marc.locator("main .messages")).to_contain_text(
        fr("You subscribe to %(contract)s: %(price)s for the season.",
           contract="Panier de légumes", price=euros("62.50"))
    )  # fmt: skip
    expect(marc.get_by_test_id("season-price")).to_contain_text(
        fr("Season price: %(price)s %(currency)s.", price=number("62.50"), currency="EUR")
    )
    plan = marc.get_by_test_id("plan").locator("tbody tr")
    expect(plan).to_have_count(6)
    expect(plan.nth(1).locator("td").last).to_have_text(pfr("short circuits: a delivery", "Absent"))
    expect(plan.nth(0).locator("td").nth(1)).to_have_text(f"{number('12.50')} EUR")
    instalments = marc.get_by_test_id("instalments").locator("tbody tr")
    expect(instalments.locator("td:nth-child(3)")).to_have_text(
        [f"{number(a)} EUR" for a in ("20.84", "20.83", "20.83")]
    )
    expect(instalments.locator("td:nth-child(4)")).to_contain_text(["1001", "1002", "1003"])
    subscription = Subscription.objects.get(member=member)
    assert (subscription.option.name, subscription.quantity) == ("Petit", 1)
    assert list(subscription.absences.values_list("delivery__date", flat=True)) == [dates[1]]
    assert list(subscription.instalment_rows.values_list("amount", flat=True)) == [
        Decimal("20.84"), Decimal("20.83"), Decimal("20.83"),
    ]  # fmt: skip

    # On the same screen, Marc takes the large basket: five deliveries at 20 €.
    change = marc.get_by_test_id("change-form")
    expect(change.get_by_label(day(dates[1]))).to_be_checked()
    change.get_by_label("Grand").check()
    change.get_by_role("button", name=fr("Save the changes")).click()
    expect(marc.locator("main .messages")).to_contain_text(
        fr(
            "Season price: %(before)s before, %(after)s now. Received instalments stay as "
            "they are; the instalments still to pay now come to %(unpaid)s.",
            before=euros("62.50"), after=euros("100.00"), unpaid=euros("100.00"),
        )
    )  # fmt: skip
    expect(marc.get_by_test_id("season-price")).to_contain_text(
        fr("Season price: %(price)s %(currency)s.", price=number("100.00"), currency="EUR")
    )
    expect(plan.nth(0).locator("td").nth(1)).to_have_text(f"{number('20.00')} EUR")
    expect(instalments.locator("td:nth-child(3)")).to_have_text(
        [f"{number(a)} EUR" for a in ("33.34", "33.33", "33.33")]
    )
    subscription.refresh_from_db()
    assert subscription.option.name == "Grand"
    assert list(subscription.instalment_rows.values_list("amount", flat=True)) == [
        Decimal("33.34"), Decimal("33.33"), Decimal("33.33"),
    ]  # fmt: skip
    assert console_problems(marc) == []
