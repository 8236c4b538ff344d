"""Forms of the proposal pages: drafting (with the method's settings and an optional
effect), amending, withdrawing, and the list and register filters. They parse input; the
services apply the rules, and `ProposalForm.add_service_error` puts a refusal beside the
field it concerns. Times are typed in the group's time zone (the views activate it)."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coops.groups.models import Membership, MembershipStatus

from .models import OPTION_METHODS, Method, Proposal, ProposalStatus, QuorumRule
from .motions import motion_choices
from .motions_builtin import SETTINGS

METHOD_HELP = {
    Method.CONSENSUS: _(
        "Adopted when nobody blocks. A block needs a reason and a counter-proposal."
    ),
    Method.CONSENT: _(
        "Adopted when nobody objects. An objection needs a reason; the text can be amended "
        "to answer it."
    ),
    Method.MAJORITY: _("Yes, no or abstain: adopted with more yes than no."),
    Method.QUALIFIED: _(
        "Yes, no or abstain: adopted when the yes reach the threshold (2/3 by default) of "
        "the votes expressed."
    ),
    Method.JUDGMENT: _(
        "Everyone grades every option from “To reject” to “Excellent”; the best majority "
        "grade wins."
    ),
    Method.SCHULZE: _(
        "Everyone ranks the options (ties allowed); the option preferred to each other one "
        "in head-to-head comparisons wins."
    ),
    Method.DOTS: _("Everyone spreads a number of dots over the options; the most dots win."),
    Method.SCORE: _("Everyone scores every option; the highest average score wins."),
}

CHARTER_MOTION = "charter.adopt_version"

# Where a service's refusal is shown, by its code.
ERROR_FIELDS = {
    "method": "method",
    "motion_method": "method",
    "options": "options",
    "weighted": "weighted",
    "quorum": "quorum_value",
    "closes_at": "closes_at",
    "invalid_threshold": "threshold",
    "invalid_dots": "dots",
    "invalid_score_range": "max_score",
    "setting": "motion_setting",
    "value": "motion_value",
    "version": "motion_version",
    "no_commitments": "motion_version",
    "motion": "motion_type",
    "motion_kind": "motion_type",
}


class _MembershipChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.user.public_name


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, *italics*, lists with “- ”, links [text](https://…)."),
    )
    method = forms.ChoiceField(label=_("Decision method"), choices=Method.choices)
    options = forms.CharField(
        label=_("Options, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For majority judgment, ranked choice, dot and score voting: 2 to 50."),
    )
    threshold = forms.CharField(
        label=_("Threshold of a qualified majority"),
        required=False,
        initial="2/3",
        max_length=13,
        help_text=_("A fraction of the votes expressed, such as 2/3 or 3/5."),
    )
    dots = forms.IntegerField(label=_("Dots per voter"), required=False, initial=5)
    min_score = forms.IntegerField(label=_("Lowest score"), required=False, initial=0)
    max_score = forms.IntegerField(label=_("Highest score"), required=False, initial=5)
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the group's time zone. Empty: 7 days after opening."),
    )
    quorum_rule = forms.ChoiceField(
        label=_("Quorum"), choices=QuorumRule.choices, initial=QuorumRule.NONE
    )
    quorum_value = forms.IntegerField(
        label=_("Quorum value"),
        required=False,
        min_value=0,
        initial=0,
        help_text=_("A number of participants, or a percentage of the eligible voters."),
    )
    secret = forms.BooleanField(label=_("Secret ballot"), required=False)
    results_hidden = forms.BooleanField(label=_("Hide the results until closing"), required=False)
    changes_allowed = forms.BooleanField(
        label=_("Voters can change their answer until closing"), required=False, initial=True
    )
    weighted = forms.BooleanField(label=_("Weighted by college"), required=False)
    motion_type = forms.ChoiceField(label=_("Effect when adopted"), required=False)
    motion_setting = forms.ChoiceField(
        label=_("Setting to change"),
        required=False,
        choices=[("", "—"), *((k, v) for k, v in SETTINGS.items())],
    )
    motion_value = forms.CharField(label=_("New value"), required=False, max_length=40)
    motion_admit = _MembershipChoice(
        label=_("Person to admit"), required=False, queryset=Membership.objects.none()
    )
    motion_exclude = _MembershipChoice(
        label=_("Member to exclude"), required=False, queryset=Membership.objects.none()
    )
    motion_version = forms.ChoiceField(label=_("Charter draft to adopt"), required=False)
    review_on = forms.DateField(
        label=_("Review date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When the group should look at this decision again (optional)."),
    )

    def __init__(self, *args, group, proposal: Proposal | None = None, **kwargs) -> None:
        if proposal is not None:
            kwargs.setdefault("initial", self.initial_from(proposal))
        super().__init__(*args, **kwargs)
        self.group = group
        self.proposal = proposal
        self.fields["method"].initial = Method.CONSENT
        if not group.colleges.exists():
            del self.fields["weighted"]
        motions = motion_choices(group, keep=proposal.motion_type if proposal else "")
        self.fields["motion_type"].choices = [("", _("None: the decision is recorded")), *motions]
        members = Membership.objects.filter(group=group).select_related("user")
        members = members.order_by("user__display_name", "user__email", "pk")
        self.fields["motion_admit"].queryset = members.filter(status=MembershipStatus.PENDING)
        self.fields["motion_exclude"].queryset = members.filter(status=MembershipStatus.ACTIVE)
        if CHARTER_MOTION in dict(motions) and apps.is_installed("coops.charter"):
            # Looked up by name: the charter app sits above governance and registers
            # the motion; governance never imports it.
            versions = apps.get_model("charter", "CharterVersion").objects.drafts()
            self.fields["motion_version"].choices = [("", "—")] + [
                (str(v.pk), str(v)) for v in versions
            ]
        else:
            del self.fields["motion_version"]

    @staticmethod
    def initial_from(proposal: Proposal) -> dict:
        settings, data = proposal.settings or {}, proposal.motion_data or {}
        initial = {
            name: getattr(proposal, name)
            for name in (
                "title", "body", "method", "closes_at", "quorum_rule", "quorum_value",
                "secret", "results_hidden", "changes_allowed", "weighted", "motion_type",
                "review_on",
            )
        }  # fmt: skip
        initial["options"] = "\n".join(proposal.options.values_list("label", flat=True))
        initial.update({k: settings[k] for k in ("threshold", "dots") if k in settings})
        initial.update({k: settings[k] for k in ("min_score", "max_score") if k in settings})
        if proposal.motion_type == "governance.change_setting":
            initial.update(motion_setting=data.get("setting"), motion_value=data.get("value"))
        elif proposal.motion_type == "groups.admit_member":
            initial["motion_admit"] = data.get("membership")
        elif proposal.motion_type == "groups.exclude_member":
            initial["motion_exclude"] = data.get("membership")
        elif proposal.motion_type == CHARTER_MOTION:
            initial["motion_version"] = str(data.get("version", ""))
        return initial

    def method_choices(self) -> list[tuple[str, str, str]]:
        """(value, label, one-line explanation) for the template's radio buttons."""
        return [(value, label, METHOD_HELP[value]) for value, label in Method.choices]

    def clean_closes_at(self):
        closes_at = self.cleaned_data.get("closes_at")
        if closes_at is not None and closes_at <= timezone.now():
            raise ValidationError(_("Choose a closing time in the future."))
        return closes_at

    def _motion_data(self, motion: str) -> dict:
        d = self.cleaned_data
        if motion == "governance.change_setting":
            return {"setting": d.get("motion_setting"), "value": d.get("motion_value")}
        if motion in ("groups.admit_member", "groups.exclude_member"):
            name = "motion_admit" if motion == "groups.admit_member" else "motion_exclude"
            if d.get(name) is None:
                self.add_error(name, _("Choose a person."))
                return {}
            return {"membership": d[name].pk}
        if motion == CHARTER_MOTION:
            return {"version": d.get("motion_version")}
        if self.proposal is not None and motion == self.proposal.motion_type:
            # A motion with its own form (federation rules…): its data stays as it was.
            return dict(self.proposal.motion_data or {})
        return {}

    def clean(self):
        d = super().clean()
        method = d.get("method")
        settings: dict = {}
        if method == Method.QUALIFIED:
            settings["threshold"] = d.get("threshold") or "2/3"
        elif method == Method.DOTS:
            settings["dots"] = d.get("dots") or 5
        elif method == Method.SCORE:
            settings["min_score"] = d["min_score"] if d.get("min_score") is not None else 0
            settings["max_score"] = d["max_score"] if d.get("max_score") is not None else 5
        d["settings"] = settings
        d["option_list"] = _lines(d.get("options", "")) if method in OPTION_METHODS else []
        if d.get("quorum_rule") == QuorumRule.NONE or d.get("quorum_value") is None:
            d["quorum_value"] = 0
        d["motion_data"] = self._motion_data(d.get("motion_type") or "")
        return d

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "body": d["body"],
            "method": d["method"],
            "options": d["option_list"],
            "settings": d["settings"],
            "closes_at": d["closes_at"],
            "quorum_rule": d["quorum_rule"],
            "quorum_value": d["quorum_value"],
            "secret": d["secret"],
            "results_hidden": d["results_hidden"],
            "changes_allowed": d["changes_allowed"],
            "weighted": d.get("weighted", False),
            "motion_type": d.get("motion_type") or "",
            "motion_data": d["motion_data"],
            "review_on": d["review_on"],
        }

    def add_service_error(self, exc: ValidationError) -> None:
        """Show a service's refusal beside the field it concerns (or above the form)."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)
            return
        motion = self.cleaned_data.get("motion_type")
        for error in exc.error_list:
            field = ERROR_FIELDS.get(error.code or "")
            if error.code == "membership":
                field = "motion_admit" if motion == "groups.admit_member" else "motion_exclude"
            self.add_error(field if field in self.fields else None, error.messages)


class AmendForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    reason = forms.CharField(
        label=_("What the amendment changes, and why"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    integrates = forms.MultipleChoiceField(
        label=_("Objections this text answers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their authors will be asked to answer the new text."),
    )

    def __init__(self, *args, proposal: Proposal, objections, **kwargs) -> None:
        kwargs.setdefault("initial", {"title": proposal.title, "body": proposal.body})
        super().__init__(*args, **kwargs)
        self.fields["integrates"].choices = [
            (str(b.pk), _objection_label(b, proposal.secret)) for b in objections
        ]


def _objection_label(ballot, secret: bool) -> str:
    reason = ballot.reason or "—"
    return reason if secret else f"{ballot.voter.public_name} — {reason}"


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), required=False, max_length=500)


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *ProposalStatus.choices],
    )


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    method = forms.ChoiceField(
        label=_("Decision method"), required=False, choices=[("", _("All")), *Method.choices]
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All")), *((str(y), str(y)) for y in years)]
