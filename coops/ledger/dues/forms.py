"""Forms for the dues pages. They parse input; the services enforce the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import MAX_GRACE_DAYS, DuesPlan, DuesStatus, Period, Pricing
from .services import BracketSpec

BRACKET_ROWS = 6
OVERDUE = "overdue"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    """A plan and up to BRACKET_ROWS income brackets (the empty rows are ignored)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices, widget=forms.RadioSelect)
    pricing = forms.ChoiceField(
        label=_("Pricing"), choices=Pricing.choices, widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=_("Amount (€)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        help_text=_("For a fixed amount only."),
    )
    start_date = forms.DateField(
        label=_("First period starts on"),
        widget=_date_input(),
        help_text=_(
            "The first of a month. A yearly plan's periods begin every year in this month."
        ),
    )
    due_day = forms.IntegerField(
        label=_("Due on day"),
        min_value=1,
        max_value=28,
        initial=1,
        help_text=_("Day of the period's first month the dues are due (1 to 28)."),
    )
    grace_days = forms.IntegerField(
        label=_("Grace period (days)"),
        min_value=0,
        max_value=MAX_GRACE_DAYS,
        initial=30,
        help_text=_("Days after the due date before the dues count as overdue."),
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Dues are generated for active plans only."),
    )
    reference = forms.TypedChoiceField(
        label=_("Reference bracket"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[(i, str(i + 1)) for i in range(BRACKET_ROWS)],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, plan: DuesPlan | None = None, locked: bool = False, **kwargs):
        """`locked`: dues exist under the plan, so its period, pricing and start are
        shown but cannot change."""
        super().__init__(*args, **kwargs)
        self.plan = plan
        for i in range(BRACKET_ROWS):
            self.fields[f"bracket_{i}_id"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )
            self.fields[f"bracket_{i}_label"] = forms.CharField(
                label=_("Income bracket %(number)s") % {"number": i + 1},
                max_length=120,
                required=False,
            )
            self.fields[f"bracket_{i}_amount"] = forms.DecimalField(
                label=_("Amount of bracket %(number)s (€)") % {"number": i + 1},
                required=False,
                min_value=Decimal("0.01"),
                max_digits=10,
                decimal_places=2,
            )
        if plan is not None:
            self._initial_from(plan)
        for name in ("period", "pricing", "start_date") if locked else ():
            self.fields[name].disabled = True
            self.fields[name].help_text = _(
                "Fixed once dues are generated under the plan: create a new plan instead."
            )

    def _initial_from(self, plan: DuesPlan) -> None:
        self.initial.update(
            name=plan.name,
            period=plan.period,
            pricing=plan.pricing,
            amount=plan.amount,
            start_date=plan.start_date,
            due_day=plan.due_day,
            grace_days=plan.grace_days,
            is_active=plan.is_active,
        )
        for i, bracket in enumerate(plan.brackets.all()[:BRACKET_ROWS]):
            self.initial[f"bracket_{i}_id"] = bracket.pk
            self.initial[f"bracket_{i}_label"] = bracket.label
            self.initial[f"bracket_{i}_amount"] = bracket.amount
            if bracket.is_default:
                self.initial["reference"] = i

    @property
    def main_fields(self):
        names = ["name", "period", "pricing", "amount", "start_date", "due_day", "grace_days"]
        return [self[name] for name in names] + [self["is_active"]]

    @property
    def bracket_rows(self):
        radios = list(self["reference"])
        return [
            {
                "number": i + 1,
                "id": self[f"bracket_{i}_id"],
                "label": self[f"bracket_{i}_label"],
                "amount": self[f"bracket_{i}_amount"],
                "reference": radios[i],
            }
            for i in range(BRACKET_ROWS)
        ]

    def clean(self):
        data = super().clean()
        pricing = data.get("pricing")
        if pricing == Pricing.FIXED and not data.get("amount"):
            self.add_error("amount", _("A fixed-amount plan needs its amount."))
        start = data.get("start_date")
        if start and start.day != 1:
            self.add_error("start_date", _("Periods begin on the first of a month."))
        brackets: list[BracketSpec] = []
        if pricing == Pricing.SLIDING:
            reference = data.get("reference")
            started = 0
            for i in range(BRACKET_ROWS):
                label = (data.get(f"bracket_{i}_label") or "").strip()
                amount = data.get(f"bracket_{i}_amount")
                if not label and amount is None:
                    if reference == i:
                        self.add_error("reference", _("The reference bracket is an empty row."))
                    continue
                started += 1
                if not label or amount is None:
                    self.add_error(
                        f"bracket_{i}_label", _("Give each bracket a label and an amount.")
                    )
                    continue
                brackets.append(
                    BracketSpec(
                        label=label,
                        amount=amount,
                        is_default=reference == i,
                        pk=data.get(f"bracket_{i}_id"),
                    )
                )
            if not started:
                self.add_error(
                    "bracket_0_label", _("A sliding scale needs at least one income bracket.")
                )
            elif brackets and reference is None:
                self.add_error("reference", _("Mark exactly one bracket as the reference bracket."))
        data["brackets"] = brackets
        return data

    def plan_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "period": d["period"],
            "pricing": d["pricing"],
            "amount": d["amount"] if d["pricing"] == Pricing.FIXED else None,
            "start_date": d["start_date"],
            "due_day": d["due_day"],
            "grace_days": d["grace_days"],
            "is_active": d["is_active"],
            "brackets": d["brackets"],
        }


class GenerateForm(forms.Form):
    on = forms.DateField(
        label=_("Period containing the day"),
        widget=_date_input(),
        help_text=_("Dues are generated for the period that contains this day."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("on", timezone.localdate())


class DeclarationForm(forms.Form):
    """The member's bracket; organisers also choose whose bracket they set."""

    bracket = forms.ModelChoiceField(
        label=_("Your income bracket"), queryset=None, widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args, plan: DuesPlan, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bracket"].queryset = plan.brackets.all()
        self.fields["bracket"].label_from_instance = lambda b: f"{b.label} — {b.money}"
        if members is not None:
            self.fields["bracket"].label = _("Income bracket")
            self.fields["member"] = forms.ModelChoiceField(label=_("Member"), queryset=members)
            self.fields["member"].label_from_instance = lambda user: user.public_name


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("For example: hardship agreed by the collegial board, or a volunteer's year."),
    )


class DuesFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *DuesStatus.choices, (OVERDUE, _("Overdue"))],
    )
    plan = forms.TypedChoiceField(label=_("Plan"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", _("All plans"))] + [(p.pk, p.name) for p in plans]
