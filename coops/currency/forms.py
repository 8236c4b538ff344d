"""Forms for the currency pages. They parse input (amounts as Decimal, in the
currency's decimals); the services apply the rules and the ledger the limits."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import CODE_PATTERN, MAX_DECIMALS, Category, Currency, Offer, OfferKind, plain
from .selectors import group_members

KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")


def _amount_field(
    label, *, decimals: int, required: bool = True, help_text="", integer_digits=12, **kwargs
):
    """A Decimal input that accepts "12,50" in French, with the currency's decimals."""
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=integer_digits + decimals,
        decimal_places=decimals,
        localize=True,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


def _name(user) -> str:
    return user.public_name


class CurrencyForm(forms.Form):
    """Create the group's currency, or change it (code and decimals are then fixed).
    Amounts are typed in the currency's units (-300 for a credit limit of 300)."""

    name = forms.CharField(label=_("Name"), max_length=80)
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("2 to 12 capital letters or digits, e.g. LIEN. It cannot change later."),
    )
    symbol = forms.CharField(
        label=_("Symbol"),
        max_length=8,
        required=False,
        help_text=_("Shown after amounts, e.g. ℓ or Lien. The code when empty."),
    )
    decimals = forms.IntegerField(
        label=_("Decimals"),
        min_value=0,
        max_value=MAX_DECIMALS,
        initial=2,
        help_text=_("Digits after the decimal point (0 to 6). It cannot change later."),
    )
    default_min_balance = forms.DecimalField(
        label=_("Default minimum balance"),
        max_digits=18,
        required=False,
        max_value=0,
        localize=True,
        help_text=_(
            "The credit each member may use, as a negative number (e.g. -300). "
            "Empty means no limit. Applies to accounts opened from now on."
        ),
    )
    default_max_balance = forms.DecimalField(
        label=_("Default maximum balance"),
        max_digits=18,
        required=False,
        min_value=0,
        localize=True,
        help_text=_("Empty means no limit. Applies to accounts opened from now on."),
    )
    demurrage_rate = forms.DecimalField(
        label=_("Demurrage (% per month)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        initial=Decimal("0"),
        localize=True,
        help_text=_(
            "Charged each month on positive balances above the free amount, paid into "
            "the group's solidarity fund. 0 for none."
        ),
    )
    demurrage_free_base = forms.DecimalField(
        label=_("Balance free of demurrage"),
        max_digits=18,
        min_value=0,
        initial=Decimal("0"),
        localize=True,
    )

    def __init__(self, *args, currency: Currency | None = None, **kwargs):
        self.currency = currency
        if currency is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": currency.name,
                    "code": currency.code,
                    "symbol": currency.symbol,
                    "decimals": currency.decimals,
                    "default_min_balance": _major(currency, currency.default_min_balance),
                    "default_max_balance": _major(currency, currency.default_max_balance),
                    "demurrage_rate": currency.demurrage_rate,
                    "demurrage_free_base": currency.to_decimal(currency.demurrage_free_base),
                },
            )
        super().__init__(*args, **kwargs)
        if currency is not None:
            for frozen in ("code", "decimals"):
                self.fields[frozen].disabled = True
                self.fields[frozen].help_text = _("It cannot change.")

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not re.match(CODE_PATTERN, code):
            raise ValidationError(
                _("2 to 12 capital letters or digits, starting with a letter (e.g. LIEN).")
            )
        return code

    def clean(self):
        data = super().clean()
        decimals = data.get("decimals")
        if decimals is None:
            return data
        for name in ("default_min_balance", "default_max_balance", "demurrage_free_base"):
            value = data.get(name)
            if value is not None and value.as_tuple().exponent < -decimals:
                self.add_error(
                    name,
                    _("This currency has %(decimals)s digits after the decimal point at most.")
                    % {"decimals": decimals},
                )
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        fields = [
            "name",
            "symbol",
            "default_min_balance",
            "default_max_balance",
            "demurrage_rate",
            "demurrage_free_base",
        ]
        if self.currency is None:
            fields += ["code", "decimals"]
        return {name: d[name] for name in fields}


def _major(currency: Currency, minor: int | None) -> Decimal | None:
    return None if minor is None else currency.to_decimal(minor)


class LimitsForm(forms.Form):
    min_balance = forms.DecimalField(
        label=_("Minimum balance"),
        max_digits=18,
        required=False,
        max_value=0,
        localize=True,
        help_text=_("The credit this member may use, as a negative number. Empty: no limit."),
    )
    max_balance = forms.DecimalField(
        label=_("Maximum balance"),
        max_digits=18,
        required=False,
        min_value=0,
        localize=True,
        help_text=_("Empty: no limit."),
    )

    def __init__(self, *args, currency: Currency, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.decimal_places = currency.decimals
            field.validators.append(_DecimalsValidator(currency.decimals))


class _DecimalsValidator:
    def __init__(self, decimals: int):
        self.decimals = decimals

    def __call__(self, value) -> None:
        if value is not None and value.as_tuple().exponent < -self.decimals:
            raise ValidationError(
                _("This currency has %(decimals)s digits after the decimal point at most.")
                % {"decimals": self.decimals}
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, _DecimalsValidator) and other.decimals == self.decimals


class _MemberPaymentForm(forms.Form):
    """Common to paying and asking: the other member, the amount, what for, the offer."""

    other_field = "payee"

    amount = forms.DecimalField()  # replaced in __init__ with the currency's decimals
    memo = forms.CharField(label=_("What for"), max_length=255, required=False)
    offer = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, currency: Currency, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        field = self.fields[self.other_field]
        field.queryset = group_members(currency, exclude=user)
        field.label_from_instance = _name
        self.fields["amount"] = _amount_field(
            _("Amount (%(symbol)s)") % {"symbol": currency.symbol},
            decimals=currency.decimals,
            min_value=Decimal(1).scaleb(-currency.decimals),
        )
        order = [self.other_field, "amount", "memo", "offer"]
        self.order_fields(order)

    def clean_offer(self) -> Offer | None:
        pk = self.cleaned_data.get("offer")
        if pk is None:
            return None
        offer = Offer.objects.filter(pk=pk, currency=self.currency).first()
        if offer is None:
            raise ValidationError(_("This offer does not exist in this group."))
        return offer


class TransferForm(_MemberPaymentForm):
    """A payment from the signed-in member: there is no payer field, the payer is
    always the person sending the form."""

    other_field = "payee"

    payee = forms.ModelChoiceField(label=_("Pay to"), queryset=None)
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        self.order_fields(["payee", "amount", "memo", "offer", "idempotency_key"])

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"]
        if not KEY_PATTERN.match(key):
            raise ValidationError(_("This form has expired; please fill it in again."))
        return key

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "payee": d["payee"],
            "amount": d["amount"],
            "memo": d["memo"],
            "offer": d["offer"],
            "idempotency_key": d["idempotency_key"],
        }


class RequestForm(_MemberPaymentForm):
    other_field = "payer"

    payer = forms.ModelChoiceField(label=_("Ask"), queryset=None)
    memo = forms.CharField(label=_("What for"), max_length=255)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "payer": d["payer"],
            "amount": d["amount"],
            "memo": d["memo"],
            "offer": d["offer"],
        }


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)


class OfferForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("I…"),
        choices=[(OfferKind.OFFER, _("offer")), (OfferKind.WANT, _("am looking for"))],
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    price = forms.DecimalField()  # replaced in __init__ with the currency's decimals
    price_eur = _amount_field(
        _("Price in euros"),
        decimals=2,
        integer_digits=8,
        required=False,
        min_value=Decimal("0.01"),
    )
    is_free = forms.BooleanField(label=_("Free"), required=False)

    def __init__(self, *args, currency: Currency, offer: Offer | None = None, **kwargs):
        if offer is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": offer.kind,
                    "title": offer.title,
                    "description": offer.description,
                    "category": offer.category,
                    "price": plain(offer.price) if offer.price is not None else None,
                    "price_eur": offer.price_eur,
                    "is_free": offer.is_free,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["price"] = _amount_field(
            _("Price (%(currency)s)") % {"currency": currency.name},
            decimals=currency.decimals,
            required=False,
            min_value=Decimal(1).scaleb(-currency.decimals),
            help_text=_("Leave the prices empty to agree on one together."),
        )
        self.order_fields(
            ["kind", "title", "description", "category", "price", "price_eur", "is_free"]
        )

    def clean(self):
        data = super().clean()
        if data.get("is_free") and (data.get("price") or data.get("price_eur")):
            self.add_error("is_free", _("Something free has no price: empty the prices."))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            name: d[name]
            for name in (
                "kind",
                "title",
                "description",
                "category",
                "price",
                "price_eur",
                "is_free",
            )
        }


class OfferFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Offers or wants"),
        required=False,
        choices=[("", _("Both")), *OfferKind.choices],
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
