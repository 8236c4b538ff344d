"""Builders for the dues tests: plain functions over the real services, so every
test_dues_* module shares them without fixtures to import."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext

from coops.core.models import Event
from coops.groups.models import GroupModule, Role
from coops.groups.tests.factories import MembershipFactory
from coops.ledger.dues import services
from coops.ledger.dues.models import Dues, DuesBracket, DuesDeclaration, DuesPlan, Period, Pricing
from coops.ledger.models import Entry, LedgerAccount, Payment, PaymentMethod, Transaction
from coops.ledger.providers import payment_record
from coops.notifications.models import Notification

LOW, MIDDLE, HIGH = "Moins de 1 000 € / mois", "De 1 000 à 2 000 € / mois", "Plus de 2 000 € / mois"
SCALE = [
    services.BracketSpec(LOW, Decimal("10.00")),
    services.BracketSpec(MIDDLE, Decimal("20.00"), is_default=True),
    services.BracketSpec(HIGH, Decimal("35.00")),
]
SEASON = date(2026, 9, 1)


def fr(msgid: str, **params) -> str:
    """The French text a person reads for `msgid` (test users speak French)."""
    with translation.override("fr"):
        text = gettext(msgid)
    return text % params if params else text


def enable_ledger(group) -> None:
    GroupModule.objects.get_or_create(group=group, module="ledger")


def organiser_of(group, **kwargs):
    return MembershipFactory(group=group, role=Role.ORGANISER, **kwargs).user


def member_of(group, **kwargs):
    return MembershipFactory(group=group, role=Role.MEMBER, **kwargs).user


def sliding_plan(group, *, by, name: str = "Adhésion 2026-2027", **kwargs) -> DuesPlan:
    """A yearly plan from 1 September 2026, due on the 1st, 30 days' grace, on the
    three-bracket scale 10 / 20 (reference) / 35 €."""
    options = {
        "period": Period.YEARLY,
        "pricing": Pricing.SLIDING,
        "start_date": SEASON,
        "due_day": 1,
        "grace_days": 30,
        "brackets": SCALE,
    }
    options.update(kwargs)
    return services.dues_plan_create(group=group, acting_user=by, name=name, **options)


def monthly_plan(group, *, by, amount: str = "12.00", **kwargs) -> DuesPlan:
    """A monthly plan of a fixed amount from January 2026, due on the 5th, 10 days' grace."""
    options = {
        "period": Period.MONTHLY,
        "pricing": Pricing.FIXED,
        "amount": Decimal(amount),
        "start_date": date(2026, 1, 1),
        "due_day": 5,
        "grace_days": 10,
    }
    options.update(kwargs)
    return services.dues_plan_create(group=group, acting_user=by, name="Cotisation", **options)


def bracket(plan: DuesPlan, label: str) -> DuesBracket:
    return plan.brackets.get(label=label)


def credit(group, member, amount: str, *, by) -> Payment:
    """Money the member handed over (cash): credits their prepaid balance."""
    return payment_record(
        group=group,
        member=member,
        amount=Decimal(amount),
        method=PaymentMethod.CASH,
        received_on=date(2026, 10, 1),
        acting_user=by,
    )


def dues_of(plan: DuesPlan, member) -> Dues:
    return Dues.objects.get(plan=plan, member=member)


def balance(group, owner, purpose: str = "member") -> int:
    account = LedgerAccount.objects.filter(
        group=group, purpose=purpose, owner_id=str(owner.pk)
    ).first()
    return account.balance if account else 0


def snapshot() -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        sorted(
            Dues.objects.values_list(
                "pk", "status", "amount", "transaction_id", "payment_id", "waive_reason"
            )
        ),
        sorted(
            DuesPlan.objects.values_list(
                "pk", "name", "period", "pricing", "amount", "due_day", "grace_days", "is_active"
            )
        ),
        sorted(DuesBracket.objects.values_list("pk", "label", "amount", "is_default")),
        sorted(DuesDeclaration.objects.values_list("plan_id", "member_id", "bracket_id")),
        Transaction.objects.count(),
        Entry.objects.count(),
        Payment.objects.count(),
        Notification.objects.count(),
        Event.objects.count(),
    )
