"""Currency reads: group figures, statements, limits, the offers search."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from coops.currency import selectors, services
from coops.currency.models import Category, OfferKind
from coops.currency.tests.conftest import create_lien
from coops.groups.models import Role
from coops.groups.tests.factories import MembershipFactory
from coops.ledger.models import Transaction


def _pay(lien, payer, payee, amount: str, memo: str = "") -> Transaction:
    return services.transfer_create(
        currency=lien.currency, acting_user=payer, payee=payee, amount=Decimal(amount), memo=memo
    )


def _age(tx: Transaction, days: int) -> None:
    Transaction.objects.filter(pk=tx.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_group_figures_are_exact(lien):
    _pay(lien, lien.alice, lien.bob, "10")
    _age(_pay(lien, lien.bob, lien.carol, "20.50"), 40)
    _age(_pay(lien, lien.carol, lien.alice, "5"), 100)
    _age(_pay(lien, lien.carol, lien.organiser, "5"), 100)
    # Another group's currency counts for nothing here.
    elsewhere = MembershipFactory(role=Role.ORGANISER)
    other = create_lien(elsewhere.group, elsewhere.user, code="AUTRE")
    payee = MembershipFactory(group=elsewhere.group).user
    services.transfer_create(
        currency=other, acting_user=elsewhere.user, payee=payee, amount=Decimal("99")
    )

    stats = selectors.group_stats(currency=lien.currency)
    assert (stats.volume_recent.amount, stats.transfers_recent) == (Decimal("10.00"), 1)
    assert (stats.volume_all.amount, stats.transfers_all) == (Decimal("40.50"), 4)
    assert stats.volume_all.currency == "LIEN"
    assert (stats.accounts, stats.active_accounts) == (4, 3)
    assert stats.balance_sum.amount == 0


def test_demurrage_is_not_payment_volume_but_the_sum_stays_zero(lien):
    services.account_limits_set(
        currency=lien.currency,
        member=lien.carol,
        min_balance=Decimal("-1000"),
        max_balance=None,
        acting_user=lien.organiser,
    )
    _pay(lien, lien.carol, lien.alice, "700")
    services.demurrage_apply(currency=lien.currency, period=timezone.localdate())
    stats = selectors.group_stats(currency=lien.currency)
    assert (stats.volume_all.amount, stats.transfers_all) == (Decimal("700.00"), 1)
    assert stats.accounts == 2  # the solidarity fund is not a member account
    assert stats.balance_sum.amount == 0


def test_a_new_currency_has_zero_everywhere(lien):
    stats = selectors.group_stats(currency=lien.currency)
    assert stats.volume_all.amount == stats.volume_recent.amount == stats.balance_sum.amount == 0
    assert (stats.transfers_all, stats.accounts, stats.active_accounts) == (0, 0, 0)


def test_the_statement_is_newest_first_with_the_other_party_and_running_balance(lien, english):
    _pay(lien, lien.alice, lien.bob, "10", "Pain")
    _pay(lien, lien.carol, lien.alice, "4.25", "Covoiturage")
    _pay(lien, lien.alice, lien.carol, "1")
    page = selectors.statement_page(lien.currency, lien.account(lien.alice))
    rows = [
        (line.memo, line.counterparty, line.amount.amount, line.balance_after.amount, line.kind)
        for line in page
    ]
    assert rows == [
        ("", "Carole Dupont", Decimal("-1.00"), Decimal("-6.75"), "Local currency payment"),
        ("Covoiturage", "Carole Dupont", Decimal("4.25"), Decimal("-5.75"), rows[0][4]),
        ("Pain", "Bruno Lefebvre", Decimal("-10.00"), Decimal("-10.00"), rows[0][4]),
    ]


def test_limits_before_and_after_the_account_opens(lien):
    limits = selectors.limits_of(lien.currency, None)
    assert (limits.balance.amount, limits.min_balance.amount) == (0, Decimal("-300.00"))
    assert (limits.max_balance.amount, limits.available.amount) == (Decimal("1500"), 300)
    _pay(lien, lien.alice, lien.bob, "120.40")
    limits = selectors.limits_of(lien.currency, lien.account(lien.alice))
    assert (limits.balance.amount, limits.available.amount) == (
        Decimal("-120.40"),
        Decimal("179.60"),
    )
    services.account_limits_set(
        currency=lien.currency,
        member=lien.alice,
        min_balance=None,
        max_balance=None,
        acting_user=lien.organiser,
    )
    limits = selectors.limits_of(lien.currency, lien.account(lien.alice))
    assert (limits.min_balance, limits.max_balance, limits.available) == (None, None, None)


def test_pending_requests_in_and_out(lien):
    asked = services.payment_request_create(
        currency=lien.currency, acting_user=lien.bob, payer=lien.alice, amount=Decimal("3"),
        memo="Œufs",
    )  # fmt: skip
    mine = services.payment_request_create(
        currency=lien.currency, acting_user=lien.alice, payer=lien.carol, amount=Decimal("4"),
        memo="Pain",
    )  # fmt: skip
    closed = services.payment_request_create(
        currency=lien.currency, acting_user=lien.alice, payer=lien.bob, amount=Decimal("5"),
        memo="Vieux",
    )  # fmt: skip
    services.payment_request_transition(
        payment_request=closed, to="cancelled", acting_user=lien.alice
    )
    assert selectors.pending_requests(lien.currency, lien.alice) == ([asked], [mine])
    assert selectors.pending_requests(lien.currency, lien.carol) == ([mine], [])


def test_accounts_page_lists_members_with_their_account_or_the_defaults(lien):
    _pay(lien, lien.alice, lien.bob, "1")
    page = selectors.accounts_page(currency=lien.currency)
    rows = [
        (row.member.public_name, row.account is not None, row.limits.balance.amount) for row in page
    ]
    assert rows == sorted(
        [
            ("Alice Martin", True, Decimal("-1.00")),
            ("Bruno Lefebvre", True, Decimal("1.00")),
            ("Carole Dupont", False, 0),
            (lien.organiser.public_name, False, 0),
        ]
    )


def _offer(lien, author, title, description="", **kwargs):
    fields = {"kind": OfferKind.OFFER, "category": Category.OTHER}
    fields.update(kwargs)
    return services.offer_create(
        currency=lien.currency,
        acting_user=author,
        title=title,
        description=description,
        **fields,
    )


def test_offers_search_ignores_case_and_accents_and_needs_every_word(lien):
    velo = _offer(lien, lien.bob, "Réparation de VÉLO", "Freins et dérailleur", category="repair")
    oeufs = _offer(lien, lien.alice, "Œufs frais", "Poules élevées en plein air", category="food")
    want = _offer(lien, lien.carol, "Cherche vélo cargo", kind=OfferKind.WANT)
    gone = _offer(lien, lien.bob, "Vélo d'enfant")
    services.offer_set_active(offer=gone, active=False, acting_user=lien.bob)

    def titles(**kwargs):
        return [o.title for o in selectors.offers_page(currency=lien.currency, **kwargs)]

    assert titles() == [want.title, oeufs.title, velo.title]
    assert titles(q="velo") == [want.title, velo.title]
    assert titles(q="OEUFS") == [oeufs.title]
    assert titles(q="élevees PLEIN") == [oeufs.title]
    assert titles(q="velo derailleur") == [velo.title]
    assert titles(q="velo", kind=OfferKind.WANT) == [want.title]
    assert titles(category="food") == [oeufs.title]
    assert titles(q="trottinette") == []
    assert titles(author=lien.bob) == [gone.title, velo.title]
