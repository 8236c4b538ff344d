"""Creating and configuring a currency; members' and the group's accounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coops.core import money
from coops.core.audit import event_record
from coops.core.permissions import require
from coops.groups.models import Group
from coops.ledger import services as ledger
from coops.ledger.models import LedgerAccount, Purpose

from ..models import Currency
from ._base import AMOUNT_FIELDS, CURRENCY_FIELDS, _check_limits, _minor_or_none, _save


def currency_create(
    *,
    group: Group,
    acting_user,
    name: str,
    code: str,
    symbol: str = "",
    decimals: int = 2,
    default_min_balance: Decimal | None = None,
    default_max_balance: Decimal | None = None,
    demurrage_rate: Decimal = Decimal("0"),
    demurrage_free_base: Decimal = Decimal("0"),
) -> Currency:
    """Create the group's currency (organisers only). Amounts are in major units
    ("-300" for −300.00); they are stored in minor units. The code must not name any
    other currency, static (EUR…) or created by another group."""
    require(acting_user, "currency.manage", group)
    code = code.strip().upper()
    if money.is_registered(code) or Currency.objects.filter(code=code).exists():
        raise ValidationError(
            {"code": _("The code %(code)s is already used by another currency.") % {"code": code}}
        )
    with transaction.atomic():
        currency = Currency(
            group=group,
            name=name,
            code=code,
            symbol=symbol.strip() or code,
            decimals=decimals,
            demurrage_rate=demurrage_rate,
            created_by=acting_user if acting_user.is_authenticated else None,
        )
        currency.default_min_balance = _minor_or_none(currency, default_min_balance)
        currency.default_max_balance = _minor_or_none(currency, default_max_balance)
        currency.demurrage_free_base = currency.to_minor(demurrage_free_base)
        _check_limits(currency.default_min_balance, currency.default_max_balance)
        if Currency.objects.filter(group=group).exists():
            raise ValidationError(_("This group already has its currency."), code="exists")
        _save(currency)
        event_record(
            actor=acting_user,
            verb="currency.created",
            target=currency,
            code=code,
            decimals=decimals,
        )
    # This process may hold an answer from before (a test database, a rolled back
    # creation): the first lookup now reads the new row.
    money.forget_resolved_currency(code)
    return currency


def currency_update(*, currency: Currency, acting_user, **fields: Any) -> Currency:
    """Change a currency's name, symbol, default limits or demurrage (organisers only).
    Its code and decimals never change: existing balances are counted in them."""
    for frozen in ("code", "decimals"):
        if frozen in fields and fields.pop(frozen) != getattr(currency, frozen):
            raise ValidationError(
                _("A currency's code and decimals cannot change after it is created."),
                code="immutable",
            )
    unknown = set(fields) - set(CURRENCY_FIELDS)
    if unknown:
        raise TypeError(f"currency_update() cannot change {sorted(unknown)}")
    require(acting_user, "currency.manage", currency.group)
    with transaction.atomic():
        currency = Currency.objects.select_for_update().select_related("group").get(pk=currency.pk)
        values = {
            key: _minor_or_none(currency, value) if key in AMOUNT_FIELDS else value
            for key, value in fields.items()
        }
        if "demurrage_free_base" in values and values["demurrage_free_base"] is None:
            values["demurrage_free_base"] = 0
        if "symbol" in values:
            values["symbol"] = values["symbol"].strip() or currency.code
        changes = {
            key: [getattr(currency, key), value]
            for key, value in values.items()
            if getattr(currency, key) != value
        }
        for key, (_before, after) in changes.items():
            setattr(currency, key, after)
        _check_limits(currency.default_min_balance, currency.default_max_balance)
        _save(currency)
        if changes:
            event_record(
                actor=acting_user, verb="currency.updated", target=currency, changes=changes
            )
    money.forget_resolved_currency(currency.code)  # a new symbol shows at once here
    return currency


def member_account_open(*, currency: Currency, user, acting_user) -> LedgerAccount:
    """The member's account in the currency (opened with the default limits the
    first time it is needed)."""
    return ledger.account_open(
        group=currency.group,
        currency=currency.code,
        owner=user,
        purpose=Purpose.MEMBER,
        name=user.public_name,
        min_balance=currency.default_min_balance,
        max_balance=currency.default_max_balance,
        acting_user=acting_user,
    )


def solidarity_account_open(*, currency: Currency, acting_user) -> LedgerAccount:
    """The group's solidarity fund in the currency, where demurrage goes."""
    return ledger.account_open(
        group=currency.group,
        currency=currency.code,
        owner=currency.group,
        purpose=Purpose.SOLIDARITY,
        name=_("Solidarity fund · %(group)s") % {"group": currency.group.name},
        acting_user=acting_user,
    )


def account_limits_set(
    *,
    currency: Currency,
    member,
    min_balance: Decimal | None,
    max_balance: Decimal | None,
    acting_user,
) -> LedgerAccount:
    """Override one member's limits (organisers only); opens the account if needed.
    Empty means no limit. A balance already outside new limits is not a breach."""
    require(acting_user, "currency.manage", currency.group)
    low = _minor_or_none(currency, min_balance)
    high = _minor_or_none(currency, max_balance)
    _check_limits(low, high)
    with transaction.atomic():
        account = member_account_open(currency=currency, user=member, acting_user=acting_user)
        return ledger.account_set_limits(
            account=account, min_balance=low, max_balance=high, acting_user=acting_user
        )
