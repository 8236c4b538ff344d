"""Field mappings: which column (CSV) or property path (JSON) fills each field of an
actor, with a default per format, and the table that turns GoGoCarto categories into
our sectors.

A job's mapping is stored as JSON::

    {"columns": [...], "examples": {column: value},       # found in the file
     "fields": {our_field: column or [columns]},          # what the person chose
     "default_kind": "association",                        # when the file gives none
     "category_names": {"10427": "Agriculture & Alimentation"},   # GoGoCarto taxonomy
     "categories": {"10427": "alimentation", "10517": ""}}        # → sector slug or none

The default for CSV and GeoJSON is the directory's own export format (one column per
field, same names), so an export imports back without touching the mapping; other
files get the columns whose names match a field's usual names (French or English).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ...indexing import fold
from ...models import Actor, ActorKind, ImportFormat, Sector


@dataclass(frozen=True)
class FieldSpec:
    """A field of ours that a column can fill."""

    name: str
    label: str | Promise
    several: bool = False  # several columns joined (the description)


def _label(name: str) -> Any:
    return Actor._meta.get_field(name).verbose_name


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("source_id", _("Identifier at the source")),
    FieldSpec("origin", _("Original source of each row (files exported by a directory)")),
    FieldSpec("name", _label("name")),
    FieldSpec("description", _label("description"), several=True),
    FieldSpec("kind", _label("kind")),
    FieldSpec("legal_form", _label("legal_form")),
    FieldSpec("siret", _label("siret")),
    FieldSpec("sectors", _label("sectors")),
    FieldSpec("skills", _label("skills")),
    FieldSpec("labels", _label("labels")),
    FieldSpec("tags", _label("tags")),
    FieldSpec("street", _label("street")),
    FieldSpec("postcode", _label("postcode")),
    FieldSpec("city", _label("city")),
    FieldSpec("country", _label("country")),
    FieldSpec("latitude", _label("latitude")),
    FieldSpec("longitude", _label("longitude")),
    FieldSpec("geocode_status", _label("geocode_status")),
    FieldSpec("email", _label("email")),
    FieldSpec("telephone", _label("telephone")),
    FieldSpec("website", _label("website")),
    FieldSpec("opening_hours", _label("opening_hours")),
    FieldSpec("licence", _label("licence")),
)
FIELD_NAMES = tuple(spec.name for spec in FIELDS)
TERM_FIELDS = ("sectors", "skills", "labels", "tags")

# The columns of the directory's CSV export, in its order.
EXPORT_COLUMNS = (
    "name", "description", "kind", "legal_form", "siret", "sectors", "skills", "labels",
    "tags", "street", "postcode", "city", "country", "latitude", "longitude",
    "geocode_status", "email", "telephone", "website", "opening_hours", "source",
    "source_id", "licence", "url", "updated_at",
)  # fmt: skip

# Usual column names per field, folded (first found wins). The export's own name first.
ALIASES: dict[str, tuple[str, ...]] = {
    "source_id": ("source id", "id", "identifiant", "identifier", "ref", "reference"),
    "origin": ("source",),
    "name": ("name", "nom", "raison sociale", "denomination", "titre", "title"),
    "description": ("description", "presentation", "activite", "activity"),
    "kind": ("kind", "type d acteur", "type"),
    "legal_form": ("legal form", "forme juridique", "statut juridique", "statut"),
    "siret": ("siret", "n siret", "numero siret", "siret number"),
    "sectors": ("sectors", "secteurs", "secteur", "secteur d activite", "categories"),
    "skills": ("skills", "competences", "savoir faire"),
    "labels": ("labels", "label", "certifications"),
    "tags": ("tags", "mots cles", "keywords"),
    "street": ("street", "adresse", "address", "rue", "voie"),
    "postcode": ("postcode", "code postal", "cp", "postal code", "zip"),
    "city": ("city", "ville", "commune", "localite", "town"),
    "country": ("country", "pays"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng", "long"),
    "geocode_status": ("geocode status",),
    "email": ("email", "e mail", "courriel", "mail", "adresse email"),
    "telephone": ("telephone", "tel", "phone", "numero de telephone"),
    "website": ("website", "site web", "site internet", "site"),
    "opening_hours": ("opening hours", "horaires", "horaires d ouverture"),
    "licence": ("licence", "license"),
}

GOGOCARTO_DEFAULT: dict[str, str | list[str]] = {
    "source_id": "id",
    "name": "name",
    "description": ["description", "descriptionMore", "commitment"],
    "sectors": "optionValues",
    "street": "address.streetAddress",
    "postcode": "address.postalCode",
    "city": "address.addressLocality",
    "country": "address.addressCountry",
    "latitude": "geo.latitude",
    "longitude": "geo.longitude",
    "email": "email",
    "telephone": "telephone",
    "website": "website",
    "opening_hours": "openHoursMoreInfos",
}
# Newer GoGoCarto exports name the categories instead of listing option ids.
GOGOCARTO_CATEGORY_PATHS = ("optionValues", "categoriesFull", "categories")
DEFAULT_KIND = ActorKind.ASSOCIATION
_STOPWORDS = frozenset({"et", "and", "de", "des", "du", "d", "la", "le", "les", "l", "en"})


def column_key(name: str) -> str:
    """A column name compared loosely: "Code_Postal" and "code postal" are the same."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(name)))


def _by_alias(field: str, columns: Iterable[str]) -> str:
    keys = {column_key(column): column for column in reversed(list(columns))}
    for alias in (field.replace("_", " "), *ALIASES.get(field, ())):
        if alias in keys:
            return keys[alias]
    return ""


def default_fields(fmt: str, columns: list[str]) -> dict[str, str | list[str]]:
    """The mapping proposed for a file with these columns (only columns it has)."""
    present = set(columns)
    fields: dict[str, str | list[str]] = {}
    if fmt == ImportFormat.GOGOCARTO:
        for field, path in GOGOCARTO_DEFAULT.items():
            paths = path if isinstance(path, list) else [path]
            found = [p for p in paths if p in present]
            if found:
                fields[field] = found if isinstance(path, list) else found[0]
        if "sectors" not in fields:
            category = next((p for p in GOGOCARTO_CATEGORY_PATHS if p in present), "")
            if category:
                fields["sectors"] = category
        return fields
    for spec in FIELDS:
        column = _by_alias(spec.name, columns)
        if fmt == ImportFormat.GEOJSON and spec.name in ("latitude", "longitude"):
            point = f"geometry.{spec.name}"
            column = point if point in present else column
        if column:
            fields[spec.name] = [column] if spec.several else column
    return fields


def default_mapping(fmt: str, columns: list[str], examples: dict[str, str]) -> dict[str, Any]:
    return {
        "columns": columns,
        "examples": examples,
        "fields": default_fields(fmt, columns),
        "default_kind": DEFAULT_KIND.value,
        "category_names": {},
        "categories": {},
    }


def value_at(fields: dict[str, Any], path: str | list[str]) -> Any:
    """The raw value a mapping entry points to: one column, or several joined by a
    blank line (empty ones skipped)."""
    if isinstance(path, list):
        parts = [_text(fields.get(p)) for p in path]
        return "\n\n".join(p for p in parts if p)
    return fields.get(path) if path else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


# --- Categories → sectors --------------------------------------------------------------


def name_words(name: str) -> frozenset[str]:
    """The words of a name, folded, without "et", "&", "de"…: "Agriculture &
    Alimentation" and "Alimentation et agriculture" have the same words."""
    return frozenset(re.findall(r"[a-z0-9]+", fold(name))) - _STOPWORDS


def match_categories(names: dict[str, str], sectors: Iterable[Sector]) -> dict[str, str]:
    """Each category id → the slug of the sector with the same name (same words, in
    French, English or as the slug), or "" when none matches."""
    by_words: dict[frozenset[str], str] = {}
    for sector in sectors:
        for variant in (sector.name, sector.name_en, sector.slug.replace("-", " ")):
            if variant:
                by_words.setdefault(name_words(variant), sector.slug)
    return {key: by_words.get(name_words(name), "") for key, name in names.items()}
