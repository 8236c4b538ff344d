"""Helpers shared by the assembly pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from coops.core.permissions import require

from ..models import AgendaItem, Assembly


def assembly_or_404(request: HttpRequest, pk: int, action: str = "governance.view") -> Assembly:
    """Check the rule on the group, then return its assembly `pk` (404 if not the group's)."""
    require(request.user, action, request.group)
    assembly = get_object_or_404(
        Assembly.objects.select_related("organiser"), pk=pk, group=request.group
    )
    assembly.group = request.group
    return assembly


def item_or_404(request: HttpRequest, assembly: Assembly, pk: int) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.select_related("proposal"), pk=pk, assembly=assembly
    )
    item.assembly = assembly
    return item


def form_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def refuse(request: HttpRequest, exc: ValidationError, to: str) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return redirect(to)
