"""Writes for dues. `plans`: plans, brackets and declarations; `dues`: generation,
settlement through the ledger and waivers (see its docstring for the guarantees)."""

from .dues import (
    DUES_KIND,
    dues_generate,
    dues_pay_from_balance,
    dues_record_payment,
    dues_waive,
    lock_dues,
    payment_cancel,
)
from .plans import KEEP_BOOKS, BracketSpec, declaration_set, dues_plan_create, dues_plan_update

__all__ = [
    "DUES_KIND",
    "KEEP_BOOKS",
    "BracketSpec",
    "declaration_set",
    "dues_generate",
    "dues_pay_from_balance",
    "dues_plan_create",
    "dues_plan_update",
    "dues_record_payment",
    "dues_waive",
    "lock_dues",
    "payment_cancel",
]
