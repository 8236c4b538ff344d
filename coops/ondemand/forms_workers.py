"""Forms of the worker and dispatch pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentKind, Vehicle, Worker

DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}


class RegisterForm(forms.Form):
    vehicle = forms.ChoiceField(label=_("How do you get around?"), choices=Vehicle.choices)


class PositionForm(forms.Form):
    """A position typed by hand (or filled in by the page's small script)."""

    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), max_length=300, required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, 5 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        name = (file.name or "").lower()
        if not name.endswith((*DOCUMENT_TYPES.values(), ".jpeg")):
            raise forms.ValidationError(_("Send a PDF, JPEG or PNG file."))
        return file


class DocumentCheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the worker"),
        max_length=300,
        required=False,
        help_text=_("Required when you refuse: say what is missing."),
    )


class AssignForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("Worker"), queryset=Worker.objects.none())

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = (
            Worker.objects.filter(group=group, busy=False)
            .select_related("user")
            .order_by("-is_online", "user__display_name", "id")
        )
        self.fields["worker"].label_from_instance = _worker_label


def _worker_label(worker: Worker) -> str:
    state = _("online") if worker.is_online else _("offline")
    return f"{worker.user.public_name} ({state})"
