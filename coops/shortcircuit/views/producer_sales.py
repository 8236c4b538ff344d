"""The producer space's sales pages: the distributions a producer sold in, across hubs,
and the delivery note of one of them. Only the producer's owners see them, and only
the producer's own lines."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from coops.core.money import Money
from coops.core.permissions import require
from coops.directory.models import Actor

from ..models import Distribution
from ..reports_csv import csv_response, html_report
from ..selectors.reports import (
    producer_distributions,
    producer_sold_in,
    report_delivery_note,
)


def _producer(request: HttpRequest, pk: int) -> Actor:
    producer = Actor.objects.filter(pk=pk).first()
    if producer is None:
        raise Http404
    require(request.user, "shortcircuit.produce", producer)
    return producer


@login_required
@require_GET
def sales(request: HttpRequest, producer: int) -> HttpResponse:
    actor = _producer(request, producer)
    rows = producer_distributions(actor)
    for row in rows:
        row["amounts"] = {k: Money(row[k], row["currency"]) for k in ("sales", "fee", "due")}
    return render(request, "shortcircuit/producer/sales.html", {"producer": actor, "rows": rows})


@login_required
@require_GET
def delivery_note(request: HttpRequest, producer: int, distribution: int) -> HttpResponse:
    actor = _producer(request, producer)
    found = Distribution.objects.select_related("group").filter(pk=distribution).first()
    if found is None or not producer_sold_in(actor, found):
        raise Http404
    with timezone.override(found.group.zone):
        note = report_delivery_note(actor, found)
        if request.GET.get("format") == "csv":
            return csv_response(note, f"{actor.slug or actor.pk}-{found.delivery_date}-{found.pk}")
        return render(
            request,
            "shortcircuit/producer/delivery_note.html",
            {
                "producer": actor,
                "distribution": found,
                "report": html_report(note),
                "summary_total": [Money(v, found.currency) for v in note.summary["total"]],
            },
        )
