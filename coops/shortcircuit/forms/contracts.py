"""Forms of the season contract pages: defining a contract and its options,
subscribing, changing a subscription, per-delivery choices and instalments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coops.directory.models import Actor

from ..models import (
    SELLER_KINDS,
    ContractDelivery,
    ContractKind,
    ContractOption,
    Instalment,
    InstalmentMethod,
    PickupPoint,
    Variant,
)
from ..services.contracts import OptionSpec
from ..services.subscriptions import absence_locked, group_members_choices
from ._common import WEEKDAYS


class DeliveryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ContractDelivery) -> str:
        return date_format(obj.date, "l j F Y")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.public_name


class ContractForm(forms.Form):
    SERVICE_FIELDS = {
        "producer": "producer",
        "pickup_point": "pickup_point",
        "ends_on": "ends_on",
        "instalment_choices": "instalment_choices",
        "minimum_per_delivery": "minimum_per_delivery",
        "kind": "kind",
    }

    producer = forms.ModelChoiceField(queryset=Actor.objects.none(), label=_("Producer"))
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ContractKind.choices)
    minimum_per_delivery = forms.DecimalField(
        label=_("Minimum per delivery (variable orders)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    starts_on = forms.DateField(label=_("First delivery"), widget=forms.DateInput({"type": "date"}))
    ends_on = forms.DateField(label=_("Last delivery"), widget=forms.DateInput({"type": "date"}))
    weekday = forms.TypedChoiceField(label=_("Delivery day"), choices=WEEKDAYS, coerce=int)
    pickup_point = forms.ModelChoiceField(
        queryset=PickupPoint.objects.none(), label=_("Pickup point")
    )
    max_absences = forms.IntegerField(label=_("Absences allowed"), min_value=0, max_value=52)
    absence_notice_days = forms.IntegerField(
        label=_("Absence notice (days)"), min_value=0, max_value=60
    )
    allow_co_subscribers = forms.BooleanField(label=_("Co-subscribers allowed"), required=False)
    instalment_choices = forms.CharField(
        label=_("Payment plans"),
        help_text=_("Numbers of instalments members may choose, e.g. 1, 3, 8."),
        max_length=40,
    )

    def __init__(self, *args, group, producer=None, **kwargs):
        super().__init__(*args, **kwargs)
        hub = Q(hubs__group=group)
        published = Q(kind__in=SELLER_KINDS, status="published")
        if producer is not None:
            published |= Q(pk=producer.pk)
        self.fields["producer"].queryset = (
            Actor.objects.filter(hub | published).distinct().order_by("name")
        )
        self.fields["pickup_point"].queryset = PickupPoint.objects.filter(group=group, active=True)

    def clean_instalment_choices(self) -> list[int]:
        raw = self.cleaned_data["instalment_choices"].replace(";", ",").split(",")
        try:
            values = sorted({int(v) for v in raw if v.strip()})
        except ValueError:
            raise ValidationError(_("Give whole numbers separated by commas.")) from None
        if not values or any(not 1 <= v <= 12 for v in values):
            raise ValidationError(_("Payment plans are between 1 and 12 instalments."))
        return values

    def clean(self):
        data = super().clean()
        if data.get("kind") == ContractKind.VARIABLE and data.get("minimum_per_delivery") is None:
            self.add_error(
                "minimum_per_delivery", _("A variable contract states its minimum per delivery.")
            )
        return data


class OptionForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Option"), max_length=80)
    description = forms.CharField(label=_("What is in it"), max_length=255, required=False)
    price_per_delivery = forms.DecimalField(
        label=_("Price per delivery"), min_value=Decimal("0"), max_digits=10, decimal_places=2
    )
    variant = forms.ModelChoiceField(
        queryset=Variant.objects.none(),
        required=False,
        label=_("Product sold"),
        empty_label=_("A new made-to-order basket"),
    )

    def __init__(self, *args, variants=None, **kwargs):
        super().__init__(*args, **kwargs)
        if variants is not None:
            self.fields["variant"].queryset = variants

    def spec(self) -> OptionSpec | None:
        data = self.cleaned_data
        if not data or (not data.get("name") and not data.get("pk")):
            return None
        return OptionSpec(
            pk=data.get("pk"),
            name=data["name"],
            description=data.get("description", ""),
            price_per_delivery=data["price_per_delivery"],
            variant=data.get("variant"),
            delete=bool(data.get("DELETE")),
        )


OptionFormSet = forms.formset_factory(OptionForm, extra=2, can_delete=True, max_num=10)


def option_formset(data, *, contract=None, group=None):
    """The options formset, listing as products the variants of the hub's producers
    (and of the contract's producer)."""
    producers = Q(product__producer__hubs__group=group)
    if contract is not None:
        producers |= Q(product__producer=contract.producer)
    variants = (
        Variant.objects.filter(producers, active=True)
        .select_related("product__producer")
        .distinct()
        .order_by("product__producer__name", "product__name", "name")
    )
    initial = None
    if contract is not None and data is None:
        initial = [
            {
                "pk": o.pk,
                "name": o.name,
                "description": o.description,
                "price_per_delivery": o.price_per_delivery,
                "variant": o.variant_id,
            }
            for o in contract.options.all()
        ]
    return OptionFormSet(
        data, prefix="options", initial=initial, form_kwargs={"variants": variants}
    )


def skipped_dates(data) -> set[date]:
    """Dates the organiser left out: listed on the page but not ticked."""
    listed, ticked = set(data.getlist("listed")), set(data.getlist("deliver"))
    skipped = set()
    for value in listed - ticked:
        try:
            skipped.add(date.fromisoformat(value))
        except ValueError:
            continue
    return skipped


class SubscriptionFieldsMixin:
    """Option, quantity, co-subscriber and absences, shared by subscribing and changing."""

    def _setup(self, contract, member, deliveries, today) -> None:
        self.contract = contract
        self.fields["option"] = forms.ModelChoiceField(
            queryset=contract.options.all(),
            label=_("Size"),
            widget=forms.RadioSelect,
            empty_label=None,
        )
        self.fields["quantity"] = forms.IntegerField(
            label=_("Baskets per delivery"), min_value=1, max_value=20, initial=1
        )
        if contract.allow_co_subscribers:
            self.fields["co_subscriber"] = MemberChoiceField(
                queryset=group_members_choices(contract, exclude=member),
                required=False,
                label=_("Co-subscriber"),
                empty_label=_("Nobody: I collect every delivery"),
                help_text=_("Another member who collects every other delivery."),
            )
            self.fields["member_takes_first"] = forms.TypedChoiceField(
                label=_("Alternation"),
                choices=[
                    (True, _("I collect the first delivery")),
                    (False, _("My co-subscriber collects the first delivery")),
                ],
                coerce=lambda v: v in (True, "True"),
                empty_value=True,
                required=False,
                initial=True,
                widget=forms.RadioSelect,
            )
        self.open_deliveries = [d for d in deliveries if not absence_locked(contract, d, today)]
        self.fields["absences"] = DeliveryChoiceField(
            queryset=ContractDelivery.objects.filter(pk__in=[d.pk for d in self.open_deliveries]),
            required=False,
            label=_("Absences"),
            widget=forms.CheckboxSelectMultiple,
            help_text=_(
                "Dates you will not collect (not paid). Dates closer than the notice are locked."
            ),
        )


class SubscribeForm(SubscriptionFieldsMixin, forms.Form):
    SERVICE_FIELDS = {
        "option": "option",
        "quantity": "quantity",
        "co_subscriber": "co_subscriber",
        "absences": "absences",
        "instalments": "instalments",
        "method": "method",
    }

    instalments = forms.TypedChoiceField(label=_("Payment plan"), coerce=int)
    method = forms.ChoiceField(
        label=_("Payment method"),
        choices=InstalmentMethod.choices,
        initial=InstalmentMethod.CHEQUE,
    )
    cheque_numbers = forms.CharField(
        label=_("Cheque numbers (optional)"),
        required=False,
        max_length=400,
        help_text=_("In the order of the instalments, separated by commas."),
    )
    bank = forms.CharField(label=_("Bank (optional)"), required=False, max_length=80)

    def __init__(self, *args, contract, member, deliveries, today, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup(contract, member, deliveries, today)
        choices = contract.instalment_choices or [1]
        self.fields["instalments"].choices = [
            (n, ngettext("%(count)s instalment", "%(count)s instalments", n) % {"count": n})
            for n in choices
        ]
        self.fields["instalments"].initial = choices[0]
        self.order_fields(["option", "quantity", "co_subscriber", "member_takes_first", "absences"])

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "option": data["option"],
            "quantity": data["quantity"],
            "co_subscriber": data.get("co_subscriber"),
            "member_takes_first": data.get("member_takes_first", True),
            "absences": list(data["absences"]),
            "instalments": data["instalments"],
            "method": data["method"],
            "cheque_numbers": [n for n in data["cheque_numbers"].split(",") if n.strip()],
            "bank": data["bank"],
        }


class SubscriptionForm(SubscriptionFieldsMixin, forms.Form):
    SERVICE_FIELDS = SubscribeForm.SERVICE_FIELDS

    def __init__(self, *args, subscription, deliveries, today, **kwargs):
        initial = {
            "option": subscription.option_id,
            "quantity": subscription.quantity,
            "co_subscriber": subscription.co_subscriber_id,
            "member_takes_first": subscription.member_takes_first,
            "absences": list(subscription.absences.values_list("delivery_id", flat=True)),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.subscription = subscription
        self._setup(subscription.contract, subscription.member, deliveries, today)

    def service_kwargs(self) -> dict:
        """The wanted absences are the ticked open dates plus the locked ones kept."""
        data = self.cleaned_data
        open_pks = {d.pk for d in self.open_deliveries}
        kept = ContractDelivery.objects.filter(
            pk__in=self.subscription.absences.exclude(delivery_id__in=open_pks).values(
                "delivery_id"
            )
        )
        return {
            "option": data["option"],
            "quantity": data["quantity"],
            "co_subscriber": data.get("co_subscriber"),
            "member_takes_first": data.get("member_takes_first", True),
            "absences": [*data["absences"], *kept],
        }


class DeliveryChoicesForm(forms.Form):
    """Variable contracts: the quantity of each option at one delivery."""

    delivery = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, options: list[ContractOption], initial_quantities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options
        for option in options:
            self.fields[f"option_{option.pk}"] = forms.IntegerField(
                label=option.name,
                min_value=0,
                max_value=50,
                initial=(initial_quantities or {}).get(option.pk, 0),
            )

    def quantities(self) -> dict[int, int]:
        return {o.pk: self.cleaned_data.get(f"option_{o.pk}") or 0 for o in self.options}


class InstalmentForm(forms.ModelForm):
    class Meta:
        model = Instalment
        fields = ["cheque_number", "bank", "cash_on", "received_on"]
        widgets = {
            "cash_on": forms.DateInput({"type": "date"}),
            "received_on": forms.DateInput({"type": "date"}),
        }
