"""Dues services: plans, declarations, generation, settlement through the ledger, waivers."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from coops.accounts.tests.factories import UserFactory
from coops.core.models import Event
from coops.groups.models import MembershipStatus
from coops.groups.tests.factories import GroupFactory, MembershipFactory
from coops.ledger.dues import services
from coops.ledger.dues.models import (
    Dues,
    DuesBracket,
    DuesDeclaration,
    DuesPlan,
    DuesStatus,
    Period,
    Pricing,
    check_transition,
)
from coops.ledger.dues.services import dues as dues_services
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import LedgerAccount, Payment, PaymentMethod, Purpose, Transaction
from coops.ledger.services import LimitExceeded, owner_accounts
from coops.ledger.tests.factories import ledger_counts

from .dues_factories import (
    HIGH,
    LOW,
    MIDDLE,
    SEASON,
    balance,
    bracket,
    credit,
    dues_of,
    member_of,
    monthly_plan,
    organiser_of,
    sliding_plan,
    snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def amap():
    group = GroupFactory(name="AMAP des Weppes", slug="amap-des-weppes")
    organiser = organiser_of(group)
    return group, organiser


# --- Transitions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (DuesStatus.DUE, DuesStatus.PAID, True),
        (DuesStatus.DUE, DuesStatus.WAIVED, True),
        (DuesStatus.PAID, DuesStatus.WAIVED, False),
        (DuesStatus.PAID, DuesStatus.DUE, True),
        (DuesStatus.PAID, DuesStatus.PAID, False),
        (DuesStatus.WAIVED, DuesStatus.PAID, False),
        (DuesStatus.WAIVED, DuesStatus.DUE, False),
        (DuesStatus.DUE, DuesStatus.DUE, False),
    ],
)
def test_transitions(current, new, allowed, english):
    if allowed:
        check_transition(current, new)
        return
    with pytest.raises(ValidationError) as refused:
        check_transition(current, new)
    expected = {
        DuesStatus.PAID: "These dues are already paid.",
        DuesStatus.WAIVED: "These dues were waived.",
        DuesStatus.DUE: "These dues cannot change from due to due.",
    }[current]
    assert refused.value.messages == [expected]


# --- Plans ------------------------------------------------------------------------------


def test_sliding_plan_keeps_its_brackets_in_order_with_one_reference(amap):
    group, organiser = amap
    plan = sliding_plan(group, by=organiser)
    rows = list(plan.brackets.values_list("position", "label", "amount", "is_default"))
    assert rows == [
        (0, LOW, Decimal("10.00"), False),
        (1, MIDDLE, Decimal("20.00"), True),
        (2, HIGH, Decimal("35.00"), False),
    ]
    assert (plan.amount, plan.currency, plan.created_by) == (None, "EUR", organiser)
    event = Event.objects.get(verb="ledger.dues_plan_created")
    assert event.actor == organiser
    assert event.data["after"]["brackets"][1] == [MIDDLE, "20.00", True]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"brackets": []}, "A sliding scale needs at least one income bracket."),
        (
            {"brackets": [services.BracketSpec(LOW, Decimal("10"))]},
            "Mark exactly one bracket as the reference bracket.",
        ),
        (
            {
                "brackets": [
                    services.BracketSpec(LOW, Decimal("10"), is_default=True),
                    services.BracketSpec(LOW, Decimal("20")),
                ]
            },
            "Two brackets have the same label.",
        ),
        (
            {"brackets": [services.BracketSpec(LOW, Decimal("0"), is_default=True)]},
            "Each bracket needs an amount above zero.",
        ),
    ],
)
def test_invalid_scales_are_refused(amap, english, changes, message):
    group, organiser = amap
    with pytest.raises(ValidationError) as refused:
        sliding_plan(group, by=organiser, **changes)
    assert refused.value.messages == [message]
    assert (DuesPlan.objects.count(), DuesBracket.objects.count()) == (0, 0)


def test_plan_fields_are_validated(amap, english):
    group, organiser = amap
    with pytest.raises(ValidationError) as refused:
        monthly_plan(group, by=organiser, amount="12.00", start_date=date(2026, 1, 15))
    assert refused.value.message_dict == {"start_date": ["Periods begin on the first of a month."]}
    with pytest.raises(ValidationError) as refused:
        services.dues_plan_create(
            group=group,
            acting_user=organiser,
            name="Sans montant",
            period=Period.MONTHLY,
            pricing=Pricing.FIXED,
            start_date=date(2026, 1, 1),
        )
    assert refused.value.message_dict["amount"] == ["A fixed-amount plan needs its amount."]
    with pytest.raises(ValidationError) as refused:
        monthly_plan(group, by=organiser, due_day=31)
    assert "due_day" in refused.value.message_dict
    monthly_plan(group, by=organiser)
    with pytest.raises(ValidationError) as refused:
        monthly_plan(group, by=organiser)  # the same name twice in one group
    assert list(refused.value.message_dict) == ["__all__"]
    assert DuesPlan.objects.count() == 1


def test_a_member_cannot_create_a_plan(amap):
    group, _organiser = amap
    member = member_of(group)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        sliding_plan(group, by=member)
    assert snapshot() == before


def test_editing_brackets_keeps_ids_swaps_labels_and_drops_removed_ones(amap):
    group, organiser = amap
    plan = sliding_plan(group, by=organiser)
    low, middle, high = plan.brackets.all()
    lea, nadia = member_of(group), member_of(group)
    services.declaration_set(plan=plan, member=lea, bracket=low, acting_user=lea)
    services.declaration_set(plan=plan, member=nadia, bracket=high, acting_user=nadia)
    services.dues_plan_update(
        plan=plan,
        acting_user=organiser,
        name="Adhésion solidaire",
        period=Period.YEARLY,
        pricing=Pricing.SLIDING,
        start_date=SEASON,
        grace_days=15,
        brackets=[
            services.BracketSpec(MIDDLE, Decimal("8.00"), pk=low.pk),  # the two labels swap
            services.BracketSpec(LOW, Decimal("22.00"), is_default=True, pk=middle.pk),
        ],
    )
    plan.refresh_from_db()
    assert (plan.name, plan.grace_days) == ("Adhésion solidaire", 15)
    assert list(plan.brackets.values_list("pk", "label", "amount", "is_default")) == [
        (low.pk, MIDDLE, Decimal("8.00"), False),
        (middle.pk, LOW, Decimal("22.00"), True),
    ]
    # Nadia's bracket is gone: she falls back to the reference bracket.
    assert list(DuesDeclaration.objects.values_list("member_id", "bracket_id")) == [
        (lea.pk, low.pk)
    ]
    event = Event.objects.get(verb="ledger.dues_plan_changed")
    assert event.data["before"]["grace_days"] == 30
    assert event.data["after"]["brackets"] == [[MIDDLE, "8.00", False], [LOW, "22.00", True]]


def test_structure_is_frozen_once_dues_exist(amap, english):
    group, organiser = amap
    plan = monthly_plan(group, by=organiser)
    member_of(group)
    services.dues_generate(plan=plan, on=date(2026, 3, 10))
    with pytest.raises(ValidationError) as refused:
        services.dues_plan_update(
            plan=plan,
            acting_user=organiser,
            name="Cotisation",
            period=Period.YEARLY,
            pricing=Pricing.FIXED,
            amount=Decimal("12.00"),
            start_date=date(2026, 1, 1),
        )
    assert refused.value.messages[0].startswith("Dues were already generated under this plan")
    plan.refresh_from_db()
    assert plan.period == Period.MONTHLY
    # Amount, due day and grace can change; they apply to later dues only.
    services.dues_plan_update(
        plan=plan,
        acting_user=organiser,
        name="Cotisation",
        period=Period.MONTHLY,
        pricing=Pricing.FIXED,
        amount=Decimal("15.00"),
        start_date=date(2026, 1, 1),
        due_day=10,
    )
    assert set(Dues.objects.values_list("amount", "due_on")) == {
        (Decimal("12.00"), date(2026, 3, 5))
    }
    created = services.dues_generate(plan=plan, on=date(2026, 4, 1))
    assert [(d.amount, d.due_on) for d in created] == [(Decimal("15.00"), date(2026, 4, 10))] * 2


# --- Declarations -----------------------------------------------------------------------


def test_members_declare_their_bracket_and_organisers_can_set_it(amap, english):
    group, organiser = amap
    plan = sliding_plan(group, by=organiser)
    lea, nadia = member_of(group), member_of(group)
    services.declaration_set(plan=plan, member=lea, bracket=bracket(plan, LOW), acting_user=lea)
    services.declaration_set(plan=plan, member=lea, bracket=bracket(plan, HIGH), acting_user=lea)
    services.declaration_set(
        plan=plan, member=nadia, bracket=bracket(plan, LOW), acting_user=organiser
    )
    rows = DuesDeclaration.objects.values_list("member_id", "bracket__label", "declared_by_id")
    assert sorted(rows) == sorted([(lea.pk, HIGH, lea.pk), (nadia.pk, LOW, organiser.pk)])
    events = Event.objects.filter(verb="ledger.dues_bracket_declared").order_by("pk")
    assert [(e.data["before"], e.data["after"]) for e in events] == [
        (None, LOW),
        (LOW, HIGH),
        (None, LOW),
    ]
    # Declaring the same bracket again writes nothing.
    services.declaration_set(plan=plan, member=lea, bracket=bracket(plan, HIGH), acting_user=lea)
    assert events.count() == 3


def test_declarations_are_refused_outside_the_rules(amap, english):
    group, organiser = amap
    plan = sliding_plan(group, by=organiser)
    other = sliding_plan(group, by=organiser, name="Autre barème")
    lea, nadia = member_of(group), member_of(group)
    outsider = UserFactory()
    fixed = monthly_plan(group, by=organiser)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.declaration_set(
            plan=plan, member=nadia, bracket=bracket(plan, LOW), acting_user=lea
        )
    with pytest.raises(PermissionDenied):
        services.declaration_set(
            plan=plan, member=outsider, bracket=bracket(plan, LOW), acting_user=outsider
        )
    with pytest.raises(ValidationError) as refused:
        services.declaration_set(
            plan=plan, member=lea, bracket=bracket(other, LOW), acting_user=lea
        )
    assert refused.value.messages == ["This bracket belongs to another plan."]
    with pytest.raises(ValidationError) as refused:
        services.declaration_set(
            plan=plan, member=outsider, bracket=bracket(plan, LOW), acting_user=organiser
        )
    assert refused.value.messages == ["Only the group's active members declare a bracket."]
    with pytest.raises(ValidationError) as refused:
        services.declaration_set(
            plan=fixed, member=lea, bracket=bracket(plan, LOW), acting_user=lea
        )
    assert refused.value.messages == ["This plan has one amount for everyone."]
    assert snapshot()[:4] == before[:4]


# --- Generation -------------------------------------------------------------------------


def test_generation_prices_each_member_by_bracket_and_freezes_the_amount(amap):
    group, organiser = amap
    plan = sliding_plan(group, by=organiser)
    lea, nadia, bernard = member_of(group), member_of(group), member_of(group)
    services.declaration_set(plan=plan, member=lea, bracket=bracket(plan, LOW), acting_user=lea)
    services.declaration_set(
        plan=plan, member=nadia, bracket=bracket(plan, HIGH), acting_user=nadia
    )
    created = services.dues_generate(plan=plan, on=date(2026, 11, 23), acting_user=organiser)
    assert len(created) == 4
    rows = {
        d.member_id: (d.bracket_label, d.amount, d.status) for d in Dues.objects.filter(plan=plan)
    }
    assert rows == {
        lea.pk: (LOW, Decimal("10.00"), DuesStatus.DUE),
        nadia.pk: (HIGH, Decimal("35.00"), DuesStatus.DUE),
        bernard.pk: (MIDDLE, Decimal("20.00"), DuesStatus.DUE),  # no declaration: reference
        organiser.pk: (MIDDLE, Decimal("20.00"), DuesStatus.DUE),
    }
    lea_dues = dues_of(plan, lea)
    assert (
        lea_dues.group,
        lea_dues.period,
        lea_dues.period_start,
        lea_dues.period_end,
        lea_dues.due_on,
        lea_dues.grace_until,
        lea_dues.currency,
    ) == (
        group,
        Period.YEARLY,
        date(2026, 9, 1),
        date(2027, 8, 31),
        date(2026, 9, 1),
        date(2026, 10, 1),
        "EUR",
    )
    # Frozen: a later declaration or a new scale does not touch issued dues.
    services.declaration_set(plan=plan, member=lea, bracket=bracket(plan, HIGH), acting_user=lea)
    DuesBracket.objects.filter(plan=plan).update(amount=Decimal("99.00"))
    assert dues_of(plan, lea).amount == Decimal("10.00")
    event = Event.objects.get(verb="ledger.dues_generated")
    assert (event.actor, event.data["period_start"]) == (organiser, "2026-09-01")
    assert sorted(event.data["members"]) == sorted([lea.pk, nadia.pk, bernard.pk, organiser.pk])


def test_generation_is_idempotent_and_catches_up_new_members(amap):
    group, organiser = amap
    plan = monthly_plan(group, by=organiser)
    member_of(group)
    assert len(services.dues_generate(plan=plan, on=date(2026, 3, 1))) == 2
    assert services.dues_generate(plan=plan, on=date(2026, 3, 31)) == []
    late = member_of(group)
    assert [d.member for d in services.dues_generate(plan=plan, on=date(2026, 3, 20))] == [late]
    assert Dues.objects.filter(plan=plan, period_start=date(2026, 3, 1)).count() == 3
    assert Event.objects.filter(verb="ledger.dues_generated").count() == 2
    # The next month is a new period.
    assert len(services.dues_generate(plan=plan, on=date(2026, 4, 2))) == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        Dues.objects.create(
            group=group,
            plan=plan,
            member=late,
            period=Period.MONTHLY,
            period_start=date(2026, 4, 1),
            period_end=date(2026, 4, 30),
            due_on=date(2026, 4, 5),
            grace_until=date(2026, 4, 15),
            amount=Decimal("12.00"),
        )


def test_only_active_members_of_the_group_get_dues(amap):
    group, organiser = amap
    plan = monthly_plan(group, by=organiser)
    MembershipFactory(group=group, status=MembershipStatus.PENDING)
    MembershipFactory(group=group, status=MembershipStatus.LEFT)
    MembershipFactory()  # another group
    inactive = member_of(group)
    inactive.is_active = False
    inactive.save()
    created = services.dues_generate(plan=plan, on=date(2026, 2, 1))
    assert [d.member for d in created] == [organiser]


def test_generation_refused_for_paused_plans_before_start_and_for_members(amap, english):
    group, organiser = amap
    plan = monthly_plan(group, by=organiser)
    with pytest.raises(ValidationError) as refused:
        services.dues_generate(plan=plan, on=date(2025, 12, 31))
    assert refused.value.messages == ["This plan starts on Jan. 1, 2026."]
    with pytest.raises(PermissionDenied):
        services.dues_generate(plan=plan, on=date(2026, 2, 1), acting_user=member_of(group))
    DuesPlan.objects.filter(pk=plan.pk).update(is_active=False)
    with pytest.raises(ValidationError) as refused:
        services.dues_generate(plan=plan, on=date(2026, 2, 1))
    assert refused.value.messages == ["This plan is paused: activate it to generate its dues."]
    assert Dues.objects.count() == 0


# --- Settlement -------------------------------------------------------------------------


@pytest.fixture
def issued(amap):
    """Léa (bracket 20 €) with dues issued for 2026-2027."""
    group, organiser = amap
    plan = sliding_plan(group, by=organiser)
    lea = member_of(group, user=UserFactory(display_name="Léa Dubois"))
    services.dues_generate(plan=plan, on=date(2026, 11, 23))
    return group, organiser, lea, dues_of(plan, lea)


def test_paying_from_the_balance_posts_the_exact_legs(issued):
    group, organiser, lea, dues = issued
    credit(group, lea, "25.00", by=organiser)
    paid = services.dues_pay_from_balance(dues=dues, acting_user=lea)
    dues.refresh_from_db()
    assert (dues.status, dues.settled_by, dues.payment) == (DuesStatus.PAID, lea, None)
    assert dues.paid_at is not None
    tx = dues.transaction
    assert paid.transaction == tx
    assert (tx.kind, tx.source, tx.idempotency_key, tx.created_by) == (
        "ledger.dues",
        dues,
        f"dues:{dues.pk}",
        lea,
    )
    assert tx.memo == "Adhésion 2026-2027 · 2026-2027"
    legs = sorted((e.account.purpose, e.account.owner, e.amount) for e in tx.entries.all())
    assert legs == sorted([(Purpose.DUES, group, 2000), (Purpose.MEMBER, lea, -2000)])
    assert sum(e.amount for e in tx.entries.all()) == 0
    assert (balance(group, lea), balance(group, group, Purpose.DUES)) == (500, 2000)
    assert Event.objects.filter(verb="ledger.dues_paid", actor=lea).count() == 1
    assert ledger_violations() == []


def test_insufficient_balance_is_refused_and_nothing_is_written(issued, english):
    group, organiser, lea, dues = issued
    credit(group, lea, "5.00", by=organiser)
    before, counts = snapshot(), ledger_counts()
    with pytest.raises(LimitExceeded) as refused:
        services.dues_pay_from_balance(dues=dues, acting_user=lea)
    assert refused.value.code == "under_minimum"
    assert refused.value.messages == [
        "Your balance (€5.00) does not cover these dues (€20.00). Top it up with an "
        "organiser, or hand them the dues directly."
    ]
    assert (snapshot(), ledger_counts()) == (before, counts)
    dues.refresh_from_db()
    assert dues.status == DuesStatus.DUE


def test_a_member_without_an_account_gets_one_with_a_floor_of_zero(issued, english):
    _group, _organiser, lea, dues = issued
    with pytest.raises(LimitExceeded):
        services.dues_pay_from_balance(dues=dues, acting_user=lea)
    assert not owner_accounts(lea).exists()  # rolled back with the refusal
    with transaction.atomic():
        dues_services._member_account(dues, lea)
    assert owner_accounts(lea).get().min_balance == 0


def test_an_organiser_allowed_overdraft_is_respected(issued):
    group, organiser, lea, dues = issued
    credit(group, lea, "5.00", by=organiser)
    LedgerAccount.objects.filter(owner_id=str(lea.pk)).update(min_balance=-1500)
    services.dues_pay_from_balance(dues=dues, acting_user=lea)
    assert balance(group, lea) == -1500


def test_double_settlement_is_refused(issued, english):
    group, organiser, lea, dues = issued
    credit(group, lea, "50.00", by=organiser)
    services.dues_pay_from_balance(dues=dues, acting_user=lea)
    with pytest.raises(ValidationError) as refused:
        services.dues_pay_from_balance(dues=dues, acting_user=lea)  # a stale object
    assert refused.value.messages == ["These dues are already paid."]
    with pytest.raises(ValidationError):
        services.dues_record_payment(
            dues=dues,
            acting_user=organiser,
            amount=Decimal("20.00"),
            method=PaymentMethod.CASH,
            received_on=date(2026, 11, 20),
        )
    assert Transaction.objects.filter(kind="ledger.dues").count() == 1
    assert Payment.objects.count() == 1  # only the top-up; the refused record wrote nothing
    assert balance(group, lea) == 3000


def test_only_the_member_pays_from_their_balance(issued):
    group, organiser, lea, dues = issued
    credit(group, lea, "50.00", by=organiser)
    before = snapshot()
    for someone in (organiser, member_of(group)):
        with pytest.raises(PermissionDenied):
            services.dues_pay_from_balance(dues=dues, acting_user=someone)
    assert snapshot() == before


def test_recording_a_payment_settles_the_dues_and_keeps_the_rest(issued):
    group, organiser, lea, dues = issued
    paid = services.dues_record_payment(
        dues=dues,
        acting_user=organiser,
        amount=Decimal("30.00"),
        method=PaymentMethod.CHEQUE,
        cheque_number="0004127",
        cheque_bank="Crédit Coopératif",
        received_on=date(2026, 11, 20),
    )
    payment = Payment.objects.get()
    assert (payment.member, payment.amount, payment.recorded_by) == (
        lea,
        Decimal("30.00"),
        organiser,
    )
    dues.refresh_from_db()
    assert (dues.status, dues.payment, dues.settled_by) == (DuesStatus.PAID, payment, organiser)
    assert paid.transaction == dues.transaction
    assert (
        balance(group, lea),
        balance(group, group, Purpose.DUES),
        balance(group, group, Purpose.BANK),
    ) == (1000, 2000, -3000)
    assert owner_accounts(lea).get().min_balance == 0
    assert ledger_violations() == []


def _cheque_for(dues, organiser, amount="30.00"):
    return services.dues_record_payment(
        dues=dues,
        acting_user=organiser,
        amount=Decimal(amount),
        method=PaymentMethod.CHEQUE,
        cheque_number="0004127",
        cheque_bank="Crédit Coopératif",
        received_on=date(2026, 11, 20),
    )


def test_cancelling_the_payment_makes_the_dues_due_again(issued, english):
    group, organiser, lea, dues = issued
    _cheque_for(dues, organiser)
    payment = Payment.objects.get()
    settlement = Dues.objects.get(pk=dues.pk).transaction

    reopened = services.payment_cancel(payment=payment, acting_user=organiser, reason="Impayé")

    assert [d.pk for d in reopened] == [dues.pk]
    dues.refresh_from_db()
    assert (dues.status, dues.paid_at, dues.transaction, dues.payment, dues.reopened) == (
        DuesStatus.DUE,
        None,
        None,
        None,
        1,
    )
    assert (
        balance(group, lea),
        balance(group, group, Purpose.DUES),
        balance(group, group, Purpose.BANK),
    ) == (0, 0, 0)
    payment.transaction.refresh_from_db()
    assert payment.transaction.reversed_by.memo == f"Payment no. {payment.pk} cancelled: Impayé"
    assert settlement.reversed_by.memo == f"Payment no. {payment.pk} cancelled: Impayé"
    assert Event.objects.filter(verb="ledger.dues_reopened", target_id=str(dues.pk)).count() == 1

    # The dues can be settled again, under a new key.
    _cheque_for(dues, organiser, "20.00")
    dues.refresh_from_db()
    assert dues.status == DuesStatus.PAID
    assert dues.transaction.idempotency_key == f"dues:{dues.pk}:1"
    assert (balance(group, lea), balance(group, group, Purpose.DUES)) == (0, 2000)
    assert ledger_violations() == []


def test_a_payment_is_cancelled_once(issued, english):
    _group, organiser, _lea, dues = issued
    _cheque_for(dues, organiser)
    payment = Payment.objects.get()
    services.payment_cancel(payment=payment, acting_user=organiser)
    before, counts = snapshot(), ledger_counts()
    with pytest.raises(ValidationError) as refused:
        services.payment_cancel(payment=payment, acting_user=organiser)
    assert refused.value.messages == ["This transaction has already been reversed."]
    assert (snapshot(), ledger_counts()) == (before, counts)


def test_a_member_cannot_cancel_a_payment(issued):
    _group, organiser, lea, dues = issued
    _cheque_for(dues, organiser)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.payment_cancel(payment=Payment.objects.get(), acting_user=lea)
    assert snapshot() == before


def test_a_payment_too_small_is_refused_with_nothing_recorded(issued, english):
    _group, organiser, _lea, dues = issued
    before, counts = snapshot(), ledger_counts()
    with pytest.raises(LimitExceeded) as refused:
        services.dues_record_payment(
            dues=dues,
            acting_user=organiser,
            amount=Decimal("15.00"),
            method=PaymentMethod.CASH,
            received_on=date(2026, 11, 20),
        )
    assert refused.value.messages == [
        "With this payment the member's balance (€15.00) still does not cover these dues (€20.00)."
    ]
    assert (snapshot(), ledger_counts()) == (before, counts)


def test_a_member_cannot_record_a_payment(issued):
    _group, _organiser, lea, dues = issued
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.dues_record_payment(
            dues=dues,
            acting_user=lea,
            amount=Decimal("20.00"),
            method=PaymentMethod.CASH,
            received_on=date(2026, 11, 20),
        )
    assert snapshot() == before


def test_waiving_needs_a_reason_and_ends_the_dues(issued, english):
    group, organiser, lea, dues = issued
    with pytest.raises(ValidationError) as refused:
        services.dues_waive(dues=dues, reason="  ", acting_user=organiser)
    assert refused.value.message_dict == {"reason": ["Say why these dues are waived."]}
    with pytest.raises(PermissionDenied):
        services.dues_waive(dues=dues, reason="Je me l'accorde", acting_user=lea)
    services.dues_waive(dues=dues, reason="Bénévole toute la saison", acting_user=organiser)
    dues.refresh_from_db()
    assert (dues.status, dues.waive_reason, dues.waived_by) == (
        DuesStatus.WAIVED,
        "Bénévole toute la saison",
        organiser,
    )
    event = Event.objects.get(verb="ledger.dues_waived")
    assert (event.data["before"], event.data["after"]) == ("due", "waived")
    credit(group, lea, "50.00", by=organiser)
    with pytest.raises(ValidationError) as refused:
        services.dues_pay_from_balance(dues=dues, acting_user=lea)
    assert refused.value.messages == ["These dues were waived."]
    with pytest.raises(ValidationError):
        services.dues_waive(dues=dues, reason="Encore", acting_user=organiser)
    assert Transaction.objects.filter(kind="ledger.dues").count() == 0


def test_the_database_refuses_an_inconsistent_status(issued):
    _group, _organiser, _lea, dues = issued
    with pytest.raises(IntegrityError), transaction.atomic():
        Dues.objects.filter(pk=dues.pk).update(status=DuesStatus.PAID)
    with pytest.raises(IntegrityError), transaction.atomic():
        Dues.objects.filter(pk=dues.pk).update(status=DuesStatus.WAIVED)
