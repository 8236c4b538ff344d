"""Writes of the currency app. Money only moves through `coops.ledger.services`.

Guarantees:
- a currency's code and decimals never change once it exists;
- a member pays only from their own account: the payer of `transfer_create` and of
  an accepted request is always `acting_user`;
- limits are checked by the ledger on the locked accounts, never before;
- an idempotency key pays at most once, and the payee is notified once;
- a payment request moves only along `models.TRANSITIONS`, under its row lock;
- demurrage is charged at most once per account and month.
"""

from .currencies import (
    account_limits_set,
    currency_create,
    currency_update,
    member_account_open,
    solidarity_account_open,
)
from .demurrage import demurrage_apply, demurrage_fee, previous_month
from .offers import offer_create, offer_set_active, offer_update
from .payments import payment_request_create, payment_request_transition, transfer_create

__all__ = [
    "account_limits_set",
    "currency_create",
    "currency_update",
    "demurrage_apply",
    "demurrage_fee",
    "member_account_open",
    "offer_create",
    "offer_set_active",
    "offer_update",
    "payment_request_create",
    "payment_request_transition",
    "previous_month",
    "solidarity_account_open",
    "transfer_create",
]
