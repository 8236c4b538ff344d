"""One pass over an import file: read each row, decide what it is against the database
(new, updated, unchanged, duplicate or invalid) and, for a real run, write it.

The dry run and the real run share this code, so the preview counts what the run does.
Duplicates are rows that would create an entry the directory already has: the same
SIRET as an existing entry, the same name (accents and case aside) within 200 m of an
entry from another source (the same postcode when either has no coordinates), or an
identifier or SIRET already seen earlier in the file.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from coops.core.geo import Point, haversine_km

from ...models import (
    Actor,
    ActorKind,
    GeocodeStatus,
    ImportJob,
    ImportRowError,
    Label,
    LegalForm,
    Sector,
    Skill,
    Tag,
)
from ..actors import _locate, actor_create, actor_reindex, department_from_postcode
from .mapping import TERM_FIELDS, column_key, value_at
from .parsers import read_rows
from .rows import MappedRow, RowReader

DUPLICATE_DISTANCE_KM = 0.2
SAMPLE_SIZE = 10
_QUERY_CHUNK = 900  # below SQLite's limit on query parameters
_TERM_MODELS = {"sectors": Sector, "skills": Skill, "labels": Label, "tags": Tag}
_ADDRESS_FIELDS = ("street", "postcode", "city", "country")
_FILLED_BY_GEOCODING = ("postcode", "city")


class Outcome(enum.StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    INVALID = "invalid"


def empty_counts() -> dict[str, int]:
    return {outcome.value: 0 for outcome in Outcome} | {"warnings": 0}


@dataclass
class Decision:
    row: MappedRow
    outcome: Outcome
    actor: Actor | None = None
    changes: dict[str, Any] | None = None
    relocate: bool = False
    duplicate_field: str = ""
    duplicate_message: str = ""


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Scan:
    """The rows of one job's file, and what the database already holds about them.
    Build it (it reads the file and the taxonomy), then `process` batches in order."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        with job.file.open("rb") as handle:
            data = handle.read()
        _encoding, _headers, rows = read_rows(data, job.format)
        self.reader = RowReader(
            fmt=job.format, mapping=job.mapping, source=job.source, licence=job.licence
        )
        self.raw_rows: list[tuple[int, dict[str, Any]]] = list(rows)
        self.seen_keys: dict[tuple[str, str], int] = {}
        self.seen_sirets: dict[str, int] = {}
        self._index_others()
        self.term_objects: dict[str, dict[str, Any]] = {}
        self.sector_names = dict(Sector.objects.values_list("slug", "name"))

    @property
    def total(self) -> int:
        return len(self.raw_rows)

    def batches(self, size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
        return _chunks(self.raw_rows, size)

    # --- What the directory already holds --------------------------------------------------

    def _index_others(self) -> None:
        """Index the entries a new row could duplicate, limited to the SIRETs and the
        folded names the file holds (one pass over the file, one over the actors)."""
        fields = self.reader.fields
        sirets: set[str] = set()
        names: set[str] = set()
        for _number, raw in self.raw_rows:
            name = column_key(str(value_at(raw, fields.get("name", "")) or ""))
            if name:
                names.add(name)
            if fields.get("siret"):
                siret = "".join(c for c in str(value_at(raw, fields["siret"]) or "") if c.isdigit())
                if len(siret) == 14:
                    sirets.add(siret)
        self.by_siret: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(sorted(sirets), _QUERY_CHUNK):
            for pk, name, siret in Actor.objects.filter(siret__in=chunk).values_list(
                "pk", "name", "siret"
            ):
                self.by_siret.setdefault(siret, (pk, name))
        self.by_name: dict[str, list[tuple[str, Point | None, str, str]]] = {}
        if not names:
            return
        actors = Actor.objects.values_list("name", "latitude", "longitude", "postcode", "source")
        for name, lat, lon, postcode, source in actors.iterator(chunk_size=5000):
            key = column_key(name)
            if key in names:
                entry = (name, Point.maybe(lat, lon), postcode, source)
                self.by_name.setdefault(key, []).append(entry)

    def _existing(self, rows: list[MappedRow]) -> dict[tuple[str, str], Actor]:
        """The actors these rows are about, by (source, identifier)."""
        keys_by_source: dict[str, list[str]] = {}
        for row in rows:
            if row.key and not row.invalid:
                keys_by_source.setdefault(row.source, []).append(row.key)
        prefetch = [
            Prefetch(name, queryset=model.objects.only("slug"))
            for name, model in _TERM_MODELS.items()
            if self.reader.mapped(name)
        ]
        found: dict[tuple[str, str], Actor] = {}
        for source, keys in keys_by_source.items():
            for chunk in _chunks(keys, _QUERY_CHUNK):
                actors = Actor.objects.filter(source=source, source_id__in=chunk)
                for actor in actors.prefetch_related(*prefetch):
                    found[(actor.source, actor.source_id)] = actor
        return found

    # --- Deciding ------------------------------------------------------------------------

    def decide(self, batch: list[tuple[int, dict[str, Any]]]) -> list[Decision]:
        rows = [self.reader.read(number, raw) for number, raw in batch]
        existing = self._existing(rows)
        return [self._decide(row, existing) for row in rows]

    def _decide(self, row: MappedRow, existing: dict[tuple[str, str], Actor]) -> Decision:
        if row.invalid:
            return Decision(row, Outcome.INVALID)
        identity = (row.source, row.key)
        first = self.seen_keys.get(identity)
        if first is not None:
            return Decision(
                row,
                Outcome.DUPLICATE,
                duplicate_field="source_id",
                duplicate_message=_(
                    "Same identifier as row %(row)d of this file: row not imported."
                )
                % {"row": first},
            )
        self.seen_keys[identity] = row.number
        actor = existing.get(identity)
        if actor is not None:
            changes, relocate = _changes(actor, row)
            outcome = Outcome.UPDATED if changes or relocate else Outcome.UNCHANGED
            return Decision(row, outcome, actor=actor, changes=changes, relocate=relocate)
        duplicate = self._duplicate_of(row)
        if duplicate:
            field_name, message = duplicate
            return Decision(
                row, Outcome.DUPLICATE, duplicate_field=field_name, duplicate_message=message
            )
        if row.fields.get("siret"):
            self.seen_sirets[row.fields["siret"]] = row.number
        return Decision(row, Outcome.NEW)

    def _duplicate_of(self, row: MappedRow) -> tuple[str, str] | None:
        siret = row.fields.get("siret", "")
        if siret and siret in self.by_siret:
            return "siret", _(
                "Same SIRET as “%(name)s”, already in the directory: row not imported."
            ) % {"name": self.by_siret[siret][1]}
        if siret and siret in self.seen_sirets:
            return "siret", _("Same SIRET as row %(row)d of this file: row not imported.") % {
                "row": self.seen_sirets[siret]
            }
        point = Point.maybe(row.fields.get("latitude"), row.fields.get("longitude"))
        postcode = row.fields.get("postcode", "")
        for name, other_point, other_postcode, other_source in self.by_name.get(
            column_key(row.fields["name"]), []
        ):
            if other_source == row.source:
                continue  # the same source may list two places with one name
            if point is not None and other_point is not None:
                near = haversine_km(point, other_point) <= DUPLICATE_DISTANCE_KM
            else:
                near = bool(postcode) and postcode == other_postcode
            if near:
                return "name", _(
                    "“%(name)s” is already in the directory at the same place: row not imported."
                ) % {"name": name}
        return None

    # --- Writing ------------------------------------------------------------------------

    def write(self, decision: Decision, *, acting_user: Any) -> None:
        """Create or update the actor a decision is about; no-op for the others."""
        if decision.outcome == Outcome.NEW:
            row = decision.row
            actor_create(
                acting_user=acting_user,
                status=self.job.status_on_import,
                source=row.source,
                source_id=row.key,
                **{name: self._terms(name, row.terms.get(name, [])) for name in TERM_FIELDS},
                **row.fields,
            )
        elif decision.outcome == Outcome.UPDATED:
            self._update(decision)

    def _terms(self, name: str, slugs: list[str]) -> list[Any]:
        if name not in self.term_objects:
            self.term_objects[name] = {t.slug: t for t in _TERM_MODELS[name].objects.all()}
        return [self.term_objects[name][slug] for slug in slugs]

    def _update(self, decision: Decision) -> None:
        actor = decision.actor
        assert actor is not None and decision.changes is not None
        changed = [name for name in decision.changes if name not in TERM_FIELDS]
        for name in changed:
            setattr(actor, name, decision.changes[name])
        if decision.relocate:
            actor.latitude = actor.longitude = None
            actor.geocode_status = GeocodeStatus.TO_GEOLOCATE
            _locate(actor)
            changed += ["latitude", "longitude", "geocode_status", "postcode", "city"]
        actor.department = department_from_postcode(actor.postcode) if actor.country == "FR" else ""
        actor.save(update_fields=sorted({*changed, "department", "updated_at"}))
        for name in TERM_FIELDS:
            if name in decision.changes:
                getattr(actor, name).set(self._terms(name, decision.changes[name]))
        actor_reindex(actor=actor)

    # --- Reporting ----------------------------------------------------------------------

    def errors(self, decisions: list[Decision], *, dry_run: bool) -> list[ImportRowError]:
        errors = []
        for decision in decisions:
            row = decision.row
            for issue in row.issues:
                errors.append(
                    ImportRowError(
                        job=self.job,
                        row_number=row.number,
                        source_id=row.key[:120],
                        field=issue.field[:60],
                        value=issue.value[:200],
                        message=issue.message[:500],
                        dry_run=dry_run,
                    )
                )
            if decision.outcome == Outcome.DUPLICATE:
                errors.append(
                    ImportRowError(
                        job=self.job,
                        row_number=row.number,
                        source_id=row.key[:120],
                        field=decision.duplicate_field,
                        value=str(row.fields.get(decision.duplicate_field, row.key))[:200],
                        message=decision.duplicate_message[:500],
                        dry_run=dry_run,
                    )
                )
        return errors

    def sample(self, decision: Decision) -> dict[str, Any]:
        """A row as the preview table shows it (plain JSON)."""
        fields = decision.row.fields
        kind = fields.get("kind", "")
        legal_form = fields.get("legal_form", "")
        lat, lon = fields.get("latitude"), fields.get("longitude")
        return {
            "row": decision.row.number,
            "outcome": decision.outcome.value,
            "name": fields.get("name", ""),
            "kind": str(ActorKind(kind).label) if kind in ActorKind.values else "",
            "legal_form": str(LegalForm(legal_form).label) if legal_form else "",
            "siret": fields.get("siret", ""),
            "address": ", ".join(
                part
                for part in (
                    fields.get("street", ""),
                    " ".join(p for p in (fields.get("postcode", ""), fields.get("city", "")) if p),
                )
                if part
            ),
            "coordinates": f"{lat}, {lon}" if lat is not None else "",
            "sectors": [
                self.sector_names.get(slug, slug) for slug in decision.row.terms.get("sectors", [])
            ],
            "email": fields.get("email", ""),
            "telephone": fields.get("telephone", ""),
            "website": fields.get("website", ""),
        }


def _changes(actor: Actor, row: MappedRow) -> tuple[dict[str, Any], bool]:
    """What the row changes on an actor it updates (fields and term slugs), and whether
    the actor must be placed again (its address changed and the row has no coordinates).
    The actor's status, owners and group are never touched by an import."""
    changes: dict[str, Any] = {}
    for name, value in row.fields.items():
        if name in ("latitude", "longitude", "geocode_status") or name in row.defaulted:
            continue
        if name in _FILLED_BY_GEOCODING and not value:
            continue  # the geocoder may have filled it in; an empty cell does not erase it
        if getattr(actor, name) != value:
            changes[name] = value
    relocate = False
    if row.has_coordinates:
        for name in ("latitude", "longitude", "geocode_status"):
            if getattr(actor, name) != row.fields[name]:
                changes[name] = row.fields[name]
    else:
        relocate = any(name in changes for name in _ADDRESS_FIELDS)
    for name, slugs in row.terms.items():
        current = {term.slug for term in getattr(actor, name).all()}
        if current != set(slugs):
            changes[name] = slugs
    return changes, relocate
