"""Demo dues: the AMAP des Weppes asks a yearly membership on a sliding scale.

Runs after the ledger step (order 30), which credits the members' prepaid balances:
most members pay from it, one is waived, two are left overdue so the organisers'
report shows both states.
"""

from datetime import date
from decimal import Decimal

from coops.core.demo import DemoContext
from coops.groups.services import group_module_enable

from .models import DuesStatus, Period, Pricing
from .selectors import up_to_date_report
from .services import (
    BracketSpec,
    declaration_set,
    dues_generate,
    dues_pay_from_balance,
    dues_plan_create,
    dues_waive,
)

BRACKETS = [
    BracketSpec("Moins de 1 000 € / mois", Decimal("10.00")),
    BracketSpec("De 1 000 à 2 000 € / mois", Decimal("20.00"), is_default=True),
    BracketSpec("Plus de 2 000 € / mois", Decimal("35.00")),
]
# member: index of the declared bracket (bernard has not declared: reference bracket)
DECLARATIONS = {"lea": 1, "claire": 0, "nadia": 2, "chloe": 0, "sarah": 1, "martine": 1, "karim": 2}
PAID_FROM_BALANCE = ["lea", "claire", "nadia", "chloe", "sarah"]
WAIVED = ("martine", "Coordinatrice bénévole des distributions : exonérée par le collectif.")


def load_dues(ctx: DemoContext) -> None:
    group = ctx.groups["amap-des-weppes"]
    admin, organiser = ctx.users["karim"], ctx.users["martine"]
    group_module_enable(group=group, module="ledger", acting_user=admin)
    plan = dues_plan_create(
        group=group,
        acting_user=organiser,
        name="Adhésion AMAP 2026-2027",
        period=Period.YEARLY,
        pricing=Pricing.SLIDING,
        start_date=date(2026, 9, 1),
        due_day=1,
        grace_days=30,
        brackets=BRACKETS,
    )
    brackets = list(plan.brackets.all())
    for key, index in DECLARATIONS.items():
        user = ctx.users[key]
        declaration_set(plan=plan, member=user, bracket=brackets[index], acting_user=user)
    # The season that began on 1 September 2026.
    dues = {d.member_id: d for d in dues_generate(plan=plan, on=plan.start_date)}
    for key in PAID_FROM_BALANCE:
        user = ctx.users[key]
        dues_pay_from_balance(dues=dues[user.pk], acting_user=user)
    key, reason = WAIVED
    dues_waive(dues=dues[ctx.users[key].pk], reason=reason, acting_user=admin)
    rows = up_to_date_report(group)
    late = sum(1 for r in rows if not r.up_to_date)
    paid = sum(1 for d in plan.dues.all() if d.status == DuesStatus.PAID)
    ctx.log(
        f"dues: {len(dues)} generated for {plan.name}, {paid} paid from balances, "
        f"1 waived, {late} member(s) overdue"
    )
