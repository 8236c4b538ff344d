"""The directory's taxonomy: sectors (a two-level tree), skills, labels and tags, shipped
as data in ``data/taxonomy.json`` and loaded idempotently by slug.

Also the one place that turns an actor's terms into the words its search text indexes
(`index_terms`), so the per-actor service and the bulk seeder produce the same text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.db import transaction

from coops.core.audit import event_record

from .models import Label, Sector, Skill, Tag
from .models.actor import _Term

TAXONOMY_JSON = Path(__file__).resolve().parent / "data" / "taxonomy.json"

_FLAT_KINDS: tuple[tuple[str, type[_Term]], ...] = (
    ("skills", Skill),
    ("labels", Label),
    ("tags", Tag),
)


def read_taxonomy(path: Path = TAXONOMY_JSON) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _sector_rows(tree: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str | None]]:
    """Flatten the tree, parents first: (fields with path, depth and position, parent slug)."""
    rows: list[tuple[dict[str, Any], str | None]] = []

    def walk(nodes: list[dict[str, Any]], parent: dict[str, Any] | None) -> None:
        for position, node in enumerate(nodes):
            fields = {
                "slug": node["slug"],
                "name": node["name"],
                "name_en": node.get("name_en", ""),
                "path": f"{parent['path']}/{node['slug']}" if parent else node["slug"],
                "depth": parent["depth"] + 1 if parent else 0,
                "position": position,
            }
            rows.append((fields, parent["slug"] if parent else None))
            walk(node.get("children", []), fields)

    walk(tree, None)
    return rows


def _upsert(model: type[_Term], existing: dict[str, _Term], fields: dict[str, Any]) -> bool:
    """Create the term or bring it up to date; True when a row was written."""
    obj = existing.get(fields["slug"])
    if obj is not None and all(getattr(obj, f) == v for f, v in fields.items()):
        return False
    if obj is None:
        obj = model(**fields)
    else:
        for field, value in fields.items():
            setattr(obj, field, value)
    obj.full_clean()
    obj.save()
    existing[obj.slug] = obj
    return True


@transaction.atomic
def load_taxonomy(path: Path = TAXONOMY_JSON) -> dict[str, int]:
    """Create or update every term of the taxonomy file by slug, so loading twice
    changes nothing. Terms no longer in the file are kept (actors may still use them).
    Returns the number of terms in the file per kind, and how many rows changed."""
    data = read_taxonomy(path)
    sectors: dict[str, _Term] = {s.slug: s for s in Sector.objects.all()}
    rows = _sector_rows(data["sectors"])
    changed = 0
    for fields, parent_slug in rows:
        fields["parent_id"] = sectors[parent_slug].pk if parent_slug else None
        changed += _upsert(Sector, sectors, fields)
    counts = {"sectors": len(rows)}
    for key, model in _FLAT_KINDS:
        existing: dict[str, _Term] = {t.slug: t for t in model.objects.all()}
        terms = data.get(key, [])
        for term in terms:
            fields = {
                "slug": term["slug"],
                "name": term["name"],
                "name_en": term.get("name_en", ""),
            }
            changed += _upsert(model, existing, fields)
        counts[key] = len(terms)
    counts["changed"] = changed
    if changed:
        event_record(actor=None, verb="directory.taxonomy_loaded", **counts)
    return counts


def term_words(term: _Term) -> list[str]:
    """The names a term is found by: French, and English when it differs."""
    if term.name_en and term.name_en != term.name:
        return [term.name, term.name_en]
    return [term.name]


def ancestor_slugs(sectors: Iterable[Sector]) -> set[str]:
    """Slugs of every sector on the paths of `sectors`, themselves included."""
    return {slug for sector in sectors for slug in sector.path.split("/")}


def index_terms(
    *,
    sectors: Iterable[Sector],
    sectors_by_slug: Mapping[str, Sector],
    skills: Iterable[Skill] = (),
    labels: Iterable[Label] = (),
    tags: Iterable[Tag] = (),
) -> list[str]:
    """The words an actor's terms add to its search text, in a stable order: each
    sector preceded by its ancestors (looked up in `sectors_by_slug`), then skills,
    labels and tags, all in both languages, without repeats."""
    words: list[str] = []
    seen: set[str] = set()

    def add(term: _Term) -> None:
        for word in term_words(term):
            if word not in seen:
                seen.add(word)
                words.append(word)

    for sector in sorted(sectors, key=lambda s: s.path):
        for slug in sector.path.split("/"):
            add(sectors_by_slug.get(slug, sector))
    for group in (skills, labels, tags):
        for term in sorted(group, key=lambda t: t.slug):
            add(term)
    return words
