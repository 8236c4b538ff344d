"""Directory pages: imports of open data, for moderators (rule "directory.import").

The list of jobs, the upload, and one page per job: the field mapping and its dry run,
the confirmation, a progress bar polled by htmx every 2 s while the task worker runs
it, the results and the problems found row by row (also as a CSV download).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import require

from ..import_forms import ImportMappingForm, ImportUploadForm
from ..models import ImportJob, ImportStatus
from ..services import imports as services
from ..services.imports.mapping import FIELDS

JOBS_PER_PAGE = 20
ERRORS_PER_PAGE = 50
POLL_STATES = (ImportStatus.QUEUED, ImportStatus.RUNNING)
_CSV_ESCAPED_START = ("=", "+", "-", "@", "\t", "\r", "'")


def _moderators_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in moderators only: anonymous visitors go to the login page, other
    people get a 403 with the rule's message."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require(request.user, "directory.import")
        return view(request, *args, **kwargs)

    return wrapped


def _job(pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)


def _detail_url(job: ImportJob, anchor: str = "") -> str:
    url = reverse("directory:import_detail", kwargs={"pk": job.pk})
    return f"{url}#{anchor}" if anchor else url


@require_GET
@_moderators_only
def import_list(request: HttpRequest) -> HttpResponse:
    jobs = ImportJob.objects.select_related("created_by").order_by("-created_at", "-id")
    page = Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "directory/imports/list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@_moderators_only
def import_new(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.import_job_create(
                acting_user=request.user,
                upload=data["file"],
                source=data["source"],
                format=data["format"],
                status_on_import=data["status_on_import"],
                licence=data["licence"],
                taxonomy=data.get("taxonomy"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("File read: check the mapping, then run a dry run."))
            return redirect(_detail_url(job))
    return render(request, "directory/imports/new.html", {"form": form})


def _outcome_labels() -> dict[str, str]:
    return {
        services.Outcome.NEW: _("New entry"),
        services.Outcome.UPDATED: _("Updated entry"),
        services.Outcome.UNCHANGED: _("Unchanged entry"),
        services.Outcome.DUPLICATE: _("Duplicate: left out"),
    }


def _sample_row(row: dict[str, Any]) -> dict[str, Any]:
    contacts = [row.get(key, "") for key in ("email", "telephone", "website")]
    return {
        **row,
        "outcome_label": _outcome_labels().get(row.get("outcome", ""), ""),
        "contacts": [contact for contact in contacts if contact],
    }


def _field_label(name: str) -> str:
    """The name people know a field by ("siret" → "SIRET", "sectors" → "Sectors")."""
    spec = next((spec for spec in FIELDS if spec.name == name), None)
    return capfirst(str(spec.label)) if spec else name


def _detail_context(request: HttpRequest, job: ImportJob, **extra: Any) -> dict[str, Any]:
    errors = Paginator(services.error_rows(job), ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    for error in errors:
        error.field_label = _field_label(error.field)
    mappable = job.status in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED)
    context = {
        "job": job,
        "mapping_form": ImportMappingForm(job=job) if mappable else None,
        "mapping_open": job.status == ImportStatus.UPLOADED,
        "preview_counts": job.preview.get("counts", {}),
        "sample": [_sample_row(row) for row in job.preview.get("sample", [])],
        "errors": errors,
        "polling": job.status in POLL_STATES,
        "can_run": services.can_move(job.status, ImportStatus.QUEUED),
        "can_cancel": services.can_move(job.status, ImportStatus.CANCELLED),
        "finished": job.status in (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED),
        "not_utf8": job.encoding not in ("", "utf-8"),
    }
    context.update(extra)
    return context


@require_GET
@_moderators_only
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(pk)
    return render(request, "directory/imports/detail.html", _detail_context(request, job))


@require_POST
@_moderators_only
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(pk)
    form = ImportMappingForm(request.POST, job=job)
    if form.is_valid():
        try:
            services.import_job_preview(job=job, acting_user=request.user, mapping=form.mapping())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Dry run done: nothing was written yet."))
            return redirect(_detail_url(job, "preview"))
    context = _detail_context(request, job, mapping_form=form, mapping_open=True)
    return render(request, "directory/imports/detail.html", context, status=400)


def _act(
    request: HttpRequest, pk: int, action: Callable[..., ImportJob], done: str
) -> HttpResponse:
    job = _job(pk)
    try:
        action(job=job, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(_detail_url(job))


@require_POST
@_moderators_only
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("The import is queued: this page shows its progress.")
    return _act(request, pk, services.import_job_queue, done)


@require_POST
@_moderators_only
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.import_job_cancel, _("The import is cancelled."))


@require_GET
@_moderators_only
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone, polled by htmx; once the job is over, htmx reloads the
    page to show the results."""
    job = _job(pk)
    response = render(
        request,
        "directory/imports/_progress.html",
        {"job": job, "polling": job.status in POLL_STATES},
    )
    if job.status not in POLL_STATES and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


def _cell(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text.startswith(_CSV_ESCAPED_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@_moderators_only
def import_errors_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The problems found, one line each: UTF-8 with a BOM and ";" for spreadsheets."""
    job = _job(pk)
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    header = [_("Row"), _("Identifier at the source"), _("Field"), _("Value"), _("Problem")]
    lines = ["\ufeff" + writer.writerow(header)]
    for error in services.error_rows(job).iterator():
        field = _field_label(error.field)
        cells = [error.row_number, error.source_id, field, error.value, error.message]
        lines.append(writer.writerow([_cell(cell) for cell in cells]))
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    name = slugify(job.source) or "import"
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-{name}-errors.csv"'
    return response


urlpatterns = [
    path("imports/", import_list, name="imports"),
    path("imports/nouveau/", import_new, name="import_new"),
    path("imports/<int:pk>/", import_detail, name="import_detail"),
    path("imports/<int:pk>/essai/", import_preview, name="import_preview"),
    path("imports/<int:pk>/lancer/", import_run, name="import_run"),
    path("imports/<int:pk>/annuler/", import_cancel, name="import_cancel"),
    path("imports/<int:pk>/progression/", import_progress, name="import_progress"),
    path("imports/<int:pk>/erreurs.csv", import_errors_csv, name="import_errors"),
]
