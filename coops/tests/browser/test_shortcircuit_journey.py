"""A short food circuit in Chromium, from the field to the books: a producer puts two
products in her catalog (apples in stock, a chicken priced per kg); the hub's organiser
adds her to the hub, sets up a pickup point and a distribution, chooses the products
and opens it; two members fill their carts, one paying from her balance, the other on
site; after closing, the organiser weighs the chicken, prints the volumes per producer
and the sign-off sheet, marks the distribution delivered, records the on-site payment
and settles: the buyers are debited their totals and the producer is credited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum
from django.utils import translation
from playwright.sync_api import expect

from coops.accounts.tests.factories import PASSWORD, UserFactory
from coops.core.money import Money, format_money
from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr, nfr, pfr
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import Entry, LedgerAccount, Purpose
from coops.ledger.providers import payment_record
from coops.shortcircuit import kinds
from coops.shortcircuit.models import (
    Distribution,
    DistributionStatus,
    Offer,
    Order,
    OrderLine,
    OrderPayment,
    Variant,
)
from coops.shortcircuit.tests.factories import ProducerFactory, hub, local_at
from coops.tests.browser.conftest import (
    axe_check,
    console_problems,
    login,
    offline_tiles,
)

pytestmark = pytest.mark.browser

SLUG = "panier-wavrinois"


def sc(path: str = "") -> str:
    return f"/g/{SLUG}/m/shortcircuit/{path}"


def euros(amount: str) -> str:
    """An amount as the French pages print it ("29,80 €")."""
    with translation.override("fr"):
        return format_money(Money(Decimal(amount), "EUR"))


def flash(page):
    return page.locator("main .messages")


def cells(page, row):
    return page.locator(f"{row} > th, {row} > td")


@pytest.fixture
def hub_world(transactional_db):
    group = hub(name="Panier wavrinois", slug=SLUG)

    def person(name: str, role: str | None = Role.MEMBER):
        user = UserFactory(display_name=name)
        if role:
            MembershipFactory(group=group, user=user, role=role)
        return user

    people = {
        "fanny": person("Fanny Productrice", None),
        "olga": person("Olga Organisatrice", Role.ORGANISER),
        "alice": person("Alice Acheteuse"),
        "bruno": person("Bruno Acheteur"),
    }
    farm = ProducerFactory(name="Ferme du Moulin", owners=[people["fanny"]])
    # Alice tops up her balance with 50 € in cash at the hub's desk.
    payment_record(
        group=group, member=people["alice"], amount=Decimal("50.00"), method="cash",
        received_on=group.today(), acting_user=people["olga"],
    )  # fmt: skip
    return group, farm, people


def add_product(page, farm, *, name: str, variant: dict) -> None:
    """Fill the product form: the product and its first variant, then save."""
    page.goto(f"/circuits/producteurs/{farm.pk}/produits/")
    page.get_by_test_id("new-product").click()
    form = page.get_by_test_id("product-form")
    form.locator("[name=name]").fill(name)
    for field, value in variant.items():
        control = form.locator(f"[name='variants-0-{field}']")
        if value is True:
            control.check()
        elif field in ("unit", "vat_rate"):
            control.select_option(value)
        else:
            control.fill(value)
    page.get_by_test_id("save-product").click()
    expect(flash(page)).to_contain_text(fr("“%(name)s” is saved.", name=name))


def test_from_the_catalog_to_the_books(hub_world, new_page, sign_in_as):
    group, farm, people = hub_world

    def person(key: str):
        page = offline_tiles(new_page())
        sign_in_as(page, people[key])
        return page

    # a) Fanny signs in and adds two products to her farm's catalog.
    fanny = offline_tiles(new_page())
    login(fanny, people["fanny"].email, PASSWORD)
    fanny.goto("/circuits/")
    fanny.get_by_role("link", name="Ferme du Moulin").click()
    expect(fanny.get_by_test_id("empty")).to_be_visible()
    add_product(
        fanny, farm, name="Pommes Jonagold",
        variant={"name": "Sac de 1 kg", "unit": "kg", "unit_size": "1", "price": "3.20",
                 "stock": "20"},
    )  # fmt: skip
    add_product(
        fanny, farm, name="Poulet fermier",
        variant={"name": "Poulet entier", "unit": "piece", "unit_size": "1", "price": "12.00",
                 "variable_weight": True, "estimated_weight": "1.8"},
    )  # fmt: skip
    expect(fanny.get_by_test_id("count")).to_have_text(
        nfr("%(counter)s product", "%(counter)s products", 2, counter=2)
    )
    apples = Variant.objects.get(product__name="Pommes Jonagold")
    chicken = Variant.objects.get(product__name="Poulet fermier")
    assert (apples.unit, apples.price, apples.stock, apples.variable_weight) == (
        "kg", Decimal("3.20"), Decimal("20"), False,
    )  # fmt: skip
    assert (chicken.price, chicken.stock, chicken.variable_weight, chicken.estimated_weight) == (
        Decimal("12.00"), None, True, Decimal("1.8"),
    )  # fmt: skip
    expect(cells(fanny, f"[data-testid=variant-{chicken.pk}]").nth(2)).to_have_text(
        f"{euros('12.00')} {fr('per kg')}"
    )

    # b) Olga adds the farm to the hub, a pickup point and a distribution, and opens it.
    olga = person("olga")
    olga.goto(sc("organise/producers/"))
    olga.locator("main form[role=search] input[name=q]").fill("Moulin")
    olga.locator("main form[role=search] button[type=submit]").click()
    olga.get_by_role("button", name=fr("Add to the hub")).click()
    expect(flash(olga)).to_contain_text(fr("%(name)s joins the hub.", name="Ferme du Moulin"))
    expect(cells(olga, f"[data-testid=producer-{farm.pk}]").nth(1)).to_have_text("2")

    olga.goto(sc("organise/points/new/"))
    point_form = olga.get_by_test_id("point-form")
    point_form.locator("[name=name]").fill("Salle des fêtes")
    point_form.locator("[name=address]").fill("Place de la République")
    point_form.locator("[name=postcode]").fill("59136")
    point_form.locator("[name=city]").fill("Wavrin")
    point_form.locator("button[type=submit]").click()
    point = group.pickup_points.get()
    expect(olga.get_by_test_id(f"point-{point.pk}")).to_contain_text("Salle des fêtes")

    olga.get_by_role("link", name=fr("New distribution")).first.click()
    form = olga.get_by_test_id("distribution-form")
    delivery = local_at(3, 0).date()
    form.locator("[name=title]").fill("Distribution du jeudi")
    form.locator("[name=opens_at]").fill(local_at(-1, 9).strftime("%Y-%m-%dT%H:%M"))
    form.locator("[name=closes_at]").fill(local_at(2, 12).strftime("%Y-%m-%dT%H:%M"))
    form.locator("[name=delivery_date]").fill(delivery.isoformat())
    form.locator("[name=hub_fee_percent]").fill("0")
    form.locator("[name=hub_fee_per_item]").fill("0")
    form.locator(f"[name=point_{point.pk}]").check()
    form.locator(f"[name=start_{point.pk}]").fill("18:00")
    form.locator(f"[name=end_{point.pk}]").fill("19:30")
    form.locator("button[type=submit]").click()
    expect(flash(olga)).to_contain_text(fr("The distribution is saved as a draft."))
    distribution = Distribution.objects.get(group=group)
    assert distribution.delivery_date == delivery
    expect(olga.get_by_test_id("status")).to_have_text(fr("Draft"))

    olga.get_by_role("link", name=fr("Choose the products")).click()
    olga.locator(f"[name=offer_{apples.pk}]").check()
    olga.locator(f"[name=offer_{chicken.pk}]").check()
    olga.get_by_role("button", name=fr("Save the offers")).click()
    expect(flash(olga)).to_contain_text(fr("The offers are saved."))
    expect(olga.get_by_test_id("offers").locator("tbody tr")).to_have_count(2)
    olga.get_by_test_id("steps").get_by_role(
        "button", name=pfr("button", "Open for orders")
    ).click()
    expect(olga.get_by_test_id("status")).to_have_text(fr("Open for orders"))
    apple_offer = Offer.objects.get(distribution=distribution, variant=apples)
    chicken_offer = Offer.objects.get(distribution=distribution, variant=chicken)

    # c) Alice buys 2 kg of apples and a chicken, from her balance; Bruno 3 kg of
    # apples, paid on site.
    def shop(page, wanted: dict) -> None:
        page.goto(sc(f"distributions/{distribution.pk}/shop/"))
        for n, (offer, quantity) in enumerate(wanted.items(), start=1):
            page.locator(f"#qty-{offer.pk}").fill(quantity)
            page.get_by_test_id(f"add-{offer.pk}").click()
            expect(page.get_by_test_id("cart-link")).to_have_text(
                nfr("My cart (%(counter)s product)", "My cart (%(counter)s products)", n,
                    counter=n)
            )  # fmt: skip

    alice = person("alice")
    shop(alice, {apple_offer: "2", chicken_offer: "1"})
    expect(alice.get_by_test_id(f"offer-{chicken_offer.pk}").get_by_test_id("price")).to_have_text(
        euros("21.60")
    )
    axe_check(alice)
    alice.get_by_test_id("cart-link").click()
    expect(alice.get_by_test_id("cart-total")).to_have_text(euros("28.00"))
    expect(alice.get_by_test_id("balance")).to_have_text(
        fr("Your available balance: %(amount)s.", amount=euros("50.00"))
    )
    axe_check(alice)
    checkout = alice.get_by_test_id("checkout-form")
    checkout.get_by_label(fr("From my balance")).check()
    alice.get_by_test_id("place-order").click()
    expect(flash(alice)).to_contain_text(
        fr("Your order is placed: %(total)s.", total=euros("28.00"))
    )
    expect(alice.get_by_test_id("order-payment")).to_have_text(fr("From my balance"))

    bruno = person("bruno")
    shop(bruno, {apple_offer: "3"})
    bruno.get_by_test_id("cart-link").click()
    expect(bruno.get_by_test_id("cart-total")).to_have_text(euros("9.60"))
    bruno.get_by_test_id("checkout-form").get_by_label(fr("On site (cash or cheque)")).check()
    bruno.get_by_test_id("place-order").click()
    expect(flash(bruno)).to_contain_text(
        fr("Your order is placed: %(total)s.", total=euros("9.60"))
    )
    alice_order = Order.objects.get(buyer=people["alice"])
    bruno_order = Order.objects.get(buyer=people["bruno"])
    assert (alice_order.payment, alice_order.total) == (OrderPayment.BALANCE, Decimal("28.00"))
    assert (bruno_order.payment, bruno_order.total) == (OrderPayment.ON_SITE, Decimal("9.60"))
    apples.refresh_from_db()
    assert apples.stock == Decimal("15")

    # d) The closing time passes; Olga closes the orders and weighs the chicken.
    Distribution.objects.filter(pk=distribution.pk).update(closes_at=local_at(0, 0))
    olga.goto(sc(f"organise/distributions/{distribution.pk}/"))
    olga.get_by_test_id("steps").get_by_role("button", name=fr("Close orders now")).click()
    expect(olga.get_by_test_id("status")).to_have_text(fr("Closed"))
    olga.get_by_role("link", name=fr("Weighed products")).click()
    line = OrderLine.objects.get(order=alice_order, offer=chicken_offer)
    row = olga.get_by_test_id(f"weigh-line-{line.pk}")
    row.locator(f"#weight-{line.pk}").fill("1.95")
    row.get_by_role("button", name=fr("Save")).click()
    expect(flash(olga)).to_contain_text(
        fr("%(product)s for %(buyer)s: %(total)s.", product="Poulet fermier",
           buyer="Alice Acheteuse", total=euros("23.40"))
    )  # fmt: skip
    expect(olga.get_by_test_id(f"weigh-total-{line.pk}")).to_have_text(euros("23.40"))
    alice_order.refresh_from_db()
    assert alice_order.total == Decimal("29.80")

    # The volumes per producer, then the sign-off sheet, and their CSV files.
    olga.goto(sc(f"organise/distributions/{distribution.pk}/"))
    olga.get_by_test_id("reports-link").click()
    olga.get_by_test_id("report-producers").get_by_role(
        "link", name=fr("Volumes per producer"), exact=True
    ).click()
    section = olga.get_by_test_id(f"section-producer-{farm.pk}")
    expect(section.locator("h2")).to_have_text("Ferme du Moulin")
    rows = section.locator("tbody tr")
    expect(rows).to_have_count(2)
    with translation.override("fr"):
        kg, piece = translation.gettext("kg"), translation.gettext("piece")
    expect(rows.nth(0).locator("th, td")).to_have_text(
        ["Pommes Jonagold", "Sac de 1 kg", f"1 {kg}", "5", "", "",
         euros("16.00"), euros("0.00"), euros("16.00")]
    )  # fmt: skip
    expect(rows.nth(1).locator("th, td")).to_have_text(
        ["Poulet fermier", "Poulet entier", f"1 {piece}", "1", "1,8", "1,95",
         euros("23.40"), euros("0.00"), euros("23.40")]
    )  # fmt: skip
    expect(section.locator("tfoot tr th, tfoot tr td")).to_have_text(
        [fr("Total"), "", "", "", "", "", euros("39.40"), euros("0.00"), euros("39.40")]
    )
    axe_check(olga)
    expect(olga.get_by_test_id("csv-link")).to_have_attribute("href", "?format=csv")
    csv = olga.request.get(olga.url + "?format=csv")
    assert csv.status == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert "Pommes Jonagold" in csv.text() and "Poulet fermier" in csv.text()

    olga.goto(sc(f"distributions/{distribution.pk}/reports/signoff/"))
    section = olga.get_by_test_id(f"section-slot-{distribution.slots.get().pk}")
    expect(section.locator("h2")).to_have_text("Salle des fêtes")
    rows = section.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th, td")).to_have_text(
        ["Alice Acheteuse", f"#{alice_order.pk}", "2", euros("29.80"), fr("Paid from balance"), ""]
    )
    expect(rows.nth(1).locator("th, td")).to_have_text(
        ["Bruno Acheteur", f"#{bruno_order.pk}", "1", euros("9.60"), fr("To pay on site"), ""]
    )
    expect(section.locator("tfoot tr th, tfoot tr td")).to_have_text(
        [fr("Total"), "", "3", euros("39.40"), "", ""]
    )
    csv = olga.request.get(olga.url + "?format=csv")
    assert csv.status == 200
    assert "Bruno Acheteur" in csv.text()

    # Delivered; Bruno pays 9,60 € in cash; Olga settles.
    olga.goto(sc(f"organise/distributions/{distribution.pk}/"))
    olga.get_by_test_id("steps").get_by_role("button", name=fr("Mark as delivered")).click()
    expect(olga.get_by_test_id("status")).to_have_text(fr("Delivered"))
    olga.get_by_role("link", name=fr("On-site payments")).click()
    expect(olga.locator(f"#amount-{bruno_order.pk}")).to_have_value("9.60")
    olga.get_by_test_id(f"record-{bruno_order.pk}").click()
    expect(flash(olga)).to_contain_text(
        fr("Payment of %(amount)s recorded for order #%(id)s.", amount=euros("9.60"),
           id=bruno_order.pk)
    )  # fmt: skip
    expect(olga.get_by_test_id(f"paid-{bruno_order.pk}")).to_be_visible()
    olga.goto(sc(f"distributions/{distribution.pk}/settle/"))
    expect(olga.get_by_test_id("settle-total")).to_have_text(euros("39.40"))
    olga.get_by_test_id("settle-button").click()
    expect(olga.get_by_test_id("settled")).to_be_visible()

    # e) The books: each buyer debited their total, the farm credited the sales.
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.SETTLED

    def account(owner, purpose) -> LedgerAccount:
        return LedgerAccount.objects.get(
            group=group, purpose=purpose, owner_id=str(owner.pk),
            owner_type=ContentType.objects.get_for_model(owner),
        )  # fmt: skip

    def settled(acct) -> list[int]:
        return sorted(
            Entry.objects.filter(account=acct, transaction__kind=kinds.SETTLEMENT).values_list(
                "amount", flat=True
            )
        )

    def balance(acct) -> int:
        return Entry.objects.filter(account=acct).aggregate(s=Sum("amount"))["s"]

    alice_account = account(people["alice"], Purpose.MEMBER)
    bruno_account = account(people["bruno"], Purpose.MEMBER)
    farm_account = account(farm, Purpose.PRODUCER)
    assert settled(alice_account) == [-2980]
    assert settled(bruno_account) == [-960]
    assert settled(farm_account) == [960, 2980]
    assert (balance(alice_account), balance(bruno_account), balance(farm_account)) == (
        2020, 0, 3940,
    )  # fmt: skip
    assert ledger_violations() == []

    for page in (fanny, olga, alice, bruno):
        assert console_problems(page) == []
