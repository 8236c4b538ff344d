"""A producer's catalog in the Data Food Consortium (DFC) 2.0 JSON-LD format.

Reading works offline: documents are expanded with PyLD and a document loader that
serves the DFC 2.0.0 context (data/dfc_context_2.0.0.json) for the DFC context URLs and
refuses every other remote context with a clear error; nothing is ever fetched.

DFC terms are matched by their *local* name (``name``, ``hasQuantity``,
``stockLimitation``…) whatever namespace the document's context binds them to, since
real documents use several families (w3id.org/dfc/…, github.com/datafoodconsortium/…).

Import, per ``SuppliedProduct`` (its ``@id`` is the key, so importing twice changes
nothing; fields a document leaves out keep their value on update):

- ``name``, ``description`` → product; ``hasType`` → product type by DFC code;
- ``hasQuantity`` (QuantitativeValue: ``value`` + ``hasUnit``) → unit and unit size
  (dfc-m:Kilogram → kg, Gram → g, Litre → l, Centilitre → cl, Millilitre → ml,
  Piece → piece, Dozen → dozen, Bunch → bunch); a missing or zero quantity means 1;
- the ``CatalogItem`` referencing it: ``stockLimitation`` → stock (none: made to order);
- that item's ``Offer``: ``hasPrice`` (Price: ``value``, ``VATrate``, ``hasUnit`` Euro)
  → price incl. VAT and VAT rate. DFC's ``VATrate`` is a percentage (5.5 means 5.5 %),
  read as such. The Open Food Network test file gives ``VATrate`` "1": taken as 1 %,
  which is not a French rate, so it is imported as given with a warning asking the
  producer to check it (the Shopify-backed hub it comes from seems to send a "taxable"
  flag there). A product without an offer is imported off sale, priced 0, with a warning.
- ``isVariantOf`` a ``ProductGroup`` of the same document (what our export writes):
  the group is the product and each supplied product one of its variants.

Export: the producer as an ``Enterprise``; per active variant of an active product a
``SuppliedProduct`` (with its ``ProductGroup``), a ``CatalogItem`` (stock, sku), an
``Offer`` with its ``Price``, and a ``QuantitativeValue``; @ids are absolute URLs under
the site (``SITE_URL``) with a fragment per node.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from pyld import jsonld

from .models import VAT_RATES, ProductType, Unit, Variant
from .services.catalog import UNSET, ImportItem, ImportReport, catalog_import

CONTEXT_PATH = Path(__file__).resolve().parent / "data" / "dfc_context_2.0.0.json"
DFC_CONTEXT_URL = "https://www.datafoodconsortium.org"
# The URLs under which DFC publishes its 2.0.0 context (compared without scheme, "www."
# or trailing slash): the site's root (its Link header points to the plugin's file),
# the WordPress plugin's file and the ontology repository's copy.
DFC_CONTEXT_URLS = frozenset(
    {
        "datafoodconsortium.org",
        "datafoodconsortium.org/wp-content/plugins/wordpress-context-jsonld/context_2.0.0.jsonld",
        "datafoodconsortium.org/wp-content/plugins/wordpress-context-jsonld/context.jsonld",
        "raw.githubusercontent.com/datafoodconsortium/ontology/master/context/context_2.0.0.json",
        "raw.githubusercontent.com/datafoodconsortium/ontology/main/context/context_2.0.0.json",
    }
)
MAX_BYTES = 2_000_000

UNITS = {
    "Kilogram": Unit.KILOGRAM,
    "Gram": Unit.GRAM,
    "Litre": Unit.LITRE,
    "Liter": Unit.LITRE,
    "Centilitre": Unit.CENTILITRE,
    "Millilitre": Unit.MILLILITRE,
    "Piece": Unit.PIECE,
    "Unit": Unit.PIECE,
    "Dozen": Unit.DOZEN,
    "Bunch": Unit.BUNCH,
}
UNIT_TERMS = {
    Unit.KILOGRAM: "Kilogram",
    Unit.GRAM: "Gram",
    Unit.LITRE: "Litre",
    Unit.CENTILITRE: "Centilitre",
    Unit.MILLILITRE: "Millilitre",
    Unit.PIECE: "Piece",
    Unit.DOZEN: "Dozen",
    Unit.BUNCH: "Bunch",
}
CURRENCIES = {"Euro": "EUR"}


class DfcError(Exception):
    """A document that cannot be read at all (the message says why)."""


@lru_cache(maxsize=1)
def dfc_context() -> dict[str, Any]:
    with CONTEXT_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


def _url_key(url: str) -> str:
    key = re.sub(r"^https?://", "", url.strip()).split("#")[0].rstrip("/")
    return key[4:] if key.startswith("www.") else key


def document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """PyLD's document loader: the DFC context from disk, every other URL refused."""
    if _url_key(url) in DFC_CONTEXT_URLS:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": dfc_context(),
        }
    raise DfcError(
        _(
            "The document refers to the context %(url)s, which is not the DFC one: "
            "remote contexts are never fetched."
        )
        % {"url": url}
    )


def _expand(document: Any) -> list[dict[str, Any]]:
    try:
        return jsonld.expand(document, {"documentLoader": document_loader})
    except DfcError:
        raise
    except jsonld.JsonLdError as exc:
        cause = exc
        while cause is not None:
            if isinstance(cause, DfcError):
                raise cause from None
            cause = getattr(cause, "cause", None) or cause.__cause__ or cause.__context__
        raise DfcError(_("This is not a valid JSON-LD document.")) from exc


def local(iri: str) -> str:
    """The local name of an IRI or compact IRI: …#name, …/name or prefix:name."""
    return re.split(r"[#/:]", iri)[-1]


class _Graph:
    """The expanded document's nodes by @id, read by local names."""

    def __init__(self, expanded: list[dict[str, Any]]) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self._collect(expanded)

    def _collect(self, value: Any) -> None:
        if isinstance(value, list):
            for v in value:
                self._collect(v)
            return
        if not isinstance(value, dict) or "@value" in value:
            return
        if "@graph" in value:
            self._collect(value["@graph"])
        node_id = value.get("@id")
        if node_id is not None and (set(value) - {"@id"}):
            merged = self.nodes.setdefault(node_id, {"@id": node_id})
            for key, v in value.items():
                if key != "@id":
                    merged.setdefault(key, [])
                    merged[key] = (merged[key] if isinstance(merged[key], list) else []) + (
                        v if isinstance(v, list) else [v]
                    )
        for key, v in value.items():
            if not key.startswith("@") or key == "@graph":
                self._collect(v)

    @staticmethod
    def types(node: dict[str, Any]) -> set[str]:
        return {local(t) for t in node.get("@type", [])}

    def of_type(self, name: str) -> list[dict[str, Any]]:
        return [n for n in self.nodes.values() if name in self.types(n)]

    @staticmethod
    def values(node: dict[str, Any] | None, name: str) -> list[Any]:
        if not node:
            return []
        out = []
        for key, values in node.items():
            if not key.startswith("@") and local(key) == name:
                out.extend(values if isinstance(values, list) else [values])
        return out

    def literal(self, node: dict[str, Any] | None, name: str) -> Any:
        for v in self.values(node, name):
            if isinstance(v, dict):
                if "@value" in v:
                    return v["@value"]
                if "@id" in v:
                    return v["@id"]
        return None

    def ref(self, node: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
        """The node a property points to (by @id, or a string naming a known node)."""
        for v in self.values(node, name):
            key = v.get("@id", v.get("@value")) if isinstance(v, dict) else None
            if isinstance(key, str) and key in self.nodes:
                return self.nodes[key]
            if isinstance(v, dict) and "@id" not in v and "@value" not in v:
                return v
        return None

    def pointing_to(self, node_id: str, name: str) -> list[dict[str, Any]]:
        return [
            n
            for n in self.nodes.values()
            if any(
                isinstance(v, dict) and v.get("@id", v.get("@value")) == node_id
                for v in self.values(n, name)
            )
        ]


def _decimal(value: Any, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(
            _("%(what)s: “%(value)s” is not a number.") % {"what": what, "value": value}
        ) from None
    if not number.is_finite():
        raise ValueError(
            _("%(what)s: “%(value)s” is not a number.") % {"what": what, "value": value}
        )
    return number


@dataclass
class _Offer:
    price: Decimal | None = None
    vat_rate: Decimal | None = None
    currency: str | None = None


def _catalog_item(graph: _Graph, sp: dict[str, Any]) -> dict[str, Any] | None:
    item = graph.ref(sp, "referencedBy")
    if item is not None:
        return item
    items = graph.pointing_to(sp["@id"], "references")
    return items[0] if items else None


def _offer(graph: _Graph, item: dict[str, Any] | None) -> _Offer | None:
    if item is None:
        return None
    offer = graph.ref(item, "offeredThrough")
    if offer is None:
        found = graph.pointing_to(item["@id"], "offers") if "@id" in item else []
        offer = found[0] if found else None
    if offer is None:
        return None
    price = graph.ref(offer, "hasPrice")
    if price is None:
        value = graph.literal(offer, "price")
        return _Offer(price=_decimal(value, _("price"))) if value is not None else None
    currency = graph.literal(price, "hasUnit")
    return _Offer(
        price=_decimal(graph.literal(price, "value"), _("price")),
        vat_rate=_decimal(graph.literal(price, "VATrate"), _("VAT rate")),
        currency=local(currency) if currency else None,
    )


def _quantity(graph: _Graph, sp: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    quantity = graph.ref(sp, "hasQuantity")
    if quantity is None:
        return {}
    unit_iri = graph.literal(quantity, "hasUnit")
    unit = UNITS.get(local(unit_iri)) if unit_iri else None
    if unit_iri and unit is None:
        raise ValueError(_("Unknown unit “%(unit)s”.") % {"unit": local(unit_iri)})
    size = _decimal(graph.literal(quantity, "value"), _("quantity"))
    fields: dict[str, Any] = {"unit": unit} if unit else {}
    if size is not None and size < 0:
        raise ValueError(_("The quantity cannot be negative."))
    if size is None or size == 0:
        if size == 0:
            warnings.append(_("The quantity is 0: one unit is assumed."))
        size = Decimal("1")
    fields["unit_size"] = size
    return fields


def _item(graph: _Graph, sp: dict[str, Any], types: dict[str, ProductType]) -> ImportItem:
    warnings: list[str] = []
    sp_id = sp.get("@id", "")
    if not sp_id or sp_id.startswith("_:"):
        raise ValueError(_("A supplied product without an @id cannot be kept in step."))
    name = (graph.literal(sp, "name") or "").strip()
    group = graph.ref(sp, "isVariantOf")
    group_name = (graph.literal(group, "name") or "").strip() if group else ""
    product_name = group_name or name
    if not product_name:
        raise ValueError(_("The product has no name."))
    variant_name = name
    if group_name:
        variant_name = name[len(group_name) :].strip() if name.startswith(group_name) else name
    else:
        variant_name = ""
    product_fields: dict[str, Any] = {}
    described = group if group and graph.values(group, "description") else sp
    description = graph.literal(described, "description")
    if description is not None:
        product_fields["description"] = str(description)
    typed = group if group and graph.values(group, "hasType") else sp
    type_iri = graph.literal(typed, "hasType")
    if type_iri:
        product_type = types.get(local(type_iri))
        if product_type is None:
            warnings.append(_("Unknown product type “%(type)s”.") % {"type": local(type_iri)})
        else:
            product_fields["product_type"] = product_type
    fields: dict[str, Any] = {"name": variant_name, "source_id": sp_id}
    fields.update(_quantity(graph, sp, warnings))
    item = _catalog_item(graph, sp)
    stock: Any = UNSET
    if item is not None:
        stock = _decimal(graph.literal(item, "stockLimitation"), _("stock"))
        if stock is not None and stock < 0:
            raise ValueError(_("The stock cannot be negative."))
        sku = graph.literal(item, "sku")
        if sku:
            fields["sku"] = str(sku)[:60]
    offer = _offer(graph, item)
    if offer is not None and offer.price is not None:
        if offer.currency and offer.currency not in CURRENCIES:
            raise ValueError(_("Prices in %(unit)s are not supported.") % {"unit": offer.currency})
        fields["price"] = offer.price.quantize(Decimal("0.01"))
        fields["currency"] = CURRENCIES.get(offer.currency or "Euro", "EUR")
        if offer.vat_rate is not None:
            fields["vat_rate"] = offer.vat_rate
            if offer.vat_rate not in VAT_RATES:
                warnings.append(
                    _("VAT rate %(rate)s %% is not a French rate: check it.")
                    % {"rate": offer.vat_rate}
                )
    return ImportItem(
        ref=sp_id,
        key="source",
        product_name=product_name,
        product_fields=product_fields,
        variant_fields=fields,
        stock=stock,
        product_source=("dfc", group["@id"] if group and "@id" in group else sp_id),
        warnings=warnings,
    )


def dfc_parse(data: bytes | str | dict) -> tuple[list[ImportItem], ImportReport]:
    """The document's supplied products as import items, and a report of the ones that
    cannot be read. Raises DfcError when the document itself cannot be read."""
    report = ImportReport()
    if isinstance(data, bytes | str):
        if len(data) > MAX_BYTES:
            raise DfcError(_("The file is larger than 2 MB."))
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise DfcError(_("This file is not JSON.")) from None
    graph = _Graph(_expand(data))
    types = {t.code: t for t in ProductType.objects.all()}
    items = []
    for sp in graph.of_type("SuppliedProduct"):
        try:
            items.append(_item(graph, sp, types))
        except ValueError as exc:
            report.error(sp.get("@id", "?"), str(exc))
    if not items and not report.errors:
        raise DfcError(_("The document holds no supplied product."))
    return items, report


def _new_off_sale(items: list[ImportItem], producer: Any) -> None:
    """A supplied product without a price becomes, when new, a variant off sale at 0."""
    known = set(
        Variant.objects.filter(
            product__producer=producer, source_id__in=[i.variant_fields["source_id"] for i in items]
        ).values_list("source_id", flat=True)
    )
    for item in items:
        if "price" not in item.variant_fields and item.variant_fields["source_id"] not in known:
            item.variant_fields.update(price=Decimal("0"), active=False)
            item.warnings.append(_("No price: the product is imported off sale; set its price."))


def dfc_import(
    *, producer: Any, data: bytes | str | dict, acting_user: Any, dry_run: bool = False
) -> ImportReport:
    """Import a DFC document into the producer's catalog, all or nothing (see above)."""
    try:
        items, report = dfc_parse(data)
    except DfcError as exc:
        report = ImportReport()
        report.error(_("file"), str(exc))
        return report
    _new_off_sale(items, producer)
    return catalog_import(
        producer=producer,
        items=items,
        acting_user=acting_user,
        source="dfc",
        dry_run=dry_run,
        report=report,
    )


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def dfc_export(producer: Any, *, base_url: str | None = None) -> dict[str, Any]:
    """The producer's catalog (active variants of active products) as DFC 2.0 JSON-LD."""
    base = (base_url or getattr(settings, "SITE_URL", "")).rstrip("/")
    doc_url = base + reverse("producer:dfc_export", kwargs={"producer": producer.pk})
    variants = (
        Variant.objects.filter(product__producer=producer, product__active=True, active=True)
        .select_related("product__product_type")
        .order_by("product__name", "product_id", "position", "pk")
    )
    enterprise = {
        "@id": f"{doc_url}#enterprise",
        "@type": "dfc-b:Enterprise",
        "dfc-b:name": producer.name,
        "dfc-b:supplies": [],
        "dfc-b:manages": [],
    }
    graph: list[dict[str, Any]] = [enterprise]
    groups: set[int] = set()
    for v in variants:
        product = v.product
        group_id = f"{doc_url}#product-{product.pk}"
        sp_id, item_id = f"{doc_url}#supplied-product-{v.pk}", f"{doc_url}#catalog-item-{v.pk}"
        offer_id = f"{doc_url}#offer-{v.pk}"
        typed = (
            {"dfc-b:hasType": f"dfc-pt:{product.product_type.code}"} if product.product_type else {}
        )
        if product.pk not in groups:
            groups.add(product.pk)
            graph.append(
                {
                    "@id": group_id,
                    "@type": "dfc-b:ProductGroup",
                    "dfc-b:name": product.name,
                    "dfc-b:description": product.description,
                    **typed,
                }
            )
        graph.append(
            {
                "@id": sp_id,
                "@type": "dfc-b:SuppliedProduct",
                "dfc-b:name": f"{product.name} {v.name}".strip(),
                "dfc-b:description": product.description,
                **typed,
                "dfc-b:isVariantOf": group_id,
                "dfc-b:hasQuantity": {
                    "@type": "dfc-b:QuantitativeValue",
                    "dfc-b:hasUnit": f"dfc-m:{UNIT_TERMS[v.unit]}",
                    "dfc-b:value": _num(v.unit_size),
                },
                "dfc-b:referencedBy": item_id,
            }
        )
        item = {
            "@id": item_id,
            "@type": "dfc-b:CatalogItem",
            "dfc-b:references": sp_id,
            "dfc-b:offeredThrough": offer_id,
        }
        if v.sku:
            item["dfc-b:sku"] = v.sku
        if v.stock is not None:
            item["dfc-b:stockLimitation"] = _num(v.stock)
        graph.append(item)
        graph.append(
            {
                "@id": offer_id,
                "@type": "dfc-b:Offer",
                "dfc-b:offers": item_id,
                "dfc-b:hasPrice": {
                    "@type": "dfc-b:Price",
                    "dfc-b:value": format(v.price, "f"),
                    "dfc-b:VATrate": _num(v.vat_rate),
                    "dfc-b:hasUnit": "dfc-m:Euro",
                },
            }
        )
        enterprise["dfc-b:supplies"].append(sp_id)
        enterprise["dfc-b:manages"].append(item_id)
    return {"@context": DFC_CONTEXT_URL, "@graph": graph}
