"""A group purchase in Chromium: flour comes in cases of 6 × 1 kg. Three members ask
for quantities with tolerances on the bulk order's page and see what they will probably
get; the organiser closes it; each member sees their final quantity and why, and the
purchase order lists the cases to order."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from coops.accounts.tests.factories import UserFactory
from coops.core.money import Money, format_money
from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr, nfr, pfr
from coops.shortcircuit.models import BulkRequest, BulkStatus
from coops.shortcircuit.services.bulk import bulk_order_create, bulk_order_open
from coops.shortcircuit.tests.factories import hub
from coops.tests.browser.conftest import axe_check, console_problems

pytestmark = pytest.mark.browser

SLUG = "epicerie-solidaire"
CASES = (
    "%(cases)s case of %(case_size)s was ordered (%(units)s units for %(wanted)s asked "
    "with tolerances).",
    "%(cases)s cases of %(case_size)s were ordered (%(units)s units for %(wanted)s asked "
    "with tolerances).",
)


def euros(amount: str) -> str:
    with translation.override("fr"):
        return format_money(Money(Decimal(amount), "EUR"))


def kg(n: int) -> str:
    with translation.override("fr"):
        return f"{n} {translation.gettext('kg')}"


@pytest.fixture
def flour(transactional_db):
    group = hub(name="Épicerie solidaire", slug=SLUG)
    people = {}
    for key, name, role in [
        ("olivier", "Olivier Organisateur", Role.ORGANISER),
        ("anne", "Anne", Role.MEMBER),
        ("benoit", "Benoît", Role.MEMBER),
        ("chloe", "Chloé", Role.MEMBER),
    ]:
        people[key] = UserFactory(display_name=name)
        MembershipFactory(group=group, user=people[key], role=role)
    order = bulk_order_create(
        group=group, acting_user=people["olivier"], title="Farines d’automne",
        supplier_name="Moulin de la Marque", closes_at=timezone.now() + timedelta(days=3),
        articles=[{"name": "Farine T80", "unit": "kg", "unit_size": Decimal("1"),
                   "case_size": 6, "unit_price": Decimal("2.00")}],
    )  # fmt: skip
    order = bulk_order_open(bulk_order=order, acting_user=people["olivier"])
    return order, order.articles.get(), people


def test_cases_shared_by_quantities_then_tolerances(flour, new_page, sign_in_as):
    order, article, people = flour
    url = f"/g/{SLUG}/m/shortcircuit/bulk/{order.pk}/"
    pages = {}

    def ask(key: str, quantity: int, tolerance: int):
        page = pages.get(key)
        if page is None:
            page = pages[key] = new_page()
            sign_in_as(page, people[key])
        page.goto(url)
        form = page.get_by_test_id(f"request-form-{article.pk}")
        form.get_by_label(fr("Quantity (units)")).fill(str(quantity))
        form.get_by_label(fr("Tolerance (units)")).fill(str(tolerance))
        form.get_by_role("button", name=pfr("short circuits: a bulk request", "Ask")).click()
        expect(page.locator("main .messages")).to_contain_text(
            fr("Your request for %(article)s is saved.", article="Farine T80")
        )
        return page.get_by_test_id(f"article-{article.pk}")

    # Anne asks first for 5 kg, and would take 2 more: one case, topped up by her.
    anne = ask("anne", 5, 2)
    expect(anne.get_by_test_id("my-request")).to_contain_text(
        fr("Your request: %(q)s + %(t)s tolerance (units).", q=5, t=2)
    )
    expect(anne.get_by_test_id("my-range")).to_have_text(
        fr("You will probably get %(range)s.", range=f"{kg(6)} … {kg(7)}")
    )
    expect(anne.get_by_test_id("cases")).to_have_text("1")
    expect(anne.get_by_test_id("progress")).to_have_text(fr("Tolerances complete the last case."))
    axe_check(pages["anne"])

    # Benoît asks for 3 kg: 8 units asked, tolerances count, 2 more fill a second case.
    # Only one case is full now: Anne's 5 units come first, Benoît gets at least 1.
    benoit = ask("benoit", 3, 0)
    expect(benoit.get_by_test_id("progress")).to_have_text(
        nfr(
            "%(counter)s more unit to fill the next case.",
            "%(counter)s more units to fill the next case.", 2, counter=2,
        )
    )  # fmt: skip
    expect(benoit.get_by_test_id("my-range")).to_have_text(
        fr("You will probably get %(range)s.", range=f"{kg(1)} … {kg(3)}")
    )

    # Chloé asks for 2 kg and would take 2 more: 10 asked, tolerances complete a
    # second case with Anne's 2 extra units first (she asked first).
    chloe = ask("chloe", 2, 2)
    expect(chloe.get_by_test_id("requested")).to_have_text("10")
    expect(chloe.get_by_test_id("tolerance")).to_have_text("4")
    expect(chloe.get_by_test_id("cases")).to_have_text("2")
    expect(chloe.get_by_test_id("my-range")).to_have_text(
        fr("You will probably get %(range)s.", range=f"{kg(2)} … {kg(4)}")
    )

    # Olivier closes and allocates.
    olivier = new_page()
    sign_in_as(olivier, people["olivier"])
    olivier.goto(url)
    olivier.get_by_test_id("bulk-close").click()
    expect(olivier.locator("main .messages")).to_contain_text(
        fr("The bulk order is closed and allocated; members are told.")
    )
    expect(olivier.get_by_test_id("status")).to_have_text(fr("Closed and allocated"))

    def final(key: str):
        page = pages[key]
        page.goto(url)
        return page.get_by_test_id(f"article-{article.pk}")

    anne = final("anne")
    expect(anne.get_by_test_id("my-range")).to_have_text(fr("You get %(got)s.", got=kg(7)))
    cases = nfr(*CASES, 2, cases=2, case_size=6, units=12, wanted=14)
    expect(anne.get_by_test_id("my-explanation")).to_have_text(
        " ".join([
            fr("You asked %(quantity)s + %(tolerance)s tolerance.", quantity=5, tolerance=2),
            cases,
            fr("You get all of it: %(allocated)s.", allocated=7),
        ])
    )  # fmt: skip
    chloe = final("chloe")
    expect(chloe.get_by_test_id("my-range")).to_have_text(fr("You get %(got)s.", got=kg(2)))
    expect(chloe.get_by_test_id("my-explanation")).to_have_text(
        " ".join([
            fr("You asked %(quantity)s + %(tolerance)s tolerance.", quantity=2, tolerance=2),
            cases,
            fr(
                "You get your quantity, %(allocated)s: the cases were full without your "
                "tolerance.",
                allocated=2,
            ),
        ])
    )  # fmt: skip
    benoit = final("benoit")
    expect(benoit.get_by_test_id("my-range")).to_have_text(fr("You get %(got)s.", got=kg(3)))

    # The purchase order: two cases of 6 × 1 kg, 12 kg at 2 €.
    olivier.get_by_role("link", name=fr("Purchase order"), exact=True).click()
    rows = olivier.get_by_test_id("purchase-order").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("th, td")).to_have_text(
        ["Farine T80", "2", f"6 × {kg(1)}", kg(12), euros("2.00"), euros("24.00")]
    )
    expect(olivier.get_by_test_id("po-total")).to_have_text(euros("24.00"))

    order.refresh_from_db()
    assert order.status == BulkStatus.CLOSED
    got = dict(BulkRequest.objects.values_list("member__display_name", "allocated"))
    assert got == {"Anne": 7, "Benoît": 3, "Chloé": 2}
    for page in [*pages.values(), olivier]:
        assert console_problems(page) == []
