"""Pages of the "ledger" module: what each persona sees and may do, and that refused
requests change nothing in the book."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from conftest import PERSONAS
from coops.core.models import Event
from coops.groups.models import Group, GroupModule, Membership, ModuleRole, Visibility
from coops.groups.tests.factories import MembershipFactory
from coops.groups.tests.helpers import fr, messages_of, page
from coops.ledger import services, views
from coops.ledger.dues import services as dues_services
from coops.ledger.dues.models import Dues, DuesStatus
from coops.ledger.models import Entry, LedgerAccount, Payment, PaymentMethod, Purpose, Transaction
from coops.ledger.providers import payment_record
from coops.ledger.tests.dues_factories import sliding_plan
from coops.ledger.tests.factories import TEST_KIND

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
LOGIN = "/accounts/login/?next="
MEMBERS_ONLY = fr("Only the group's members have an account in its books.")
BOOKKEEPERS_ONLY = fr("Only the group's organisers and treasurers keep its books.")
ALREADY = "This payment was already recorded; it was not counted twice."


@pytest.fixture
def amap(personas):
    """The personas' group with the module on; the member and the organiser have a
    name one can read in the assertions."""
    GroupModule.objects.create(group=personas.group, module="ledger")
    personas.member.display_name = "Léa Dubois"
    personas.member.save(update_fields=["display_name"])
    personas.organiser.display_name = "Martine Delcourt"
    personas.organiser.save(update_fields=["display_name"])
    return personas


def _url(name: str, group: Group, **kwargs) -> str:
    return reverse(f"groups:ledger:{name}", kwargs={"slug": group.slug, **kwargs})


def _pay(personas, member, amount="20.00", method=PaymentMethod.CASH, **kw) -> Payment:
    args = {
        "group": personas.group,
        "member": member,
        "amount": Decimal(amount),
        "method": method,
        "received_on": date(2026, 10, 1),
        "acting_user": personas.organiser,
    }
    args.update(kw)
    return payment_record(**args)


def _dated(tx: Transaction, when: datetime) -> Transaction:
    Transaction.objects.filter(pk=tx.pk).update(created_at=when)  # simulate the posting date
    tx.refresh_from_db()
    return tx


def _book() -> tuple[int, int, int, int, int]:
    """Everything a refused request must leave unchanged."""
    return (
        Payment.objects.count(),
        Transaction.objects.count(),
        Entry.objects.count(),
        LedgerAccount.objects.count(),
        Event.objects.count(),
    )


def _denied(response, who: str, status: int) -> None:
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
    else:
        assert response.status_code == status


def _account(user, group) -> LedgerAccount:
    return services.owner_accounts(user).get(group=group, purpose=Purpose.MEMBER)


def _form_data(personas, **overrides) -> dict:
    data = {
        "member": personas.member.pk,
        "amount": "25.50",
        "method": PaymentMethod.CASH,
        "cheque_number": "",
        "cheque_bank": "",
        "reference": "",
        "received_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "note": "",
        "idempotency_key": "6a0a9a70-2f9d-4a39-9d55-3f4a7b0e4c11",
    }
    data.update(overrides)
    return data


# --- index ------------------------------------------------------------------------------------


INDEX_STATUS = {"member": 200, "other_member": 403, "organiser": 200, "admin": 200}


@pytest.mark.parametrize("who", PERSONAS)
def test_index_authorisation(amap, who):
    response = amap.client(who).get(_url("index", amap.group))
    if who in ("anonymous", "other_member"):
        _denied(response, who, 403)
        if who == "other_member":
            assert MEMBERS_ONLY in page(response)
        return
    assert response.status_code == 200
    assert response.context["keeps_books"] is (who in ("organiser", "admin"))
    html = page(response)
    assert (fr("Record a payment") in html) is (who in ("organiser", "admin"))


def test_index_tells_a_new_member_kindly_they_have_nothing_yet(amap):
    response = amap.client("member").get(_url("index", amap.group))
    html = page(response)
    assert response.context["account"] is None
    assert '<p class="lead" data-testid="own-balance"><strong>0,00\xa0€</strong></p>' in html
    assert (
        fr(
            "You have no account in this group's books yet, and nothing to pay: it opens with "
            "your first payment."
        )
        in html
    )
    assert _url("statement", amap.group) not in html


def test_index_shows_the_members_balance_and_latest_movements(amap):
    first = _dated(
        _pay(amap, amap.member, "50.00").transaction, datetime(2026, 10, 1, 18, 30, tzinfo=PARIS)
    )
    account = _account(amap.member, amap.group)
    dues = services.account_open(
        group=amap.group, currency="EUR", owner=amap.group, purpose=Purpose.DUES,
        name="Cotisations", acting_user=amap.organiser,
    )  # fmt: skip
    services.transfer(
        group=amap.group, payer=account, payee=dues, amount=1250, kind=TEST_KIND,
        acting_user=amap.organiser, memo="Panier du 8 octobre",
    )  # fmt: skip
    response = amap.client("member").get(_url("index", amap.group))
    html = page(response)
    assert '<p class="lead" data-testid="own-balance"><strong>37,50\xa0€</strong></p>' in html
    assert [(e.transaction.memo, e.amount) for e in response.context["recent"]] == [
        ("Panier du 8 octobre", -1250),
        (first.memo, 5000),
    ]
    assert "-12,50\xa0€" in html
    assert f'href="{_url("statement", amap.group)}"' in html
    assert 'data-testid="members-total"' not in html


def test_index_for_the_organiser_lists_member_balances_and_house_accounts(amap):
    _pay(amap, amap.member, "50.00")
    _pay(amap, amap.admin, "30.00", method=PaymentMethod.CHEQUE, cheque_number="12",
         cheque_bank="La Banque Postale")  # fmt: skip
    _pay(amap, amap.organiser, "10.00")
    response = amap.client("organiser").get(_url("index", amap.group))
    rows = [(a.name, a.balance) for a in response.context["members"]]
    admin_name = amap.admin.public_name
    expected = sorted([("Léa Dubois", 5000), (admin_name, 3000), ("Martine Delcourt", 1000)])
    assert rows == expected
    assert response.context["members_total"] == 9000
    house = [(r.account.purpose, r.shown) for r in response.context["house"]]
    assert house == [(Purpose.BANK, 3000), (Purpose.CASH, 6000)]
    html = page(response)
    assert fr("The group holds %(total)s for its members.", total="90,00\xa0€") in html
    lea = _account(amap.member, amap.group)
    assert f'href="{_url("member_statement", amap.group, pk=lea.pk)}">Léa Dubois</a>' in html
    for name in ("payment_record", "payments", "export"):
        assert f'href="{_url(name, amap.group)}"' in html


def test_a_treasurer_keeps_the_books_without_being_organiser(amap):
    membership = Membership.objects.get(group=amap.group, user=amap.member)
    ModuleRole.objects.create(membership=membership, module="ledger", role="treasurer")
    response = amap.client("member").get(_url("payments", amap.group))
    assert response.status_code == 200


def test_module_turned_off_answers_404_everywhere(amap):
    payment = _pay(amap, amap.member)
    account = _account(amap.member, amap.group)
    GroupModule.objects.filter(group=amap.group, module="ledger").delete()
    client = amap.client("admin")
    for name, kwargs in [
        ("index", {}),
        ("statement", {}),
        ("statement_csv", {}),
        ("member_statement", {"pk": account.pk}),
        ("member_statement_csv", {"pk": account.pk}),
        ("payments", {}),
        ("payment_record", {}),
        ("export", {}),
    ]:
        assert client.get(_url(name, amap.group, **kwargs)).status_code == 404, name
    before = _book()
    response = client.post(_url("payment_reverse", amap.group, pk=payment.pk))
    assert response.status_code == 404
    assert _book() == before


@pytest.mark.parametrize("who", PERSONAS)
def test_members_only_group_hides_the_module(amap, who):
    Group.objects.filter(pk=amap.group.pk).update(visibility=Visibility.MEMBERS)
    response = amap.client(who).get(_url("index", amap.group))
    assert response.status_code == (404 if who in ("anonymous", "other_member") else 200)


def test_dues_link_appears_only_when_the_dues_pages_exist(amap):
    response = amap.client("member").get(_url("index", amap.group))
    try:
        dues_url = _url("dues", amap.group)
    except NoReverseMatch:
        assert "/dues/" not in page(response)
    else:
        assert f'<a href="{dues_url}">{fr("Dues")}</a>' in page(response)


# --- statements -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("name", ["statement", "statement_csv"])
def test_own_statement_authorisation(amap, who, name):
    for user in (amap.member, amap.organiser, amap.admin):
        _pay(amap, user)
    response = amap.client(who).get(_url(name, amap.group))
    if who in ("anonymous", "other_member"):
        _denied(response, who, 403)
        return
    assert response.status_code == 200
    mine = _account(getattr(amap, who), amap.group)
    if name == "statement":
        assert response.context["account"] == mine
    else:
        assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_own_statement_before_any_payment(amap):
    response = amap.client("member").get(_url("statement", amap.group))
    assert response.status_code == 200
    assert response.context["account"] is None
    assert _url("statement_csv", amap.group) not in page(response)
    assert amap.client("member").get(_url("statement_csv", amap.group)).status_code == 404


MEMBER_STATEMENT_STATUS = {"member": 404, "other_member": 404, "organiser": 200, "admin": 200}


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("name", ["member_statement", "member_statement_csv"])
def test_member_statement_authorisation(amap, who, name):
    _pay(amap, amap.admin)
    account = _account(amap.admin, amap.group)
    response = amap.client(who).get(_url(name, amap.group, pk=account.pk))
    if who == "anonymous":
        _denied(response, who, 0)
        return
    assert response.status_code == MEMBER_STATEMENT_STATUS[who]
    if response.status_code == 200 and name == "member_statement":
        assert response.context["account"] == account


def test_a_member_cannot_see_another_members_statement_even_their_own_number(amap):
    _pay(amap, amap.member)
    _pay(amap, amap.admin)
    client = amap.client("member")
    for account in (_account(amap.admin, amap.group), _account(amap.member, amap.group)):
        assert client.get(_url("member_statement", amap.group, pk=account.pk)).status_code == 404
        response = client.get(_url("member_statement_csv", amap.group, pk=account.pk))
        assert response.status_code == 404


def test_another_groups_account_is_404(amap):
    outsider = services.account_open(
        group=amap.other_group, currency="EUR", owner=amap.other_member, acting_user=amap.admin
    )
    client = amap.client("organiser")
    assert client.get(_url("member_statement", amap.group, pk=outsider.pk)).status_code == 404
    response = client.get(_url("member_statement_csv", amap.group, pk=outsider.pk))
    assert response.status_code == 404
    assert client.get(_url("member_statement", amap.group, pk=999999)).status_code == 404


@pytest.fixture
def history(amap):
    """Léa's account: 50 € by cheque on 30 Sept., two baskets in October, 20 € cash on
    1 Nov. (times in Paris)."""
    dues = services.account_open(
        group=amap.group, currency="EUR", owner=amap.group, purpose=Purpose.DUES,
        name="Paniers", acting_user=amap.organiser,
    )  # fmt: skip
    cheque = _pay(amap, amap.member, "50.00", method=PaymentMethod.CHEQUE,
                  cheque_number="0004127", cheque_bank="Crédit Coopératif")  # fmt: skip
    _dated(cheque.transaction, datetime(2026, 9, 30, 18, 30, tzinfo=PARIS))
    lea = _account(amap.member, amap.group)
    baskets = []
    for day in (2, 9):
        tx = services.transfer(
            group=amap.group, payer=lea, payee=dues, amount=1250, kind=TEST_KIND,
            acting_user=amap.organiser, memo=f"Panier du {day} octobre",
        )  # fmt: skip
        baskets.append(_dated(tx, datetime(2026, 10, day, 19, 0, tzinfo=PARIS)))
    cash = _pay(amap, amap.member, "20.00")
    _dated(cash.transaction, datetime(2026, 11, 1, 10, 15, tzinfo=PARIS))
    return lea, cheque.transaction, baskets, cash.transaction


def test_statement_filters_by_period_with_opening_and_closing_balances(history, amap):
    _lea, _cheque, baskets, _cash = history
    response = amap.client("member").get(
        _url("statement", amap.group), {"date_from": "2026-10-01", "date_to": "2026-10-31"}
    )
    statement = response.context["statement"]
    assert (statement.opening_balance, statement.closing_balance) == (5000, 2500)
    rows = [(e.transaction_id, e.amount, e.balance_after) for e in response.context["entries"]]
    assert rows == [(baskets[0].pk, -1250, 3750), (baskets[1].pk, -1250, 2500)]
    html = page(response)
    assert '<dd data-testid="opening">50,00\xa0€</dd>' in html
    assert f"<dt>{fr('Opening balance on %(date)s', date='01/10/2026')}</dt>" in html
    assert f"<dt>{fr('Closing balance on %(date)s', date='31/10/2026')}</dt>" in html
    assert '<dd data-testid="closing">25,00\xa0€</dd>' in html
    assert "02/10/2026 19:00" in html  # the group's time zone, French format
    expected_csv = (
        _url("statement_csv", amap.group) + "?date_from=2026-10-01&amp;date_to=2026-10-31"
    )
    assert expected_csv in response.content.decode()


def test_statement_kind_filter_and_invalid_period(history, amap):
    _lea, cheque, _baskets, cash = history
    client = amap.client("member")
    response = client.get(_url("statement", amap.group), {"kind": "ledger.payment"})
    assert [e.transaction_id for e in response.context["entries"]] == [cheque.pk, cash.pk]
    assert response.context["form"].fields["kind"].choices == [
        ("", fr("All kinds")),
        ("ledger.payment", fr("Payment received")),
        (TEST_KIND, "Test transfer"),
    ]
    response = client.get(
        _url("statement", amap.group), {"date_from": "2026-11-01", "date_to": "2026-10-01"}
    )
    assert response.context["form"].errors == {
        "date_to": [fr("The end of the period comes before its start.")]
    }
    assert len(response.context["entries"].object_list) == 4  # invalid filters: everything


def test_statement_csv_content_is_exact(history, amap):
    _lea, cheque, baskets, _cash = history
    response = amap.client("member").get(
        _url("statement_csv", amap.group), {"date_from": "2026-09-01", "date_to": "2026-10-05"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="amap-des-weppes-lea-dubois-2026-09-01_2026-10-05.csv"'
    )
    paid = fr("Payment received")
    assert response.content.decode() == (
        "\ufeffdate;transaction;kind;memo;debit;credit;balance;currency\r\n"
        f"2026-09-30 18:30;{cheque.pk};{paid};Chèque n° 0004127 (Crédit Coopératif);;50,00;"
        "50,00;EUR\r\n"
        f"2026-10-02 19:00;{baskets[0].pk};Test transfer;Panier du 2 octobre;12,50;;37,50;EUR\r\n"
    )


def test_organiser_reads_and_downloads_a_members_statement(history, amap):
    lea, *_ = history
    client = amap.client("organiser")
    response = client.get(_url("member_statement", amap.group, pk=lea.pk))
    assert response.context["statement"].closing_balance == 4500
    assert "<h1>" + fr("Statement of %(name)s", name="Léa Dubois") + "</h1>" in page(response)
    response = client.get(_url("member_statement_csv", amap.group, pk=lea.pk))
    assert response["Content-Disposition"] == (
        'attachment; filename="amap-des-weppes-lea-dubois-all.csv"'
    )
    assert response.content.decode().count("\r\n") == 5


# --- recording a payment ----------------------------------------------------------------------


KEEPERS = ("organiser", "admin")


@pytest.mark.parametrize("who", PERSONAS)
def test_payment_form_authorisation_and_denied_posts_change_nothing(amap, who):
    client = amap.client(who)
    get = client.get(_url("payment_record", amap.group))
    before = _book()
    post = client.post(_url("payment_record", amap.group), _form_data(amap))
    if who not in KEEPERS:
        _denied(get, who, 403)
        _denied(post, who, 403)
        assert _book() == before
        if who == "member":
            assert BOOKKEEPERS_ONLY in page(post)
        return
    assert get.status_code == 200
    assert post.status_code == 302
    assert post["Location"] == _url("payments", amap.group)
    payment = Payment.objects.get()
    assert (payment.member, payment.amount, payment.recorded_by) == (
        amap.member,
        Decimal("25.50"),
        getattr(amap, who),
    )
    assert _account(amap.member, amap.group).balance == 2550


def test_the_form_offers_active_members_and_a_fresh_key(amap):
    MembershipFactory(group=amap.group, status="left")
    response = amap.client("organiser").get(_url("payment_record", amap.group))
    form = response.context["form"]
    offered = {user.pk for user in form.fields["member"].queryset}
    assert offered == {amap.member.pk, amap.organiser.pk, amap.admin.pk}
    key = str(form.initial["idempotency_key"])
    assert f'<input type="hidden" name="idempotency_key" value="{key}"' in page(response)
    second = amap.client("organiser").get(_url("payment_record", amap.group))
    assert str(second.context["form"].initial["idempotency_key"]) != key


def test_success_message_names_the_amount_and_the_member(amap):
    response = amap.client("organiser").post(
        _url("payment_record", amap.group), _form_data(amap), follow=True
    )
    assert messages_of(response) == [
        fr(
            "Payment of %(amount)s from %(member)s recorded.",
            amount="25,50\xa0€",
            member="Léa Dubois",
        )
    ]


def test_double_submit_records_once(amap):
    client = amap.client("organiser")
    data = _form_data(amap, method=PaymentMethod.TRANSFER, reference="VIR AMAP OCT DUBOIS")
    first = client.post(_url("payment_record", amap.group), data, follow=True)
    before = _book()
    second = client.post(_url("payment_record", amap.group), data, follow=True)
    assert first.redirect_chain == [(_url("payments", amap.group), 302)]
    assert second.redirect_chain == [(_url("payments", amap.group), 302)]
    assert messages_of(second) == [fr(ALREADY)]
    assert _book() == before
    assert Payment.objects.count() == 1
    assert _account(amap.member, amap.group).balance == 2550


def test_a_resubmitted_form_with_another_amount_is_not_recorded_either(amap):
    client = amap.client("organiser")
    client.post(_url("payment_record", amap.group), _form_data(amap))
    before = _book()
    response = client.post(_url("payment_record", amap.group), _form_data(amap, amount="99"))
    assert response.status_code == 302
    assert _book() == before


def test_cheque_without_number_is_a_form_error_and_writes_nothing(amap):
    before = _book()
    response = amap.client("organiser").post(
        _url("payment_record", amap.group),
        _form_data(amap, method=PaymentMethod.CHEQUE, cheque_bank="Crédit Coopératif"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "cheque_number": [fr("A cheque needs its number and its bank.")]
    }
    html = page(response)
    assert fr("The payment was not recorded: please correct the form.") in html
    assert _book() == before


def test_a_limit_refused_by_the_book_is_shown_above_the_form(amap):
    lea = services.account_open(
        group=amap.group, currency="EUR", owner=amap.member, name="Léa Dubois",
        acting_user=amap.organiser, max_balance=1000,
    )  # fmt: skip
    before = _book()
    response = amap.client("organiser").post(_url("payment_record", amap.group), _form_data(amap))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith("Léa Dubois ")
    assert _book() == before
    lea.refresh_from_db()
    assert lea.balance == 0


def test_provider_errors_land_on_their_fields(amap, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"reference": ["Référence inconnue."], "currency": ["Pas l'euro."]})

    monkeypatch.setattr(views, "payment_record", refuse)
    response = amap.client("organiser").post(_url("payment_record", amap.group), _form_data(amap))
    form = response.context["form"]
    assert form.errors["reference"] == ["Référence inconnue."]
    assert form.non_field_errors() == ["Pas l'euro."]


def test_a_member_who_left_cannot_be_credited(amap):
    gone = MembershipFactory(group=amap.group, status="left").user
    before = _book()
    response = amap.client("organiser").post(
        _url("payment_record", amap.group), _form_data(amap, member=gone.pk)
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["member"]
    assert _book() == before


# --- payments list and reversal ---------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_payments_list_authorisation(amap, who):
    _pay(amap, amap.member)
    response = amap.client(who).get(_url("payments", amap.group))
    if who not in KEEPERS:
        _denied(response, who, 403)
        return
    assert response.status_code == 200
    assert [p.member for p in response.context["payments"]] == [amap.member]


def test_payments_list_filters_by_method_and_month(amap):
    october_cash = _pay(amap, amap.member, "10.00", received_on=date(2026, 10, 3))
    _pay(amap, amap.member, "11.00", received_on=date(2026, 11, 3))
    _pay(amap, amap.admin, "12.00", method=PaymentMethod.TRANSFER, reference="VIR 12",
         received_on=date(2026, 10, 5))  # fmt: skip
    other = _pay(amap, amap.admin, "13.00", received_on=date(2026, 10, 20))
    _pay(amap, amap.other_member, "14.00", group=amap.other_group, received_on=date(2026, 10, 20))
    client = amap.client("organiser")
    response = client.get(_url("payments", amap.group), {"method": "cash", "month": "2026-10"})
    assert list(response.context["payments"]) == [other, october_cash]
    response = client.get(_url("payments", amap.group))
    assert [str(p.amount) for p in response.context["payments"]] == [
        "11.00",
        "13.00",
        "12.00",
        "10.00",
    ]
    html = page(response)
    assert "VIR 12" in html
    assert "13,00\xa0€" in html


@pytest.mark.parametrize("who", PERSONAS)
def test_reversal_authorisation_and_denied_posts_change_nothing(amap, who):
    payment = _pay(amap, amap.member)
    before = _book()
    response = amap.client(who).post(
        _url("payment_reverse", amap.group, pk=payment.pk), {"reason": "Billet refusé"}
    )
    if who not in KEEPERS:
        _denied(response, who, 403)
        assert _book() == before
        return
    assert response.status_code == 302
    assert response["Location"] == _url("payments", amap.group)
    reversal = Transaction.objects.get(reverses=payment.transaction)
    memo = fr("Payment no. %(number)s cancelled", number=payment.pk)
    assert reversal.memo == f"{memo}: Billet refusé"
    assert reversal.created_by == getattr(amap, who)
    assert _account(amap.member, amap.group).balance == 0


def test_reversal_is_shown_and_cannot_be_done_twice(amap):
    payment = _pay(amap, amap.member)
    client = amap.client("organiser")
    response = client.post(_url("payment_reverse", amap.group, pk=payment.pk), follow=True)
    assert messages_of(response) == [
        fr(
            "The payment of %(amount)s from %(member)s is cancelled: its reversal is posted.",
            amount="20,00\xa0€",
            member="Léa Dubois",
        )
    ]
    html = page(response)
    today = timezone.localdate().strftime("%d/%m/%Y")
    cancelled = fr("Cancelled on %(date)s by %(name)s", date=today, name="Martine Delcourt")
    assert f'<span class="tag" data-testid="reversed">{cancelled}</span>' in html
    assert _url("payment_reverse", amap.group, pk=payment.pk) not in html
    before = _book()
    again = client.post(_url("payment_reverse", amap.group, pk=payment.pk), follow=True)
    assert messages_of(again) == [fr("This transaction has already been reversed.")]
    assert _book() == before


def test_cancelling_a_payment_for_dues_makes_them_due_again(amap):
    plan = sliding_plan(amap.group, by=amap.organiser)
    dues_services.dues_generate(plan=plan, on=date(2026, 9, 1), today=date(2026, 9, 1))
    dues = Dues.objects.get(member=amap.member)
    dues_services.dues_record_payment(
        dues=dues, acting_user=amap.organiser, amount=Decimal("20.00"), method="cash",
        received_on=date(2026, 11, 20),
    )  # fmt: skip
    payment = Payment.objects.get(member=amap.member)
    response = amap.client("organiser").post(
        _url("payment_reverse", amap.group, pk=payment.pk), follow=True
    )
    assert messages_of(response) == [
        fr(
            "The payment of %(amount)s from %(member)s is cancelled: its reversal is posted.",
            amount="20,00\xa0€",
            member="Léa Dubois",
        ),
        fr(
            "The dues it paid (%(plan)s, %(period)s) are due again.",
            plan="Adhésion 2026-2027",
            period="2026-2027",
        ),
    ]
    dues.refresh_from_db()
    assert (dues.status, dues.transaction) == (DuesStatus.DUE, None)
    assert _account(amap.member, amap.group).balance == 0


def test_another_groups_payment_cannot_be_reversed_from_here(amap):
    elsewhere = _pay(amap, amap.other_member, group=amap.other_group)
    before = _book()
    response = amap.client("organiser").post(_url("payment_reverse", amap.group, pk=elsewhere.pk))
    assert response.status_code == 404
    assert _book() == before


def test_reversal_needs_post(amap):
    payment = _pay(amap, amap.member)
    response = amap.client("organiser").get(_url("payment_reverse", amap.group, pk=payment.pk))
    assert response.status_code == 405
