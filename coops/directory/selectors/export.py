"""Reads for the open-data exports: every published actor of a search, streamed.

The actors are read with `.iterator(chunk_size=…)` and their terms once per chunk, one
query per taxonomy (sectors, skills, labels, tags) for the whole chunk: memory holds one
chunk whatever the number of actors, and the query count is a constant plus four per
chunk, never per row. The terms come as plain tuples rather than through
prefetch_related, whose per-row querysets cost more than the export itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings

from ..models import Actor
from ..opendata import TERM_RELATIONS, ExportedActor, Term
from .search import (
    ORDERINGS,
    SORT_DISTANCE,
    SORT_NAME,
    SearchParams,
    distance_km_expression,
    matching_actors,
)

EXPORT_CHUNK_SIZE = 500
DEFAULT_EXPORT_MAX_ROWS = 200_000
# Each taxonomy in the order its model lists it: sectors along the tree, others by name.
_TERM_ORDER = {"sectors": "path", "skills": "name", "labels": "name", "tags": "name"}


def export_max_rows() -> int:
    """The most actors one export holds (setting DIRECTORY_EXPORT_MAX_ROWS)."""
    return int(getattr(settings, "DIRECTORY_EXPORT_MAX_ROWS", DEFAULT_EXPORT_MAX_ROWS))


@dataclass(frozen=True)
class ExportSelection:
    total: int  # actors matching the search
    limit: int  # the most written
    actors: Iterator[ExportedActor]  # lazy: read while the response is written

    @property
    def truncated(self) -> bool:
        return self.total > self.limit


def _terms_by_actor(relation: str, actor_ids: list[int]) -> dict[int, list[Term]]:
    """The terms of `relation` ("sectors"…) of each of these actors, in one query."""
    through = getattr(Actor, relation).through
    term = relation.removesuffix("s")
    rows = (
        through.objects.filter(actor_id__in=actor_ids)
        .order_by(f"{term}__{_TERM_ORDER[relation]}", f"{term}_id")
        .values_list("actor_id", f"{term}__slug", f"{term}__name", f"{term}__name_en")
    )
    terms: dict[int, list[Term]] = defaultdict(list)
    for actor_id, slug, name, name_en in rows:
        terms[actor_id].append(Term(slug, name, name_en))
    return terms


def _chunks(actors: Iterable[Actor], size: int) -> Iterator[list[Actor]]:
    chunk: list[Actor] = []
    for actor in actors:
        chunk.append(actor)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def with_terms(actors: Iterable[Actor], *, chunk_size: int) -> Iterator[ExportedActor]:
    """Each actor with its terms, read for `chunk_size` actors at a time."""
    for chunk in _chunks(actors, chunk_size):
        ids = [actor.pk for actor in chunk]
        terms = {relation: _terms_by_actor(relation, ids) for relation in TERM_RELATIONS}
        for actor in chunk:
            yield ExportedActor(
                actor, *(terms[relation].get(actor.pk, []) for relation in TERM_RELATIONS)
            )


def actors_for_export(
    params: SearchParams,
    *,
    limit: int,
    nearest_first: bool = False,
    chunk_size: int | None = None,
) -> ExportSelection:
    """The published actors matching `params` (all of them, not one page), at most
    `limit`, with their terms: by name, or nearest the search's point first when asked
    and there is one. Counts them now (one query, plus the look-up of ticked terms); the
    rows themselves are read as the returned iterator is consumed, `chunk_size` at a time
    (EXPORT_CHUNK_SIZE by default)."""
    chunk_size = chunk_size or EXPORT_CHUNK_SIZE
    matching = matching_actors(params)
    total = matching.count()
    rows = matching.defer("search_text")
    if nearest_first and params.point is not None:
        rows = rows.annotate(distance_km=distance_km_expression(params.point))
        rows = rows.order_by(*ORDERINGS[SORT_DISTANCE])
    else:
        rows = rows.order_by(*ORDERINGS[SORT_NAME])
    actors = rows[:limit].iterator(chunk_size=chunk_size) if total else iter(())
    return ExportSelection(
        total=total, limit=limit, actors=with_terms(actors, chunk_size=chunk_size)
    )
