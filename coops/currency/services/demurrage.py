"""Demurrage: a monthly fee on balances above a free base, into the solidarity fund."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR, Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.ledger import services as ledger
from coops.ledger.models import LedgerAccount, Purpose
from coops.notifications.services import notify

from .. import kinds
from ..models import Currency, DemurrageRun
from ._base import _amount_text, _index_url, _save
from .currencies import solidarity_account_open


def previous_month(today: date) -> date:
    """The first day of the month before `today`'s."""
    first = today.replace(day=1)
    if first.month == 1:
        return first.replace(year=first.year - 1, month=12)
    return first.replace(month=first.month - 1)


def demurrage_fee(*, balance: int, free_base: int, rate: Decimal) -> int:
    """floor((balance − free_base) × rate / 100) minor units, or 0 when that is not
    positive. `rate` is a percentage."""
    taxed = balance - free_base
    if taxed <= 0 or rate <= 0:
        return 0
    return int((Decimal(taxed) * rate / 100).to_integral_value(rounding=ROUND_FLOOR))


def demurrage_apply(*, currency: Currency, period: date, acting_user=None) -> DemurrageRun:
    """Charge the month's demurrage on every member account of the currency above the
    free base, into the group's solidarity fund; return the run.

    Once per currency and month: a second call for the same month returns the first
    run and charges nothing. Each account's charge also carries the idempotency key
    ``demurrage:<code>:<account>:<YYYY-MM>``. Balances are read under the accounts'
    row locks, so a fee never exceeds what the account holds above its free base."""
    period = period.replace(day=1)
    with transaction.atomic():
        currency = Currency.objects.select_for_update().select_related("group").get(pk=currency.pk)
        done = DemurrageRun.objects.filter(currency=currency, period=period).first()
        if done is not None:
            return done
        run = DemurrageRun(
            currency=currency,
            period=period,
            rate=currency.demurrage_rate,
            free_base=currency.demurrage_free_base,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        candidates = list(
            LedgerAccount.objects.filter(
                group=currency.group,
                currency=currency.code,
                purpose=Purpose.MEMBER,
                is_active=True,
                balance__gt=currency.demurrage_free_base,
            ).values_list("pk", flat=True)
        )
        charged: dict[str, int] = {}  # owner id -> fee
        if currency.has_demurrage and candidates:
            fund = solidarity_account_open(currency=currency, acting_user=acting_user)
            locked = ledger.lock_accounts([fund.pk, *candidates])
            for pk in sorted(candidates):
                account = locked[pk]
                fee = demurrage_fee(balance=account.balance, free_base=run.free_base, rate=run.rate)
                if fee <= 0:
                    continue
                ledger.transfer(
                    group=currency.group,
                    payer=account,
                    payee=fund,
                    amount=fee,
                    kind=kinds.DEMURRAGE,
                    acting_user=acting_user,
                    memo=f"{period:%Y-%m}",
                    idempotency_key=f"demurrage:{currency.code}:{account.pk}:{period:%Y-%m}",
                )
                run.accounts_charged += 1
                run.total += fee
                if account.owner_type_id == _user_type().pk:
                    charged[account.owner_id] = fee
        _save(run)
        _tell_the_charged(currency, run, charged)
        event_record(
            actor=acting_user,
            verb="currency.demurrage_applied",
            target=run,
            period=f"{period:%Y-%m}",
            accounts=run.accounts_charged,
            total=run.total,
        )
    return run


def _user_type() -> ContentType:
    return ContentType.objects.get_for_model(get_user_model())


def _tell_the_charged(currency: Currency, run: DemurrageRun, charged: dict[str, int]) -> None:
    """Each member charged is told the fee and the month, in their own language."""
    users = get_user_model().objects.filter(pk__in=[int(pk) for pk in charged])
    for user in users:
        fee = charged[str(user.pk)]
        notify(
            recipients=[user],
            kind=kinds.DEMURRAGE_CHARGED,
            title=lambda user, fee=fee: (
                _("Demurrage of %(amount)s for %(month)s")
                % {"amount": _amount_text(currency, fee), "month": f"{run.period:%m/%Y}"}
            ),
            body=lambda user: (
                _(
                    "%(rate)s %% of your balance above %(base)s went to the solidarity fund, "
                    "so the currency keeps circulating."
                )
                % {
                    "rate": number_format(run.rate.normalize(), use_l10n=True),
                    "base": _amount_text(currency, run.free_base),
                }
            ),
            url=_index_url(currency),
            group=currency.group,
        )
