"""Validate one input row into the values of an actor, with the problems found.

A problem is either fatal (the row is not imported: no name, an invalid SIRET,
impossible coordinates…) or a warning (the row is imported without the faulty value:
an unknown sector, an email that is not one, a SIREN where a SIRET was expected…).
Nothing here writes or raises for bad input; the database is read once, when the
reader is built (taxonomy terms).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import translation
from django.utils.translation import gettext as _
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from ...models import (
    Actor,
    ActorKind,
    GeocodeStatus,
    ImportFormat,
    Label,
    LegalForm,
    Sector,
    Skill,
    Tag,
)
from ..actors import COORDINATE_PLACES
from .mapping import DEFAULT_KIND, TERM_FIELDS, column_key, value_at
from .parsers import ROW_ERROR

MAX_KEY = 120
MAX_SOURCE = 60
GOGOCARTO_HIDDEN_STATUS = -2  # and below: refused, deleted, pending version, duplicate
_SPLIT_RE = re.compile(r"\s*[|;,]\s*")
_LINE_BREAKS_RE = re.compile(r"\s*[\r\n\t]+\s*")
_SIRET_SEPARATORS_RE = re.compile(r"[\s.\-/]")
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_DOMAIN_RE = re.compile(r"^[\w.-]+\.[a-z]{2,}(/.*)?$", re.IGNORECASE)
_TERM_MODELS = {"sectors": Sector, "skills": Skill, "labels": Label, "tags": Tag}
_HIDDEN_EMAILS = {"hidden", "masque", "cache", "private", "prive"}
_COUNTRIES = {
    "france": "FR", "belgique": "BE", "belgium": "BE", "suisse": "CH", "switzerland": "CH",
    "luxembourg": "LU", "espagne": "ES", "spain": "ES", "allemagne": "DE", "germany": "DE",
    "italie": "IT", "italy": "IT", "monaco": "MC", "andorre": "AD", "andorra": "AD",
}  # fmt: skip
# Words seen in the wild for a legal form, in the order they are tried.
_LEGAL_FORM_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("scop",), LegalForm.SCOP),
    (("scic",), LegalForm.SCIC),
    (("cae", "cooperative d activite", "cooperative d activites et d emploi"), LegalForm.CAE),
    (("cuma", "cooperative agricole", "sica"), LegalForm.AGRICULTURAL_COOP),
    (("cooperative de consommateurs", "cooperative de consommation"), LegalForm.CONSUMER_COOP),
    (("mutuelle", "mutual"), LegalForm.MUTUAL),
    (("fondation", "fonds de dotation"), LegalForm.FOUNDATION),
    (("gie", "groupement d interet economique"), LegalForm.GIE),
    (("association", "asso", "loi 1901"), LegalForm.ASSOCIATION),
    (("ei", "eirl", "micro entreprise", "micro entrepreneur", "auto entrepreneur",
      "entreprise individuelle"), LegalForm.INDEPENDENT),
    (("sarl", "sas", "sasu", "sa", "eurl", "snc", "sca", "sci", "societe"), LegalForm.COMPANY),
    (("cooperative", "coop"), LegalForm.OTHER_COOP),
    (("commune", "collectivite", "epci", "etablissement public", "public"), LegalForm.PUBLIC),
)  # fmt: skip
_KIND_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("producteur", "ferme", "exploitation", "producer", "farm"), ActorKind.PRODUCER),
    (("commerce", "magasin", "boutique", "epicerie", "marche", "shop", "store"), ActorKind.SHOP),
    (("artisan", "artisanat", "craft"), ActorKind.CRAFT),
    (("association", "collectif", "collective"), ActorKind.ASSOCIATION),
    (("reseau", "federation", "network"), ActorKind.NETWORK),
    (("collectivite", "public", "mairie"), ActorKind.PUBLIC),
    (("independant", "independante", "freelance", "independent"), ActorKind.INDEPENDENT),
    (("service", "services", "prestataire"), ActorKind.SERVICE),
)  # fmt: skip


@dataclass
class Issue:
    field: str
    value: str
    message: str
    fatal: bool = False


@dataclass
class MappedRow:
    """One row read: the actor's field values found in the file, its terms as slugs
    (only for the term fields the mapping fills), its key at the source and the
    problems found."""

    number: int
    source: str = ""
    key: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    terms: dict[str, list[str]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    defaulted: set[str] = field(default_factory=set)  # filled by a default, not the file

    @property
    def invalid(self) -> bool:
        return any(issue.fatal for issue in self.issues)

    @property
    def has_coordinates(self) -> bool:
        return self.fields.get("latitude") is not None

    def warn(self, field_name: str, value: Any, message: str) -> None:
        self.issues.append(Issue(field_name, _shown(value), message))

    def fail(self, field_name: str, value: Any, message: str) -> None:
        self.issues.append(Issue(field_name, _shown(value), message, fatal=True))


def _shown(value: Any) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def _text(value: Any) -> str:
    """One line of text, trimmed, line breaks and tabs turned into spaces (the rest kept
    as written, so that an export imports back unchanged); JSON numbers as written."""
    if value is None or isinstance(value, list | dict | bool):
        return ""
    return _LINE_BREAKS_RE.sub(" ", str(value)).strip()


def _lookup(pairs: tuple[tuple[tuple[str, ...], str], ...], text: str) -> str:
    key = column_key(text)
    words = set(key.split())
    for phrases, code in pairs:
        for phrase in phrases:
            if (" " in phrase and phrase in key) or phrase in words:
                return code
    return ""


def _choice_keys(choices: type[ActorKind] | type[LegalForm]) -> dict[str, str]:
    """Each choice by its code and its label in French and English, loosely compared."""
    keys: dict[str, str] = {}
    for member in choices:
        keys[column_key(member.value)] = member.value
        for language in ("fr", "en"):
            with translation.override(language):
                keys.setdefault(column_key(str(member.label)), member.value)
    return keys


def _term_keys(model: Any) -> dict[str, str]:
    keys: dict[str, str] = {}
    fields = ["slug", "name", "name_en"] + (["path"] if model is Sector else [])
    for values in model.objects.values_list(*fields):
        slug = values[0]
        keys[slug] = slug
        for variant in values[1:]:
            if variant:
                keys.setdefault(column_key(variant), slug)
                keys.setdefault(variant, slug)
    return keys


def normalise_telephone(value: str) -> str:
    """A French number that lost its leading 0 in a spreadsheet or a JSON number
    ("967556221") gets it back, as "09 67 55 62 21"; anything else stays as written."""
    value = value.strip()
    if len(value) == 9 and value.isdigit() and value[0] != "0":
        digits = "0" + value
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return value


class RowReader:
    """Reads rows of one file with one mapping. Build it once per job: it loads the
    taxonomy terms and the choices' labels."""

    def __init__(self, *, fmt: str, mapping: dict[str, Any], source: str, licence: str) -> None:
        self.fmt = fmt
        self.source = source
        self.fields: dict[str, Any] = mapping.get("fields", {})
        self.default_kind = mapping.get("default_kind") or DEFAULT_KIND.value
        self.licence = licence
        self.categories = {str(k): v for k, v in mapping.get("categories", {}).items()}
        self.category_names = {str(k): v for k, v in mapping.get("category_names", {}).items()}
        self.kinds = _choice_keys(ActorKind)
        self.legal_forms = _choice_keys(LegalForm)
        self.terms = {
            name: _term_keys(model) for name, model in _TERM_MODELS.items() if self.fields.get(name)
        }
        self.email_validator = EmailValidator()
        self.url_validator = URLValidator(schemes=["http", "https"])

    def value(self, raw: dict[str, Any], name: str) -> Any:
        path = self.fields.get(name)
        return value_at(raw, path) if path else None

    def mapped(self, name: str) -> bool:
        return bool(self.fields.get(name))

    def read(self, number: int, raw: dict[str, Any]) -> MappedRow:
        row = MappedRow(number=number)
        if ROW_ERROR in raw:
            row.fail("", "", raw[ROW_ERROR])
            return row
        self._status(row, raw)
        self._identity(row, raw)
        self._siret(row, raw)
        for name in TERM_FIELDS:
            if self.mapped(name):
                row.terms[name] = self._terms(row, name, self.value(raw, name))
        self._address(row, raw)
        self._coordinates(row, raw)
        self._contacts(row, raw)
        self._key(row, raw)
        if not row.invalid:
            self._model_checks(row)
        return row

    # --- Parts of a row ------------------------------------------------------------------

    def _status(self, row: MappedRow, raw: dict[str, Any]) -> None:
        status = raw.get("status")
        hidden = isinstance(status, int) and status <= GOGOCARTO_HIDDEN_STATUS
        if self.fmt == ImportFormat.GOGOCARTO and hidden:
            row.fail(
                "status",
                status,
                _("Refused, deleted or a duplicate in GoGoCarto: row not imported."),
            )

    def _identity(self, row: MappedRow, raw: dict[str, Any]) -> None:
        name = _text(self.value(raw, "name"))
        if not name:
            row.fail("name", "", _("The name is missing: row not imported."))
        elif len(name) > 200:
            row.fail("name", name, _("The name is longer than 200 characters: row not imported."))
        row.fields["name"] = name
        if self.mapped("description"):
            description = self.value(raw, "description")
            row.fields["description"] = "" if description is None else str(description).strip()
        kind_text = _text(self.value(raw, "kind"))
        kind = self.kinds.get(column_key(kind_text)) or _lookup(_KIND_WORDS, kind_text)
        if kind_text and not kind:
            row.warn(
                "kind",
                kind_text,
                _("Unknown kind of actor: imported as “%(kind)s”.")
                % {"kind": ActorKind(self.default_kind).label},
            )
        row.fields["kind"] = kind or self.default_kind
        if not kind:
            row.defaulted.add("kind")
        if self.mapped("legal_form"):
            text = _text(self.value(raw, "legal_form"))
            form = self.legal_forms.get(column_key(text)) or _lookup(_LEGAL_FORM_WORDS, text)
            if text and not form:
                row.warn("legal_form", text, _("Unknown legal form: left out."))
            row.fields["legal_form"] = form

    def _siret(self, row: MappedRow, raw: dict[str, Any]) -> None:
        if not self.mapped("siret"):
            return
        given = _text(self.value(raw, "siret"))
        number = _SIRET_SEPARATORS_RE.sub("", given)
        row.fields["siret"] = ""
        if not number:
            return
        if len(number) == 14 and stdnum_siret.is_valid(number):
            row.fields["siret"] = number
        elif len(number) == 9 and stdnum_siren.is_valid(number):
            row.warn(
                "siret",
                given,
                _("This is a SIREN (9 digits), not a SIRET (14 digits): imported without it."),
            )
        else:
            row.fail(
                "siret",
                given,
                _("Not a valid SIRET (14 digits whose check digit must match): row not imported."),
            )

    def _terms(self, row: MappedRow, name: str, value: Any) -> list[str]:
        items = _items(value)
        keys = self.terms.get(name, {})
        slugs: list[str] = []
        unknown: list[str] = []
        unmatched: list[str] = []
        for item_id, item_name in items:
            slug = ""
            if name == "sectors" and item_id in self.categories:
                slug = self.categories[item_id]
                if not slug:
                    unmatched.append(self.category_names.get(item_id) or item_name or item_id)
                    continue
            slug = slug or keys.get(item_name) or keys.get(column_key(item_name)) or ""
            if name == "sectors" and not slug and item_id in self.category_names:
                unmatched.append(self.category_names[item_id])
            elif not slug:
                unknown.append(item_name or item_id)
            elif slug not in slugs:
                slugs.append(slug)
        if unknown and name == "sectors" and self.fmt == ImportFormat.GOGOCARTO:
            row.warn(name, unknown, _("Categories missing from the taxonomy file: left out."))
        elif unknown:
            row.warn(name, unknown, _unknown_message(name))
        if unmatched:
            row.warn(
                name,
                unmatched,
                _("Categories with no matching sector (see the mapping): left out."),
            )
        return slugs

    def _address(self, row: MappedRow, raw: dict[str, Any]) -> None:
        for name, limit in (("street", 255), ("city", 120)):
            if self.mapped(name):
                text = _text(self.value(raw, name))
                if len(text) > limit:
                    row.fail(
                        name,
                        text,
                        _("Longer than %(limit)d characters: row not imported.") % {"limit": limit},
                    )
                row.fields[name] = text
        country = "FR"
        if self.mapped("country"):
            text = _text(self.value(raw, "country"))
            if len(text) == 2 and text.isalpha():
                country = text.upper()
            elif text:
                found = _COUNTRIES.get(column_key(text))
                if found is None:
                    row.warn("country", text, _("Unknown country: France assumed."))
                country = found or "FR"
            row.fields["country"] = country
        if self.mapped("postcode"):
            postcode = _text(self.value(raw, "postcode")).replace(" ", "")
            if country == "FR" and len(postcode) == 4 and postcode.isdigit():
                row.warn(
                    "postcode",
                    postcode,
                    _("Postcode read as %(postcode)s (its leading 0 was lost).")
                    % {"postcode": "0" + postcode},
                )
                postcode = "0" + postcode
            if len(postcode) > 10:
                row.fail("postcode", postcode, _("Not a postcode: row not imported."))
            row.fields["postcode"] = postcode

    def _coordinates(self, row: MappedRow, raw: dict[str, Any]) -> None:
        if not (self.mapped("latitude") and self.mapped("longitude")):
            return
        row.fields["latitude"] = row.fields["longitude"] = None
        lat_raw, lon_raw = self.value(raw, "latitude"), self.value(raw, "longitude")
        lat, lon = _number(lat_raw), _number(lon_raw)
        if lat is None and lon is None and _text(lat_raw) == "" and _text(lon_raw) == "":
            return
        if lat is None or lon is None:
            row.fail(
                "latitude" if lat is None else "longitude",
                lat_raw if lat is None else lon_raw,
                _("Coordinates must be two numbers (latitude, longitude): row not imported."),
            )
            return
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            row.fail(
                "latitude" if not -90 <= lat <= 90 else "longitude",
                f"{lat_raw}, {lon_raw}",
                _(
                    "Impossible coordinates: the latitude must be between -90 and 90, the "
                    "longitude between -180 and 180. Row not imported."
                ),
            )
            return
        lat, lon = lat.quantize(COORDINATE_PLACES), lon.quantize(COORDINATE_PLACES)
        if lat == 0 and lon == 0:
            row.warn(
                "latitude",
                "0, 0",
                _("0, 0 is not a real place: the entry is placed from its address instead."),
            )
            return
        row.fields["latitude"], row.fields["longitude"] = lat, lon
        status = _text(self.value(raw, "geocode_status"))
        row.fields["geocode_status"] = (
            status
            if status in GeocodeStatus.values and status != GeocodeStatus.TO_GEOLOCATE
            else GeocodeStatus.MANUAL
        )

    def _contacts(self, row: MappedRow, raw: dict[str, Any]) -> None:
        if self.mapped("email"):
            email = _text(self.value(raw, "email")).lower()
            if email in _HIDDEN_EMAILS:
                email = ""  # GoGoCarto hides emails from its public exports
            if email:
                try:
                    self.email_validator(email)
                except ValidationError:
                    row.warn("email", email, _("Not an email address: left out."))
                    email = ""
            row.fields["email"] = email
        if self.mapped("telephone"):
            telephone = normalise_telephone(_text(self.value(raw, "telephone")))
            if len(telephone) > 30:
                row.warn("telephone", telephone, _("Too long for a telephone number: left out."))
                telephone = ""
            row.fields["telephone"] = telephone
        if self.mapped("website"):
            row.fields["website"] = self._website(row, _text(self.value(raw, "website")))
        if self.mapped("opening_hours"):
            hours = _text(
                _LINE_BREAKS_RE.sub("; ", str(self.value(raw, "opening_hours") or "").strip())
            )
            if len(hours) > 255:
                row.warn("opening_hours", hours, _("Longer than 255 characters: cut after 255."))
                hours = hours[:254] + "…"
            row.fields["opening_hours"] = hours
        licence = _text(self.value(raw, "licence")) if self.mapped("licence") else ""
        if len(licence) > 60:
            row.warn("licence", licence, _("Too long for a licence name: the import's is used."))
            licence = ""
        row.fields["licence"] = licence or self.licence

    def _website(self, row: MappedRow, url: str) -> str:
        if not url:
            return ""
        if not _SCHEME_RE.match(url) and _DOMAIN_RE.match(url):
            url = "https://" + url
        try:
            self.url_validator(url)
        except ValidationError:
            row.warn("website", url, _("Not a web address: left out."))
            return ""
        if len(url) > 300:
            row.warn("website", url, _("Longer than 300 characters: left out."))
            return ""
        return url

    def _key(self, row: MappedRow, raw: dict[str, Any]) -> None:
        """The row's identity: its own (source, identifier) when the file gives both (a
        directory's export: an actor keeps the identity it was first imported with),
        else (the import's source, the identifier). Without an identifier: the SIRET,
        else the name and postcode, so re-importing the same file still updates."""
        key = _text(self.value(raw, "source_id"))
        origin = _text(self.value(raw, "origin"))
        row.source = origin if key and origin else self.source
        if len(row.source) > MAX_SOURCE:
            row.fail(
                "origin",
                row.source,
                _("The source name is longer than %(limit)d characters: row not imported.")
                % {"limit": MAX_SOURCE},
            )
        if not key and row.fields.get("siret"):
            key = f"siret:{row.fields['siret']}"
        if not key and row.fields.get("name"):
            place = row.fields.get("postcode") or column_key(row.fields.get("city", ""))
            key = f"name:{column_key(row.fields['name'])}@{place}"
            if len(key) > MAX_KEY:
                key = "name:" + hashlib.sha256(key.encode()).hexdigest()
        if len(key) > MAX_KEY:
            row.fail(
                "source_id",
                key,
                _("The identifier is longer than %(limit)d characters: row not imported.")
                % {"limit": MAX_KEY},
            )
        row.key = key

    def _model_checks(self, row: MappedRow) -> None:
        """The model's own field checks, so that writing never fails on a field."""
        actor = Actor(**row.fields)
        exclude = [f.name for f in Actor._meta.fields if f.name not in row.fields]
        try:
            actor.clean_fields(exclude=exclude)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    row.fail(name, row.fields.get(name), f"{message} {_('Row not imported.')}")


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip().replace(",", ".").replace("\u2212", "-")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _items(value: Any) -> list[tuple[str, str]]:
    """Term values as (id, name) pairs: "a|b" or "a, b" in a cell; in JSON, a list of
    ids, names or {"id": …, "name": …} objects."""
    if value is None:
        return []
    raw = value if isinstance(value, list) else _SPLIT_RE.split(str(value).strip())
    items: list[tuple[str, str]] = []
    for item in raw:
        if isinstance(item, dict):
            item_id = _text(item.get("id"))
            item_name = _text(item.get("name")) or item_id
        else:
            item_id = item_name = _text(item)
        if item_id or item_name:
            items.append((item_id, item_name))
    return items


def _unknown_message(name: str) -> str:
    messages = {
        "sectors": _("Unknown sectors: left out."),
        "skills": _("Unknown skills: left out."),
        "labels": _("Unknown labels: left out."),
        "tags": _("Unknown tags: left out."),
    }
    return messages[name]
