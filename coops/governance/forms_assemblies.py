"""Forms of the assembly pages. They parse input (times in the group's time zone); the
services apply the rules and answer with clear messages."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coops.groups.models import MembershipStatus

from .models import OPTION_METHODS, AttendanceStatus, Method

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
MAX_VOTE_MINUTES = 7 * 24 * 60


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time typed in a given time zone (the group's), returned aware."""

    def __init__(self, *, zone: ZoneInfo, **kwargs) -> None:
        kwargs.setdefault(
            "widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT)
        )
        super().__init__(**kwargs)
        self.zone = zone

    def prepare_value(self, value):
        with timezone.override(self.zone):
            return super().prepare_value(value)

    def to_python(self, value):
        with timezone.override(self.zone):
            return super().to_python(value)


def members_of(group):
    """Active members of `group`, by name (for choices)."""
    return (
        get_user_model()
        .objects.filter(memberships__group=group, memberships__status=MembershipStatus.ACTIVE)
        .order_by("display_name", "email", "pk")
    )


class _MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.public_name


class AssemblyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    starts_at = forms.DateTimeField(label=_("Starts at"))  # replaced in __init__
    ends_at = forms.DateTimeField(label=_("Ends at"))
    place = forms.CharField(
        label=_("Place"),
        max_length=255,
        required=False,
        help_text=_("The address of the meeting room. Give a place, an online link or both."),
    )
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("The video call link, if members can join online."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    quorum_percent = forms.IntegerField(
        label=_("Quorum (%)"),
        min_value=0,
        max_value=100,
        initial=0,
        help_text=_("Share of the members who must be present or represented. 0: no quorum."),
    )

    def __init__(self, *args, group, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zone = ZoneInfo(group.time_zone)
        hint = _("In the group's time zone (%(zone)s).") % {"zone": group.time_zone}
        self.fields["starts_at"] = ZonedDateTimeField(
            zone=zone, label=_("Starts at"), help_text=hint
        )
        self.fields["ends_at"] = ZonedDateTimeField(zone=zone, label=_("Ends at"), help_text=hint)
        self.order_fields(["title", "starts_at", "ends_at", "place", "online_url"])

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The assembly must end after it starts."))
        if not data.get("place") and not data.get("online_url") and "online_url" not in self.errors:
            self.add_error("place", _("Give a place, an online link, or both."))
        return data

    @staticmethod
    def initial_from(assembly) -> dict:
        return {
            name: getattr(assembly, name)
            for name in (
                "title",
                "starts_at",
                "ends_at",
                "place",
                "online_url",
                "description",
                "quorum_percent",
            )
        }


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=160)
    description = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you would like the assembly to discuss or decide."),
    )


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(label=_("Attendance"), choices=AttendanceStatus.choices)
    proxy_holder = _MemberChoice(
        label=_("Represented by"),
        queryset=None,
        required=False,
        empty_label=_("(the holder of their proxy)"),
    )

    def __init__(self, *args, group, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proxy_holder"].queryset = members_of(group)


class SpeakerAddForm(forms.Form):
    user = _MemberChoice(label=_("Member"), queryset=None)

    def __init__(self, *args, group, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members_of(group)


class ItemRecordForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes for the minutes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was decided or agreed on this item."),
    )
    discussed = forms.BooleanField(label=_("This item has been dealt with"), required=False)


class MinutesNotesForm(forms.Form):
    notes = forms.CharField(
        label=_("General notes"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class OpenVoteForm(forms.Form):
    title = forms.CharField(label=_("Question put to the vote"), max_length=200)
    body = forms.CharField(
        label=_("Text of the proposal"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    method = forms.ChoiceField(label=_("Decision method"), choices=Method.choices)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, for the methods that choose between options."),
    )
    minutes = forms.IntegerField(
        label=_("Voting time (minutes)"), min_value=1, max_value=MAX_VOTE_MINUTES, initial=15
    )
    secret = forms.BooleanField(label=_("Secret ballot"), required=False)

    def clean(self):
        data = super().clean()
        options = [line.strip() for line in data.get("options", "").splitlines() if line.strip()]
        if data.get("method") in OPTION_METHODS and len(options) < 2:
            self.add_error("options", _("Give at least two options, one per line."))
        data["options"] = options
        return data

    def proposal_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "body": d["body"],
            "method": d["method"],
            "options": d["options"] if d["method"] in OPTION_METHODS else (),
            "closes_at": timezone.now() + timedelta(minutes=d["minutes"]),
            "secret": d["secret"],
        }
