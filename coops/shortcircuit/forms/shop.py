"""Forms of the buyer space (shop filters, cart, placing an order) and of the
organisers' pages after closing (weights, on-site payments)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coops.ledger.models import PaymentMethod

from ..models import Distribution, DistributionSlot, OrderPayment


class ShopFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    producer = forms.TypedChoiceField(
        label=_("Producer"), required=False, coerce=int, empty_value=None
    )
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, producers=(), categories=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        everyone = [("", _("All producers"))]
        self.fields["producer"].choices = everyone + [(p.pk, p.name) for p in producers]
        every = [("", _("All categories"))]
        self.fields["category"].choices = every + [(c.pk, c.name) for c in categories]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"query": "", "producer": None, "category": None}
        data = self.cleaned_data
        return {"query": data["q"], "producer": data["producer"], "category": data["category"]}


class CartLineForm(forms.Form):
    offer = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=10, decimal_places=3)

    def clean_quantity(self) -> Decimal:
        quantity = self.cleaned_data["quantity"]
        if quantity <= 0:
            raise ValidationError(_("Enter a quantity above zero."))
        return quantity


class CartRemoveForm(forms.Form):
    offer = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class CheckoutForm(forms.Form):
    slot = forms.ModelChoiceField(
        label=pgettext_lazy("short circuits", "Pickup"),
        queryset=DistributionSlot.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )  # fmt: skip
    payment = forms.ChoiceField(
        label=_("Payment"),
        choices=[
            (OrderPayment.BALANCE, OrderPayment.BALANCE.label),
            (OrderPayment.ON_SITE, OrderPayment.ON_SITE.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note for the organisers"), max_length=255, required=False)

    def __init__(self, *args, distribution: Distribution, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = distribution.slots.select_related("pickup_point")
        self.fields["slot"].label_from_instance = lambda slot: slot.pickup_point.name


class WeighForm(forms.Form):
    line = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    actual_weight = forms.DecimalField(
        label=_("Weighed total (kg)"), max_digits=10, decimal_places=3, min_value=Decimal("0.001")
    )


class OnSitePaymentForm(forms.Form):
    order = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[
            (PaymentMethod.CASH, PaymentMethod.CASH.label),
            (PaymentMethod.CHEQUE, PaymentMethod.CHEQUE.label),
        ],
    )
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    cheque_number = forms.CharField(label=_("Cheque number"), max_length=30, required=False)
    cheque_bank = forms.CharField(label=_("Bank"), max_length=80, required=False)
