"""Currency pages: what each persona sees and may do, and that refusals change nothing.

The payer of every payment is the signed-in person: no form has a payer field, and a
forged one is ignored.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from conftest import PERSONAS
from coops.core.money import Money, format_money
from coops.currency import kinds, selectors, services
from coops.currency.models import (
    Category,
    Currency,
    DemurrageRun,
    Offer,
    OfferKind,
    PaymentRequest,
    RequestStatus,
)
from coops.groups.models import GroupModule, Visibility
from coops.groups.services import group_module_disable
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr, messages_of, page
from coops.ledger.models import Entry, LedgerAccount, Transaction
from coops.notifications.models import Notification

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/?next="
NBSP = "\N{NO-BREAK SPACE}"
KEY = "00112233445566778899aabbccddeeff"
MANAGERS = ("organiser", "admin")
MEMBERS = ("member", "organiser", "admin")


def _url(personas, name: str, **kwargs) -> str:
    return reverse(f"groups:currency:{name}", kwargs={"slug": personas.group.slug, **kwargs})


def _snapshot() -> tuple:
    """Everything a denied request must leave untouched."""
    return (
        sorted(Transaction.objects.values_list("pk", "kind")),
        Entry.objects.count(),
        sorted(LedgerAccount.objects.values_list("pk", "balance", "min_balance", "max_balance")),
        sorted(PaymentRequest.objects.values_list("pk", "status", "reason", "transaction_id")),
        sorted(
            Offer.objects.values_list(
                "pk", "title", "description", "price", "is_active", "category"
            )
        ),
        sorted(
            Currency.objects.values_list(
                "pk",
                "name",
                "symbol",
                "default_min_balance",
                "default_max_balance",
                "demurrage_rate",
            )
        ),
        DemurrageRun.objects.count(),
        Notification.objects.count(),
    )


def _login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def _pay(personas, payer, payee, amount: str, **kwargs):
    return services.transfer_create(
        currency=personas.currency,
        acting_user=payer,
        payee=payee,
        amount=Decimal(amount),
        **kwargs,
    )


def _balance(personas, user) -> int:
    account = selectors.account_of(personas.currency, user)
    return 0 if account is None else account.balance


@pytest.fixture
def world(currency_personas):
    """Everyone in the group has an account; the member lists an offer; the
    organiser asks the member to pay."""
    p = currency_personas
    _pay(p, p.organiser, p.member, "10")
    _pay(p, p.admin, p.member, "5")
    p.offer = services.offer_create(
        currency=p.currency,
        acting_user=p.member,
        kind=OfferKind.OFFER,
        title="Réparation de vélo",
        description="Freins et dérailleur",
        category=Category.REPAIR,
        price=Decimal("15"),
    )
    p.request = services.payment_request_create(
        currency=p.currency,
        acting_user=p.organiser,
        payer=p.member,
        amount=Decimal("7.50"),
        memo="Panier de légumes",
    )
    return p


# --- Pages every member sees ---------------------------------------------------------------


MEMBER_PAGES = ["index", "overview", "pay", "request_create", "offers", "offer_create"]


@pytest.mark.parametrize("name", MEMBER_PAGES)
@pytest.mark.parametrize("who", PERSONAS)
def test_member_pages(world, who, name):
    response = world.client(who).get(_url(world, name))
    if who == "anonymous":
        _login_redirect(response)
    elif who == "other_member":
        assert response.status_code == 403
        assert fr("Only the group's members use its local currency.") in page(response)
        assert "Réparation de vélo" not in page(response)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("who", PERSONAS)
def test_offer_detail_and_edit(world, who):
    for name in ("offer_detail", "offer_edit"):
        response = world.client(who).get(_url(world, name, pk=world.offer.pk))
        if who == "anonymous":
            _login_redirect(response)
        elif who == "other_member":
            assert response.status_code == 403
        else:
            assert response.status_code == 200
            assert "Réparation de vélo" in page(response)


def test_another_member_cannot_edit_someone_elses_offer(world):
    neighbour = MembershipFactory(group=world.group).user
    world.neighbour = neighbour
    before = _snapshot()
    client = world.client("neighbour")
    assert client.get(_url(world, "offer_detail", pk=world.offer.pk)).status_code == 200
    assert client.get(_url(world, "offer_edit", pk=world.offer.pk)).status_code == 403
    response = client.post(
        _url(world, "offer_edit", pk=world.offer.pk),
        {"kind": "offer", "title": "Piraté", "category": "other"},
    )
    assert response.status_code == 403
    assert client.post(_url(world, "offer_deactivate", pk=world.offer.pk)).status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("who", PERSONAS)
def test_statement_download(world, who):
    response = world.client(who).get(_url(world, "statement_csv"))
    if who == "anonymous":
        _login_redirect(response)
    elif who == "other_member":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert 'filename="lien-amap-des-weppes.csv"' in response["Content-Disposition"]
        lines = response.content.decode().splitlines()
        assert lines[0] == "\ufeffdate;transaction;kind;memo;debit;credit;balance;currency"
        assert len(lines) == (3 if who == "member" else 2)


def test_statement_download_without_an_account_is_404(currency_personas):
    p = currency_personas
    assert p.client("member").get(_url(p, "statement_csv")).status_code == 404


# --- Organiser pages ---------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_organiser_pages(world, who):
    for url in (
        _url(world, "manage"),
        _url(world, "settings"),
        _url(world, "account_limits", user_id=world.member.pk),
    ):
        response = world.client(who).get(url)
        if who == "anonymous":
            _login_redirect(response)
        elif who in MANAGERS:
            assert response.status_code == 200
        else:
            assert response.status_code == 403
            assert fr("Only the group's organisers manage its local currency.") in page(response)


def test_manage_lists_balances_and_limits(world):
    text = page(world.client("organiser").get(_url(world, "manage")))
    with translation.override("fr"):
        for amount in ("15", "-10", "-5", "-300"):
            assert format_money(Money(Decimal(amount), "LIEN")) in text
    assert world.member.public_name in text
    assert _url(world, "account_limits", user_id=world.member.pk) in text


def test_limits_of_someone_outside_the_group_are_404(world):
    client = world.client("organiser")
    response = client.get(_url(world, "account_limits", user_id=world.other_member.pk))
    assert response.status_code == 404


# --- Without the module or the currency ---------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_module_off_is_404(world, who):
    group_module_disable(group=world.group, module="currency", acting_user=world.admin)
    for name in ("index", "pay", "offers", "manage"):
        assert world.client(who).get(_url(world, name)).status_code == 404


@pytest.mark.parametrize("who", PERSONAS)
def test_members_only_group_hides_the_module_from_outsiders(world, who):
    type(world.group).objects.filter(pk=world.group.pk).update(visibility=Visibility.MEMBERS)
    response = world.client(who).get(_url(world, "index"))
    assert response.status_code == (404 if who in ("anonymous", "other_member") else 200)


@pytest.mark.parametrize("who", PERSONAS)
def test_before_the_currency_exists(personas, who):
    GroupModule.objects.create(group=personas.group, module="currency")
    response = personas.client(who).get(_url(personas, "index"))
    if who == "anonymous":
        _login_redirect(response)
        return
    if who == "other_member":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    text = page(response)
    if who in MANAGERS:
        assert response.context["form"] is not None
        assert fr("Create the currency") in text
        assert 'name="code"' in text
    else:
        assert response.context["form"] is None
        assert 'data-testid="no-currency"' in text
        assert 'name="code"' not in text
    assert personas.client(who).get(_url(personas, "pay")).status_code == 404


@pytest.mark.parametrize("who", PERSONAS)
def test_creating_the_currency(personas, who):
    GroupModule.objects.create(group=personas.group, module="currency")
    before = _snapshot()
    response = personas.client(who).post(
        _url(personas, "settings"),
        {
            "name": "Le Lien",
            "code": "lien",
            "symbol": "ℓ",
            "decimals": "2",
            "default_min_balance": "-300",
            "default_max_balance": "1500",
            "demurrage_rate": "0,5",
            "demurrage_free_base": "500",
        },
    )
    if who in MANAGERS:
        assert response.status_code == 302
        assert response["Location"] == _url(personas, "manage")
        currency = Currency.objects.get(group=personas.group)
        assert (currency.code, currency.default_min_balance) == ("LIEN", -30000)
        assert (currency.demurrage_rate, currency.demurrage_free_base) == (Decimal("0.5"), 50000)
        return
    if who == "anonymous":
        _login_redirect(response)
    else:
        assert response.status_code == 403
    assert _snapshot() == before


def test_currency_settings_cannot_change_code_or_decimals(world):
    response = world.client("organiser").post(
        _url(world, "settings"),
        {
            "name": "Le Lien des Weppes",
            "code": "AUTRE",
            "symbol": "L",
            "decimals": "0",
            "default_min_balance": "-200",
            "default_max_balance": "",
            "demurrage_rate": "0",
            "demurrage_free_base": "0",
        },
    )
    assert response.status_code == 302
    currency = Currency.objects.get(pk=world.currency.pk)
    assert (currency.name, currency.code, currency.decimals) == ("Le Lien des Weppes", "LIEN", 2)
    assert (currency.symbol, currency.default_min_balance) == ("L", -20000)
    assert (currency.default_max_balance, currency.demurrage_rate) == (None, 0)


def test_currency_settings_refuse_more_digits_than_the_currency_has(world):
    before = _snapshot()
    response = world.client("organiser").post(
        _url(world, "settings"),
        {
            "name": "Le Lien",
            "symbol": "ℓ",
            "default_min_balance": "-300,001",
            "default_max_balance": "1500",
            "demurrage_rate": "0,5",
            "demurrage_free_base": "500",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["default_min_balance"] == [
        fr("This currency has %(decimals)s digits after the decimal point at most.", decimals=2)
    ]
    assert _snapshot() == before


# --- Paying -----------------------------------------------------------------------------------


def _pay_form(payee, amount="12,50", **extra) -> dict:
    data = {"payee": payee.pk, "amount": amount, "memo": "Cours de guitare", "idempotency_key": KEY}
    data.update(extra)
    return data


@pytest.mark.parametrize("who", PERSONAS)
def test_pay_post(world, who):
    payee = world.admin if who != "admin" else world.organiser
    before = _snapshot()
    payer = getattr(world, who, None)
    balance = _balance(world, payer) if who in MEMBERS else None
    response = world.client(who).post(_url(world, "pay"), _pay_form(payee))
    if who in MEMBERS:
        assert response.status_code == 302
        assert response["Location"] == _url(world, "index")
        assert _balance(world, payer) == balance - 1250
        with translation.override("fr"):
            amount = format_money(Money(Decimal("12.50"), "LIEN"))
        assert messages_of(response) == [
            fr("You paid %(amount)s to %(name)s.", amount=amount, name=payee.public_name)
        ]
        return
    if who == "anonymous":
        _login_redirect(response)
    else:
        assert response.status_code == 403
    assert _snapshot() == before


def test_a_forged_payer_field_is_ignored_the_sender_pays(world):
    organiser_before = _balance(world, world.organiser)
    member_before = _balance(world, world.member)
    response = world.client("member").post(
        _url(world, "pay"),
        _pay_form(world.admin, "3", payer=world.organiser.pk, acting_user=world.organiser.pk),
    )
    assert response.status_code == 302
    assert _balance(world, world.organiser) == organiser_before
    assert _balance(world, world.member) == member_before - 300
    assert Transaction.objects.filter(kind=kinds.TRANSFER).latest("pk").created_by == world.member


def test_a_double_submit_pays_once(world):
    client = world.client("member")
    before = _balance(world, world.member)
    first = client.post(_url(world, "pay"), _pay_form(world.admin))
    second = client.post(_url(world, "pay"), _pay_form(world.admin))
    assert first.status_code == second.status_code == 302
    assert _balance(world, world.member) == before - 1250
    assert Transaction.objects.filter(idempotency_key__endswith=KEY).count() == 1


def test_a_payment_over_the_limit_shows_the_ledgers_message_and_pays_nothing(world):
    before = _snapshot()
    # The member holds 15.00 ℓ and may go down to −300.00 ℓ.
    response = world.client("member").post(_url(world, "pay"), _pay_form(world.admin, "315,01"))
    assert response.status_code == 200
    with translation.override("fr"):
        expected = gettext(
            "%(account)s would fall to %(new)s, under its minimum of %(limit)s "
            "(available: %(available)s)."
        ) % {
            "account": world.member.public_name,
            "new": format_money(Money(Decimal("-300.01"), "LIEN")),
            "limit": format_money(Money(Decimal("-300"), "LIEN")),
            "available": format_money(Money(Decimal("315"), "LIEN")),
        }
    assert response.context["form"].non_field_errors() == [expected]
    assert expected in page(response)
    assert _snapshot() == before


def test_paying_a_non_member_or_oneself_is_not_offered(world):
    before = _snapshot()
    client = world.client("member")
    for payee in (world.other_member, world.member):
        response = client.post(_url(world, "pay"), _pay_form(payee))
        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["payee"]
    response = client.post(_url(world, "pay"), _pay_form(world.admin, idempotency_key="x"))
    assert list(response.context["form"].errors) == ["idempotency_key"]
    response = client.post(_url(world, "pay"), _pay_form(world.admin, amount="1,005"))
    assert list(response.context["form"].errors) == ["amount"]
    assert _snapshot() == before


def test_the_pay_link_of_an_offer_prefills_the_form(world):
    response = world.client("organiser").get(_url(world, "pay"), {"offer": world.offer.pk})
    form = response.context["form"]
    assert form.initial["payee"] == world.member.pk
    assert form.initial["amount"] == Decimal("15")
    assert form.initial["memo"] == "Réparation de vélo"
    assert form.initial["offer"] == world.offer.pk
    assert len(form.initial["idempotency_key"]) == 32
    text = page(response)
    assert f'<option value="{world.member.pk}" selected>' in text
    assert 'name="amount" value="15"' in text
    detail = page(world.client("organiser").get(_url(world, "offer_detail", pk=world.offer.pk)))
    assert f"{_url(world, 'pay')}?offer={world.offer.pk}" in detail
    response = world.client("organiser").post(
        _url(world, "pay"), _pay_form(world.member, "15", offer=world.offer.pk)
    )
    assert response.status_code == 302
    assert Transaction.objects.latest("pk").source == world.offer


def test_the_member_page_shows_balance_limits_statement_and_requests(world):
    response = world.client("member").get(_url(world, "index"))
    text = page(response)
    with translation.override("fr"):
        assert f'data-testid="balance"><strong>{format_money(Money(Decimal(15), "LIEN"))}' in text
        assert format_money(Money(Decimal("315"), "LIEN")) in text  # available to spend
    assert [line.counterparty for line in response.context["statement"]] == [
        world.admin.public_name,
        world.organiser.public_name,
    ]
    assert response.context["incoming"] == [world.request]
    assert _url(world, "request_accept", pk=world.request.pk) in text
    assert "Panier de légumes" in text
    organiser_page = world.client("organiser").get(_url(world, "index"))
    assert organiser_page.context["outgoing"] == [world.request]
    assert _url(world, "request_cancel", pk=world.request.pk) in page(organiser_page)


@pytest.mark.parametrize("who", MEMBERS)
def test_overview_shows_exact_figures(world, who):
    response = world.client(who).get(_url(world, "overview"))
    stats = response.context["stats"]
    assert (stats.transfers_all, stats.accounts, stats.active_accounts) == (2, 3, 3)
    assert stats.volume_all.amount == Decimal("15")
    assert stats.balance_sum.amount == 0
    with translation.override("fr"):
        zero = format_money(Money(Decimal(0), "LIEN"))
    assert f'data-testid="balance-sum">{zero}' in page(response)


# --- Payment requests -------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_request_create_post(world, who):
    payer = world.member if who != "member" else world.admin
    before = _snapshot()
    response = world.client(who).post(
        _url(world, "request_create"),
        {"payer": payer.pk, "amount": "4", "memo": "Pain au levain"},
    )
    if who in MEMBERS:
        assert response.status_code == 302
        made = PaymentRequest.objects.latest("pk")
        assert (made.requester, made.payer, made.amount) == (getattr(world, who), payer, 400)
        return
    if who == "anonymous":
        _login_redirect(response)
    else:
        assert response.status_code == 403
    assert _snapshot() == before


ANSWERS = {
    "request_accept": ("member", RequestStatus.ACCEPTED),
    "request_refuse": ("member", RequestStatus.REFUSED),
    "request_cancel": ("organiser", RequestStatus.CANCELLED),
}


@pytest.mark.parametrize("name", list(ANSWERS))
@pytest.mark.parametrize("who", PERSONAS)
def test_request_answers(world, who, name):
    allowed, status = ANSWERS[name]
    before = _snapshot()
    response = world.client(who).post(
        _url(world, name, pk=world.request.pk), {"reason": "Déjà réglé"}
    )
    world.request.refresh_from_db()
    if who == allowed:
        assert response.status_code == 302
        assert world.request.status == status
        if status == RequestStatus.ACCEPTED:
            assert _balance(world, world.member) == 1500 - 750
        if status == RequestStatus.REFUSED:
            assert world.request.reason == "Déjà réglé"
        return
    if who == "anonymous":
        _login_redirect(response)
    else:
        assert response.status_code == 403
    assert world.request.status == RequestStatus.PENDING
    assert _snapshot() == before


def test_accepting_over_the_limit_keeps_the_request_pending_with_the_message(world):
    big = services.payment_request_create(
        currency=world.currency,
        acting_user=world.organiser,
        payer=world.member,
        amount=Decimal("400"),
        memo="Location de salle",
    )
    before = _snapshot()
    response = world.client("member").post(_url(world, "request_accept", pk=big.pk))
    assert response.status_code == 302
    (message,) = messages_of(response)
    with translation.override("fr"):
        assert format_money(Money(Decimal("-385"), "LIEN")) in message
    big.refresh_from_db()
    assert big.status == RequestStatus.PENDING
    assert _snapshot() == before


def test_a_request_of_another_group_is_404(world):
    other = world.other_group
    elsewhere = MembershipFactory(group=other, role="organiser").user
    from coops.currency.tests.conftest import create_lien

    currency = create_lien(other, elsewhere, code="AUTRE")
    foreign = services.payment_request_create(
        currency=currency,
        acting_user=elsewhere,
        payer=world.other_member,
        amount=Decimal("1"),
        memo="Ailleurs",
    )
    response = world.client("member").post(_url(world, "request_cancel", pk=foreign.pk))
    assert response.status_code == 404


# --- Organiser actions --------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_account_limits_post(world, who):
    before = _snapshot()
    response = world.client(who).post(
        _url(world, "account_limits", user_id=world.member.pk),
        {"min_balance": "-500", "max_balance": ""},
    )
    account = selectors.account_of(world.currency, world.member)
    if who in MANAGERS:
        assert response.status_code == 302
        assert (account.min_balance, account.max_balance) == (-50000, None)
        return
    if who == "anonymous":
        _login_redirect(response)
    else:
        assert response.status_code == 403
    assert (account.min_balance, account.max_balance) == (-30000, 150000)
    assert _snapshot() == before


def test_limits_for_a_member_without_account_open_it(world):
    newcomer = MembershipFactory(group=world.group).user
    response = world.client("organiser").post(
        _url(world, "account_limits", user_id=newcomer.pk),
        {"min_balance": "-50", "max_balance": "200"},
    )
    assert response.status_code == 302
    account = selectors.account_of(world.currency, newcomer)
    assert (account.balance, account.min_balance, account.max_balance) == (0, -5000, 20000)


# --- Offers --------------------------------------------------------------------------------


def _offer_form(**extra) -> dict:
    data = {
        "kind": "want",
        "title": "Cours de couture",
        "description": "Pour apprendre la machine à coudre",
        "category": "lessons",
        "price": "12,50",
        "price_eur": "",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("who", PERSONAS)
def test_offer_create_post(world, who):
    before = _snapshot()
    response = world.client(who).post(_url(world, "offer_create"), _offer_form())
    if who in MEMBERS:
        offer = Offer.objects.latest("pk")
        assert response.status_code == 302
        assert response["Location"] == _url(world, "offer_detail", pk=offer.pk)
        assert (offer.author, offer.kind, offer.price) == (
            getattr(world, who),
            "want",
            Decimal("12.5"),
        )
        return
    if who == "anonymous":
        _login_redirect(response)
    else:
        assert response.status_code == 403
    assert _snapshot() == before


def test_a_free_offer_with_a_price_is_refused(world):
    response = world.client("member").post(_url(world, "offer_create"), _offer_form(is_free="on"))
    assert response.status_code == 200
    assert response.context["form"].errors["is_free"] == [
        fr("Something free has no price: empty the prices.")
    ]


@pytest.mark.parametrize("who", PERSONAS)
def test_offer_edit_and_withdraw_post(world, who):
    before = _snapshot()
    client = world.client(who)
    edit = client.post(
        _url(world, "offer_edit", pk=world.offer.pk),
        _offer_form(kind="offer", title="Réparation de vélos"),
    )
    withdraw = client.post(_url(world, "offer_deactivate", pk=world.offer.pk))
    world.offer.refresh_from_db()
    if who in MEMBERS:
        assert edit.status_code == withdraw.status_code == 302
        assert (world.offer.title, world.offer.is_active) == ("Réparation de vélos", False)
        relist = client.post(_url(world, "offer_activate", pk=world.offer.pk))
        assert relist.status_code == 302
        world.offer.refresh_from_db()
        assert world.offer.is_active is True
        return
    if who == "anonymous":
        _login_redirect(edit)
        _login_redirect(withdraw)
    else:
        assert edit.status_code == withdraw.status_code == 403
    assert _snapshot() == before


def test_a_withdrawn_offer_is_hidden_from_others(world):
    services.offer_set_active(offer=world.offer, active=False, acting_user=world.member)
    url = _url(world, "offer_detail", pk=world.offer.pk)
    assert world.client("member").get(url).status_code == 200
    assert world.client("organiser").get(url).status_code == 200
    neighbour = MembershipFactory(group=world.group).user
    world.neighbour = neighbour
    assert world.client("neighbour").get(url).status_code == 404
    listing = world.client("neighbour").get(_url(world, "offers"))
    assert list(listing.context["page"]) == []
    mine = world.client("member").get(_url(world, "offers"), {"mine": "1"})
    assert list(mine.context["page"]) == [world.offer]


def test_offers_search(world):
    services.offer_create(
        currency=world.currency,
        acting_user=world.admin,
        kind=OfferKind.WANT,
        title="Œufs frais",
        category=Category.FOOD,
    )
    client = world.client("organiser")
    response = client.get(_url(world, "offers"), {"q": "VELO"})
    assert [o.title for o in response.context["page"]] == ["Réparation de vélo"]
    response = client.get(_url(world, "offers"), {"q": "oeufs", "kind": "want"})
    assert [o.title for o in response.context["page"]] == ["Œufs frais"]
    response = client.get(_url(world, "offers"), {"category": "food", "kind": "offer"})
    assert list(response.context["page"]) == []


def _offers_queries(world) -> int:
    client = world.client("member")
    client.get(_url(world, "offers"))  # session and caches warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(world, "offers"))
    assert response.status_code == 200
    return len(queries)


def test_the_offers_list_costs_the_same_queries_for_1_or_20_offers(world):
    few = _offers_queries(world)
    for n in range(25):
        services.offer_create(
            currency=world.currency,
            acting_user=[world.member, world.organiser, world.admin][n % 3],
            kind=OfferKind.OFFER,
            title=f"Offre {n}",
            category=Category.OTHER,
            price=Decimal(n + 1),
        )
    many = _offers_queries(world)
    assert few == many == 9
