"""The form to propose new federation rules (the motion "ondemand.set_rules")."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coops.governance.models import Method

from .models import DocumentKind, FederationRules
from .motions import BOOLEAN_RULES, DECIMAL_RULES, INTEGER_RULES, rules_snapshot

# Methods that end in adopted/rejected (one motion, no options to choose among).
YES_NO_METHODS = [Method.CONSENT, Method.CONSENSUS, Method.MAJORITY, Method.QUALIFIED]


class RulesProposalForm(forms.Form):
    """Every rule prefilled with its current value; only the ones changed go into the
    proposal."""

    reason = forms.CharField(
        label=_("Why change them"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("Shown to every member with the proposal."),
    )
    method = forms.ChoiceField(
        label=_("Decision method"),
        choices=[(m.value, m.label) for m in YES_NO_METHODS],
        initial=Method.CONSENT,
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the federation's time zone. Empty: 7 days after opening."),
    )

    def __init__(self, *args, rules: FederationRules, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules
        current = rules_snapshot(rules)
        for name in DECIMAL_RULES:
            field = FederationRules._meta.get_field(name)
            self.fields[name] = forms.DecimalField(
                label=field.verbose_name,
                initial=current[name],
                required=True,
                min_value=Decimal("0"),
                decimal_places=field.decimal_places,
                max_digits=field.max_digits,
            )
        for name in INTEGER_RULES:
            field = FederationRules._meta.get_field(name)
            self.fields[name] = forms.IntegerField(
                label=field.verbose_name, initial=current[name], min_value=1
            )
        for name in BOOLEAN_RULES:
            field = FederationRules._meta.get_field(name)
            self.fields[name] = forms.BooleanField(
                label=field.verbose_name, initial=current[name], required=False
            )
        self.fields["required_documents"] = forms.MultipleChoiceField(
            label=FederationRules._meta.get_field("required_documents").verbose_name,
            choices=DocumentKind.choices,
            initial=current["required_documents"],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def clean_closes_at(self):
        closes_at = self.cleaned_data.get("closes_at")
        if closes_at is not None and closes_at <= timezone.now():
            raise forms.ValidationError(_("Choose a closing time in the future."))
        return closes_at

    def changes(self) -> dict:
        """The rules whose value differs from the current one (JSON-safe)."""
        current = rules_snapshot(self.rules)
        out: dict = {}
        for name, value in self.cleaned_data.items():
            if name not in current:
                continue
            if name in DECIMAL_RULES:
                if Decimal(current[name]) != value:
                    out[name] = str(value)
            elif name == "required_documents":
                if sorted(value) != sorted(current[name]):
                    out[name] = sorted(value)
            elif value != current[name]:
                out[name] = value
        return out
