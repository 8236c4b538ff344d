"""What the short-circuit forms share: weekday choices and showing a service's refusal."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS as _DAYS

WEEKDAYS = list(_DAYS.items())  # (0, "Monday") … (6, "Sunday"), as date.weekday()


def add_service_error(
    form: forms.Form, exc: ValidationError, fields: dict[str, str] | None = None
) -> None:
    """Show a service's refusal next to the field it concerns — a model's field errors by
    name, other errors by their code mapped through `fields` — or on top of the form."""
    fields = fields or {}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    for error in exc.error_list:
        field = fields.get(error.code or "", error.code or "")
        form.add_error(field if field in form.fields else None, error.messages)
