"""A producer's catalog as a spreadsheet (CSV): one row per variant.

Columns (the header row, in this order on export; any order on import):

=================  ===========================================================
product            product name (required)
description        product description
category           DFC product type code (e.g. ``vegetable``, ``goat-fresh-cheese``)
labels             directory labels, by slug or name, separated by ``|``
variant            variant name (e.g. ``1 kg``, ``bunch``)
unit               kg, g, l, cl, ml, piece, bunch or dozen
unit_size          how many units one item holds (e.g. 500 for 500 g)
price              price incl. VAT per item, or per kg for a variable weight
vat_rate           0, 2.1, 5.5, 10 or 20
stock              items in stock; empty: made to order (no stock to run out of)
variable_weight    1 when sold by the piece and priced per kg, else 0
estimated_weight   kg per item, for a variable weight
sku                your reference; it identifies the variant on the next import
source_id          the variant's identifier in another system, kept as given
=================  ===========================================================

Export: UTF-8 with a byte-order mark (so spreadsheet software reads accents), ``;``
separated, decimals with a dot. Import: ``;`` or ``,`` (sniffed), UTF-8 with or without
BOM (Windows-1252 accepted), decimals with a dot or a comma. A row updates the variant
with the same ``sku`` or else the variant of the same name in the product of the same
name, so importing the same file twice changes nothing. A file with any invalid row
writes nothing; the report gives each bad row's line number.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from coops.directory.models import Label

from .models import VAT_RATES, ProductType, Unit, Variant
from .services.catalog import ImportItem, ImportReport, catalog_import

COLUMNS = (
    "product",
    "description",
    "category",
    "labels",
    "variant",
    "unit",
    "unit_size",
    "price",
    "vat_rate",
    "stock",
    "variable_weight",
    "estimated_weight",
    "sku",
    "source_id",
)
MAX_BYTES = 1_000_000
_TRUE = {"1", "yes", "y", "true", "oui", "o", "x", "vrai"}
_FALSE = {"", "0", "no", "n", "false", "non", "faux"}
_UNIT_ALIASES = {
    "kilo": "kg",
    "kilogramme": "kg",
    "kilogram": "kg",
    "gramme": "g",
    "gram": "g",
    "litre": "l",
    "liter": "l",
    "pièce": "piece",
    "pieces": "piece",
    "pièces": "piece",
    "pc": "piece",
    "botte": "bunch",
    "douzaine": "dozen",
}


def _number(value: Any) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text


def catalog_csv_export(producer: Any) -> str:
    """The producer's catalog, one row per variant, as CSV text starting with a BOM."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    variants = (
        Variant.objects.filter(product__producer=producer)
        .select_related("product__product_type")
        .prefetch_related("product__labels")
        .order_by("product__name", "product_id", "position", "pk")
    )
    for v in variants:
        product = v.product
        writer.writerow(
            [
                product.name,
                product.description,
                product.product_type.code if product.product_type else "",
                "|".join(sorted(label.slug for label in product.labels.all())),
                v.name,
                v.unit,
                _number(v.unit_size),
                format(v.price, "f"),
                _number(v.vat_rate),
                _number(v.stock),
                "1" if v.variable_weight else "0",
                _number(v.estimated_weight) if v.variable_weight else "",
                v.sku,
                v.source_id,
            ]
        )
    return out.getvalue()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _dialect(text: str) -> str:
    first = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first, delimiters=";,").delimiter
    except csv.Error:
        return ";" if first.count(";") >= first.count(",") else ","


class _RowError(Exception):
    pass


def _decimal(text: str, what: str) -> Decimal | None:
    text = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _RowError(
            _("%(what)s: “%(value)s” is not a number.") % {"what": what, "value": text}
        ) from None
    if not value.is_finite():
        raise _RowError(_("%(what)s: “%(value)s” is not a number.") % {"what": what, "value": text})
    return value


def _unit(text: str) -> str:
    key = text.strip().lower()
    key = _UNIT_ALIASES.get(key, key)
    for code, label in Unit.choices:
        if key in (code, str(label).lower()):
            return code
    raise _RowError(
        _("Unknown unit “%(unit)s”: use one of %(units)s.")
        % {"unit": text.strip(), "units": ", ".join(Unit.values)}
    )


def _bool(text: str, what: str) -> bool:
    key = text.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise _RowError(_("%(what)s: write 1 or 0.") % {"what": what})


class _Lookups:
    """Categories and labels, read once per file."""

    def __init__(self) -> None:
        self.types = {t.code: t for t in ProductType.objects.all()}
        self.labels: dict[str, Label] = {}
        for label in Label.objects.all():
            for key in (label.slug, label.name, label.name_en):
                if key:
                    self.labels.setdefault(key.strip().lower(), label)


def _row_item(row: dict[str, str], line: int, look: _Lookups) -> ImportItem:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    name = cell("product")
    if not name:
        raise _RowError(_("The product name is missing."))
    price = _decimal(cell("price"), _("price"))
    if price is None:
        raise _RowError(_("The price is missing."))
    if price < 0:
        raise _RowError(_("The price cannot be negative."))
    if price != price.quantize(Decimal("0.01")):
        raise _RowError(_("The price has more than two decimals."))
    vat = _decimal(cell("vat_rate"), _("VAT rate"))
    if vat is None or vat not in VAT_RATES:
        raise _RowError(
            _("VAT rate “%(rate)s” is not allowed: use one of %(rates)s.")
            % {"rate": cell("vat_rate"), "rates": ", ".join(str(r) for r in VAT_RATES)}
        )
    stock = _decimal(cell("stock"), _("stock"))
    if stock is not None and stock < 0:
        raise _RowError(_("The stock cannot be negative; leave it empty for made to order."))
    code = cell("category")
    if code and code not in look.types:
        raise _RowError(_("Unknown category code “%(code)s”.") % {"code": code})
    labels = []
    for key in filter(None, (k.strip() for k in cell("labels").split("|"))):
        label = look.labels.get(key.lower())
        if label is None:
            raise _RowError(_("Unknown label “%(label)s”.") % {"label": key})
        labels.append(label)
    variable = _bool(cell("variable_weight"), _("variable weight"))
    unit_size = _decimal(cell("unit_size"), _("unit size"))
    fields: dict[str, Any] = {
        "name": cell("variant"),
        "unit": _unit(cell("unit") or "piece"),
        "unit_size": Decimal("1") if unit_size is None else unit_size,
        "price": price,
        "vat_rate": vat,
        "variable_weight": variable,
        "estimated_weight": _decimal(cell("estimated_weight"), _("estimated weight"))
        if variable
        else None,
        "sku": cell("sku"),
        "source_id": cell("source_id"),
    }
    return ImportItem(
        ref=_("line %(line)s") % {"line": line},
        key="sku" if fields["sku"] else "name",
        product_name=name,
        product_fields={
            "description": cell("description"),
            "product_type": look.types.get(code) if code else None,
        },
        labels=labels,
        variant_fields=fields,
        stock=stock,
    )


def catalog_csv_parse(data: bytes) -> tuple[list[ImportItem], ImportReport]:
    """The file's rows as import items, and a report holding each bad row's error."""
    report = ImportReport()
    if len(data) > MAX_BYTES:
        report.error(_("file"), _("The file is larger than 1 MB."))
        return [], report
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    reader.fieldnames = [(f or "").strip().lower() for f in (reader.fieldnames or [])]
    missing = [c for c in ("product", "price", "vat_rate") if c not in reader.fieldnames]
    if missing:
        report.error(
            _("line %(line)s") % {"line": 1},
            _("The header must name the columns %(columns)s; missing: %(missing)s.")
            % {"columns": ", ".join(COLUMNS), "missing": ", ".join(missing)},
        )
        return [], report
    look = _Lookups()
    items = []
    for row in reader:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        try:
            items.append(_row_item(row, reader.line_num, look))
        except _RowError as exc:
            report.error(_("line %(line)s") % {"line": reader.line_num}, str(exc))
    if not items and not report.errors:
        report.error(_("file"), _("The file holds no product."))
    return items, report


def catalog_csv_import(
    *, producer: Any, data: bytes, acting_user: Any, dry_run: bool = False
) -> ImportReport:
    """Import a CSV catalog into the producer's (see the module's docstring)."""
    items, report = catalog_csv_parse(data)
    return catalog_import(
        producer=producer,
        items=items,
        acting_user=acting_user,
        source="csv",
        dry_run=dry_run,
        report=report,
    )


__all__ = ["COLUMNS", "catalog_csv_export", "catalog_csv_import", "catalog_csv_parse"]
