"""The ballot forms, one shape per kind of method.

Positions methods (consensus, consent, majorities) take one answer and a reason; a
consensus block also takes a counter-proposal, chosen among those already made or
written in the same step. Option methods take one field per option: a grade (majority
judgment), a rank (Schulze, ties allowed, blank for unranked), dots, or a score. The
method itself checks the answer (`methods.*.validate` through `ballot_cast`), so these
forms only parse; every field is optional for the method's message to be the one shown.
A member holding proxies chooses whom they answer for.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .methods import get_method
from .methods.judgment import GRADES
from .models import Ballot, Method, Proposal
from .services.ballots import MARK_KEYS


def _field_name(option_pk: int) -> str:
    return f"option_{option_pk}"


class BallotForm(forms.Form):
    """What every ballot shares: whom the answer is for."""

    def __init__(self, *args, proposal: Proposal, givers=(), for_self=True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.givers = {str(user.pk): user for user in givers}
        if self.givers:
            # "Myself" only for a voter: a holder who was not one answers for givers only.
            mine = [("", _("Myself"))] if for_self else []
            self.fields["voter"] = forms.ChoiceField(
                label=_("Answer for"),
                required=not for_self,
                choices=[*mine, *((pk, u.public_name) for pk, u in self.givers.items())],
            )

    def chosen_voter(self):
        """The member answered for (None: oneself)."""
        return self.givers.get(self.cleaned_data.get("voter") or "")

    def response(self) -> dict:
        raise NotImplementedError


class PositionsBallotForm(BallotForm):
    position = forms.ChoiceField(label=_("Your answer"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for an objection or a block."),
    )

    def __init__(self, *args, counter_proposals=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [
            (value, label) for value, label in get_method(self.proposal.method).positions
        ]
        self.is_consensus = self.proposal.method == Method.CONSENSUS
        if self.is_consensus:
            self.fields["counter_proposal"] = forms.ChoiceField(
                label=_("A counter-proposal already made"),
                required=False,
                choices=[("", "—"), *((str(p.pk), p.title) for p in counter_proposals)],
            )
            self.fields["counter_title"] = forms.CharField(
                label=_("Or write your counter-proposal: title"), required=False, max_length=200
            )
            self.fields["counter_body"] = forms.CharField(
                label=_("Text of your counter-proposal"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    def clean(self):
        d = super().clean()
        if self.is_consensus and d.get("position") == "block":
            has_counter = d.get("counter_proposal") or (d.get("counter_title") or "").strip()
            if not (d.get("reason") or "").strip() or not has_counter:
                raise ValidationError(_("A block needs a written reason and a counter-proposal."))
            if d.get("counter_proposal") and (d.get("counter_title") or "").strip():
                raise ValidationError(
                    _("Choose a counter-proposal already made or write a new one, not both.")
                )
        return d

    def writes_counter_proposal(self) -> bool:
        d = self.cleaned_data
        return (
            self.is_consensus
            and d.get("position") == "block"
            and bool((d.get("counter_title") or "").strip())
        )

    def response(self) -> dict:
        d = self.cleaned_data
        response = {"position": d["position"], "reason": d.get("reason", "")}
        if self.is_consensus and d["position"] == "block":
            response["counter_proposal"] = d.get("counter_proposal") or None
        return response


class OptionsBallotForm(BallotForm):
    def __init__(self, *args, options=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        method, settings = self.proposal.method, self.proposal.settings or {}
        self.option_fields = []
        for option in options:
            name = _field_name(option.pk)
            if method == Method.JUDGMENT:
                field = forms.TypedChoiceField(
                    label=option.label,
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[(str(value), label) for value, label in GRADES],
                    widget=forms.RadioSelect,
                )
            else:
                attrs = {"inputmode": "numeric"}
                if method == Method.SCHULZE:
                    attrs.update(min=1, max=len(options))
                elif method == Method.DOTS:
                    attrs.update(min=0, max=settings.get("dots", 5))
                else:
                    attrs.update(min=settings.get("min_score", 0), max=settings.get("max_score", 5))
                field = forms.IntegerField(
                    label=option.label, required=False, widget=forms.NumberInput(attrs=attrs)
                )
            self.fields[name] = field
            self.option_fields.append((option, name))

    def option_rows(self) -> list:
        """(option, bound field) pairs, in option order, for the template."""
        return [(option, self[name]) for option, name in self.option_fields]

    def response(self) -> dict:
        marks = {
            str(option.pk): self.cleaned_data[name]
            for option, name in self.option_fields
            if self.cleaned_data.get(name) is not None
        }
        if self.proposal.method == Method.DOTS:
            marks = {key: value for key, value in marks.items() if value}
        return {MARK_KEYS[self.proposal.method]: marks}


def ballot_initial(proposal: Proposal, ballot: Ballot | None) -> dict:
    """The form's initial values from the reader's current answer."""
    if ballot is None or ballot.set_aside_at is not None:
        return {}
    if proposal.uses_options:
        return {_field_name(m.option_id): m.value for m in ballot.marks.all()}
    initial = {"position": ballot.position, "reason": ballot.reason}
    if ballot.counter_proposal_id:
        initial["counter_proposal"] = str(ballot.counter_proposal_id)
    return initial


def ballot_form(
    proposal: Proposal,
    data=None,
    *,
    options=(),
    givers=(),
    counter_proposals=(),
    initial=None,
    for_self=True,
) -> BallotForm:
    """The ballot form fitting the proposal's method; `for_self` when the reader is a
    voter themself (else they answer only for the members whose proxy they hold)."""
    if proposal.uses_options:
        return OptionsBallotForm(
            data,
            proposal=proposal,
            options=options,
            givers=givers,
            initial=initial,
            for_self=for_self,
        )
    return PositionsBallotForm(
        data,
        proposal=proposal,
        givers=givers,
        counter_proposals=counter_proposals,
        initial=initial,
        for_self=for_self,
    )
