"""Forms of the carpool pages: the search, a ride offer, a booking. Places are typed as a
town or a postcode (geocoded) or given as coordinates."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MAX_SEATS, MAX_WAYPOINTS, Weekday
from .places import Place, place_resolve, same_place
from .selectors import SearchQuery
from .services import currency_choices

MARGINS = [
    (30, gettext_lazy("± 30 minutes")),
    (60, gettext_lazy("± 1 hour")),
    (120, gettext_lazy("± 2 hours")),
    (180, gettext_lazy("± 3 hours")),
]
DRIVER_MARGINS = [
    (0, gettext_lazy("On the dot")),
    (15, gettext_lazy("± 15 minutes")),
    (30, gettext_lazy("± 30 minutes")),
    (60, gettext_lazy("± 1 hour")),
]
SEATS_MESSAGES = {
    "min_value": gettext_lazy("Ask for at least one seat."),
    "max_value": gettext_lazy("At most %(limit_value)s seats."),
}


def _coordinate(label, low: int, high: int) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


def add_service_error(form: forms.Form, exc: ValidationError, fields: dict[str, str]) -> None:
    """Show a service's refusal next to the field it concerns (by its code), or on top."""
    for error in exc.error_list if hasattr(exc, "error_list") else [exc]:
        field = fields.get(error.code or "")
        form.add_error(field if field in form.fields else None, error.messages)


class PlacesMixin:
    """Each place is a text field plus optional latitude and longitude fields, resolved
    to a `Place` in cleaned_data["<name>_place"]."""

    places: tuple[str, ...] = ()

    def _resolve_places(self, data: dict) -> None:
        for name in self.places:
            if name in self.errors:
                continue
            try:
                data[f"{name}_place"] = place_resolve(
                    data.get(name, ""), data.get(f"{name}_lat"), data.get(f"{name}_lon")
                )
            except ValidationError as exc:
                self.add_error(name, exc)
        origin, destination = (
            data.get(f"{self.places[0]}_place"),
            data.get(f"{self.places[1]}_place"),
        )
        if origin and destination and same_place(origin, destination):
            self.add_error(self.places[1], _("The start and the end are the same place."))


class SearchForm(PlacesMixin, forms.Form):
    places = ("origin", "destination")

    origin = forms.CharField(label=gettext_lazy("From"), max_length=200, required=False)
    origin_lat = _coordinate(gettext_lazy("Latitude"), -90, 90)
    origin_lon = _coordinate(gettext_lazy("Longitude"), -180, 180)
    destination = forms.CharField(label=gettext_lazy("To"), max_length=200, required=False)
    destination_lat = _coordinate(gettext_lazy("Latitude"), -90, 90)
    destination_lon = _coordinate(gettext_lazy("Longitude"), -180, 180)
    day = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    at = forms.TimeField(
        label=gettext_lazy("Time"),
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        help_text=gettext_lazy("Leave empty for any time of the day."),
    )
    margin = forms.TypedChoiceField(
        label=gettext_lazy("Flexibility"), choices=MARGINS, coerce=int, initial=60
    )
    seats = forms.IntegerField(
        label=gettext_lazy("Seats"),
        min_value=1,
        max_value=MAX_SEATS,
        initial=1,
        error_messages=SEATS_MESSAGES,
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = group.zone
        self.fields["day"].initial = timezone.localdate(timezone=self.zone)

    def clean(self):
        data = super().clean()
        self._resolve_places(data)
        day, at = data.get("day"), data.get("at")
        today = timezone.localdate(timezone=self.zone)
        if day is not None and day < today:
            self.add_error("day", _("This date is in the past."))
        elif day == today and at is not None and data.get("margin") is not None:
            latest = datetime.combine(day, at, tzinfo=self.zone) + timedelta(minutes=data["margin"])
            if latest < timezone.now():
                self.add_error("at", _("This time has passed."))
        return data

    def query(self) -> SearchQuery:
        data = self.cleaned_data
        return SearchQuery(
            origin=data["origin_place"],
            destination=data["destination_place"],
            day=data["day"],
            at=data.get("at"),
            margin_minutes=data["margin"],
            seats=data["seats"],
        )


class RideForm(PlacesMixin, forms.Form):
    places = ("origin", "destination")
    SERVICE_FIELDS = {
        "same_place": "destination",
        "waypoints": "waypoints",
        "seats": "seats",
        "margin": "margin_minutes",
        "schedule": "departure_date",
        "past": "departure_date",
        "validity": "valid_until",
        "currency": "currency",
        "contribution": "contribution_per_km",
        "solidarity": "contribution_per_km",
        "duration": "destination",
    }

    origin = forms.CharField(label=gettext_lazy("From"), max_length=200, required=False)
    origin_lat = _coordinate(gettext_lazy("Latitude"), -90, 90)
    origin_lon = _coordinate(gettext_lazy("Longitude"), -180, 180)
    destination = forms.CharField(label=gettext_lazy("To"), max_length=200, required=False)
    destination_lat = _coordinate(gettext_lazy("Latitude"), -90, 90)
    destination_lon = _coordinate(gettext_lazy("Longitude"), -180, 180)
    waypoints = forms.CharField(
        label=gettext_lazy("Via (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One place per line, in driving order: a town, a postcode or “latitude, longitude”."
        ),
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("How often"),
        choices=[("once", gettext_lazy("Once")), ("regular", gettext_lazy("Every week"))],
        widget=forms.RadioSelect,
        initial="once",
    )
    departure_date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=gettext_lazy("For a ride once."),
    )
    departure_time = forms.TimeField(
        label=gettext_lazy("Departure time"),
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Weekdays"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("For a ride every week."),
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Until (optional)"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=gettext_lazy("The last day of a ride every week."),
    )
    margin_minutes = forms.TypedChoiceField(
        label=gettext_lazy("Flexibility"), choices=DRIVER_MARGINS, coerce=int, initial=15
    )
    seats = forms.IntegerField(
        label=gettext_lazy("Seats offered"),
        min_value=1,
        max_value=MAX_SEATS,
        initial=3,
        error_messages={
            "min_value": gettext_lazy("Offer at least one seat."),
            "max_value": gettext_lazy("At most %(limit_value)s seats."),
        },
    )
    solidarity = forms.BooleanField(
        label=gettext_lazy("Solidarity ride: free, for people without a car"), required=False
    )
    contribution_per_km = forms.DecimalField(
        label=gettext_lazy("Contribution per km and seat"),
        max_digits=8,
        decimal_places=4,
        min_value=Decimal(0),
        initial=Decimal("0.08"),
        required=False,
        localize=True,
        help_text=gettext_lazy("Shares the costs of the trip. At most 0,20 € per km."),
    )
    currency = forms.ChoiceField(label=gettext_lazy("Currency"))
    notes = forms.CharField(
        label=gettext_lazy("Notes for passengers (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = group.zone
        self.fields["currency"].choices = [
            (code, _("Euros") if code == "EUR" else code) for code in currency_choices(group)
        ]
        self.fields["currency"].initial = "EUR"

    def _clean_waypoints(self, text: str) -> list[Place]:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) > MAX_WAYPOINTS:
            raise ValidationError(_("At most %(max)s places on the way.") % {"max": MAX_WAYPOINTS})
        found = []
        for line in lines:
            lat, lon = _coordinates(line)
            found.append(place_resolve("" if lat is not None else line, lat, lon))
        return found

    def clean(self):
        data = super().clean()
        self._resolve_places(data)
        try:
            data["waypoint_places"] = self._clean_waypoints(data.get("waypoints", ""))
        except ValidationError as exc:
            self.add_error("waypoints", exc)
        if data.get("frequency") == "regular":
            if not data.get("weekdays"):
                self.add_error("weekdays", _("Choose at least one weekday."))
        elif data.get("frequency") == "once" and not data.get("departure_date"):
            self.add_error("departure_date", _("Give the date of the ride."))
        if data.get("solidarity") or data.get("contribution_per_km") is None:
            data["contribution_per_km"] = Decimal(0)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        regular = data["frequency"] == "regular"
        departure_at = None
        if not regular:
            departure_at = datetime.combine(
                data["departure_date"], data["departure_time"], tzinfo=self.zone
            )
        return {
            "origin": data["origin_place"],
            "destination": data["destination_place"],
            "waypoints": data["waypoint_places"],
            "departure_at": departure_at,
            "weekdays": data["weekdays"] if regular else (),
            "departure_time": data["departure_time"] if regular else None,
            "valid_until": data.get("valid_until") if regular else None,
            "margin_minutes": data["margin_minutes"],
            "seats": data["seats"],
            "contribution_per_km": data["contribution_per_km"],
            "currency": data["currency"],
            "solidarity": data["solidarity"],
            "notes": data["notes"],
        }


def _coordinates(line: str) -> tuple[float | None, float | None]:
    """(lat, lon) when the line is "50.63, 3.06", else (None, None)."""
    parts = [p.strip() for p in line.replace(";", ",").split(",")]
    if len(parts) != 2:
        return None, None
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        return None, None


class BookingForm(forms.Form):
    SERVICE_FIELDS = {"seats": "seats", "full": "seats", "date": "day"}

    seats = forms.IntegerField(
        label=gettext_lazy("Seats"),
        min_value=1,
        max_value=MAX_SEATS,
        initial=1,
        error_messages=SEATS_MESSAGES,
    )
    day = forms.DateField(label=gettext_lazy("Date"), required=False, widget=forms.HiddenInput)
    pickup = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    pickup_lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    pickup_lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    dropoff = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    dropoff_lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    dropoff_lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    message = forms.CharField(
        label=gettext_lazy("Message to the driver (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        for name in ("pickup", "dropoff"):
            lat, lon = data.get(f"{name}_lat"), data.get(f"{name}_lon")
            data[f"{name}_place"] = None
            if lat is None and lon is None:
                continue
            try:
                data[f"{name}_place"] = place_resolve(data.get(name, ""), lat, lon)
            except ValidationError as exc:
                self.add_error(None, exc)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "seats": data["seats"],
            "day": data.get("day"),
            "pickup": data.get("pickup_place"),
            "dropoff": data.get("dropoff_place"),
            "message": data.get("message", ""),
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500)
