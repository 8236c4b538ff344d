"""Forms of the charter pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CharterVersion, Commitment
from .selectors import CategoryGroup


class SignForm(forms.Form):
    """One checkbox per commitment of `version`, grouped by category for the template.

    Each box carries the HTML `required` attribute; the server-side rule that every one
    is ticked belongs to `charter_sign`, which names the missing ones.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, version: CharterVersion, groups: list[CategoryGroup], **kwargs):
        super().__init__(*args, initial={"version": version.number}, **kwargs)
        self.charter_version = version
        self.groups = []
        for group in groups:
            names = []
            for commitment in group.commitments:
                name = self.field_name(commitment)
                self.fields[name] = forms.BooleanField(
                    label=commitment.title,
                    help_text=commitment.explanation,
                    required=False,
                    widget=forms.CheckboxInput(attrs={"required": True}),
                )
                names.append(name)
            self.groups.append((group, [self[name] for name in names]))

    @staticmethod
    def field_name(commitment: Commitment) -> str:
        return f"commitment_{commitment.pk}"

    def clean_version(self) -> int:
        number = self.cleaned_data["version"]
        if number != self.charter_version.number:
            raise forms.ValidationError(
                _(
                    "A new version of the charter was published while you were reading. "
                    "Read it below, then sign it."
                ),
                code="stale",
            )
        return number

    def accepted_ids(self) -> list[int]:
        return [
            commitment.pk
            for group, _fields in self.groups
            for commitment in group.commitments
            if self.cleaned_data.get(self.field_name(commitment))
        ]

    def mark_missing(self, missing: list[Commitment]) -> None:
        for commitment in missing:
            self.add_error(self.field_name(commitment), _("Tick this commitment to sign."))
