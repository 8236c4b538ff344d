"""Currency services: exact balances, refusals that write nothing, idempotency,
payment request transitions, offers, demurrage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from coops.accounts.tests.factories import UserFactory
from coops.core import money
from coops.core.models import Event
from coops.currency import kinds, services
from coops.currency.models import (
    TRANSITIONS,
    Category,
    Currency,
    DemurrageRun,
    Offer,
    OfferKind,
    PaymentRequest,
    RequestStatus,
    transition_party,
)
from coops.currency.tests.conftest import create_lien
from coops.groups.models import Role
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.ledger.models import Entry, LedgerAccount, Purpose, Transaction
from coops.ledger.services import LimitExceeded
from coops.notifications.models import Notification

NBSP = "\N{NO-BREAK SPACE}"


def _pay(lien, payer, payee, amount: str, **kwargs) -> Transaction:
    return services.transfer_create(
        currency=lien.currency,
        acting_user=payer,
        payee=payee,
        amount=Decimal(amount),
        **kwargs,
    )


def _written() -> tuple[int, int, int, int, int]:
    """What a refused payment must leave unchanged."""
    return (
        Transaction.objects.count(),
        Entry.objects.count(),
        LedgerAccount.objects.count(),
        Notification.objects.count(),
        Event.objects.count(),
    )


# --- Currencies ------------------------------------------------------------------------------


def test_a_currency_stores_its_amounts_in_minor_units(lien):
    currency = Currency.objects.get(pk=lien.currency.pk)
    assert (currency.code, currency.symbol, currency.decimals) == ("LIEN", "ℓ", 2)
    assert currency.default_min_balance == -30000
    assert currency.default_max_balance == 150000
    assert currency.demurrage_free_base == 50000
    assert currency.demurrage_rate == Decimal("0.50")
    event = Event.objects.get(verb="currency.created")
    assert event.actor == lien.organiser
    assert event.data == {"code": "LIEN", "decimals": 2}


def test_core_money_knows_the_currency_through_the_resolver(lien):
    assert money.exponent("LIEN") == 2
    with translation.override("fr"):
        assert money.format_money(money.Money.from_minor(123456, "LIEN")) == (
            f"1{NBSP}234,56{NBSP}ℓ"
        )


def test_a_code_names_one_currency_only(lien):
    other = GroupFactory()
    organiser = MembershipFactory(group=other, role=Role.ORGANISER).user
    for code in ("LIEN", "lien", "EUR"):
        with pytest.raises(ValidationError) as refused:
            create_lien(other, organiser, code=code)
        assert list(refused.value.message_dict) == ["code"]
    assert Currency.objects.count() == 1


def test_a_group_has_one_currency(lien):
    with pytest.raises(ValidationError):
        create_lien(lien.group, lien.organiser, code="LIEN2")
    assert Currency.objects.count() == 1


def test_only_organisers_create_a_currency(db):
    group = GroupFactory()
    member = MembershipFactory(group=group).user
    with pytest.raises(PermissionDenied):
        create_lien(group, member)
    assert Currency.objects.count() == 0


def test_limits_must_leave_room_for_a_new_account_at_zero(db):
    group = GroupFactory()
    organiser = MembershipFactory(group=group, role=Role.ORGANISER).user
    with pytest.raises(ValidationError):
        create_lien(group, organiser, default_min_balance=Decimal("10"))
    with pytest.raises(ValidationError):
        create_lien(group, organiser, default_max_balance=Decimal("-1"))
    with pytest.raises(ValidationError):
        create_lien(group, organiser, default_min_balance=Decimal("-300.001"))
    with pytest.raises(ValidationError):
        create_lien(group, organiser, decimals=7)
    assert Currency.objects.count() == 0


def test_code_and_decimals_never_change(lien):
    for change in ({"code": "LIEN2"}, {"decimals": 3}, {"decimals": 0, "name": "Autre"}):
        with pytest.raises(ValidationError) as refused:
            services.currency_update(currency=lien.currency, acting_user=lien.organiser, **change)
        assert refused.value.code == "immutable"
    currency = Currency.objects.get(pk=lien.currency.pk)
    assert (currency.code, currency.decimals, currency.name) == ("LIEN", 2, "Le Lien")
    # Sending the same values (as a form does) is not a change.
    services.currency_update(
        currency=lien.currency, acting_user=lien.organiser, code="LIEN", decimals=2
    )
    with pytest.raises(TypeError):
        services.currency_update(currency=lien.currency, acting_user=lien.organiser, group=None)


def test_currency_update_records_changes_and_shows_a_new_symbol_at_once(lien):
    assert money.symbol("LIEN") == "ℓ"
    services.currency_update(
        currency=lien.currency,
        acting_user=lien.organiser,
        name="Le Lien",
        symbol="Lien",
        default_min_balance=Decimal("-200"),
        demurrage_rate=Decimal("1"),
        demurrage_free_base=None,
    )
    currency = Currency.objects.get(pk=lien.currency.pk)
    assert (currency.symbol, currency.default_min_balance) == ("Lien", -20000)
    assert (currency.demurrage_rate, currency.demurrage_free_base) == (Decimal("1"), 0)
    assert Event.objects.get(verb="currency.updated").data["changes"] == {
        "symbol": ["ℓ", "Lien"],
        "default_min_balance": [-30000, -20000],
        "demurrage_rate": ["0.50", "1"],
        "demurrage_free_base": [50000, 0],
    }
    assert money.symbol("LIEN") == "Lien"


def test_members_cannot_change_the_currency(lien):
    with pytest.raises(PermissionDenied):
        services.currency_update(currency=lien.currency, acting_user=lien.alice, name="Autre")
    assert Currency.objects.get(pk=lien.currency.pk).name == "Le Lien"


# --- Payments ---------------------------------------------------------------------------------


def test_a_payment_opens_both_accounts_with_the_default_limits(lien):
    tx = _pay(lien, lien.alice, lien.bob, "12.50", memo="Cours de guitare")
    assert lien.balances() == {"alice": -1250, "bob": 1250, "carol": 0}
    alice = lien.account(lien.alice)
    assert (alice.name, alice.currency, alice.purpose) == ("Alice Martin", "LIEN", Purpose.MEMBER)
    assert (alice.min_balance, alice.max_balance) == (-30000, 150000)
    assert (tx.kind, tx.memo, tx.created_by) == (kinds.TRANSFER, "Cours de guitare", lien.alice)
    assert sorted(tx.entries.values_list("account__name", "amount", "balance_after")) == [
        ("Alice Martin", -1250, -1250),
        ("Bruno Lefebvre", 1250, 1250),
    ]


def test_balances_are_exact_after_several_payments(lien):
    _pay(lien, lien.alice, lien.bob, "12.50")
    _pay(lien, lien.bob, lien.carol, "40")
    _pay(lien, lien.carol, lien.alice, "0.01")
    assert lien.balances() == {"alice": -1249, "bob": -2750, "carol": 3999}


def test_the_payee_is_notified_in_their_language(lien):
    _pay(lien, lien.alice, lien.bob, "12.50", memo="Cours de guitare")
    note = Notification.objects.get(recipient=lien.bob)
    assert note.kind == kinds.PAYMENT_RECEIVED
    assert note.title == f"Alice Martin vous a payé 12,50{NBSP}ℓ"
    assert note.body == "Cours de guitare"
    assert note.url == "/g/metropole-lilloise/m/currency/"
    assert not Notification.objects.filter(recipient=lien.alice).exists()


def test_a_payment_under_the_minimum_is_refused_and_writes_nothing(lien, english):
    _pay(lien, lien.alice, lien.bob, "100")
    before = _written()
    with pytest.raises(LimitExceeded) as refused:
        _pay(lien, lien.alice, lien.carol, "200.01")
    assert refused.value.code == "under_minimum"
    assert refused.value.messages == [
        f"Alice Martin would fall to -300.01{NBSP}ℓ, under its minimum of "
        f"-300.00{NBSP}ℓ (available: 200.00{NBSP}ℓ)."
    ]
    assert _written() == before
    assert lien.balances() == {"alice": -10000, "bob": 10000, "carol": 0}


def test_paying_exactly_down_to_the_minimum_is_allowed(lien):
    _pay(lien, lien.alice, lien.bob, "300")
    assert lien.balances()["alice"] == -30000


def test_a_payment_over_the_payees_maximum_is_refused_without_telling_their_balance(lien, english):
    services.account_limits_set(
        currency=lien.currency,
        member=lien.bob,
        min_balance=Decimal("-300"),
        max_balance=Decimal("100"),
        acting_user=lien.organiser,
    )
    _pay(lien, lien.carol, lien.bob, "60")
    before = _written()
    with pytest.raises(LimitExceeded) as refused:
        _pay(lien, lien.alice, lien.bob, "40.01")
    assert refused.value.code == "over_maximum"
    assert refused.value.messages == [
        "Bruno Lefebvre cannot receive this payment: their account would go over its "
        "maximum balance."
    ]
    assert _written() == before


def test_a_double_submit_pays_once_and_notifies_once(lien):
    key = "0123456789abcdef0123456789abcdef"
    first = _pay(lien, lien.alice, lien.bob, "10", idempotency_key=key)
    second = _pay(lien, lien.alice, lien.bob, "10", idempotency_key=key)
    assert first.pk == second.pk
    assert Transaction.objects.filter(kind=kinds.TRANSFER).count() == 1
    assert lien.balances() == {"alice": -1000, "bob": 1000, "carol": 0}
    assert Notification.objects.filter(kind=kinds.PAYMENT_RECEIVED).count() == 1
    assert first.idempotency_key == f"currency.transfer:{lien.alice.pk}:{key}"


def test_the_same_key_from_another_payer_is_another_payment(lien):
    key = "0123456789abcdef0123456789abcdef"
    _pay(lien, lien.alice, lien.carol, "10", idempotency_key=key)
    _pay(lien, lien.bob, lien.carol, "10", idempotency_key=key)
    assert lien.balances() == {"alice": -1000, "bob": -1000, "carol": 2000}


def test_payments_without_a_key_are_each_posted(lien):
    _pay(lien, lien.alice, lien.bob, "10")
    _pay(lien, lien.alice, lien.bob, "10")
    assert lien.balances()["bob"] == 2000


@pytest.mark.parametrize("amount", ["0", "-5", "1.005", "0.001"])
def test_an_amount_must_be_positive_and_fit_the_decimals(lien, amount):
    before = _written()
    with pytest.raises(ValidationError):
        _pay(lien, lien.alice, lien.bob, amount)
    assert _written() == before


def test_a_currency_without_decimals_pays_whole_units(db):
    group = GroupFactory()
    organiser = MembershipFactory(group=group, role=Role.ORGANISER).user
    alice, bob = MembershipFactory(group=group).user, MembershipFactory(group=group).user
    currency = create_lien(group, organiser, code="HEURE", symbol="h", decimals=0,
                           default_min_balance=Decimal("-20"), default_max_balance=None,
                           demurrage_free_base=Decimal("0"))  # fmt: skip
    services.transfer_create(currency=currency, acting_user=alice, payee=bob, amount=Decimal("3"))
    assert LedgerAccount.objects.get(name=bob.public_name).balance == 3
    with pytest.raises(ValidationError):
        services.transfer_create(
            currency=currency, acting_user=alice, payee=bob, amount=Decimal("0.5")
        )


def test_only_members_pay_and_are_paid_and_nobody_pays_themself(lien):
    outsider = UserFactory()
    left = MembershipFactory(group=lien.group, status="left").user
    before = _written()
    for payer, payee in [
        (outsider, lien.bob),
        (lien.alice, outsider),
        (left, lien.bob),
        (lien.alice, left),
        (lien.alice, lien.alice),
    ]:
        with pytest.raises(ValidationError):
            _pay(lien, payer, payee, "1")
    assert _written() == before


def test_a_payment_may_name_an_offer_of_the_same_group(lien):
    offer = _offer(lien, lien.bob)
    tx = _pay(lien, lien.alice, lien.bob, "20", offer=offer)
    assert tx.source == offer
    elsewhere = MembershipFactory(role=Role.ORGANISER)
    other = create_lien(elsewhere.group, elsewhere.user, code="AUTRE")
    foreign = Offer.objects.create(
        currency=other,
        author=lien.carol,
        kind=OfferKind.OFFER,
        title="Ailleurs",
        category=Category.OTHER,
    )
    with pytest.raises(ValidationError):
        _pay(lien, lien.alice, lien.bob, "20", offer=foreign)


# --- Account limits ---------------------------------------------------------------------------


def test_an_organiser_overrides_one_members_limits(lien):
    account = services.account_limits_set(
        currency=lien.currency,
        member=lien.carol,
        min_balance=Decimal("-1000"),
        max_balance=None,
        acting_user=lien.organiser,
    )
    assert (account.min_balance, account.max_balance, account.balance) == (-100000, None, 0)
    _pay(lien, lien.carol, lien.alice, "900")
    assert lien.balances()["carol"] == -90000
    assert Event.objects.filter(verb="ledger.limits_changed", target_id=str(account.pk)).count()


def test_members_cannot_change_limits(lien):
    with pytest.raises(PermissionDenied):
        services.account_limits_set(
            currency=lien.currency,
            member=lien.alice,
            min_balance=Decimal("-5000"),
            max_balance=None,
            acting_user=lien.alice,
        )
    assert lien.account(lien.alice) is None


@pytest.mark.parametrize(("low", "high"), [("1", None), (None, "-1"), ("-0.001", None)])
def test_limits_are_checked(lien, low, high):
    with pytest.raises(ValidationError):
        services.account_limits_set(
            currency=lien.currency,
            member=lien.alice,
            min_balance=None if low is None else Decimal(low),
            max_balance=None if high is None else Decimal(high),
            acting_user=lien.organiser,
        )


# --- Payment requests -------------------------------------------------------------------------


def _ask(lien, requester, payer, amount: str, memo: str = "Panier de légumes") -> PaymentRequest:
    return services.payment_request_create(
        currency=lien.currency,
        acting_user=requester,
        payer=payer,
        amount=Decimal(amount),
        memo=memo,
    )


def _move(request, to, user, reason: str = "") -> PaymentRequest:
    return services.payment_request_transition(
        payment_request=request, to=to, acting_user=user, reason=reason
    )


def test_a_request_waits_and_notifies_the_payer(lien):
    request = _ask(lien, lien.bob, lien.alice, "15.20")
    assert (request.status, request.amount, request.transaction) == ("pending", 1520, None)
    note = Notification.objects.get(recipient=lien.alice)
    assert note.kind == kinds.PAYMENT_REQUESTED
    assert note.title == f"Bruno Lefebvre vous demande 15,20{NBSP}ℓ"
    assert note.body == "Panier de légumes"
    assert Transaction.objects.count() == 0


def test_the_payer_accepts_and_pays_from_their_own_account(lien):
    request = _ask(lien, lien.bob, lien.alice, "15.20")
    done = _move(request, RequestStatus.ACCEPTED, lien.alice)
    assert done.status == RequestStatus.ACCEPTED
    assert done.decided_at is not None
    assert lien.balances() == {"alice": -1520, "bob": 1520, "carol": 0}
    assert done.transaction.source == done
    assert done.transaction.created_by == lien.alice
    assert done.transaction.idempotency_key == f"currency.request:{request.pk}"
    note = Notification.objects.get(recipient=lien.bob, kind=kinds.REQUEST_ANSWERED)
    assert note.title == f"Alice Martin a payé votre demande de 15,20{NBSP}ℓ"


def test_the_payer_refuses_with_a_reason(lien):
    request = _ask(lien, lien.bob, lien.alice, "15.20")
    done = _move(request, RequestStatus.REFUSED, lien.alice, reason="  Déjà payé en euros ")
    assert (done.status, done.reason, done.transaction) == ("refused", "Déjà payé en euros", None)
    note = Notification.objects.get(recipient=lien.bob, kind=kinds.REQUEST_ANSWERED)
    assert note.title == f"Alice Martin a refusé votre demande de 15,20{NBSP}ℓ"
    assert note.body == "Déjà payé en euros"
    assert Transaction.objects.count() == 0


def test_the_requester_withdraws(lien):
    request = _ask(lien, lien.bob, lien.alice, "15.20")
    done = _move(request, RequestStatus.CANCELLED, lien.bob)
    assert done.status == RequestStatus.CANCELLED
    note = Notification.objects.get(recipient=lien.alice, kind=kinds.REQUEST_ANSWERED)
    assert note.title == f"Bruno Lefebvre a retiré sa demande de 15,20{NBSP}ℓ"


@pytest.mark.parametrize(
    ("to", "who"),
    [
        (RequestStatus.ACCEPTED, "bob"),
        (RequestStatus.ACCEPTED, "carol"),
        (RequestStatus.ACCEPTED, "organiser"),
        (RequestStatus.REFUSED, "bob"),
        (RequestStatus.CANCELLED, "alice"),
        (RequestStatus.CANCELLED, "carol"),
    ],
)
def test_only_the_right_party_moves_a_request(lien, to, who):
    request = _ask(lien, lien.bob, lien.alice, "15.20")
    with pytest.raises(PermissionDenied):
        _move(request, to, getattr(lien, who))
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert Transaction.objects.count() == 0


def test_a_closed_request_does_not_move(lien):
    request = _ask(lien, lien.bob, lien.alice, "15.20")
    _move(request, RequestStatus.REFUSED, lien.alice)
    for to, who in [
        (RequestStatus.ACCEPTED, lien.alice),
        (RequestStatus.CANCELLED, lien.bob),
        (RequestStatus.PENDING, lien.bob),
    ]:
        with pytest.raises(ValidationError):
            _move(request, to, who)
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert Transaction.objects.count() == 0


def test_accepting_over_the_limit_is_refused_and_the_request_stays_pending(lien, english):
    request = _ask(lien, lien.bob, lien.alice, "300.50")
    before = _written()
    with pytest.raises(LimitExceeded) as refused:
        _move(request, RequestStatus.ACCEPTED, lien.alice)
    assert refused.value.messages == [
        f"Alice Martin would fall to -300.50{NBSP}ℓ, under its minimum of "
        f"-300.00{NBSP}ℓ (available: 300.00{NBSP}ℓ)."
    ]
    request.refresh_from_db()
    assert (request.status, request.transaction, request.decided_at) == ("pending", None, None)
    assert _written() == before


def test_the_transitions_table():
    statuses = RequestStatus.values
    allowed = {
        (a, b): transition_party(a, b) for a in statuses for b in statuses if transition_party(a, b)
    }
    assert allowed == {
        ("pending", "accepted"): "payer",
        ("pending", "refused"): "payer",
        ("pending", "cancelled"): "requester",
    }
    assert allowed == TRANSITIONS


def test_a_request_is_between_two_members(lien):
    with pytest.raises(ValidationError):
        _ask(lien, lien.bob, lien.bob, "1")
    with pytest.raises(ValidationError):
        _ask(lien, lien.bob, UserFactory(), "1")
    with pytest.raises(ValidationError):
        _ask(lien, lien.bob, lien.alice, "1.001")
    assert PaymentRequest.objects.count() == 0


# --- Offers and wants -------------------------------------------------------------------------


def _offer(lien, author, **kwargs) -> Offer:
    fields = {
        "kind": OfferKind.OFFER,
        "title": "Réparation de VÉLO",
        "description": "Freins, dérailleur, Œillets",
        "category": Category.REPAIR,
        "price": Decimal("15"),
    }
    fields.update(kwargs)
    return services.offer_create(currency=lien.currency, acting_user=author, **fields)


def test_an_offer_is_searchable_without_case_or_accents(lien):
    offer = _offer(lien, lien.bob, price_eur=Decimal("12.00"))
    assert offer.search_text == "reparation de velo freins, derailleur, oeillets"
    assert (offer.price, offer.price_eur, offer.is_active) == (Decimal("15"), Decimal("12"), True)
    assert Event.objects.filter(verb="currency.offer_created", actor=lien.bob).count() == 1


def test_a_free_offer_has_no_price(lien):
    offer = _offer(lien, lien.bob, is_free=True, price_eur=Decimal("3"))
    assert (offer.is_free, offer.price, offer.price_eur) == (True, None, None)


def test_an_offer_price_fits_the_currency(lien):
    with pytest.raises(ValidationError):
        _offer(lien, lien.bob, price=Decimal("1.005"))
    with pytest.raises(ValidationError):
        _offer(lien, lien.bob, price=Decimal("-1"))
    with pytest.raises(PermissionDenied):
        _offer(lien, UserFactory())
    assert Offer.objects.count() == 0


def test_the_author_and_organisers_edit_an_offer_others_do_not(lien):
    offer = _offer(lien, lien.bob)
    services.offer_update(offer=offer, acting_user=lien.bob, title="Réparation de vélos")
    services.offer_update(offer=offer, acting_user=lien.organiser, category=Category.OTHER)
    with pytest.raises(PermissionDenied):
        services.offer_update(offer=offer, acting_user=lien.alice, title="Piraté")
    with pytest.raises(TypeError):
        services.offer_update(offer=offer, acting_user=lien.bob, author=lien.alice)
    offer.refresh_from_db()
    assert (offer.title, offer.category) == ("Réparation de vélos", Category.OTHER)
    assert offer.search_text == "reparation de velos freins, derailleur, oeillets"


def test_an_offer_is_withdrawn_and_listed_again(lien):
    offer = _offer(lien, lien.bob)
    with pytest.raises(PermissionDenied):
        services.offer_set_active(offer=offer, active=False, acting_user=lien.alice)
    services.offer_set_active(offer=offer, active=False, acting_user=lien.bob)
    assert Offer.objects.get(pk=offer.pk).is_active is False
    services.offer_set_active(offer=offer, active=True, acting_user=lien.organiser)
    assert Offer.objects.get(pk=offer.pk).is_active is True
    assert list(
        Event.objects.filter(target_id=str(offer.pk), verb__startswith="currency.offer_")
        .order_by("pk")
        .values_list("verb", flat=True)
    ) == ["currency.offer_created", "currency.offer_deactivated", "currency.offer_activated"]


# --- Demurrage --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("balance", "fee"),
    [(80000, 150), (52000, 10), (50200, 1), (50199, 0), (50000, 0), (-1000, 0), (62345, 61)],
)
def test_the_demurrage_fee_is_floored(balance, fee):
    assert services.demurrage_fee(balance=balance, free_base=50000, rate=Decimal("0.5")) == fee


@given(
    balance=st.integers(min_value=-(10**12), max_value=10**12),
    base=st.integers(min_value=0, max_value=10**9),
    rate=st.decimals(min_value=0, max_value=100, places=2),
)
def test_the_demurrage_fee_is_the_floor_of_the_exact_fee(balance, base, rate):
    fee = services.demurrage_fee(balance=balance, free_base=base, rate=rate)
    exact = Decimal(max(0, balance - base)) * rate / 100
    assert 0 <= fee <= exact < fee + 1


def _fill_for_demurrage(lien) -> None:
    """Alice holds 800 ℓ, Bruno 520 ℓ, Carole −1 320 ℓ (she may go to −2 000)."""
    services.account_limits_set(
        currency=lien.currency,
        member=lien.carol,
        min_balance=Decimal("-2000"),
        max_balance=None,
        acting_user=lien.organiser,
    )
    _pay(lien, lien.carol, lien.alice, "800")
    _pay(lien, lien.carol, lien.bob, "520")


def test_demurrage_charges_the_exact_fee_into_the_solidarity_fund(lien):
    _fill_for_demurrage(lien)
    run = services.demurrage_apply(
        currency=lien.currency, period=date(2026, 10, 17), acting_user=lien.organiser
    )
    assert (run.period, run.accounts_charged, run.total) == (date(2026, 10, 1), 2, 160)
    assert (run.rate, run.free_base) == (Decimal("0.50"), 50000)
    # 0.5 % of 300 ℓ = 1.50 ℓ; 0.5 % of 20 ℓ = 0.10 ℓ; Carole is below the free base.
    assert lien.balances() == {"alice": 79850, "bob": 51990, "carol": -132000}
    fund = LedgerAccount.objects.get(purpose=Purpose.SOLIDARITY)
    assert (fund.balance, fund.owner, fund.currency) == (160, lien.group, "LIEN")
    alice = lien.account(lien.alice)
    charge = Transaction.objects.get(kind=kinds.DEMURRAGE, entries__account=alice)
    assert charge.idempotency_key == f"demurrage:LIEN:{alice.pk}:2026-10"
    assert charge.memo == "2026-10"
    notes = Notification.objects.filter(kind=kinds.DEMURRAGE_CHARGED).order_by("title")
    assert [(n.recipient, n.title, n.url) for n in notes] == [
        (lien.bob, f"Fonte de 0,10{NBSP}ℓ pour 10/2026", "/g/metropole-lilloise/m/currency/"),
        (lien.alice, f"Fonte de 1,50{NBSP}ℓ pour 10/2026", "/g/metropole-lilloise/m/currency/"),
    ]
    assert notes[0].body == (
        f"0,5 % de votre solde au-delà de 500,00{NBSP}ℓ est allé au fonds de solidarité, "
        "pour que la monnaie continue de circuler."
    )


def test_demurrage_is_charged_once_per_month(lien):
    _fill_for_demurrage(lien)
    first = services.demurrage_apply(currency=lien.currency, period=date(2026, 10, 1))
    _pay(lien, lien.carol, lien.bob, "100")  # Bruno is now further above the base
    again = services.demurrage_apply(currency=lien.currency, period=date(2026, 10, 31))
    assert again.pk == first.pk
    assert Transaction.objects.filter(kind=kinds.DEMURRAGE).count() == 2
    assert Notification.objects.filter(kind=kinds.DEMURRAGE_CHARGED).count() == 2
    assert DemurrageRun.objects.count() == 1
    assert lien.balances() == {"alice": 79850, "bob": 61990, "carol": -142000}
    # The next month is charged on the balances of then.
    november = services.demurrage_apply(currency=lien.currency, period=date(2026, 11, 1))
    assert (november.accounts_charged, november.total) == (2, 149 + 59)


def test_no_demurrage_without_a_rate(lien):
    services.currency_update(
        currency=lien.currency, acting_user=lien.organiser, demurrage_rate=Decimal("0")
    )
    lien.currency.refresh_from_db()
    _fill_for_demurrage(lien)
    run = services.demurrage_apply(currency=lien.currency, period=date(2026, 10, 1))
    assert (run.accounts_charged, run.total) == (0, 0)
    assert not LedgerAccount.objects.filter(purpose=Purpose.SOLIDARITY).exists()
    assert not Transaction.objects.filter(kind=kinds.DEMURRAGE).exists()


def test_previous_month():
    assert services.previous_month(date(2026, 1, 15)) == date(2025, 12, 1)
    assert services.previous_month(date(2026, 3, 31)) == date(2026, 2, 1)
