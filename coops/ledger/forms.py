"""Forms for the ledger pages. They parse input; `providers.payment_record` and the
services validate the rules (cheque number and bank, transfer reference…)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import PaymentMethod


def _date_input() -> forms.DateInput:
    """A native date picker: its value is always ISO (YYYY-MM-DD), whatever the language."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PaymentForm(forms.Form):
    """A payment an organiser received by hand. `member` is chosen among the group's
    active members (the view passes them as `members`)."""

    member = forms.ModelChoiceField(label=_("Member"), queryset=None)
    amount = forms.DecimalField(
        label=_("Amount (€)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    cheque_number = forms.CharField(
        label=_("Cheque number"),
        max_length=30,
        required=False,
        help_text=_("For a cheque: its number and the bank it is drawn on are both required."),
    )
    cheque_bank = forms.CharField(
        label=_("Bank"),
        max_length=80,
        required=False,
        help_text=_("For a cheque: the bank it is drawn on."),
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=120,
        required=False,
        help_text=_(
            "Required for a bank transfer (its reference); for a card, the terminal's "
            "receipt number."
        ),
    )
    received_on = forms.DateField(label=_("Received on"), widget=_date_input())
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    # Drawn when the form is shown: submitting the same form twice records one payment.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, members, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda user: user.public_name
        zone = ZoneInfo(group.time_zone) if group is not None else None
        self.today = timezone.localdate(timezone=zone)
        if not self.is_bound:
            self.initial.setdefault("received_on", self.today)
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method == PaymentMethod.CHEQUE and not (
            data.get("cheque_number") and data.get("cheque_bank")
        ):
            self.add_error("cheque_number", _("A cheque needs its number and its bank."))
        if method == PaymentMethod.TRANSFER and not data.get("reference"):
            self.add_error("reference", _("A bank transfer needs its reference."))
        received_on = data.get("received_on")
        if received_on and received_on > self.today:
            self.add_error("received_on", _("A payment cannot be received in the future."))
        return data

    def payment_kwargs(self) -> dict:
        """Keyword arguments for `providers.payment_record` (with group and acting_user
        added by the caller)."""
        d = self.cleaned_data
        return {
            "member": d["member"],
            "amount": d["amount"],
            "method": d["method"],
            "cheque_number": d["cheque_number"],
            "cheque_bank": d["cheque_bank"],
            "reference": d["reference"],
            "received_on": d["received_on"],
            "note": d["note"],
            "idempotency_key": self.ledger_key(),
        }

    def ledger_key(self) -> str:
        """The idempotency key this form's submission posts under in the book."""
        return f"ledger.payment_form:{self.cleaned_data['idempotency_key']}"


class _Period(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return data


class StatementFilterForm(_Period):
    """Filters of a statement page (GET): a period and a transaction kind."""

    date_from = forms.DateField(label=_("From"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_input())
    kind = forms.ChoiceField(label=_("Kind of movement"), required=False)

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *kinds]


class PaymentFilterForm(forms.Form):
    """Filters of the payments list (GET): a method and a month."""

    method = forms.ChoiceField(
        label=_("Method"), required=False, choices=[("", _("All methods")), *PaymentMethod.choices]
    )
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("For example 2026-10."),
    )


class ReversalForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=150, required=False)


EXPORT_FORMATS = [
    ("fec", _("FEC file for the accountant and the tax authorities (.txt)")),
    ("csv", _("Spreadsheet (.csv)")),
]


class ExportForm(_Period):
    """The accounting export: a period (a calendar year by default) and a format."""

    date_from = forms.DateField(label=_("From"), widget=_date_input())
    date_to = forms.DateField(label=_("To"), widget=_date_input())
    format = forms.ChoiceField(
        label=_("Format"), choices=EXPORT_FORMATS, initial="fec", widget=forms.RadioSelect
    )
    siren = forms.CharField(
        label=_("SIREN number (optional)"),
        required=False,
        max_length=9,
        validators=[RegexValidator(r"^[0-9]{9}$", _("A SIREN number has nine digits."))],
        help_text=_("It names the FEC file; without it the group's short name is used."),
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date_from", date(today.year, 1, 1))
        self.initial.setdefault("date_to", date(today.year, 12, 31))
