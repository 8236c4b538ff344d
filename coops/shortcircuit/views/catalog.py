"""The producer space (/circuits/): the producers I manage, a producer's catalog, a
product with its variants, stock counts, and catalog files (CSV and DFC JSON-LD) to
download or to import after a preview.

Only the producer actor's owners manage it (rule "shortcircuit.produce"); staff get
no special access here."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import require

from .. import catalog_csv, dfc
from ..forms.catalog import (
    ImportConfirmForm,
    ImportUploadForm,
    ProductForm,
    SearchForm,
    StockForm,
    VariantFormSet,
)
from ..selectors import catalog as selectors
from ..services.catalog import ImportReport, product_remove, product_save, variant_set_stock

IMPORTERS = {
    "csv": (catalog_csv.catalog_csv_import, ".csv,text/csv"),
    "dfc": (dfc.dfc_import, ".json,.jsonld,application/json,application/ld+json"),
}


def _producer(request: HttpRequest, pk: int):
    """The producer actor `pk`, once the user is known to manage it (403 otherwise)."""
    producer = selectors.producer_get(pk=pk)
    if producer is None:
        raise Http404
    require(request.user, "shortcircuit.produce", producer)
    return producer


def _catalog_url(producer) -> str:
    return reverse("producer:catalog", kwargs={"producer": producer.pk})


def _page(request: HttpRequest, template: str, *, status: int = 200, **context) -> HttpResponse:
    return render(request, f"shortcircuit/catalog/{template}", context, status=status)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _page(request, "home.html", producers=selectors.producers_managed(user=request.user))


@login_required
@require_GET
def catalog(request: HttpRequest, producer: int) -> HttpResponse:
    producer = _producer(request, producer)
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = selectors.catalog_page(producer=producer, query=query, page=request.GET.get("page"))
    return _page(request, "catalog.html", producer=producer, form=form, query=query, page=page)


def _product_page(request, producer, product, form, formset, status=200) -> HttpResponse:
    return _page(
        request,
        "product_form.html",
        status=status,
        producer=producer,
        product=product,
        form=form,
        formset=formset,
    )


def _product_edit(request: HttpRequest, producer, product) -> HttpResponse:
    if request.method != "POST":
        form = ProductForm(instance=product)
        formset = VariantFormSet(instance=product or None, prefix="variants")
        return _product_page(request, producer, product, form, formset)
    form = ProductForm(request.POST, request.FILES, instance=product)
    formset = VariantFormSet(request.POST, instance=product or None, prefix="variants")
    if form.is_valid() and formset.is_valid():
        rows, removed = formset.service_rows()
        try:
            saved = product_save(
                producer=producer,
                product=product,
                fields=form.service_fields(),
                labels=form.cleaned_data["labels"],
                variants=rows,
                removed=removed,
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, ValidationError(exc.messages))
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
            return redirect(_catalog_url(producer))
    return _product_page(request, producer, product, form, formset, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest, producer: int) -> HttpResponse:
    return _product_edit(request, _producer(request, producer), None)


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, producer: int, product: int) -> HttpResponse:
    producer = _producer(request, producer)
    found = selectors.product_get(producer=producer, pk=product)
    if found is None:
        raise Http404
    return _product_edit(request, producer, found)


@login_required
@require_POST
def product_delete(request: HttpRequest, producer: int, product: int) -> HttpResponse:
    producer = _producer(request, producer)
    found = selectors.product_get(producer=producer, pk=product)
    if found is None:
        raise Http404
    if product_remove(product=found, acting_user=request.user):
        messages.success(request, _("“%(name)s” is deleted.") % {"name": found.name})
    else:
        messages.success(
            request,
            _("“%(name)s” has been sold or offered already: it is taken off sale instead.")
            % {"name": found.name},
        )
    return redirect(_catalog_url(producer))


@login_required
@require_POST
def variant_stock(request: HttpRequest, producer: int, variant: int) -> HttpResponse:
    producer = _producer(request, producer)
    found = selectors.variant_get(producer=producer, pk=variant)
    if found is None:
        raise Http404
    form = StockForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(_catalog_url(producer))
    try:
        variant_set_stock(variant=found, stock=form.cleaned_data["stock"], acting_user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The stock of “%(name)s” is updated.") % {"name": str(found)})
    return redirect(_catalog_url(producer))


def _filename(producer, extension: str) -> str:
    return f"{slugify(producer.name) or 'catalogue'}-catalogue.{extension}"


@login_required
@require_GET
def csv_export(request: HttpRequest, producer: int) -> HttpResponse:
    producer = _producer(request, producer)
    response = HttpResponse(
        catalog_csv.catalog_csv_export(producer), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(producer, "csv")}"'
    return response


@login_required
@require_GET
def dfc_export(request: HttpRequest, producer: int) -> HttpResponse:
    producer = _producer(request, producer)
    document = dfc.dfc_export(producer)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(producer, "jsonld")}"'
    return response


def _run_import(kind: str, producer, data: bytes, user, *, dry_run: bool) -> ImportReport:
    importer = IMPORTERS[kind][0]
    return importer(producer=producer, data=data, acting_user=user, dry_run=dry_run)


def _import_page(request, kind: str, producer, **context: Any) -> HttpResponse:
    status = 400 if context.get("report") and context["report"].errors else 200
    context.setdefault("upload", ImportUploadForm())
    return _page(
        request,
        "import.html",
        status=status,
        kind=kind,
        accept=IMPORTERS[kind][1],
        producer=producer,
        **context,
    )


def _import(request: HttpRequest, producer: int, kind: str) -> HttpResponse:
    producer = _producer(request, producer)
    if request.method != "POST":
        return _import_page(request, kind, producer)
    if "content" in request.POST:  # the confirmed preview
        confirm = ImportConfirmForm(request.POST)
        if not confirm.is_valid():
            return _import_page(request, kind, producer, confirm_errors=confirm.errors)
        report = _run_import(
            kind, producer, confirm.cleaned_data["content"], request.user, dry_run=False
        )
        if report.applied:
            messages.success(
                request,
                _(
                    "Catalog imported: %(created)s new, %(updated)s updated, "
                    "%(unchanged)s unchanged."
                )
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                },
            )
            return redirect(_catalog_url(producer))
        return _import_page(request, kind, producer, report=report)
    upload = ImportUploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _import_page(request, kind, producer, upload=upload)
    data = upload.cleaned_data["file"]
    report = _run_import(kind, producer, data, request.user, dry_run=True)
    confirm = ImportConfirmForm(initial={"content": base64.b64encode(data).decode("ascii")})
    return _import_page(request, kind, producer, report=report, confirm=confirm)


@login_required
@require_http_methods(["GET", "POST"])
def csv_import(request: HttpRequest, producer: int) -> HttpResponse:
    return _import(request, producer, "csv")


@login_required
@require_http_methods(["GET", "POST"])
def dfc_import(request: HttpRequest, producer: int) -> HttpResponse:
    return _import(request, producer, "dfc")
