"""Producers' catalogs: products and their variants, typed by the DFC product taxonomy.

A product belongs to a producer, who is a directory actor, so one catalog serves every
hub the producer sells through. Prices are `Decimal` with the currency stated,
including VAT; a variable-weight variant is priced per kilogram and sold by the piece
with an estimated weight, adjusted at the distribution.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coops.core.models import TimeStampedModel

# Directory kinds that sell through hubs: farmers and food craftspeople (bakers,
# cheese makers, brewers…), whose catalogs live in the producer space.
SELLER_KINDS = ("producer", "craft")

# French VAT rates that apply to food and farm products (and 0 for exempt producers).
VAT_RATES = (Decimal("0"), Decimal("2.1"), Decimal("5.5"), Decimal("10"), Decimal("20"))


class ProductType(models.Model):
    """A node of the DFC product types taxonomy (``dfc-pt:<code>``), shipped in data/."""

    code = models.CharField(_("DFC code"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("product type")
        verbose_name_plural = _("product types")
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_fr if (get_language() or "fr").startswith("fr") else self.name_en


class Unit(models.TextChoices):
    KILOGRAM = "kg", _("kg")
    GRAM = "g", _("g")
    LITRE = "l", _("L")
    CENTILITRE = "cl", _("cL")
    MILLILITRE = "ml", _("mL")
    PIECE = "piece", _("piece")
    BUNCH = "bunch", _("bunch")
    DOZEN = "dozen", _("dozen")


class ProductQuerySet(models.QuerySet):
    def active(self) -> ProductQuerySet:
        return self.filter(active=True)


class Product(TimeStampedModel):
    producer = models.ForeignKey(
        "directory.Actor",
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("producer"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    product_type = models.ForeignKey(
        ProductType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("category"),
    )
    labels = models.ManyToManyField(
        "directory.Label", blank=True, related_name="products", verbose_name=_("labels")
    )
    photo = models.ImageField(_("photo"), upload_to="shortcircuit/products/", blank=True)
    active = models.BooleanField(_("on sale"), default=True)
    # Accent-free lower-case name and description, for accent-insensitive shop search.
    search_text = models.CharField(max_length=400, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=40, blank=True)
    source_id = models.CharField(_("identifier at the source"), max_length=500, blank=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["producer", "source", "source_id"],
                condition=~Q(source_id=""),
                name="shortcircuit_product_unique_source",
            )
        ]
        indexes = [models.Index(fields=["producer", "active"])]

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    """What a buyer puts in the cart: a product in a unit and size, at a price."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants", verbose_name=_("product")
    )
    name = models.CharField(_("variant"), max_length=120, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    unit_size = models.DecimalField(
        _("unit size"), max_digits=10, decimal_places=3, default=Decimal("1")
    )
    price = models.DecimalField(
        _("price incl. VAT"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Per unit, or per kilogram for a variable-weight product."),
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=4, decimal_places=2, default=Decimal("5.5")
    )
    currency = models.CharField(_("currency"), max_length=12, default="EUR")
    # None: made to order ("on demand"), no stock to run out of.
    stock = models.DecimalField(_("stock"), max_digits=12, decimal_places=3, null=True, blank=True)
    step = models.DecimalField(
        _("quantity step"),
        max_digits=10,
        decimal_places=3,
        default=Decimal("1"),
        help_text=_("Buyers order multiples of this quantity."),
    )
    variable_weight = models.BooleanField(_("variable weight"), default=False)
    estimated_weight = models.DecimalField(
        _("estimated weight (kg)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    sku = models.CharField(_("reference"), max_length=60, blank=True)
    active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    source_id = models.CharField(_("identifier at the source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["product", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="shortcircuit_variant_price"),
            models.CheckConstraint(
                condition=Q(unit_size__gt=0), name="shortcircuit_variant_unit_size"
            ),
            models.CheckConstraint(condition=Q(step__gt=0), name="shortcircuit_variant_step"),
            models.CheckConstraint(
                condition=Q(stock__isnull=True) | Q(stock__gte=0),
                name="shortcircuit_variant_stock_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0) & Q(vat_rate__lte=30),
                name="shortcircuit_variant_vat_rate",
            ),
            models.CheckConstraint(
                condition=Q(variable_weight=False) | Q(estimated_weight__gt=0),
                name="shortcircuit_variant_weight_estimated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} {self.name}".strip()

    @property
    def on_demand(self) -> bool:
        return self.stock is None
