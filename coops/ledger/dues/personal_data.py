"""RGPD for dues.

Export: the user's dues (every group, with status and dates) and their income
bracket declarations.

Erasure: bracket declarations are deleted (a declared income is personal and no
record depends on it). Dues rows are kept: they are accounting records that the
ledger's transactions point to, and other members' books rely on them. They keep
pointing at the user row, which erasure anonymises, so they no longer identify
anyone; the bracket label frozen on them stays as the accounting basis of the amount.
"""

from typing import Any

from .models import Dues, DuesDeclaration


def export(user: Any) -> dict:
    dues = Dues.objects.filter(member=user).select_related("group", "plan").order_by("pk")
    declarations = (
        DuesDeclaration.objects.filter(member=user)
        .select_related("plan__group", "bracket")
        .order_by("pk")
    )
    return {
        "dues": [
            {
                "group": d.group.slug,
                "plan": d.plan.name,
                "period_start": d.period_start.isoformat(),
                "period_end": d.period_end.isoformat(),
                "due_on": d.due_on.isoformat(),
                "bracket": d.bracket_label,
                "amount": str(d.amount),
                "currency": d.currency,
                "status": d.status,
                "paid_at": d.paid_at.isoformat() if d.paid_at else None,
                "waived_at": d.waived_at.isoformat() if d.waived_at else None,
                "waive_reason": d.waive_reason,
            }
            for d in dues
        ],
        "bracket_declarations": [
            {
                "group": x.plan.group.slug,
                "plan": x.plan.name,
                "bracket": x.bracket.label,
                "declared_at": x.updated_at.isoformat(),
            }
            for x in declarations
        ],
    }


def erase(user: Any) -> None:
    DuesDeclaration.objects.filter(member=user).delete()
