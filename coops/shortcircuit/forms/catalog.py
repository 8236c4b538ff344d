"""Forms of the producer space: a product with its variants on one page, a stock
count, and the catalog file uploads."""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coops.directory.models import Label

from ..models import VAT_RATES, Product, ProductType, Variant
from ..services.catalog import VariantInput

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_IMPORT_BYTES = 1_000_000
ON_DEMAND = "none"  # what the hidden "stock seen" field holds for a made-to-order variant
VARIANT_FORM_FIELDS = (
    "name",
    "unit",
    "unit_size",
    "price",
    "vat_rate",
    "step",
    "variable_weight",
    "estimated_weight",
    "sku",
    "active",
)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def vat_choices() -> list[tuple[str, str]]:
    return [(_plain(rate), f"{number_format(rate)} %") for rate in VAT_RATES]


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["name", "description", "product_type", "labels", "photo", "active"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "labels": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product_type"].queryset = ProductType.objects.select_related("parent")
        self.fields["product_type"].label_from_instance = self._type_label
        self.fields["labels"].queryset = Label.objects.order_by("name")
        self.fields["photo"].help_text = _("A JPEG, PNG or WebP image of at most 5 MB.")

    @staticmethod
    def _type_label(product_type: ProductType) -> str:
        parent = product_type.parent
        return f"{parent.name} › {product_type.name}" if parent else product_type.name

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo and getattr(photo, "size", 0) > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is larger than 5 MB."))
        return photo

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data[name] for name in ("name", "description", "product_type", "active")}
        if "photo" in self.changed_data:
            fields["photo"] = data["photo"] or ""
        return fields


class VariantForm(forms.ModelForm):
    vat_rate = forms.TypedChoiceField(
        label=gettext_lazy("VAT rate (%)"), choices=vat_choices, coerce=Decimal
    )
    stock_seen = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Variant
        fields = [*VARIANT_FORM_FIELDS, "stock"]
        help_texts = {
            "stock": gettext_lazy("Leave empty for made to order (no stock to run out of)."),
            "estimated_weight": gettext_lazy(
                "For a variable weight: the price is then per kg, and the buyer pays the "
                "weighed amount."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["vat_rate"] = _plain(self.instance.vat_rate)
            stock = self.instance.stock
            self.initial["stock_seen"] = ON_DEMAND if stock is None else _plain(stock)
        else:
            self.initial.setdefault("vat_rate", "5.5")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("variable_weight") and not data.get("estimated_weight"):
            self.add_error(
                "estimated_weight",
                _("A variable-weight product needs the estimated weight of one item."),
            )
        if data.get("stock") is not None and data["stock"] < 0:
            self.add_error(
                "stock", _("The stock cannot be negative; leave it empty for made to order.")
            )
        return data

    def _stock_seen(self) -> Decimal | None:
        raw = (self.cleaned_data.get("stock_seen") or "").strip()
        if raw == "":
            return self.instance.stock
        if raw == ON_DEMAND:
            return None
        try:
            return Decimal(raw)
        except InvalidOperation:
            return self.instance.stock

    def variant_input(self) -> VariantInput:
        data = self.cleaned_data
        stock = data.get("stock")
        pk = self.instance.pk
        return VariantInput(
            fields={name: data[name] for name in VARIANT_FORM_FIELDS},
            pk=pk,
            stock=stock,
            # Only what the producer changed on the page: orders may have taken stock
            # since it was displayed.
            set_stock=pk is None or stock != self._stock_seen(),
        )


class _VariantFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            f
            for f in self.forms
            if (f.has_changed() or f.instance.pk)
            and not (self.can_delete and self._should_delete_form(f))
        ]
        if not kept:
            raise forms.ValidationError(
                _("Add at least one variant: what buyers put in their cart.")
            )

    def service_rows(self) -> tuple[list[VariantInput], list[int]]:
        rows, removed = [], []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk:
                    removed.append(form.instance.pk)
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            rows.append(form.variant_input())
        return rows, removed


VariantFormSet = inlineformset_factory(
    Product,
    Variant,
    form=VariantForm,
    formset=_VariantFormSet,
    extra=1,
    can_delete=True,
)


class StockForm(forms.Form):
    stock = forms.DecimalField(
        label=gettext_lazy("stock"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=3,
        help_text=gettext_lazy("Leave empty for made to order."),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return upload.read()


class ImportConfirmForm(forms.Form):
    """The previewed file, sent back as it was (base64) to be imported for real."""

    content = forms.CharField(widget=forms.HiddenInput, max_length=2 * MAX_IMPORT_BYTES)

    def clean_content(self) -> bytes:
        try:
            return base64.b64decode(self.cleaned_data["content"], validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError(_("The file was damaged: upload it again.")) from None
