"""Forms of group purchasing: a need, a +1, a bulk order with its articles (a formset,
so the page works without JavaScript), an article, a member's request."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coops.directory.models import Actor

from ..models import BulkOrder, Need, Unit
from ..services.bulk import parse_tiers


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["title", "quantity", "unit", "period", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"title": _("For example: organic rice.")}


class VoteForm(forms.Form):
    quantity = forms.DecimalField(
        label=_("How much for me (optional)"),
        required=False,
        min_value=Decimal("0.001"),
        max_digits=10,
        decimal_places=3,
    )


class BulkOrderForm(forms.ModelForm):
    supplier = forms.ModelChoiceField(
        label=_("Supplier in the directory"),
        queryset=Actor.objects.published().order_by("name"),
        required=False,
        help_text=_("Optional; its name is used when the supplier field is empty."),
    )

    class Meta:
        model = BulkOrder
        fields = ["title", "supplier_name", "supplier", "closes_at", "minimum_total", "notes"]
        widgets = {
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier_name"].required = False
        self.fields["closes_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        if not data.get("supplier_name") and not data.get("supplier"):
            self.add_error("supplier_name", _("Name the supplier or choose it in the directory."))
        return data

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ArticleForm(forms.Form):
    name = forms.CharField(label=_("Article"), max_length=160)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.KILOGRAM)
    unit_size = forms.DecimalField(
        label=_("Unit size"), min_value=Decimal("0.001"), max_digits=10, decimal_places=3, initial=1
    )
    case_size = forms.IntegerField(label=_("Units per case"), min_value=1, max_value=100000)
    unit_price = forms.DecimalField(
        label=_("Price per unit"), min_value=Decimal("0"), max_digits=10, decimal_places=2
    )
    price_tiers = forms.CharField(
        label=_("Price tiers (optional)"),
        required=False,
        max_length=500,
        help_text=_("Cheaper from a total volume, as units:price, e.g. 24:2.10; 48:1.95."),
    )
    need = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_price_tiers(self) -> list[dict]:
        return parse_tiers(self.cleaned_data.get("price_tiers", ""))

    def service_kwargs(self, needs: dict) -> dict:
        data = dict(self.cleaned_data)
        data["need"] = needs.get(data.get("need"))
        return data


class BaseArticleFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(f.cleaned_data for f in self.forms if not self._should_delete_form(f)):
            raise ValidationError(_("Add at least one article."))


ArticleFormSet = forms.formset_factory(ArticleForm, formset=BaseArticleFormSet, extra=3)


class RequestForm(forms.Form):
    article = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Quantity (units)"), min_value=1, max_value=100000)
    tolerance = forms.IntegerField(
        label=_("Tolerance (units)"),
        min_value=0,
        max_value=100000,
        required=False,
        help_text=_("Extra units you would also take to complete a case."),
    )

    def clean_tolerance(self) -> int:
        return self.cleaned_data.get("tolerance") or 0


class ArticleChoiceForm(forms.Form):
    article = forms.IntegerField(widget=forms.HiddenInput)
