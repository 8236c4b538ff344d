"""Helpers shared by the currency pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.urls import reverse

from coops.core.permissions import can, require

from .. import selectors
from ..models import Currency


def _url(request: HttpRequest, name: str, **kwargs) -> str:
    return reverse(f"groups:currency:{name}", kwargs={"slug": request.group.slug, **kwargs})


def _currency(request: HttpRequest, action: str = "currency.use") -> Currency:
    """Check the rule, then return the group's currency (404 before it exists)."""
    require(request.user, action, request.group)
    currency = selectors.currency_of(request.group)
    if currency is None:
        raise Http404
    return currency


def _form_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _render(request: HttpRequest, template: str, currency: Currency | None, **context):
    context.update(
        group=request.group,
        currency=currency,
        can_manage=can(request.user, "currency.manage", request.group),
    )
    return render(request, f"currency/{template}", context)
