"""Helpers shared by the assembly pages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from coops.core.permissions import can, require

from ..models import AgendaItem, Assembly


def url(request: HttpRequest, name: str, **kwargs) -> str:
    return reverse(f"groups:governance:{name}", kwargs={"slug": request.group.slug, **kwargs})


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


def render_page(
    request: HttpRequest, template: str, *, http_status: int = 200, **context
) -> HttpResponse:
    """Render in the group's time zone, with what every assembly page needs."""
    group = request.group
    context.update(
        group=group,
        can_organise=can(request.user, "governance.organise", group),
    )
    with timezone.override(ZoneInfo(group.time_zone)):
        return render(request, f"governance/{template}", context, status=http_status)
