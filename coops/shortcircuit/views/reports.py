"""The organisers' reports of a distribution: an index, and each report as a printable
page or, with ``?format=csv``, a CSV file (see reports_csv for the convention)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from coops.core.money import Money
from coops.core.permissions import require

from ..reports_csv import csv_response, html_report
from ..selectors.reports import KINDS, distribution_summary, report_build, report_titles
from ._common import distribution_or_404, in_group_zone, render_page


@login_required
@require_GET
@in_group_zone
def reports_index(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.organise", request.group)
    distribution = distribution_or_404(request, pk)
    summary = distribution_summary(distribution)
    currency = distribution.currency
    titles = report_titles()
    return render_page(
        request,
        "reports/index.html",
        section="organise",
        here=_("Distribution reports"),
        distribution=distribution,
        summary=summary,
        amounts={k: Money(summary[k], currency) for k in ("total", "fee", "due")},
        reports=[(kind, titles[kind]) for kind in KINDS],
    )


@login_required
@require_GET
@in_group_zone
def report(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    require(request.user, "shortcircuit.organise", request.group)
    if kind not in KINDS:
        raise Http404
    distribution = distribution_or_404(request, pk)
    built = report_build(distribution, kind)
    if request.GET.get("format") == "csv":
        return csv_response(built, f"{kind}-{distribution.delivery_date}-{distribution.pk}")
    return render_page(
        request,
        "reports/report.html",
        section="organise",
        here=built.title,
        distribution=distribution,
        report=html_report(built),
        summary_total=[Money(v, distribution.currency) for v in built.summary.get("total", ())],
    )
