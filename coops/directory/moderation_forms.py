"""Forms of the moderation pages: an opinion, a decision, a report, its handling, a merge.
They parse input; the services in services/moderation.py check and write."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Actor, ActorStatus, ReportReason, ReportStatus, VoteChoice


def actor_reference(text: str, *, statuses: Iterable[str]) -> Actor | None:
    """The entry a person points at by pasting its page's address or typing its slug."""
    text = (text or "").strip()
    path = urlsplit(text).path if "/" in text else text
    parts = [p for p in path.split("/") if p]
    if not parts:
        return None
    return Actor.objects.filter(slug=parts[-1], status__in=list(statuses)).first()


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your opinion"), choices=VoteChoice.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you know about it: seen it open last week, the right address…"),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. Sent to the people who submitted and manage the entry."),
    )

    def __init__(self, *args, outcomes: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o, _decision_label(o)) for o in outcomes]


def _decision_label(outcome: str) -> str:
    return {
        ActorStatus.PUBLISHED: _("Publish"),
        ActorStatus.REJECTED: _("Reject"),
        ActorStatus.ARCHIVED: _("Archive (withdraw from the directory)"),
    }[outcome]


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    duplicate = forms.CharField(
        label=_("The other entry"),
        required=False,
        max_length=300,
        help_text=_("For a duplicate: paste the address of the other entry's page."),
    )
    comment = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        help_text=_("To let you know what the moderators decided. Never shown."),
    )
    # A field people do not see (hidden by the template); robots fill it in.
    homepage = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, actor: Actor, signed_in: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.statuses = (
            (ActorStatus.PUBLISHED, ActorStatus.PENDING) if signed_in else (ActorStatus.PUBLISHED,)
        )
        if signed_in:
            del self.fields["email"]

    @property
    def is_robot(self) -> bool:
        return bool(self.is_bound and self.data.get("homepage"))

    def clean(self):
        data = super().clean()
        data["duplicate_of"] = None
        if data.get("reason") == ReportReason.DUPLICATE:
            other = actor_reference(data.get("duplicate", ""), statuses=self.statuses)
            if other is None:
                self.add_error(
                    "duplicate", _("No entry of the directory has this address: check it.")
                )
            elif other.pk == self.actor.pk:
                self.add_error("duplicate", _("This is the address of the entry you report."))
            data["duplicate_of"] = other
        return data


class ReportHandleForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What to do with this report"),
        choices=[
            (ReportStatus.RESOLVED, _("Resolved: the entry was corrected, archived or merged")),
            (ReportStatus.DISMISSED, _("Dismissed: nothing to change")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required. Sent to the person who reported, when we know how to reach them."),
    )


class MergeForm(forms.Form):
    keep = forms.CharField(
        label=_("Entry to keep"),
        max_length=300,
        help_text=_("Its address or slug. The entry you are merging is archived."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required. Sent to the people who manage both entries."),
    )

    def clean_keep(self) -> Actor:
        keep = actor_reference(
            self.cleaned_data["keep"], statuses=(ActorStatus.PUBLISHED, ActorStatus.PENDING)
        )
        if keep is None:
            raise forms.ValidationError(
                _("No published or pending entry has this address or slug.")
            )
        return keep
