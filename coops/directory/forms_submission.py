"""Forms for submitting an actor and editing it, and for deciding on a pending change.

The live checks (SIRET, address, duplicates) are htmx GET requests fired by the
fields; the same checks run again on submit, so the form works without JavaScript.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ActorKind, Label, LegalForm, Sector, Skill, Tag
from .selectors.actor import opening_hours_rows
from .selectors.duplicates import Duplicate
from .selectors.submission import COUNTRIES, TAXONOMY_MODELS, TEXT_FIELDS, siret_check

MAX_SECTORS = 8
MAX_SKILLS = 15
_TELEPHONE_RE = re.compile(r"^\+?[\d\s.\-()]{6,30}$")
_POSTCODE_RE = re.compile(r"^\d{5}$")


class LiveBoundField(BoundField):
    """A field whose input is also described by the live check's status region."""

    @property
    def aria_describedby(self) -> str:
        ids = [super().aria_describedby or ""]
        region = getattr(self.field, "live_region", "")
        if region and self.auto_id:
            ids.append(region.format(auto_id=self.auto_id))
        return " ".join(i for i in ids if i)


class TermsField(forms.MultipleChoiceField):
    """Taxonomy terms ticked by slug; cleans to the term objects. An unknown slug (a
    term removed since the page was loaded, a hand-made request) gets an error naming
    it."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, model: type, max_choices: int | None = None, **kwargs: Any) -> None:
        self.model = model
        self.max_choices = max_choices
        self.terms: dict[str, Any] = {}
        super().__init__(**kwargs)

    def load(self) -> None:
        terms = list(self.model.objects.order_by("name"))
        if self.model is Sector:  # the tree's order: each sector after its parent
            by_slug = {s.slug: s for s in terms}

            def place(sector: Sector) -> tuple:
                chain = [by_slug.get(slug, sector) for slug in sector.path.split("/")]
                return tuple((s.position, s.slug) for s in chain)

            terms.sort(key=place)
        self.terms = {term.slug: term for term in terms}
        self.choices = [(slug, term.label) for slug, term in self.terms.items()]

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        unknown = [v for v in value if v not in self.terms]
        if unknown:
            raise forms.ValidationError(
                _("Unknown %(kind)s: %(terms)s. Choose among the ones listed."),
                code="unknown_term",
                params={
                    "kind": self.model._meta.verbose_name_plural,
                    "terms": ", ".join(f"« {v} »" for v in unknown),
                },
            )
        if self.max_choices is not None and len(set(value)) > self.max_choices:
            raise forms.ValidationError(
                _("Choose at most %(max)d."), code="too_many", params={"max": self.max_choices}
            )

    def clean(self, value: Any) -> list[Any]:
        slugs = super().clean(value)
        return [self.terms[slug] for slug in dict.fromkeys(slugs)]


class ActorForm(forms.Form):
    """The actor's interoperable fields, shared by submitting and editing."""

    bound_field_class = LiveBoundField
    template_name_live = "directory/submission/_live_field.html"

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind of actor"),
        choices=ActorKind.choices,
        widget=forms.RadioSelect,
        help_text=_("Choose “Independent worker” when the entry describes you yourself."),
    )
    legal_form = forms.ChoiceField(
        label=_("Legal form"),
        choices=[("", _("— Choose, if there is one —")), *LegalForm.choices],
        required=False,
    )
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=30,
        required=False,
        help_text=_("14 digits, found on a Kbis or on annuaire-entreprises.data.gouv.fr."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the actor does, for whom, and how it works (4,000 characters at most)."),
    )
    sectors = TermsField(
        model=Sector,
        max_choices=MAX_SECTORS,
        label=_("Sectors"),
    )
    skills = TermsField(
        model=Skill,
        max_choices=MAX_SKILLS,
        required=False,
        label=_("Skills and trades"),
    )
    labels = TermsField(
        model=Label,
        required=False,
        label=_("Labels"),
        help_text=_("Only the labels and approvals the actor holds: moderators check them."),
    )
    tags = TermsField(model=Tag, required=False, label=_("Keywords"))
    street = forms.CharField(
        label=_("Street address"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    city = forms.CharField(
        label=_("Town"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=COUNTRIES,
        initial="FR",
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Shown publicly on the entry."),
    )
    telephone = forms.CharField(
        label=_("Telephone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    opening_hours = forms.CharField(
        label=_("Opening hours"),
        max_length=255,
        required=False,
        help_text=_(
            "In the OpenStreetMap format: “Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00”, "
            "or “24/7”. Days: Mo Tu We Th Fr Sa Su, PH for public holidays."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in TAXONOMY_MODELS:
            self.fields[name].load()
        # Built here, in the language of the request (a lazy text formatted at import
        # would be frozen in the language active then).
        self.fields["sectors"].help_text = gettext(
            "Open a sector to tick it or one of its branches (%(max)d at most)."
        ) % {"max": MAX_SECTORS}
        self.fields["skills"].help_text = gettext(
            "What the actor can help others with (%(max)d at most)."
        ) % {"max": MAX_SKILLS}
        siret = self.fields["siret"]
        siret.live_region = "{auto_id}_check"
        siret.template_name = self.template_name_live
        siret.widget.attrs.update(
            {
                "hx-get": reverse("directory:submit_check_siret"),
                "hx-trigger": "input changed delay:600ms, change",
                "hx-target": "#id_siret_check",
                "hx-sync": "this:queue last",
            }
        )
        for name in ("street", "postcode", "city", "country"):
            field = self.fields[name]
            field.live_region = "address-check"
            field.widget.attrs.update(
                {
                    "class": "address-source dup-source",
                    "hx-get": reverse("directory:submit_check_address"),
                    "hx-trigger": "change",
                    "hx-include": ".address-source",
                    "hx-target": "#address-check",
                    "hx-sync": "#address-check:queue last",
                }
            )
        for name in ("name", "siret", "email", "website"):
            self.fields[name].widget.attrs["class"] = "dup-source"

    # --- Cleaning ----------------------------------------------------------------------------

    def clean_siret(self) -> str:
        check = siret_check(self.cleaned_data["siret"])
        if not check.is_acceptable:
            raise forms.ValidationError(check.message, code=f"siret_{check.state}")
        return check.number

    def clean_telephone(self) -> str:
        number = self.cleaned_data["telephone"].strip()
        if number and (not _TELEPHONE_RE.match(number) or sum(c.isdigit() for c in number) < 6):
            raise forms.ValidationError(
                _("Type a telephone number: digits, spaces, dots, and + for abroad."),
                code="telephone",
            )
        return number

    def clean_opening_hours(self) -> str:
        text = " ".join(self.cleaned_data["opening_hours"].split())
        if text and opening_hours_rows(text) is None:
            raise forms.ValidationError(
                _(
                    "These hours are not in the expected format. Write for example "
                    "“Tu-Sa 09:00-19:00” or “Mo,We 14:00-18:00; Sa 09:00-12:00”."
                ),
                code="opening_hours",
            )
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        postcode = (data.get("postcode") or "").strip()
        if data.get("country", "FR") == "FR":
            if not postcode:
                self.add_error("postcode", _("A French address needs its postcode."))
            elif not _POSTCODE_RE.match(postcode):
                self.add_error("postcode", _("A French postcode has 5 digits."))
        return data

    # --- For the template and the services ---------------------------------------------------

    def sector_groups(self) -> list[dict[str, Any]]:
        """The sector checkboxes by top-level sector: each group's own box first, then its
        branches; a group is open when one of its boxes is ticked or it has an error."""
        field = self.fields["sectors"]
        widgets = {str(w.data["value"]): w for w in self["sectors"]}
        ticked = {str(v) for v in (self["sectors"].value() or [])}
        groups: list[dict[str, Any]] = []
        for slug, sector in field.terms.items():
            if sector.depth == 0:
                groups.append({"sector": sector, "options": [], "ticked": 0})
            if not groups or slug not in widgets:
                continue
            groups[-1]["options"].append({"widget": widgets[slug], "depth": sector.depth})
            groups[-1]["ticked"] += slug in ticked
        return groups

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned values as `actor_submit` takes them."""
        data = self.cleaned_data
        values: dict[str, Any] = {name: data.get(name, "") for name in TEXT_FIELDS}
        values.update({name: data.get(name, []) for name in TAXONOMY_MODELS})
        return values

    def update_kwargs(self) -> dict[str, Any]:
        """The cleaned values as `actor_update` takes them."""
        data = self.cleaned_data
        return {
            "fields": {name: data.get(name, "") for name in TEXT_FIELDS},
            **{name: data.get(name, []) for name in TAXONOMY_MODELS},
        }

    @staticmethod
    def initial_from(values: dict[str, Any]) -> dict[str, Any]:
        """Initial data from `actor_values` (and a pending change's proposed values)."""
        return {name: values[name] for name in (*TEXT_FIELDS, *TAXONOMY_MODELS) if name in values}


class ActorSubmissionForm(ActorForm):
    """Submitting a new actor: possible duplicates must be acknowledged to go on."""

    not_duplicate = forms.CharField(required=False, widget=forms.HiddenInput)

    def confirmed_duplicate_ids(self) -> set[int]:
        raw = self.data.get(self.add_prefix("not_duplicate"), "") if self.is_bound else ""
        return {int(part) for part in str(raw).split(",") if part.strip().isdigit()}

    def check_duplicates(self, duplicates: list[Duplicate]) -> bool:
        """True when there are none, or the person ticked "not a duplicate" for all of
        them; otherwise an error is added for the confirmation step."""
        if not duplicates:
            return True
        if {d.actor.pk for d in duplicates} <= self.confirmed_duplicate_ids():
            return True
        self.add_error(
            "not_duplicate",
            _(
                "This entry looks like one already in the directory. Check the possible "
                "duplicates below; if yours is a different actor, tick the box to submit it."
            ),
        )
        return False


class ActorEditForm(ActorForm):
    """Editing an actor: the same fields, starting from its values."""


class ChangeDecisionForm(forms.Form):
    """A moderator's decision on a pending change; the button pressed says which."""

    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject: the person who proposed the change reads it."),
    )
    fingerprint = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error(
                "reason",
                _("Say why you reject this change: the person who proposed it reads it."),
            )
        return data
