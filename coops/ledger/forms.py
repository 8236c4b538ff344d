"""Forms for the ledger pages. They parse input; `providers.payment_record` and the
services validate the rules (cheque number and bank, transfer reference…)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import PaymentMethod


class PaymentForm(forms.Form):
    """A payment an organiser received by hand. `member` is chosen among the group's
    active members (the view passes them as `members`)."""

    member = forms.ModelChoiceField(label=_("Member"), queryset=None)
    amount = forms.DecimalField(
        label=_("Amount (€)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    cheque_number = forms.CharField(label=_("Cheque number"), max_length=30, required=False)
    cheque_bank = forms.CharField(label=_("Bank"), max_length=80, required=False)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=120,
        required=False,
        help_text=_("The bank transfer's reference, or the card terminal's receipt number."),
    )
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, members, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda user: user.public_name
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())

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
        if received_on and received_on > timezone.localdate():
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
        }
