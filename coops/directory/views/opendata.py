"""Directory pages: the open-data export of a search, as CSV, GeoJSON or JSON-LD.

/annuaire/export/<csv|geojson|jsonld>/ takes the list page's query string and streams
every published actor matching it (not only one page), up to DIRECTORY_EXPORT_MAX_ROWS;
X-Coops-Total tells how many actors match, and a cut export says so with
"X-Coops-Truncated: true". Downloads are counted per IP address in the cache:
DIRECTORY_EXPORTS_PER_HOUR (30 by default), then 429.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET
from ninja.throttling import BaseThrottle

from .. import opendata
from ..forms import ActorSearchForm
from ..selectors.export import actors_for_export, export_max_rows

DEFAULT_EXPORTS_PER_HOUR = 30
RATE_WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class ExportFormat:
    stream: Callable[[Iterable], Iterator[str]]
    content_type: str
    extension: str


FORMATS = {
    "csv": ExportFormat(opendata.csv_stream, "text/csv; charset=utf-8", "csv"),
    "geojson": ExportFormat(opendata.geojson_stream, "application/geo+json", "geojson"),
    "jsonld": ExportFormat(opendata.jsonld_stream, "application/ld+json", "jsonld"),
}


def client_address(request: HttpRequest) -> str:
    """The caller's address, behind TRUSTED_PROXY_COUNT proxies, as the API counts it."""
    return BaseThrottle().get_ident(request) or "unknown"


def _within_rate(request: HttpRequest) -> bool:
    """Count this download in the current hour's window for the caller's address."""
    limit = int(getattr(settings, "DIRECTORY_EXPORTS_PER_HOUR", DEFAULT_EXPORTS_PER_HOUR))
    window = int(time.time()) // RATE_WINDOW_SECONDS
    key = f"directory-export:{client_address(request)}:{window}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add() and incr()
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        count = 1
    return count <= limit


def export_filename(extension: str) -> str:
    return f"annuaire-coops-{timezone.localdate().isoformat()}.{extension}"


@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    export_format = FORMATS.get(fmt)
    if export_format is None:
        raise Http404
    if not _within_rate(request):
        response = render(request, "429.html", status=429)
        response["Retry-After"] = str(RATE_WINDOW_SECONDS - int(time.time()) % RATE_WINDOW_SECONDS)
        return response
    form = ActorSearchForm(request.GET)
    form.is_valid()  # an unusable parameter is left out, as on the list page
    selection = actors_for_export(form.search_params(), limit=export_max_rows())
    response = StreamingHttpResponse(
        export_format.stream(selection.actors), content_type=export_format.content_type
    )
    response["Content-Disposition"] = content_disposition_header(
        True, export_filename(export_format.extension)
    )
    response["X-Coops-Total"] = str(selection.total)
    if selection.truncated:
        response["X-Coops-Truncated"] = "true"
    response["Link"] = f'<{opendata.ODBL_URL}>; rel="license"'
    # Public data, the same for everyone: other sites' maps (uMap…) may load it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


urlpatterns = [
    path("export/<str:fmt>/", export, name="export"),
]
