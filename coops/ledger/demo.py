"""Demo book: the AMAP des Weppes turns on the "ledger" module and runs prepaid member
balances; its organiser records the payments received at the last distributions."""

from datetime import date
from decimal import Decimal

from coops.core.demo import DemoContext
from coops.groups.services import group_module_enable

from .models import PaymentMethod
from .providers import payment_record

# member, amount, method, details, received on
PAYMENTS = [
    (
        "lea",
        "120.00",
        PaymentMethod.CHEQUE,
        {"cheque_number": "0004127", "cheque_bank": "Crédit Coopératif"},
        date(2026, 10, 1),
    ),
    ("claire", "60.00", PaymentMethod.CASH, {}, date(2026, 10, 1)),
    (
        "nadia",
        "150.00",
        PaymentMethod.TRANSFER,
        {"reference": "VIR AMAP WEPPES OCT HADDAD"},
        date(2026, 10, 3),
    ),
    ("chloe", "45.50", PaymentMethod.CASH, {}, date(2026, 10, 8)),
    ("sarah", "90.00", PaymentMethod.CARD, {"reference": "TPE 0815"}, date(2026, 10, 8)),
    ("bernard", "30.00", PaymentMethod.CASH, {}, date(2026, 10, 15)),
    ("lea", "40.00", PaymentMethod.CASH, {}, date(2026, 11, 5)),
]


def load_ledger(ctx: DemoContext) -> None:
    group = ctx.groups["amap-des-weppes"]
    organiser = ctx.users["martine"]
    group_module_enable(group=group, module="ledger", acting_user=ctx.users["karim"])
    for key, amount, method, details, received_on in PAYMENTS:
        payment_record(
            group=group,
            member=ctx.users[key],
            amount=Decimal(amount),
            method=method,
            received_on=received_on,
            acting_user=organiser,
            **details,
        )
    ctx.log(f"{len(PAYMENTS)} payments recorded in the AMAP des Weppes' books")
