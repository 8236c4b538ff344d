"""Mutual-credit social currencies: one per group, with offers and wants and payment
requests between members.

Balances live in the ledger: each member's account is a `ledger.LedgerAccount` in the
group's books whose currency is the currency's code. Amounts are integer minor units
here too (limits, requests, demurrage runs); offers' prices are Decimal, like every
catalogue. A currency's code and decimals never change after it is created (the
services refuse it), so a minor-unit amount always means the same thing.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Length, Upper
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel
from coops.core.money import Money

CODE_PATTERN = r"^[A-Z][A-Z0-9]{1,11}$"
MAX_DECIMALS = 6


def plain(value: Decimal) -> Decimal:
    """`value` without trailing zeros nor exponent: 20.000000 -> 20, 12.500000 -> 12.5."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


class Currency(TimeStampedModel):
    group = models.OneToOneField(
        "groups.Group",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="currency",
    )
    name = models.CharField(_("name"), max_length=80)
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(
                CODE_PATTERN,
                _("2 to 12 capital letters or digits, starting with a letter (e.g. LIEN)."),
            )
        ],
        help_text=_("2 to 12 capital letters or digits, e.g. LIEN. It cannot change later."),
    )
    symbol = models.CharField(
        _("symbol"), max_length=8, help_text=_("Shown after amounts, e.g. ℓ or Lien.")
    )
    decimals = models.PositiveSmallIntegerField(
        _("decimals"),
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_DECIMALS)],
        help_text=_("Digits after the decimal point (0 to 6). It cannot change later."),
    )
    default_min_balance = models.BigIntegerField(
        _("default minimum balance (minor units)"), null=True, blank=True
    )
    default_max_balance = models.BigIntegerField(
        _("default maximum balance (minor units)"), null=True, blank=True
    )
    demurrage_rate = models.DecimalField(
        _("demurrage (% per month)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    demurrage_free_base = models.BigIntegerField(
        _("balance free of demurrage (minor units)"), default=0
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")
        ordering = ["name"]
        constraints = [
            # The full pattern is checked by the validator; the database keeps what
            # holds on every engine without user functions: capitals, 2 to 12 long.
            models.CheckConstraint(
                condition=models.Q(code=Upper("code")) & GreaterThanOrEqual(Length("code"), 2),
                name="currency_code_format",
            ),
            models.CheckConstraint(
                condition=models.Q(decimals__gte=0, decimals__lte=MAX_DECIMALS),
                name="currency_decimals_range",
            ),
            models.CheckConstraint(
                condition=models.Q(default_min_balance__isnull=True)
                | models.Q(default_min_balance__lte=0),
                name="currency_default_min_not_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(default_max_balance__isnull=True)
                | models.Q(default_max_balance__gte=0),
                name="currency_default_max_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(demurrage_rate__gte=0, demurrage_rate__lte=100),
                name="currency_demurrage_rate_range",
            ),
            models.CheckConstraint(
                condition=models.Q(demurrage_free_base__gte=0),
                name="currency_demurrage_base_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def has_demurrage(self) -> bool:
        return self.demurrage_rate > 0

    def to_minor(self, amount: Decimal) -> int:
        """Exact minor units of `amount`; more digits than the currency has is an error,
        never a silent rounding."""
        scaled = Decimal(amount).scaleb(self.decimals)
        if scaled != scaled.to_integral_value():
            raise ValidationError(
                _("This currency has %(decimals)s digits after the decimal point at most."),
                code="too_many_decimals",
                params={"decimals": self.decimals},
            )
        return int(scaled)

    def to_decimal(self, minor: int) -> Decimal:
        return Decimal(minor).scaleb(-self.decimals)

    def money(self, minor: int) -> Money:
        return Money.from_minor(minor, self.code)


class OfferKind(models.TextChoices):
    OFFER = "offer", _("Offer")
    WANT = "want", _("Want")


class Category(models.TextChoices):
    FOOD = "food", _("Food")
    CRAFTS = "crafts", _("Crafts")
    REPAIR = "repair", _("Repairs and DIY")
    LESSONS = "lessons", _("Lessons and training")
    CARE = "care", _("Care and childcare")
    TRANSPORT = "transport", _("Transport and carpooling")
    HOUSING = "housing", _("Housing and lending")
    BUSINESS = "business", _("Services to businesses")
    OTHER = "other", _("Other")


class OfferQuerySet(models.QuerySet):
    def active(self) -> OfferQuerySet:
        return self.filter(is_active=True)


class Offer(TimeStampedModel):
    """Something a member offers or wants, priced in the currency and/or in euros,
    or free. Businesses use the same listing for barter between them."""

    currency = models.ForeignKey(
        Currency, verbose_name=_("currency"), on_delete=models.PROTECT, related_name="offers"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="currency_offers",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=OfferKind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    price = models.DecimalField(
        _("price in the currency"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    price_eur = models.DecimalField(
        _("price in euros"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    is_free = models.BooleanField(_("free"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Title and description folded (case and accents) by the services, for search.
    search_text = models.TextField(blank=True, default="", editable=False)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer or want")
        verbose_name_plural = _("offers and wants")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["currency", "is_active", "kind", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OfferKind.values), name="currency_offer_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=Category.values),
                name="currency_offer_category_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(price__isnull=True) | models.Q(price__gt=0),
                name="currency_offer_price_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(price_eur__isnull=True) | models.Q(price_eur__gt=0),
                name="currency_offer_price_eur_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(is_free=False)
                | models.Q(price__isnull=True, price_eur__isnull=True),
                name="currency_offer_free_has_no_price",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def price_money(self) -> Money | None:
        return Money(self.price, self.currency.code) if self.price is not None else None

    @property
    def price_eur_money(self) -> Money | None:
        return Money(self.price_eur, "EUR") if self.price_eur is not None else None


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Paid")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Withdrawn")


# (from, to) -> who may make the move: the payer answers, the requester withdraws.
TRANSITIONS: dict[tuple[str, str], str] = {
    (RequestStatus.PENDING, RequestStatus.ACCEPTED): "payer",
    (RequestStatus.PENDING, RequestStatus.REFUSED): "payer",
    (RequestStatus.PENDING, RequestStatus.CANCELLED): "requester",
}


def transition_party(current: str, target: str) -> str | None:
    """Who ("payer" or "requester") may move a request from `current` to `target`;
    None when the move is not allowed at all."""
    return TRANSITIONS.get((current, target))


class PaymentRequest(TimeStampedModel):
    """A member asks another member of the group to pay them."""

    currency = models.ForeignKey(
        Currency,
        verbose_name=_("currency"),
        on_delete=models.PROTECT,
        related_name="payment_requests",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked to pay"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.BigIntegerField(_("amount (minor units)"))
    memo = models.CharField(_("what for"), max_length=255)
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("offer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    reason = models.CharField(_("reason for refusing"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    transaction = models.OneToOneField(
        "ledger.Transaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["payer", "status"]),
            models.Index(fields=["requester", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="currency_request_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RequestStatus.values),
                name="currency_request_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("payer")),
                name="currency_request_not_to_self",
            ),
            models.CheckConstraint(
                condition=models.Q(status=RequestStatus.ACCEPTED, transaction__isnull=False)
                | (~models.Q(status=RequestStatus.ACCEPTED) & models.Q(transaction__isnull=True)),
                name="currency_request_paid_iff_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.memo}"

    @property
    def money(self) -> Money:
        return self.currency.money(self.amount)


class DemurrageRun(models.Model):
    """Demurrage applied to a currency for one month (`period` is its first day).

    One row per currency and month: a second run for the same month does nothing."""

    currency = models.ForeignKey(
        Currency,
        verbose_name=_("currency"),
        on_delete=models.PROTECT,
        related_name="demurrage_runs",
    )
    period = models.DateField(_("month"))
    rate = models.DecimalField(_("rate (% per month)"), max_digits=5, decimal_places=2)
    free_base = models.BigIntegerField(_("balance free of demurrage (minor units)"))
    accounts_charged = models.PositiveIntegerField(_("accounts charged"), default=0)
    total = models.BigIntegerField(_("total (minor units)"), default=0)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("demurrage run")
        verbose_name_plural = _("demurrage runs")
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "period"], name="currency_demurrage_once_per_month"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="currency_demurrage_total_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency.code} {self.period:%Y-%m}"
