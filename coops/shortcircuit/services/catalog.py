"""Writes of a producer's catalog: products with their variants, stock set by the
producer, removal (archived when sales or offers still refer to it) and file imports.

Guarantees:
- `Product.search_text` is the accent-free, lower-case "name description" of the
  product, kept by these services (never by ``save()``);
- a variant's stock is only ever *set* here, as an absolute value chosen by the
  producer, under the variant's row lock and with an audit row; orders take stock with
  their own conditional updates, so a page that did not change the stock never writes it;
- a variant or product that order lines, offers or contracts refer to is archived
  (taken off sale) instead of deleted;
- an import is all or nothing: one invalid item and nothing is written; a dry run runs
  the same code and rolls back, so its counts are the real ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.search import fold

from ..models import Product, Variant
from ._base import lock_objects

# The variant fields a form or an import may set (stock goes through `_stock_write`).
VARIANT_FIELDS = (
    "name",
    "unit",
    "unit_size",
    "price",
    "vat_rate",
    "step",
    "variable_weight",
    "estimated_weight",
    "sku",
    "active",
    "source_id",
)
PRODUCT_FIELDS = ("name", "description", "product_type", "photo", "active", "source", "source_id")
UNSET: Any = object()  # "leave this value as it is" in an import item


_WORDS = re.compile(r"[^\W_]+")


def search_text(name: str, description: str) -> str:
    """What the shop search matches: accent-free, lower-case name and description."""
    return " ".join(_WORDS.findall(fold(f"{name} {description}")))[:400]


def _label(name: str) -> str:
    for model in (Variant, Product):
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return name


def _messages(exc: ValidationError) -> list[str]:
    """A model validation error as sentences naming the field in the reader's words."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    out = []
    for name, errors in exc.error_dict.items():
        label = _label(name)
        for error in errors:
            for message in error.messages:
                out.append(
                    message
                    if name == "__all__"
                    else _("%(field)s: %(message)s") % {"field": label, "message": message}
                )
    return out


def variant_check(variant: Variant) -> None:
    """The variant's invariants, with the messages a producer understands (the database
    constraints say the same, less kindly)."""
    errors: dict[str, str] = {}
    if variant.price is not None and variant.price < 0:
        errors["price"] = _("The price cannot be negative.")
    if variant.unit_size is not None and variant.unit_size <= 0:
        errors["unit_size"] = _("The unit size must be more than zero.")
    if variant.step is not None and variant.step <= 0:
        errors["step"] = _("The quantity step must be more than zero.")
    if variant.stock is not None and variant.stock < 0:
        errors["stock"] = _("The stock cannot be negative; leave it empty for made to order.")
    if variant.vat_rate is not None and not (0 <= variant.vat_rate <= 30):
        errors["vat_rate"] = _("The VAT rate must be a percentage between 0 and 30.")
    if variant.variable_weight and not (variant.estimated_weight and variant.estimated_weight > 0):
        errors["estimated_weight"] = _(
            "A variable-weight product needs the estimated weight of one item."
        )
    if errors:
        raise ValidationError(errors)
    variant.full_clean(exclude=["product"], validate_constraints=False)


def _product_check(product: Product) -> None:
    product.search_text = search_text(product.name, product.description)
    product.full_clean(exclude=["producer", "labels"], validate_constraints=False)


def _stock_write(variant: Variant, stock: Decimal | None, acting_user: Any) -> bool:
    """Set the variant's stock to `stock` (None: made to order); True when it changed."""
    if stock is not None and stock < 0:
        raise ValidationError(
            {"stock": _("The stock cannot be negative; leave it empty for made to order.")}
        )
    locked = lock_objects(Variant, variant.pk)
    if locked.stock == stock:
        variant.stock = stock
        return False
    Variant.objects.filter(pk=locked.pk).update(stock=stock)
    event_record(
        actor=acting_user,
        verb="shortcircuit.stock_set",
        target=locked,
        before={"stock": locked.stock},
        after={"stock": stock},
    )
    variant.stock = stock
    return True


def variant_set_stock(*, variant: Variant, stock: Decimal | None, acting_user: Any) -> Variant:
    """Set a variant's stock to what the producer counted (None: made to order)."""
    with transaction.atomic():
        _stock_write(variant, stock, acting_user)
    return variant


@dataclass
class VariantInput:
    """One variant row of the product page: `fields` from VARIANT_FIELDS; the stock is
    written only when `set_stock` (the producer changed what the page showed)."""

    fields: dict[str, Any]
    pk: int | None = None
    stock: Decimal | None = None
    set_stock: bool = True


def _remove_variant(variant: Variant) -> bool:
    """Delete the variant, or archive it when sales, offers or contracts refer to it.
    True when deleted."""
    try:
        with transaction.atomic():
            variant.delete()
        return True
    except ProtectedError:
        Variant.objects.filter(pk=variant.pk).update(active=False)
        return False


def _apply_variant(product: Product, row: VariantInput, acting_user: Any) -> Variant:
    if row.pk is None:
        variant = Variant(product=product, stock=row.stock, **row.fields)
        variant_check(variant)
        variant.save()
        return variant
    variant = product.variants.filter(pk=row.pk).first()
    if variant is None:
        raise ValidationError(_("This variant is not one of this product’s."))
    for name, value in row.fields.items():
        setattr(variant, name, value)
    if row.set_stock:
        variant.stock = row.stock
    variant_check(variant)
    variant.save(update_fields=list(row.fields))
    if row.set_stock:
        _stock_write(variant, row.stock, acting_user)
    return variant


def product_save(
    *,
    producer: Any,
    fields: dict[str, Any],
    variants: Sequence[VariantInput],
    acting_user: Any,
    product: Product | None = None,
    labels: Iterable[Any] | None = None,
    removed: Iterable[int] = (),
) -> Product:
    """Create or change a product of `producer` with its variants on one page: new and
    changed variants are saved, `removed` ones deleted (or archived when referred to).
    A new product needs at least one variant."""
    removed = set(removed)
    if product is None and not variants:
        raise ValidationError(_("Add at least one variant: what buyers put in their cart."))
    with transaction.atomic():
        if product is None:
            product, before = Product(producer=producer), None
        else:
            product = lock_objects(Product, product.pk)
            if product.producer_id != producer.pk:
                raise ValidationError(_("This product is another producer’s."))
            before = {"name": product.name, "active": product.active}
        for name, value in fields.items():
            setattr(product, name, value)
        _product_check(product)
        product.save()
        if labels is not None:
            product.labels.set(labels)
        archived = [
            pk
            for pk in removed
            if (v := product.variants.filter(pk=pk).first()) and not _remove_variant(v)
        ]
        for row in variants:
            if row.pk is None or row.pk not in removed:
                _apply_variant(product, row, acting_user)
        event_record(
            actor=acting_user,
            verb="shortcircuit.product_changed" if before else "shortcircuit.product_created",
            target=product,
            before=before,
            after={"name": product.name, "active": product.active, "archived": archived},
        )
    return product


def product_remove(*, product: Product, acting_user: Any) -> bool:
    """Delete the product and its variants, or, when sales, offers or contracts refer to
    one of them, archive it (the product and its variants go off sale). True when
    deleted."""
    with transaction.atomic():
        product = lock_objects(Product, product.pk)
        try:
            with transaction.atomic():
                event_record(
                    actor=acting_user,
                    verb="shortcircuit.product_deleted",
                    target=None,
                    product=product.pk,
                    name=product.name,
                )
                product.delete()
            return True
        except ProtectedError:
            Product.objects.filter(pk=product.pk).update(active=False)
            product.variants.update(active=False)
            event_record(actor=acting_user, verb="shortcircuit.product_archived", target=product)
            return False


# --- imports --------------------------------------------------------------------------------


@dataclass
class ImportItem:
    """One variant to create or update, as a file describes it.

    `key` says how to find what already exists, within the producer's catalog:
    "sku" (the variant's reference, then the product by name), "source" (the product by
    `product_source`, the variant by `variant_source_id`) or "name" (the product by
    name, the variant by name within it). Fields left UNSET keep their value."""

    ref: str
    key: str
    product_name: str
    variant_fields: dict[str, Any]
    product_fields: dict[str, Any] = field(default_factory=dict)
    labels: list[Any] | None = None
    stock: Any = UNSET
    product_source: tuple[str, str] | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    applied: bool = False

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def error(self, ref: str, message: str) -> None:
        self.errors.append((ref, message))


def _find(producer: Any, item: ImportItem) -> tuple[Product | None, Variant | None]:
    variants = Variant.objects.filter(product__producer=producer).select_related("product")
    products = Product.objects.filter(producer=producer)
    if item.key == "source":
        source, source_id = item.product_source or ("", "")
        product = products.filter(source=source, source_id=source_id).first()
        variant_id = item.variant_fields.get("source_id", "")
        variant = variants.filter(source_id=variant_id).first() if variant_id else None
        if variant is not None and product is not None and variant.product_id != product.pk:
            variant = None
        return (variant.product if variant and product is None else product), variant
    if item.key == "sku" and item.variant_fields.get("sku"):
        variant = variants.filter(sku=item.variant_fields["sku"]).first()
        if variant is not None:
            return variant.product, variant
    product = products.filter(name=item.product_name).order_by("pk").first()
    if product is None:
        return None, None
    name = item.variant_fields.get("name", "")
    return product, product.variants.filter(name=name).order_by("pk").first()


def _snapshot(obj, names: Iterable[str]) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in names}


def _import_one(producer: Any, item: ImportItem, acting_user: Any) -> str:
    """Write one item; returns "created", "updated" or "unchanged"."""
    product, variant = _find(producer, item)
    product_fields = {"name": item.product_name, **item.product_fields}
    if item.product_source:
        product_fields["source"], product_fields["source_id"] = item.product_source
    changed = False
    if product is None:
        product = Product(producer=producer)
        changed = True
    before = _snapshot(product, product_fields) if product.pk else None
    for name, value in product_fields.items():
        setattr(product, name, value)
    if before is not None and before != _snapshot(product, product_fields):
        changed = True
    _product_check(product)
    product.save()
    wanted_labels = {label.pk for label in item.labels or ()}
    if item.labels is not None and {lb.pk for lb in product.labels.all()} != wanted_labels:
        changed = changed or before is not None
        product.labels.set(item.labels)
    created = variant is None
    if created:
        variant = Variant(product=product)
    v_before = _snapshot(variant, item.variant_fields)
    for name, value in item.variant_fields.items():
        setattr(variant, name, value)
    if item.stock is not UNSET and created:
        variant.stock = item.stock
    variant_check(variant)
    if created:
        variant.save()
        return "created"
    if v_before != _snapshot(variant, item.variant_fields):
        variant.save(update_fields=list(item.variant_fields))
        changed = True
    if item.stock is not UNSET and _stock_write(variant, item.stock, acting_user):
        changed = True
    return "updated" if changed else "unchanged"


def catalog_import(
    *,
    producer: Any,
    items: Sequence[ImportItem],
    acting_user: Any,
    source: str,
    dry_run: bool = False,
    report: ImportReport | None = None,
) -> ImportReport:
    """Create or update the producer's catalog from `items`, all or nothing: any item
    that fails validation is reported (with its `ref`) and nothing at all is written.
    `report` may already hold the file's parsing errors, which also block writing.
    With `dry_run`, everything runs and is rolled back: the counts are a preview."""
    report = report or ImportReport()
    for item in items:
        report.warnings.extend((item.ref, w) for w in item.warnings)
    with transaction.atomic():
        for item in items:
            try:
                with transaction.atomic():
                    outcome = _import_one(producer, item, acting_user)
            except ValidationError as exc:
                for message in _messages(exc):
                    report.error(item.ref, message)
                continue
            except IntegrityError:
                report.error(item.ref, _("This line contradicts another one of the file."))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        if report.errors or dry_run:
            transaction.set_rollback(True)
            return report
        event_record(
            actor=acting_user,
            verb="shortcircuit.catalog_imported",
            target=producer,
            after={
                "source": source,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
        report.applied = True
    return report
