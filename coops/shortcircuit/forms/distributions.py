"""Forms of the organiser space (distributions, offers, pickup points, recurrences,
shifts) and of the index's "near me" search. Times are typed in the group's zone (the
views run in it)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from ..models import Recurrence
from ..models.distributions import MAX_HUB_FEE_PERCENT
from ..services.distributions import SlotSpec
from ._common import WEEKDAYS

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


def _time_field(label, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class DistributionForm(forms.Form):
    """A distribution's details and one optional slot per pickup point in use."""

    title = forms.CharField(label=_("Title"), max_length=160)
    opens_at = _datetime_field(_("Orders open at"))
    closes_at = _datetime_field(_("Orders close at"))
    delivery_date = forms.DateField(
        label=_("Delivery date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    hub_fee_percent = forms.DecimalField(
        label=_("Hub fee (%)"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_HUB_FEE_PERCENT)],
    )
    hub_fee_per_item = forms.DecimalField(
        label=_("Hub fee per item"),
        max_digits=8,
        decimal_places=2,
        initial=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    notes = forms.CharField(label=_("Notes for buyers"), required=False, widget=forms.Textarea)

    SERVICE_FIELDS = {"closes_at": "closes_at", "slots": None}

    def __init__(self, *args, points=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.points = list(points)
        for point in self.points:
            self.fields[f"point_{point.pk}"] = forms.BooleanField(label=point.name, required=False)
            self.fields[f"start_{point.pk}"] = _time_field(_("From"), required=False)
            self.fields[f"end_{point.pk}"] = _time_field(_("To"), required=False)

    def point_rows(self) -> list[dict]:
        return [
            {
                "point": p,
                "chosen": self[f"point_{p.pk}"],
                "start": self[f"start_{p.pk}"],
                "end": self[f"end_{p.pk}"],
            }
            for p in self.points
        ]

    def clean(self) -> dict:
        data = super().clean()
        for point in self.points:
            if not data.get(f"point_{point.pk}"):
                continue
            start, end = data.get(f"start_{point.pk}"), data.get(f"end_{point.pk}")
            if start is None or end is None:
                self.add_error(f"start_{point.pk}", _("Give the pickup times."))
            elif end <= start:
                self.add_error(f"end_{point.pk}", _("A pickup slot must end after it starts."))
        return data

    def slot_specs(self) -> list[SlotSpec]:
        data = self.cleaned_data
        return [
            SlotSpec(point, data[f"start_{point.pk}"], data[f"end_{point.pk}"])
            for point in self.points
            if data.get(f"point_{point.pk}")
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        fields = ("title", "opens_at", "closes_at", "delivery_date", "notes")
        return {name: data[name] for name in fields} | {
            "hub_fee_percent": data["hub_fee_percent"],
            "hub_fee_per_item": data["hub_fee_per_item"],
            "slots": self.slot_specs(),
        }


class OffersForm(forms.Form):
    """A checkbox and an optional price per variant of the hub's catalog."""

    def __init__(self, *args, catalog=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.catalog = list(catalog)
        for row in self.catalog:
            variant, offer = row["variant"], row["offer"]
            self.fields[f"offer_{variant.pk}"] = forms.BooleanField(
                label=str(variant), required=False, initial=offer is not None
            )
            self.fields[f"price_{variant.pk}"] = forms.DecimalField(
                label=_("Price"),
                required=False,
                max_digits=10,
                decimal_places=2,
                min_value=Decimal("0"),
                initial=offer.price if offer else variant.price,
            )

    def rows(self) -> list[dict]:
        return [
            row
            | {
                "chosen": self[f"offer_{row['variant'].pk}"],
                "price": self[f"price_{row['variant'].pk}"],
            }
            for row in self.catalog
        ]

    def prices(self) -> dict[int, Decimal | None]:
        data = self.cleaned_data
        return {
            row["variant"].pk: data.get(f"price_{row['variant'].pk}")
            for row in self.catalog
            if data.get(f"offer_{row['variant'].pk}")
        }


class PickupPointForm(forms.Form):
    """A pickup point and its weekly opening slots (a few rows of day, start, end)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=255)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    instructions = forms.CharField(
        label=_("How to find it"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    EXTRA_ROWS = 2
    SERVICE_FIELDS = {"name": "name"}

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        slots = list(slots)
        self.row_count = len(slots) + self.EXTRA_ROWS
        for i in range(self.row_count):
            initial = slots[i] if i < len(slots) else {}
            self.fields[f"weekday_{i}"] = forms.TypedChoiceField(
                label=_("Day"),
                choices=[("", "—"), *WEEKDAYS],
                coerce=int,
                empty_value=None,
                required=False,
                initial=initial.get("weekday"),
            )
            self.fields[f"start_{i}"] = _time_field(_("From"), required=False)
            self.fields[f"end_{i}"] = _time_field(_("To"), required=False)
            self.fields[f"start_{i}"].initial = initial.get("start")
            self.fields[f"end_{i}"].initial = initial.get("end")

    def slot_rows(self) -> list[dict]:
        return [
            {
                "number": i + 1,
                "weekday": self[f"weekday_{i}"],
                "start": self[f"start_{i}"],
                "end": self[f"end_{i}"],
            }
            for i in range(self.row_count)
        ]

    def clean(self) -> dict:
        data = super().clean()
        slots = []
        for i in range(self.row_count):
            weekday, start, end = (data.get(f"{f}_{i}") for f in ("weekday", "start", "end"))
            if weekday is None and start is None and end is None:
                continue
            if weekday is None or start is None or end is None:
                self.add_error(f"weekday_{i}", _("Give the day, the start and the end."))
            elif end <= start:
                self.add_error(f"end_{i}", _("An opening slot must end after it starts."))
            else:
                slots.append(
                    {
                        "weekday": weekday,
                        "start": start.strftime("%H:%M"),
                        "end": end.strftime("%H:%M"),
                    }
                )
        data["opening_slots"] = slots
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        fields = ("name", "address", "postcode", "city", "instructions", "active", "opening_slots")
        return {name: data[name] for name in fields}


class RecurrenceForm(forms.ModelForm):
    class Meta:
        model = Recurrence
        fields = [
            "title",
            "weekday",
            "start_time",
            "end_time",
            "pickup_point",
            "opens_days_before",
            "closes_hours_before",
            "weeks_ahead",
            "hub_fee_percent",
            "hub_fee_per_item",
            "volunteers_needed",
            "starts_on",
            "ends_on",
        ]
        widgets = {
            "weekday": forms.Select(choices=WEEKDAYS),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    SERVICE_FIELDS = {
        "pickup_point": "pickup_point",
        "end_time": "end_time",
        "ends_on": "ends_on",
        "closes_hours_before": "closes_hours_before",
    }

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pickup_point"].queryset = group.pickup_points.filter(active=True)
        self.fields["hub_fee_percent"].validators.append(MaxValueValidator(MAX_HUB_FEE_PERCENT))

    def _post_clean(self) -> None:
        # The service validates the model (with the group it belongs to).
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        return {"pickup_point": data.pop("pickup_point")} | data


class ShiftForm(forms.Form):
    """A shift on the distribution's delivery date."""

    title = forms.CharField(label=_("Task"), max_length=120)
    start = _time_field(_("From"))
    end = _time_field(_("To"))
    needed = forms.IntegerField(label=_("Volunteers needed"), min_value=1, max_value=50, initial=2)

    def service_kwargs(self, day, zone) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "starts_at": datetime.combine(day, data["start"], tzinfo=zone),
            "ends_at": datetime.combine(day, data["end"], tzinfo=zone),
            "needed": data["needed"],
        }


class NearMeForm(forms.Form):
    """Where the visitor is: a town or postcode, or the browser's position."""

    place = forms.CharField(label=_("Town or postcode"), max_length=120, required=False)
    lat = forms.FloatField(min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)
    km = forms.TypedChoiceField(
        label=_("Within"),
        choices=[("", _("any distance")), ("5", "5 km"), ("10", "10 km"), ("25", "25 km")],
        coerce=int,
        empty_value=None,
        required=False,
    )


class ProducerSearchForm(forms.Form):
    q = forms.CharField(label=_("Producer's name"), max_length=120, required=False)
