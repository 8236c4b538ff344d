"""Forms for group pages. They parse input; the services validate the rules."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import Group, GroupKind, JoinPolicy, Role, Visibility
from .modules import all_modules

# Europe/Paris first, then the zones a French-speaking network most often needs.
COMMON_TIME_ZONES = (
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Luxembourg",
    "Europe/Zurich",
    "Europe/Monaco",
    "America/Guadeloupe",
    "America/Martinique",
    "America/Cayenne",
    "America/Miquelon",
    "Indian/Reunion",
    "Indian/Mayotte",
    "Pacific/Noumea",
    "Pacific/Tahiti",
    "Pacific/Wallis",
    "America/Montreal",
    "Africa/Dakar",
    "Africa/Abidjan",
    "Africa/Casablanca",
    "Africa/Tunis",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Berlin",
    "Europe/Rome",
    "UTC",
)


def time_zone_choices(current: str | None = None) -> list[tuple[str, str]]:
    zones = list(COMMON_TIME_ZONES)
    if current and current not in zones and current in zoneinfo.available_timezones():
        zones.insert(1, current)
    return [(z, z.replace("_", " ")) for z in zones]


def role_choices(*, can_grant_admin: bool) -> list[tuple[str, str]]:
    return [(v, label) for v, label in Role.choices if can_grant_admin or v != Role.ADMIN]


class GroupFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or city"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *GroupKind.choices]
    )


class _GroupFieldsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the group does, who it is for, how to take part."),
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    join_policy = forms.ChoiceField(label=_("Joining"), choices=JoinPolicy.choices)
    time_zone = forms.ChoiceField(label=_("Time zone"))
    city = forms.CharField(label=_("City"), required=False, max_length=120)

    def __init__(self, *args, current_time_zone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(current_time_zone)


class GroupCreateForm(_GroupFieldsForm):
    field_order = ["name", "slug", "kind"]

    slug = forms.SlugField(
        label=_("Short name in URLs"),
        required=False,
        max_length=80,
        help_text=_("Letters, digits and hyphens. Left empty, it is made from the name."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = settings.COOPS_DEFAULT_TIME_ZONE
        self.fields["join_policy"].initial = JoinPolicy.REQUEST

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug and Group.objects.filter(slug=slug).exists():
            raise ValidationError(_("Another group already uses this short name."))
        return slug

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("slug") and data.get("name"):
            data["slug"] = unique_slug(data["name"])
            if not data["slug"]:
                self.add_error("slug", _("Choose a short name made of letters and digits."))
        return data


def unique_slug(name: str) -> str:
    base = slugify(name)[:72]
    if not base:
        return ""
    slug, n = base, 2
    while Group.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class GroupSettingsForm(_GroupFieldsForm):
    modules = forms.MultipleChoiceField(
        label=_("Modules"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The tools this group uses."),
    )

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, current_time_zone=group.time_zone, **kwargs)
        self.fields["modules"].choices = [
            (m.name, m.label) for m in all_modules() if not m.kinds or group.kind in m.kinds
        ]


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the organisers"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: say who you are and why you want to join."),
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional, sent to the person)"), required=False, max_length=500
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, can_grant_admin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(can_grant_admin=can_grant_admin)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), initial=Role.MEMBER)

    def __init__(self, *args, can_grant_admin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(can_grant_admin=can_grant_admin)
