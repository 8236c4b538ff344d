"""Forms of the job pages. They parse input; `services.jobs` checks it (addresses,
time window, items…) and `JobRequestForm.add_service_error` shows each refusal beside
its field. Times are typed in the federation's time zone (the views activate it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coops.core.geo import GeoError, Point

from .models import JobKind

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _when(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(format=DATETIME_FORMAT, attrs={"type": "datetime-local"}),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )


def _coordinate(low: float, high: float) -> forms.FloatField:
    return forms.FloatField(required=False, min_value=low, max_value=high, widget=forms.HiddenInput)


def default_window() -> dict[str, Any]:
    """From the next quarter of an hour, for an hour (in the active time zone)."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    start = now + timedelta(minutes=15 - now.minute % 15)
    return {"window_start": start, "window_end": start + timedelta(hours=1)}


class JobRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you need?"),
        choices=JobKind.choices,
        initial=JobKind.DELIVERY,
        widget=forms.RadioSelect,
    )
    pickup_address = forms.CharField(
        label=_("Pickup address"),
        max_length=255,
        required=False,
        help_text=_("Street, postcode and town; for a service, where it takes place."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    pickup_lat = _coordinate(-90, 90)
    pickup_lon = _coordinate(-180, 180)
    dropoff_address = forms.CharField(
        label=_("Drop-off address"),
        max_length=255,
        required=False,
        help_text=_("Not needed for a service at one address."),
    )
    dropoff_lat = _coordinate(-90, 90)
    dropoff_lon = _coordinate(-180, 180)
    window_start = _when(_("From"))
    window_end = _when(_("Until"))
    items = forms.IntegerField(
        label=_("Items or passengers"),
        initial=1,
        widget=forms.NumberInput(attrs={"min": 1, "max": 99}),
    )
    service_minutes = forms.IntegerField(
        label=_("Service time (minutes)"),
        required=False,
        help_text=_("For a service: your estimate of the time it takes."),
        widget=forms.NumberInput(attrs={"min": 1, "max": 720}),
    )
    notes = forms.CharField(
        label=_("Notes for the worker"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The price the customer saw, so a confirmation never charges another one.
    quoted_price = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def _point(self, prefix: str) -> Point | None:
        lat = self.cleaned_data.get(f"{prefix}_lat")
        lon = self.cleaned_data.get(f"{prefix}_lon")
        if lat is None or lon is None:
            return None
        try:
            return Point(lat, lon)
        except GeoError:
            return None

    def quote_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "pickup_address": data.get("pickup_address", ""),
            "pickup_point": self._point("pickup"),
            "dropoff_address": data.get("dropoff_address", ""),
            "dropoff_point": self._point("dropoff"),
            "window_start": data["window_start"],
            "window_end": data["window_end"],
            "items": data["items"],
            "service_minutes": data.get("service_minutes"),
        }

    def service_kwargs(self) -> dict[str, Any]:
        return {**self.quote_kwargs(), "notes": self.cleaned_data.get("notes", "")}

    def add_service_error(self, error: ValidationError) -> None:
        """Put each message of the service's refusal beside its field."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Needed when a worker or a dispatcher cancels."),
    )
