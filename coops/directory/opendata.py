"""The directory as open data: one record per published actor, written as CSV, GeoJSON
or JSON-LD (schema.org). Decisions in docs/adr/0016-directory-open-data.md.

- CSV for spreadsheets: UTF-8 with a BOM, `;` between cells, CRLF line ends, the header
  `CSV_COLUMNS`. Several terms in one cell are slugs joined by "|". Coordinates are plain
  numbers with a decimal point (machine-readable, like data.gouv.fr files); the last
  modification is ISO 8601 in UTC.
- Formula neutralisation: a text cell that a spreadsheet would run as a formula (starting
  with =, +, -, @, a tab or a carriage return) gets an apostrophe in front, and so does a
  cell that already starts with an apostrophe, so that `restore` (for the importer) gives
  back exactly the original text. Latitude and longitude are numbers from the database,
  written as such even when negative.
- GeoJSON (RFC 7946): a FeatureCollection, coordinates [longitude, latitude], no "crs";
  an actor still "to geolocate" has `"geometry": null`. Properties carry the CSV's fields
  with JSON types (lists of slugs, numbers).
- JSON-LD: a schema.org @graph. Producers, shops, craft businesses and services are a
  LocalBusiness (with openingHours, converted from the OpenStreetMap syntax when it is
  the common "days hours" form), public bodies a GovernmentOrganization, every other
  kind an Organization. The SIRET is an `identifier` PropertyValue.
- Identity for the round trip (export, then import into another instance): an actor
  imported from somewhere keeps its `source` and `source_id`; one created here is
  exported with source "coops:<host of SITE_URL>" and its slug as source_id (a slug
  longer than the 120 characters a source_id holds is cut and suffixed with "~<id>", which
  keeps it unique). Importing the file twice, or the file of an instance that imported
  it, updates the same actors instead of duplicating them. `url` is the actor's page here,
  not part of its identity.
- Licence: each record carries its own (`licence`, ODbL-1.0 by default); responses link
  to the ODbL with a `Link: <…>; rel="license"` header.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .models import Actor, ActorKind, ActorStatus

CSV_COLUMNS = (
    "name",
    "description",
    "kind",
    "legal_form",
    "siret",
    "sectors",
    "skills",
    "labels",
    "tags",
    "street",
    "postcode",
    "city",
    "country",
    "latitude",
    "longitude",
    "geocode_status",
    "email",
    "telephone",
    "website",
    "opening_hours",
    "source",
    "source_id",
    "licence",
    "url",
    "updated_at",
)
LIST_COLUMNS = ("sectors", "skills", "labels", "tags")
NUMBER_COLUMNS = ("latitude", "longitude")
LIST_SEPARATOR = "|"
CSV_DELIMITER = ";"

ODBL_URL = "https://opendatacommons.org/licenses/odbl/1-0/"
SOURCE_PREFIX = "coops:"
SOURCE_MAX_LENGTH = Actor._meta.get_field("source").max_length
SOURCE_ID_MAX_LENGTH = Actor._meta.get_field("source_id").max_length

# Rows written to the response at once: fewer, larger writes than one per row.
ROWS_PER_WRITE = 200

LOCAL_BUSINESS_KINDS = frozenset(
    {ActorKind.PRODUCER, ActorKind.SHOP, ActorKind.CRAFT, ActorKind.SERVICE}
)


# --- What is exported ------------------------------------------------------------------------

TERM_RELATIONS = ("sectors", "skills", "labels", "tags")


class Term(NamedTuple):
    """A taxonomy term as the formats need it: its slug and its names."""

    slug: str
    name: str
    name_en: str

    @property
    def label(self) -> str:
        """The name in the active language (French when no English name is given)."""
        if (get_language() or "fr").startswith("en") and self.name_en:
            return self.name_en
        return self.name


@dataclass(frozen=True, slots=True)
class ExportedActor:
    """An actor and its terms (read per chunk by selectors.export, in bulk)."""

    actor: Actor
    sectors: list[Term]
    skills: list[Term]
    labels: list[Term]
    tags: list[Term]

    @classmethod
    def of(cls, actor: Actor) -> ExportedActor:
        """From an actor whose terms are prefetched (the actor page)."""
        terms = (getattr(actor, relation).all() for relation in TERM_RELATIONS)
        return cls(actor, *([Term(t.slug, t.name, t.name_en) for t in ts] for ts in terms))


# --- Identity and records --------------------------------------------------------------------


def instance_source() -> str:
    """The source this instance's own actors are exported under: "coops:<host>"."""
    host = urlsplit(settings.SITE_URL).netloc or "localhost"
    return (SOURCE_PREFIX + host)[:SOURCE_MAX_LENGTH]


def export_identity(actor: Actor) -> tuple[str, str]:
    """(source, source_id) identifying `actor` across instances (see the module's text)."""
    if actor.source and actor.source_id:
        return actor.source, actor.source_id
    slug = actor.slug
    if len(slug) > SOURCE_ID_MAX_LENGTH:
        suffix = f"~{actor.pk}"
        slug = slug[: SOURCE_ID_MAX_LENGTH - len(suffix)] + suffix
    return instance_source(), slug


def public_url(path: str) -> str:
    """An absolute address on this site (files in remote storage already are)."""
    if path.startswith("/") and not path.startswith("//"):
        return settings.SITE_URL + path  # the common case, once per exported row
    return urljoin(settings.SITE_URL + "/", path)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def actor_record(entry: ExportedActor) -> dict[str, Any]:
    """The exported fields of an actor, keyed by CSV_COLUMNS, with JSON types: term slugs
    as lists, coordinates as numbers or None."""
    actor = entry.actor
    source, source_id = export_identity(actor)
    return {
        "name": actor.name,
        "description": actor.description,
        "kind": actor.kind,
        "legal_form": actor.legal_form,
        "siret": actor.siret,
        "sectors": [term.slug for term in entry.sectors],
        "skills": [term.slug for term in entry.skills],
        "labels": [term.slug for term in entry.labels],
        "tags": [term.slug for term in entry.tags],
        "street": actor.street,
        "postcode": actor.postcode,
        "city": actor.city,
        "country": actor.country,
        "latitude": _number(actor.latitude),
        "longitude": _number(actor.longitude),
        "geocode_status": actor.geocode_status,
        "email": actor.email,
        "telephone": actor.telephone,
        "website": actor.website,
        "opening_hours": actor.opening_hours,
        "source": source,
        "source_id": source_id,
        "licence": actor.licence,
        "url": public_url(actor.get_absolute_url()),
        "updated_at": actor.updated_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
    }


# --- CSV -------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_STARTS = (*FORMULA_STARTS, "'")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula; `restore` reverses it."""
    return "'" + text if text.startswith(_ESCAPED_STARTS) else text


def restore(text: str) -> str:
    """The original text of a cell written by `neutralise` (for the importer)."""
    if text.startswith("'") and text[1:].startswith(_ESCAPED_STARTS):
        return text[1:]
    return text


def _csv_number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def csv_row(entry: ExportedActor) -> list[str]:
    """The CSV cells of an actor, in CSV_COLUMNS order."""
    record = actor_record(entry)
    cells = []
    for column in CSV_COLUMNS:
        if column in NUMBER_COLUMNS:
            cells.append(_csv_number(getattr(entry.actor, column)))
        elif column in LIST_COLUMNS:
            cells.append(neutralise(LIST_SEPARATOR.join(record[column])))
        else:
            cells.append(neutralise(record[column]))
    return cells


class _Line:
    """A file-like object whose write() hands the line back to the caller."""

    def write(self, value: str) -> str:
        return value


def _batched(lines: Iterable[str]) -> Iterator[str]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= ROWS_PER_WRITE:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)


def csv_stream(actors: Iterable[ExportedActor]) -> Iterator[str]:
    """The CSV file: BOM and header first, then one line per actor."""
    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    yield from _batched(writer.writerow(csv_row(actor)) for actor in actors)


# --- GeoJSON ---------------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def geojson_feature(entry: ExportedActor) -> dict[str, Any]:
    """A GeoJSON Feature: a Point [longitude, latitude], or no geometry when unlocated."""
    record = actor_record(entry)
    geometry = None
    if record["latitude"] is not None and record["longitude"] is not None:
        geometry = {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]}
    return {"type": "Feature", "id": entry.actor.slug, "geometry": geometry, "properties": record}


def geojson_stream(actors: Iterable[ExportedActor], **members: Any) -> Iterator[str]:
    """A FeatureCollection written feature by feature; `members` are added to it first
    (foreign members in RFC 7946's words, such as "truncated")."""
    head = {"type": "FeatureCollection", **members}
    yield _dumps(head)[:-1] + ',"features":['
    features = (
        ("," if n else "") + _dumps(geojson_feature(actor)) for n, actor in enumerate(actors)
    )
    yield from _batched(features)
    yield "]}"


def _property_schema(column: str) -> dict[str, Any]:
    if column in LIST_COLUMNS:
        return {"type": "array", "items": {"type": "string"}}
    if column in NUMBER_COLUMNS:
        return {"type": ["number", "null"]}
    return {"type": "string"}


# The FeatureCollection the API answers, as a JSON Schema (for its OpenAPI document).
GEOJSON_JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "total": {"type": "integer", "description": "Actors matching the search"},
        "truncated": {"type": "boolean", "description": "Some matching actors are left out"},
        "export_url": {"type": "string", "description": "The full export of the search"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "id", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "string", "description": "The actor's slug"},
                    "geometry": {
                        "anyOf": [
                            {"type": "null"},
                            {
                                "type": "object",
                                "required": ["type", "coordinates"],
                                "properties": {
                                    "type": {"type": "string", "enum": ["Point"]},
                                    "coordinates": {
                                        "type": "array",
                                        "items": {"type": "number"},
                                        "minItems": 2,
                                        "maxItems": 2,
                                        "description": "[longitude, latitude]",
                                    },
                                },
                            },
                        ]
                    },
                    "properties": {
                        "type": "object",
                        "required": list(CSV_COLUMNS),
                        "properties": {c: _property_schema(c) for c in CSV_COLUMNS},
                    },
                },
            },
        },
    },
}


# --- JSON-LD (schema.org) --------------------------------------------------------------------

_TIME = r"(?:[01]\d|2[0-4]):[0-5]\d"
_SPANS_RE = re.compile(rf"^{_TIME}-{_TIME}(?:,{_TIME}-{_TIME})*$")
_DAYS_RE = re.compile(r"^(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?$")


def schema_opening_hours(text: str) -> list[str]:
    """OpenStreetMap hours in schema.org's form, one "days hh:mm-hh:mm" per time span:
    "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; Su off" gives ["Mo-Fr 09:00-12:00",
    "Mo-Fr 14:00-18:00", "Sa 09:00-12:00"]. Public holidays (PH) have no schema.org day and
    are left out; text using more of the OpenStreetMap syntax gives nothing, rather than
    wrong hours."""
    text = text.strip()
    if text == "24/7":
        return ["Mo-Su 00:00-24:00"]
    result: list[str] = []
    for rule in (r.strip() for r in text.split(";")):
        if not rule:
            continue
        parts = rule.split(maxsplit=1)
        if len(parts) != 2:
            return []
        days = [d for d in parts[0].split(",") if d != "PH"]
        hours = parts[1].strip()
        if not all(_DAYS_RE.match(d) for d in days):
            return []
        if hours in ("off", "closed"):
            continue
        if not _SPANS_RE.match(hours):
            return []
        if days:
            result.extend(f"{','.join(days)} {span}" for span in hours.split(","))
    return result


def schema_type(actor: Actor) -> str:
    if actor.kind in LOCAL_BUSINESS_KINDS:
        return "LocalBusiness"
    if actor.kind == ActorKind.PUBLIC:
        return "GovernmentOrganization"
    return "Organization"


def jsonld_node(entry: ExportedActor) -> dict[str, Any]:
    """An actor as a schema.org Organization or LocalBusiness (taxonomy names in the active
    language). Empty fields are left out."""
    actor = entry.actor
    url = public_url(actor.get_absolute_url())
    kind = schema_type(actor)
    address = {
        "streetAddress": actor.street,
        "postalCode": actor.postcode,
        "addressLocality": actor.city,
        "addressCountry": actor.country,
    }
    node: dict[str, Any] = {
        "@type": kind,
        "@id": url,
        "name": actor.name,
        "description": actor.description,
        "url": url,
        "address": {"@type": "PostalAddress", **{k: v for k, v in address.items() if v}},
        "email": actor.email,
        "telephone": actor.telephone,
        "sameAs": actor.website,
        "knowsAbout": [term.label for term in entry.skills],
        "keywords": [term.label for term in (*entry.sectors, *entry.labels, *entry.tags)],
    }
    if actor.latitude is not None and actor.longitude is not None:
        node["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(actor.latitude),
            "longitude": float(actor.longitude),
        }
    if actor.siret:
        node["identifier"] = {"@type": "PropertyValue", "propertyID": "SIRET", "value": actor.siret}
    if kind == "LocalBusiness":
        node["openingHours"] = schema_opening_hours(actor.opening_hours)
    if actor.image:
        node["image"] = public_url(actor.image.url)
    return {key: value for key, value in node.items() if value not in ("", [], None)}


JSONLD_CONTEXT = "https://schema.org"


def jsonld_stream(actors: Iterable[ExportedActor]) -> Iterator[str]:
    """A JSON-LD document: {"@context": "https://schema.org", "@graph": [nodes…]}."""
    yield '{"@context":' + _dumps(JSONLD_CONTEXT) + ',"@graph":['
    nodes = (("," if n else "") + _dumps(jsonld_node(actor)) for n, actor in enumerate(actors))
    yield from _batched(nodes)
    yield "]}"


def jsonld_document(entry: ExportedActor) -> dict[str, Any]:
    """One actor as a standalone JSON-LD document (for its page)."""
    return {"@context": JSONLD_CONTEXT, **jsonld_node(entry)}


_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def actor_jsonld_section(actor: Actor, request) -> dict | None:
    """The actor page's JSON-LD data block (a registered actor section): a published actor
    as schema.org data for search engines. A data block is never executed, so the
    site's CSP (no inline scripts) does not apply to it; <, > and & are escaped so the
    text cannot close the element."""
    if actor.status != ActorStatus.PUBLISHED:
        return None
    document = jsonld_document(ExportedActor.of(actor))
    text = json.dumps(document, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return {"jsonld": mark_safe(text)}
