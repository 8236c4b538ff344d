"""API: read the directory. Everything here is public (``auth=PUBLIC``) and the same for
every caller: only published actors, only public fields. The API's rate limits apply.

- ``GET /actors``: a search, paginated, with the list page's facet counts.
- ``GET /actors/{slug}``: one published actor; 404 for any other slug.
- ``GET /actors.geojson``: a search as a GeoJSON FeatureCollection, capped at
  ``GEOJSON_MAX_FEATURES`` with a link to the full export.
- ``GET /taxonomy``: sectors (a tree), skills, labels, tags, kinds and legal forms.
"""

# No `from __future__ import annotations` here: ninja reads the annotations at import.

import re

from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import Query, Router

from coops.api.auth import PUBLIC
from coops.api.schemas import Error, ValidationErrorOut

from . import opendata, selectors
from .forms import search_query
from .models import ActorKind, ActorStatus, Label, LegalForm, Sector, Skill, Tag
from .schemas import (
    ActorDetailOut,
    ActorFilters,
    ActorListFilters,
    ActorPageOut,
    TaxonomyOut,
)
from .selectors.export import actors_for_export

router = Router(tags=["directory"])

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,220}")
GEOJSON_MAX_FEATURES = 5000
GEOJSON_CHUNK_SIZE = 1000


@router.get(
    "/actors",
    auth=PUBLIC,
    response={200: ActorPageOut, 401: Error, 422: ValidationErrorOut},
    summary="Search published actors, with facet counts",
)
def actor_list(request, filters: Query[ActorListFilters]):
    result = selectors.actor_search(filters.search_params())
    page = result.page
    beyond = filters.page > page.paginator.num_pages  # no "last page again" for scripts
    return {
        "total": result.total,
        "page": filters.page,
        "pages": page.paginator.num_pages if result.total else 0,
        "per_page": page.paginator.per_page,
        "sort": result.sort,
        "radius_km": result.radius_km,
        "ignored": [str(reason) for reason in result.ignored],
        "facets": [
            {
                "param": facet.param,
                "label": str(facet.label),
                "options": [option.__dict__ for option in facet.options],
            }
            for facet in result.facets
        ],
        "results": [] if beyond else list(page.object_list),
    }


@router.get(
    "/actors.geojson",
    auth=PUBLIC,
    response={200: None, 401: Error, 422: ValidationErrorOut},
    summary="Search published actors as GeoJSON (RFC 7946)",
    description=(
        f"A FeatureCollection of at most {GEOJSON_MAX_FEATURES} actors (nearest first when "
        "a point is given, else by name), coordinates [longitude, latitude]; an actor not "
        'located yet has `"geometry": null`. Foreign members: `total` (actors matching), '
        "`truncated` and `export_url`, the full export of the same search."
    ),
    openapi_extra={
        "responses": {
            200: {
                "description": "OK",
                "content": {"application/geo+json": {"schema": opendata.GEOJSON_JSON_SCHEMA}},
            }
        }
    },
)
def actor_geojson(request, filters: Query[ActorFilters]):
    params = filters.search_params()
    selection = actors_for_export(
        params,
        limit=GEOJSON_MAX_FEATURES,
        nearest_first=True,
        chunk_size=GEOJSON_CHUNK_SIZE,
    )
    export_url = opendata.public_url(reverse("directory:export", kwargs={"fmt": "geojson"}))
    query = search_query(params).urlencode()
    body = "".join(
        opendata.geojson_stream(
            selection.actors,
            total=selection.total,
            truncated=selection.truncated,
            export_url=f"{export_url}?{query}" if query else export_url,
        )
    )
    response = HttpResponse(body, content_type="application/geo+json")
    response["Link"] = f'<{opendata.ODBL_URL}>; rel="license"'
    return response


@router.get(
    "/actors/{slug}",
    auth=PUBLIC,
    response={200: ActorDetailOut, 401: Error, 404: Error},
    summary="One published actor, with its taxonomy in the request's language",
)
def actor_detail(request, slug: str):
    actor = selectors.actor_for_page(slug) if SLUG.fullmatch(slug) else None
    if actor is None or actor.status != ActorStatus.PUBLISHED:
        raise Http404
    return actor


@router.get(
    "/taxonomy",
    auth=PUBLIC,
    response={200: TaxonomyOut, 401: Error},
    summary="Sectors, skills, labels, tags, kinds of actor and legal forms",
)
def taxonomy(request):
    return {
        "sectors": list(Sector.objects.order_by("path")),
        "skills": list(Skill.objects.select_related("commission").order_by("name")),
        "labels": list(Label.objects.order_by("name")),
        "tags": list(Tag.objects.order_by("name")),
        "kinds": [{"value": v, "label": str(label)} for v, label in ActorKind.choices],
        "legal_forms": [{"value": v, "label": str(label)} for v, label in LegalForm.choices],
    }
