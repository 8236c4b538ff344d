"""Dues pages: every view for every persona, with exact statuses, and denied
requests that change nothing."""

import html
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from conftest import PERSONAS
from coops.groups.models import Group, GroupModule, Visibility
from coops.ledger.dues import services
from coops.ledger.dues.models import Dues, DuesDeclaration, DuesPlan, DuesStatus
from coops.ledger.models import Payment

from .dues_factories import (
    HIGH,
    LOW,
    MIDDLE,
    bracket,
    credit,
    dues_of,
    enable_ledger,
    fr,
    organiser_of,
    sliding_plan,
    snapshot,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/?next="
BOOKS = {"anonymous": 302, "member": 403, "other_member": 403, "organiser": 200, "admin": 200}
BOOKS_POST = {**BOOKS, "organiser": 302, "admin": 302}


@pytest.fixture
def book(personas):
    """The AMAP's ledger on, its 2026-2027 sliding plan, dues issued to its three
    members in September (overdue since 2 October 2026)."""
    group = personas.group
    enable_ledger(group)
    plan = sliding_plan(group, by=personas.organiser, name="Adhésion AMAP 2026-2027")
    services.dues_generate(plan=plan, on=date(2026, 9, 1), today=date(2026, 9, 1))
    return personas, plan


def _url(name: str, **kwargs) -> str:
    return reverse(f"groups:ledger:{name}", kwargs={"slug": "amap-des-weppes", **kwargs})


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def _expect_denied(response, who: str, expected: int, url: str) -> None:
    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"] == LOGIN + url


# --- Members' page -------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_index(book, who):
    personas, _plan = book
    url = _url("dues")
    response = personas.client(who).get(url)
    expected = {"anonymous": 302, "member": 200, "other_member": 403}.get(who, 200)
    _expect_denied(response, who, expected, url)
    if expected != 200:
        return
    page = _page(response)
    assert "2026-2027" in page
    assert "20,00\N{NO-BREAK SPACE}€" in page
    assert fr("Some of your dues are overdue.") in page
    assert fr("Pay from my balance") in page
    assert [d.member for d, _overdue in response.context["dues"]] == [getattr(personas, who)]
    books_link = f'href="{_url("dues_report")}"'
    assert (books_link in page) is (who in ("organiser", "admin"))


def test_index_shows_the_bracket_declaration(book):
    personas, plan = book
    response = personas.client("member").get(_url("dues"))
    page = _page(response)
    reference = fr(
        "You have not declared a bracket: you are charged the reference bracket, "
        "<strong>%(bracket)s</strong>.",
        bracket=MIDDLE,
    )
    assert reference in page
    assert f"{LOW} — 10,00\N{NO-BREAK SPACE}€" in page
    services.declaration_set(
        plan=plan, member=personas.member, bracket=bracket(plan, LOW), acting_user=personas.member
    )
    page = _page(personas.client("member").get(_url("dues")))
    assert fr("You declared: <strong>%(bracket)s</strong>.", bracket=LOW) in page


def test_index_up_to_date_and_no_dues(book):
    personas, plan = book
    services.dues_waive(
        dues=dues_of(plan, personas.member), reason="Bénévole", acting_user=personas.organiser
    )
    page = _page(personas.client("member").get(_url("dues")))
    assert fr("You are up to date with your dues.") in page
    assert fr("Pay from my balance") not in page
    Dues.objects.filter(member=personas.member).delete()
    page = _page(personas.client("member").get(_url("dues")))
    assert fr("You have no dues in this group yet.") in page


def test_module_off_or_hidden_group_is_404(book):
    personas, _plan = book
    Group.objects.filter(pk=personas.group.pk).update(visibility=Visibility.MEMBERS)
    assert personas.client("anonymous").get(_url("dues")).status_code == 404
    assert personas.client("other_member").get(_url("dues")).status_code == 404
    GroupModule.objects.filter(group=personas.group).delete()
    assert personas.client("organiser").get(_url("dues_report")).status_code == 404


# --- Paying from the balance ------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_pay_from_balance(book, who):
    personas, plan = book
    credit(personas.group, personas.member, "50.00", by=personas.organiser)
    dues = dues_of(plan, personas.member)
    url = _url("dues_pay", dues_id=dues.pk)
    before = snapshot()
    response = personas.client(who).post(url)
    if who == "member":
        assert (response.status_code, response["Location"]) == (302, _url("dues"))
        dues.refresh_from_db()
        assert dues.status == DuesStatus.PAID
        assert _messages(response) == [
            fr(
                "Your dues for %(period)s are paid: %(amount)s taken from your balance.",
                period="2026-2027",
                amount="20,00\N{NO-BREAK SPACE}€",
            )
        ]
        return
    # Organisers may not spend a member's balance: someone else's dues are not found.
    expected = {"anonymous": 302, "other_member": 403}.get(who, 404)
    _expect_denied(response, who, expected, url)
    assert snapshot() == before


def test_pay_with_too_little_balance_says_so_and_changes_nothing(book):
    personas, plan = book
    credit(personas.group, personas.member, "5.00", by=personas.organiser)
    dues = dues_of(plan, personas.member)
    before = snapshot()
    response = personas.client("member").post(_url("dues_pay", dues_id=dues.pk), follow=True)
    message = fr(
        "Your balance (%(balance)s) does not cover these dues (%(amount)s). Top it up with "
        "an organiser, or hand them the dues directly.",
        balance="5,00\N{NO-BREAK SPACE}€",
        amount="20,00\N{NO-BREAK SPACE}€",
    )
    assert message in _page(response)
    assert snapshot() == before


def test_paying_twice_is_refused(book):
    personas, plan = book
    credit(personas.group, personas.member, "50.00", by=personas.organiser)
    url = _url("dues_pay", dues_id=dues_of(plan, personas.member).pk)
    client = personas.client("member")
    client.post(url, follow=True)
    before = snapshot()
    response = client.post(url)
    assert _messages(response) == [fr("These dues are already paid.")]
    assert snapshot() == before


# --- Declaring a bracket ----------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
def test_declare_own_bracket(book, who):
    personas, plan = book
    url = _url("dues_declare", plan_id=plan.pk)
    before = snapshot()
    response = personas.client(who).post(url, {"bracket": bracket(plan, HIGH).pk})
    if who in ("member", "organiser", "admin"):
        assert (response.status_code, response["Location"]) == (302, _url("dues"))
        user = getattr(personas, who)
        assert DuesDeclaration.objects.get(member=user).bracket.label == HIGH
        return
    _expect_denied(response, who, {"anonymous": 302, "other_member": 403}[who], url)
    assert snapshot() == before


@pytest.mark.parametrize("who", PERSONAS)
def test_declare_for_a_member(book, who):
    personas, plan = book
    url = _url("dues_declare", plan_id=plan.pk)
    before = snapshot()
    data = {"bracket": bracket(plan, LOW).pk, "member": personas.member.pk}
    response = personas.client(who).post(url, data)
    if who in ("organiser", "admin"):
        assert (response.status_code, response["Location"]) == (302, _url("dues_plans"))
        declaration = DuesDeclaration.objects.get(member=personas.member)
        assert (declaration.bracket.label, declaration.declared_by) == (LOW, getattr(personas, who))
        return
    _expect_denied(response, who, BOOKS_POST[who], url)
    assert snapshot() == before


def test_declare_with_a_bracket_of_another_plan_is_refused(book):
    personas, plan = book
    other = sliding_plan(personas.group, by=personas.organiser, name="Autre")
    before = snapshot()
    response = personas.client("member").post(
        _url("dues_declare", plan_id=plan.pk), {"bracket": bracket(other, LOW).pk}
    )
    assert _messages(response) == [fr("Choose one of the plan's brackets.")]
    assert snapshot() == before


# --- Organisers' pages: reading ---------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize(
    "name", ["dues_plans", "dues_plan_create", "dues_plan_edit", "dues_report", "dues_list"]
)
def test_books_pages(book, who, name):
    personas, plan = book
    url = _url(name, plan_id=plan.pk) if name == "dues_plan_edit" else _url(name)
    response = personas.client(who).get(url)
    _expect_denied(response, who, BOOKS[who], url)


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("name", ["dues_record_payment", "dues_waive"])
def test_dues_action_pages(book, who, name):
    personas, plan = book
    url = _url(name, dues_id=dues_of(plan, personas.member).pk)
    response = personas.client(who).get(url)
    _expect_denied(response, who, BOOKS[who], url)


def test_report_shows_who_is_up_to_date(book):
    personas, plan = book
    credit(personas.group, personas.member, "20.00", by=personas.organiser)
    services.dues_pay_from_balance(dues=dues_of(plan, personas.member), acting_user=personas.member)
    response = personas.client("organiser").get(_url("dues_report"))
    rows = {
        r.member: (r.up_to_date, r.overdue.amount, r.last_paid) for r in response.context["rows"]
    }
    assert rows == {
        personas.member: (True, Decimal("0.00"), "2026-2027"),
        personas.organiser: (False, Decimal("20.00"), None),
        personas.admin: (False, Decimal("20.00"), None),
    }
    page = _page(response)
    assert 'class="stack-on-phone"' in page
    assert f'<td class="cell-title">{personas.member.public_name}</td>' in page
    assert response.context["late"] == 2


def test_list_filters_overdue_and_by_plan(book):
    personas, plan = book
    credit(personas.group, personas.member, "20.00", by=personas.organiser)
    services.dues_pay_from_balance(dues=dues_of(plan, personas.member), acting_user=personas.member)
    client = personas.client("organiser")
    overdue = client.get(_url("dues_list"), {"status": "overdue"})
    assert {d.member for d, _late in overdue.context["rows"]} == {
        personas.organiser,
        personas.admin,
    }
    paid = client.get(_url("dues_list"), {"status": "paid", "plan": plan.pk})
    assert [d.member for d, _late in paid.context["rows"]] == [personas.member]
    other = sliding_plan(personas.group, by=personas.organiser, name="Autre")
    assert client.get(_url("dues_list"), {"plan": other.pk}).context["rows"] == []


def test_dues_and_plans_of_another_group_are_404(book):
    personas, _plan = book
    elsewhere = personas.other_group
    foreign = sliding_plan(elsewhere, by=organiser_of(elsewhere), name="Adhésion Roubaix")
    services.dues_generate(plan=foreign, on=date(2026, 9, 1), today=date(2026, 9, 1))
    foreign_dues = Dues.objects.filter(plan=foreign).first()
    client = personas.client("organiser")
    before = snapshot()
    assert client.get(_url("dues_waive", dues_id=foreign_dues.pk)).status_code == 404
    assert client.get(_url("dues_record_payment", dues_id=foreign_dues.pk)).status_code == 404
    assert client.get(_url("dues_plan_edit", plan_id=foreign.pk)).status_code == 404
    response = client.post(
        _url("dues_generate", plan_id=foreign.pk), {f"plan{foreign.pk}-on": "2026-09-01"}
    )
    assert response.status_code == 404
    response = client.post(_url("dues_waive", dues_id=foreign_dues.pk), {"reason": "Non"})
    assert response.status_code == 404
    assert snapshot() == before


# --- Organisers' pages: writing ---------------------------------------------------------


def _plan_data(**changes) -> dict:
    data = {
        "name": "Cotisation mensuelle",
        "period": "monthly",
        "pricing": "fixed",
        "amount": "8.00",
        "start_date": "2027-01-01",
        "due_day": "5",
        "grace_days": "10",
        "is_active": "on",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("who", PERSONAS)
def test_create_plan(book, who):
    personas, _plan = book
    url = _url("dues_plan_create")
    before = snapshot()
    response = personas.client(who).post(url, _plan_data())
    if who in ("organiser", "admin"):
        assert (response.status_code, response["Location"]) == (302, _url("dues_plans"))
        plan = DuesPlan.objects.get(name="Cotisation mensuelle")
        assert (plan.amount, plan.due_day, plan.grace_days, plan.created_by) == (
            Decimal("8.00"),
            5,
            10,
            getattr(personas, who),
        )
        return
    _expect_denied(response, who, BOOKS_POST[who], url)
    assert snapshot() == before


def test_create_a_sliding_plan_from_the_bracket_rows(book):
    personas, _plan = book
    data = _plan_data(
        name="Adhésion solidaire",
        period="yearly",
        pricing="sliding",
        amount="",
        start_date="2027-09-01",
        bracket_0_label="Moins de 800 €",
        bracket_0_amount="5",
        bracket_1_label="Plus de 800 €",
        bracket_1_amount="15",
        reference="1",
    )
    response = personas.client("organiser").post(_url("dues_plan_create"), data)
    assert response.status_code == 302
    plan = DuesPlan.objects.get(name="Adhésion solidaire")
    assert list(plan.brackets.values_list("label", "amount", "is_default")) == [
        ("Moins de 800 €", Decimal("5.00"), False),
        ("Plus de 800 €", Decimal("15.00"), True),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "msgid"),
    [
        ({"amount": ""}, "amount", "A fixed-amount plan needs its amount."),
        ({"start_date": "2027-01-15"}, "start_date", "Periods begin on the first of a month."),
        (
            {"pricing": "sliding", "bracket_0_label": "Tous", "bracket_0_amount": "5"},
            "reference",
            "Mark exactly one bracket as the reference bracket.",
        ),
        (
            {"pricing": "sliding", "bracket_0_label": "Tous", "reference": "0"},
            "bracket_0_label",
            "Give each bracket a label and an amount.",
        ),
        (
            {"pricing": "sliding"},
            "bracket_0_label",
            "A sliding scale needs at least one income bracket.",
        ),
    ],
)
def test_plan_form_errors_keep_the_page_and_write_nothing(book, changes, field, msgid):
    personas, _plan = book
    before = snapshot()
    response = personas.client("organiser").post(_url("dues_plan_create"), _plan_data(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [fr(msgid)]
    assert snapshot() == before


@pytest.mark.parametrize("who", PERSONAS)
def test_edit_plan(book, who):
    personas, plan = book
    url = _url("dues_plan_edit", plan_id=plan.pk)
    low, middle, high = plan.brackets.all()
    data = _plan_data(
        name="Adhésion AMAP 2026-2027",
        period="yearly",
        pricing="sliding",
        amount="",
        start_date="2026-09-01",
        due_day="1",
        grace_days="45",
        bracket_0_id=low.pk,
        bracket_0_label=LOW,
        bracket_0_amount="12",
        bracket_1_id=middle.pk,
        bracket_1_label=MIDDLE,
        bracket_1_amount="22",
        bracket_2_id=high.pk,
        bracket_2_label=HIGH,
        bracket_2_amount="38",
        reference="1",
    )
    before = snapshot()
    response = personas.client(who).post(url, data)
    if who in ("organiser", "admin"):
        assert (response.status_code, response["Location"]) == (302, _url("dues_plans"))
        plan.refresh_from_db()
        assert plan.grace_days == 45
        assert list(plan.brackets.values_list("pk", "amount")) == [
            (low.pk, Decimal("12.00")),
            (middle.pk, Decimal("22.00")),
            (high.pk, Decimal("38.00")),
        ]
        # Issued dues keep their amount.
        assert set(Dues.objects.values_list("amount", flat=True)) == {Decimal("20.00")}
        return
    _expect_denied(response, who, BOOKS_POST[who], url)
    assert snapshot() == before


def test_edit_form_shows_the_plan_and_locks_its_structure_once_dues_exist(book):
    personas, plan = book
    client = personas.client("organiser")
    form = client.get(_url("dues_plan_edit", plan_id=plan.pk)).context["form"]
    assert (form.initial["name"], form.initial["bracket_1_label"], form.initial["reference"]) == (
        "Adhésion AMAP 2026-2027",
        MIDDLE,
        1,
    )
    assert [n for n, f in form.fields.items() if f.disabled] == [
        "period",
        "pricing",
        "start_date",
    ]
    low, middle, _high = plan.brackets.all()
    data = _plan_data(  # tries to turn it into a monthly fixed plan: ignored
        name="Adhésion",
        bracket_0_id=low.pk,
        bracket_0_label=LOW,
        bracket_0_amount="10",
        bracket_1_id=middle.pk,
        bracket_1_label=MIDDLE,
        bracket_1_amount="20",
        reference="1",
    )
    response = client.post(_url("dues_plan_edit", plan_id=plan.pk), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.name, plan.period, plan.pricing, plan.start_date) == (
        "Adhésion",
        "yearly",
        "sliding",
        date(2026, 9, 1),
    )
    assert list(plan.brackets.values_list("label", flat=True)) == [LOW, MIDDLE]


@pytest.mark.parametrize("who", PERSONAS)
def test_generate(book, who):
    personas, plan = book
    url = _url("dues_generate", plan_id=plan.pk)
    before = snapshot()
    response = personas.client(who).post(url, {f"plan{plan.pk}-on": "2027-09-10"})
    if who in ("organiser", "admin"):
        assert (response.status_code, response["Location"]) == (302, _url("dues_plans"))
        assert Dues.objects.filter(period_start=date(2027, 9, 1)).count() == 3
        with translation.override("fr"):
            expected = ngettext(
                "%(count)s dues generated for %(period)s.",
                "%(count)s dues generated for %(period)s.",
                3,
            ) % {"count": 3, "period": "2027-2028"}
        assert _messages(response) == [expected]
        return
    _expect_denied(response, who, BOOKS_POST[who], url)
    assert snapshot() == before


def test_generate_again_says_nothing_new(book):
    personas, plan = book
    response = personas.client("organiser").post(
        _url("dues_generate", plan_id=plan.pk), {f"plan{plan.pk}-on": "2026-10-10"}
    )
    assert _messages(response) == [fr("Every active member already has dues for that period.")]
    assert Dues.objects.count() == 3


def _payment_data(member, **changes) -> dict:
    data = {
        "member": member.pk,
        "amount": "20.00",
        "method": "cash",
        "received_on": "2026-11-20",
        "idempotency_key": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("who", PERSONAS)
def test_record_payment(book, who):
    personas, plan = book
    dues = dues_of(plan, personas.member)
    url = _url("dues_record_payment", dues_id=dues.pk)
    before = snapshot()
    response = personas.client(who).post(url, _payment_data(personas.member))
    if who in ("organiser", "admin"):
        assert (response.status_code, response["Location"]) == (302, _url("dues_list"))
        dues.refresh_from_db()
        payment = Payment.objects.get()
        assert (dues.status, dues.payment, payment.recorded_by) == (
            DuesStatus.PAID,
            payment,
            getattr(personas, who),
        )
        return
    _expect_denied(response, who, BOOKS_POST[who], url)
    assert snapshot() == before


def test_record_payment_page_preselects_the_member_and_amount(book):
    personas, plan = book
    dues = dues_of(plan, personas.member)
    response = personas.client("organiser").get(_url("dues_record_payment", dues_id=dues.pk))
    form = response.context["form"]
    assert list(form.fields["member"].queryset) == [personas.member]
    assert form.fields["member"].disabled is True
    assert (form.initial["member"], form.initial["amount"]) == (personas.member, Decimal("20.00"))
    assert response.context["balance"].amount == Decimal("0")


def test_record_payment_reports_a_payment_too_small(book):
    personas, plan = book
    dues = dues_of(plan, personas.member)
    client = personas.client("organiser")
    url = _url("dues_record_payment", dues_id=dues.pk)
    before = snapshot()
    # Too little: the payment would not cover the dues; nothing is recorded.
    response = client.post(url, _payment_data(personas.member, amount="15.00"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        fr(
            "With this payment the member's balance (%(balance)s) still does not cover "
            "these dues (%(amount)s).",
            balance="15,00 €",
            amount="20,00 €",
        )
    ]
    assert snapshot() == before


def test_record_payment_is_always_for_the_dues_member(book):
    personas, plan = book
    dues = dues_of(plan, personas.member)
    url = _url("dues_record_payment", dues_id=dues.pk)
    response = personas.client("organiser").post(url, _payment_data(personas.admin))
    assert response.status_code == 302
    assert Payment.objects.get().member == personas.member
    assert dues_of(plan, personas.admin).status == DuesStatus.DUE


@pytest.mark.parametrize("who", PERSONAS)
def test_waive(book, who):
    personas, plan = book
    dues = dues_of(plan, personas.member)
    url = _url("dues_waive", dues_id=dues.pk)
    before = snapshot()
    response = personas.client(who).post(url, {"reason": "Bénévole toute la saison"})
    if who in ("organiser", "admin"):
        assert (response.status_code, response["Location"]) == (302, _url("dues_list"))
        dues.refresh_from_db()
        assert (dues.status, dues.waive_reason) == (DuesStatus.WAIVED, "Bénévole toute la saison")
        return
    _expect_denied(response, who, BOOKS_POST[who], url)
    assert snapshot() == before


def test_waive_needs_a_reason_and_only_once(book):
    personas, plan = book
    dues = dues_of(plan, personas.member)
    client = personas.client("organiser")
    url = _url("dues_waive", dues_id=dues.pk)
    before = snapshot()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    assert snapshot() == before
    client.post(url, {"reason": "Bénévole"})
    before = snapshot()
    response = client.post(url, {"reason": "Encore"})
    assert response.context["form"].non_field_errors() == [fr("These dues were waived.")]
    assert snapshot() == before
