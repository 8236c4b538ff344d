"""Directory pages: the map of a search, the JSON it loads, and the widget partners embed.

- carte/ shows the search of the list (same query string) on a Leaflet map;
- carte/donnees/?bbox=…&zoom=…&<filters> answers one view of the map (points or
  clusters, see selectors.map), cacheable for a minute;
- integrer/?vue=carte|liste&<filters> is the minimal page a partner frames: the only
  pages any site may frame (X-Frame-Options and CSP frame-ancestors lifted there only);
- integrer/code/ gives the <iframe> code of the current search to copy.
"""

from __future__ import annotations

from dataclasses import replace

from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from coops.core.geo import BoundingBox

from .. import selectors
from ..forms import (
    EMBED_DEFAULT_HEIGHT,
    FACET_PARAMS,
    ActorSearchForm,
    EmbedForm,
    MapViewForm,
    search_query,
)
from ..selectors import PER_PAGE_CHOICES, SearchParams
from ..selectors.map import map_data, map_extent
from .search import _active_filters

DATA_MAX_AGE = 60  # seconds a browser or a proxy may keep one view of the map
EMBED_MAX_AGE = 300
# Where an empty map opens: metropolitan France.
DEFAULT_EXTENT = BoundingBox(min_lat=41.3, min_lon=-5.2, max_lat=51.1, max_lon=9.6)
# Parameters that are not part of a search: the embed's own and the list's paging.
NOT_FILTERS = ("page", "vue", "height")


def _search(request: HttpRequest) -> tuple[ActorSearchForm, SearchParams]:
    form = ActorSearchForm(request.GET)
    form.is_valid()  # an unusable parameter is reported by its field; the rest still applies
    return form, form.search_params()


def _query(request: HttpRequest, *drop: str) -> QueryDict:
    """The request's query string without `drop` (paging and the embed's settings)."""
    query = request.GET.copy()
    for param in drop or NOT_FILTERS:
        query.pop(param, None)
    return query


def _map_attributes(params: SearchParams, *, list_query: str, target: str = "") -> dict:
    """What map.js needs, passed as data- attributes (no inline script). The data URL
    carries the filters with the place already resolved (lat/lon): panning never
    geocodes again."""
    filters = search_query(replace(params, sort="", per_page=PER_PAGE_CHOICES[0]))
    extent = map_extent(params) or DEFAULT_EXTENT
    circle = ""
    if params.point is not None and params.radius_km:
        circle = f"{params.point.lat},{params.point.lon},{params.radius_km:g}"
    list_url = reverse("directory:list")
    return {
        "url": f"{reverse('directory:map_data')}?{filters.urlencode()}",
        "bounds": f"{extent.min_lat},{extent.min_lon},{extent.max_lat},{extent.max_lon}",
        "circle": circle,
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "actor_url": reverse("directory:actor", kwargs={"slug": "__slug__"}),
        "list_url": f"{list_url}?{list_query}" if list_query else list_url,
        "target": target,
    }


@require_GET
def directory_map(request: HttpRequest) -> HttpResponse:
    form, params = _search(request)
    result = selectors.actor_search(params)
    query = _query(request, "page").urlencode()
    return render(
        request,
        "directory/map.html",
        {
            "form": form,
            "result": result,
            "facet_params": FACET_PARAMS,
            "active_filters": _active_filters(request, form, result),
            "query_string": query,
            "map": _map_attributes(params, list_query=query),
        },
    )


@require_GET
def directory_map_data(request: HttpRequest) -> HttpResponse:
    view = MapViewForm(request.GET)
    if not view.is_valid():
        errors = {field: [str(e) for e in messages] for field, messages in view.errors.items()}
        message = " ".join(" ".join(messages) for messages in errors.values())
        return JsonResponse({"error": message, "fields": errors}, status=400)
    _form, params = _search(request)
    data = map_data(params, box=view.cleaned_data["bbox"], zoom=view.cleaned_data["zoom"])
    response = JsonResponse(
        data.as_json(), json_dumps_params={"ensure_ascii": False, "separators": (",", ":")}
    )
    patch_cache_control(response, public=True, max_age=DATA_MAX_AGE)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])  # sector labels
    return response


@require_GET
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
def directory_embed(request: HttpRequest) -> HttpResponse:
    _form, params = _search(request)
    embed = EmbedForm(request.GET)
    embed.is_valid()
    view = embed.cleaned_data.get("vue", "carte")
    filters = _query(request).urlencode()
    list_url = reverse("directory:list")
    context = {"view": view, "list_url": f"{list_url}?{filters}" if filters else list_url}
    if view == "liste":
        result = selectors.actor_search(params)
        context.update(result=result, page=result.page)
    else:
        context["map"] = _map_attributes(params, list_query=filters, target="_blank")
    response = render(request, "directory/embed.html", context)
    patch_cache_control(response, public=True, max_age=EMBED_MAX_AGE)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


@require_GET
def directory_embed_code(request: HttpRequest) -> HttpResponse:
    form = EmbedForm(request.GET)
    form.is_valid()  # a wrong height is reported next to its field; the default applies
    search_form, params = _search(request)
    result = selectors.actor_search(params)
    filters = _query(request)
    frame_query = QueryDict(mutable=True)
    frame_query["vue"] = form.cleaned_data.get("vue", "carte")
    frame_query.update(filters)
    frame_url = f"{reverse('directory:embed')}?{frame_query.urlencode()}"
    height = form.cleaned_data.get("height", EMBED_DEFAULT_HEIGHT)
    snippet = format_html(
        '<iframe src="{}" title="{}" width="100%" height="{}" loading="lazy"></iframe>',
        settings.SITE_URL + frame_url,
        _("Directory of %(site)s") % {"site": settings.SITE_NAME},
        height,
    )
    return render(
        request,
        "directory/embed_code.html",
        {
            "form": form,
            "result": result,
            "active_filters": _active_filters(request, search_form, result),
            "filters": [(k, v) for k, values in filters.lists() for v in values],
            "frame_url": frame_url,
            "snippet": snippet,
            "height": height,
            "query_string": filters.urlencode(),
        },
    )


urlpatterns = [
    path("carte/", directory_map, name="map"),
    path("carte/donnees/", directory_map_data, name="map_data"),
    path("integrer/", directory_embed, name="embed"),
    path("integrer/code/", directory_embed_code, name="embed_code"),
]
