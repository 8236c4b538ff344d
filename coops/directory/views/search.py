"""Public pages of the directory: the searchable list and the actor page. Thin: parse
the input with a form, read with a selector, render."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from stdnum.fr import siret as siret_number

from coops.core.permissions import can

from .. import selectors
from ..forms import FACET_PARAMS, ActorSearchForm
from ..models import ActorStatus
from ..sections import actor_sections


def _without(query: QueryDict, param: str, value: str | None = None) -> str:
    """The query string without `param` (or only without one of its values), page reset."""
    query = query.copy()
    query.pop("page", None)
    if value is None:
        query.pop(param, None)
    else:
        query.setlist(param, [v for v in query.getlist(param) if v != value])
    return query.urlencode()


def _active_filters(request: HttpRequest, form: ActorSearchForm, result) -> list[dict]:
    """What narrows the search now, each with the link that removes it."""
    data = form.cleaned_data
    active = []
    if data.get("q"):
        active.append({"label": f"« {data['q']} »", "query": _without(request.GET, "q")})
    if result.point is not None:
        query = QueryDict(_without(request.GET, "place"), mutable=True)
        for param in ("lat", "lon", "radius"):
            query.pop(param, None)
        active.append({"label": form.place_label, "query": query.urlencode()})
    for facet in result.facets:
        for option in facet.options:
            if option.selected:
                active.append(
                    {
                        "label": option.label,
                        "query": _without(request.GET, facet.param, option.value),
                    }
                )
    return active


def _list_context(request: HttpRequest) -> dict:
    form = ActorSearchForm(request.GET)
    form.is_valid()  # an unusable parameter is reported by its field; the rest still applies
    result = selectors.actor_search(form.search_params())
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "result": result,
        "page": result.page,
        "facet_params": FACET_PARAMS,
        "active_filters": _active_filters(request, form, result),
        "query_string": query.urlencode(),
    }


def _listing_cache_key(request: HttpRequest) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"directory:listing:{get_language()}:{digest}"


@require_GET
def actor_list(request: HttpRequest) -> HttpResponse:
    """The search page. What anonymous visitors see of the results (the same for all of
    them) is cached for DIRECTORY_LIST_CACHE_SECONDS; the page around it (header, forms
    with their CSRF token) is rendered for each request."""
    seconds = settings.DIRECTORY_LIST_CACHE_SECONDS
    if request.user.is_authenticated or not seconds:
        return render(request, "directory/list.html", _list_context(request))
    key = _listing_cache_key(request)
    listing = cache.get(key)
    if listing is None:
        listing = render_to_string("directory/list.html#listing", _list_context(request), request)
        cache.set(key, listing, seconds)
    return render(request, "directory/list.html", {"cached_listing": mark_safe(listing)})


def _telephone_href(number: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", number)


def _website_label(url: str) -> str:
    parts = urlsplit(url)
    label = parts.netloc.removeprefix("www.") + parts.path.rstrip("/")
    return label or url


@require_GET
def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = selectors.actor_for_page(slug)
    if actor is None:
        raise Http404
    if actor.merged_into_id:  # a merged duplicate lives on in the entry kept
        return redirect(actor.merged_into.get_absolute_url(), permanent=True)
    published = actor.status == ActorStatus.PUBLISHED
    # Members who may give their opinion on a pending entry see it to judge it.
    voter = actor.status == ActorStatus.PENDING and can(request.user, "directory.vote", actor)
    if not published and not voter and not selectors.can_see_unpublished(request.user, actor):
        raise Http404
    group = actor.group if actor.group and can(request.user, "group.view", actor.group) else None
    return render(
        request,
        "directory/actor.html",
        {
            "actor": actor,
            "published": published,
            "sector_chains": selectors.sector_chains(actor),
            "siret": siret_number.format(actor.siret) if actor.siret else "",
            "telephone_href": _telephone_href(actor.telephone) if actor.telephone else "",
            "website_label": _website_label(actor.website) if actor.website else "",
            "opening_hours": selectors.opening_hours_rows(actor.opening_hours),
            "group": group,
            "sections": [
                render_to_string(section.template, section.context, request=request)
                for section in actor_sections(actor, request)
            ],
        },
    )
