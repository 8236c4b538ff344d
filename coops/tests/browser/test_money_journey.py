"""Money in one journey: the organiser records a dues payment, a member pays another
in the social currency, both statements show it, and a payment over the credit limit
is refused with an explanation and nothing written."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coops.accounts.tests.factories import UserFactory
from coops.currency.services import currency_create
from coops.groups.models import GroupKind, GroupModule, Role
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.ledger.dues.models import Dues, DuesStatus, Period, Pricing
from coops.ledger.dues.services import dues_generate, dues_plan_create
from coops.ledger.models import Entry, LedgerAccount, Payment, Transaction
from coops.tests.browser.conftest import axe_check, console_problems, tr

pytestmark = pytest.mark.browser

SLUG = "amap-des-weppes"
LEDGER = f"/g/{SLUG}/m/ledger/"
CURRENCY = f"/g/{SLUG}/m/currency/"


@pytest.fixture
def amap(db):
    group = GroupFactory(name="AMAP des Weppes", slug=SLUG, kind=GroupKind.FOOD_HUB)
    for module in ("ledger", "currency"):
        GroupModule.objects.create(group=group, module=module)

    def person(name: str, email: str, role=Role.MEMBER):
        user = UserFactory(display_name=name, email=email, language="fr")
        return MembershipFactory(group=group, user=user, role=role).user

    martine = person("Martine Delattre", "martine@example.org", Role.ORGANISER)
    lea = person("Léa Martin", "lea@example.org")
    claire = person("Claire Dupont", "claire@example.org")
    plan = dues_plan_create(
        group=group,
        acting_user=martine,
        name="Adhésion AMAP 2026-2027",
        period=Period.YEARLY,
        pricing=Pricing.FIXED,
        amount=Decimal("15.00"),
        start_date=date(2026, 9, 1),
        due_day=1,
        grace_days=30,
    )
    dues_generate(plan=plan, on=date(2026, 11, 1), acting_user=martine)
    currency_create(
        group=group,
        acting_user=martine,
        name="Le Lien",
        code="LIEN",
        symbol="ℓ",
        default_min_balance=Decimal("-50"),
        default_max_balance=Decimal("500"),
    )
    return group, martine, lea, claire


def test_dues_payment_currency_payment_statements_and_a_refusal(new_page, sign_in_as, amap):
    _group, martine, lea, claire = amap
    lea_dues = Dues.objects.get(member=lea)

    # The organiser records Léa's cheque for her dues.
    organiser = new_page()
    sign_in_as(organiser, martine)
    organiser.goto(f"{LEDGER}dues/all/")
    row = organiser.locator(f"#dues-{lea_dues.pk}")
    expect(row).to_contain_text("Léa Martin")
    row.get_by_role("link", name=tr("Record a payment")).click()
    form = organiser.locator("main form[method=post]")
    form.get_by_label(tr("Amount (€)")).fill("20")
    form.get_by_label(tr("Method")).select_option("cheque")
    form.get_by_label(tr("Cheque number")).fill("0004127")
    form.get_by_label(tr("Bank")).fill("Crédit Coopératif")
    axe_check(organiser)
    form.get_by_role("button", name=tr("Record and settle the dues")).click()
    expect(organiser.locator("main .messages")).to_contain_text(
        tr(
            "Payment recorded: %(name)s's dues for %(period)s are paid.",
            name="Léa Martin",
            period="2026-2027",
        )
    )
    lea_dues.refresh_from_db()
    assert lea_dues.status == DuesStatus.PAID
    payment = Payment.objects.get(member=lea)
    assert (payment.amount, payment.method, payment.cheque_number) == (
        Decimal("20.00"),
        "cheque",
        "0004127",
    )

    # Léa sees 5 € left on her balance and both movements on her statement.
    member = new_page()
    sign_in_as(member, lea)
    member.goto(LEDGER)
    expect(member.get_by_test_id("own-balance")).to_have_text("5,00\N{NO-BREAK SPACE}€")
    member.goto(f"{LEDGER}statement/")
    rows = member.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Chèque n° 0004127 (Crédit Coopératif)")
    expect(rows.nth(0)).to_contain_text("20,00\N{NO-BREAK SPACE}€")
    expect(rows.nth(1)).to_contain_text("15,00\N{NO-BREAK SPACE}€")
    expect(member.get_by_test_id("closing")).to_have_text("5,00\N{NO-BREAK SPACE}€")
    axe_check(member)

    # Léa pays Claire 30 ℓ for a guitar lesson.
    member.goto(f"{CURRENCY}pay/")
    pay = member.locator("main form[method=post]")
    pay.get_by_label(tr("Pay to")).select_option(label="Claire Dupont")
    pay.get_by_label(tr("Amount (%(symbol)s)", symbol="ℓ")).fill("30")
    pay.get_by_label(tr("What for")).fill("Cours de guitare")
    axe_check(member)
    pay.get_by_role("button", name=tr("Pay"), exact=True).click()
    expect(member.locator("main .messages")).to_contain_text(
        tr(
            "You paid %(amount)s to %(name)s.",
            amount="30,00\N{NO-BREAK SPACE}ℓ",
            name="Claire Dupont",
        )
    )
    expect(member.get_by_test_id("balance")).to_have_text("-30,00\N{NO-BREAK SPACE}ℓ")
    expect(member.locator("section[aria-labelledby=statement-title] tbody tr")).to_have_count(1)

    # Then tries 25 ℓ more: that would take her to −55 ℓ, under her −50 ℓ limit.
    posted = Transaction.objects.count()
    member.goto(f"{CURRENCY}pay/")
    pay = member.locator("main form[method=post]")
    pay.get_by_label(tr("Pay to")).select_option(label="Claire Dupont")
    pay.get_by_label(tr("Amount (%(symbol)s)", symbol="ℓ")).fill("25")
    pay.get_by_label(tr("What for")).fill("Paniers de légumes")
    pay.get_by_role("button", name=tr("Pay"), exact=True).click()
    alert = member.locator("main form [role=alert]")
    expect(alert).to_contain_text("-55,00\N{NO-BREAK SPACE}ℓ")
    expect(alert).to_contain_text("-50,00\N{NO-BREAK SPACE}ℓ")
    expect(alert).to_contain_text("20,00\N{NO-BREAK SPACE}ℓ")  # what she can still spend
    assert Transaction.objects.count() == posted
    lien = LedgerAccount.objects.get(currency="LIEN", owner_id=str(lea.pk))
    assert lien.balance == -3000

    # Claire sees the payment on her statement.
    payee = new_page()
    sign_in_as(payee, claire)
    payee.goto(CURRENCY)
    expect(payee.get_by_test_id("balance")).to_have_text("30,00\N{NO-BREAK SPACE}ℓ")
    statement = payee.locator("section[aria-labelledby=statement-title] tbody tr")
    expect(statement).to_have_count(1)
    expect(statement.first).to_contain_text("Cours de guitare")
    axe_check(payee)

    assert Entry.objects.filter(account=lien).count() == 1
    for page in (organiser, member, payee):
        assert console_problems(page) == []
