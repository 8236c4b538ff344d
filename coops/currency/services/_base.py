"""Helpers shared by the currency services."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from coops.core.money import format_money
from coops.groups.models import Group, Membership

from ..models import Currency

CURRENCY_FIELDS = (
    "name",
    "symbol",
    "default_min_balance",
    "default_max_balance",
    "demurrage_rate",
    "demurrage_free_base",
)
AMOUNT_FIELDS = ("default_min_balance", "default_max_balance", "demurrage_free_base")
OFFER_FIELDS = ("kind", "title", "description", "category", "price", "price_eur", "is_free")


def _save(obj) -> None:
    obj.full_clean()
    obj.save()


def _minor_or_none(currency: Currency, amount: Decimal | None) -> int | None:
    return None if amount is None else currency.to_minor(amount)


def _positive_minor(currency: Currency, amount: Decimal) -> int:
    minor = currency.to_minor(amount)
    if minor <= 0:
        raise ValidationError(_("The amount must be positive."), code="not_positive")
    return minor


def _check_limits(min_balance: int | None, max_balance: int | None) -> None:
    if min_balance is not None and min_balance > 0:
        raise ValidationError(
            _("The minimum balance is zero or below: every account starts at zero."),
            code="min_positive",
        )
    if max_balance is not None and max_balance < 0:
        raise ValidationError(
            _("The maximum balance is zero or above: every account starts at zero."),
            code="max_negative",
        )


def _require_active_member(user, group: Group, message: str) -> None:
    if not Membership.objects.active().filter(group=group, user=user).exists():
        raise ValidationError(message, code="not_a_member")


def _index_url(currency: Currency) -> str:
    return reverse("groups:currency:index", kwargs={"slug": currency.group.slug})


def _amount_text(currency: Currency, minor: int) -> str:
    """Formatted when called, so a notification reads in its recipient's language."""
    return format_money(currency.money(minor))
