"""Forms of the proxies and colleges pages. The services check the rules (no chain, the
holder's limit, weights between 10 and 50 % summing to 100 %); these forms parse."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import College


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.public_name


class ProxyForm(forms.Form):
    """Give my vote for one open proposal or one upcoming assembly to another member."""

    scope = forms.ChoiceField(label=_("For"))
    holder = _UserChoice(label=_("Give my vote to"), queryset=None)

    def __init__(self, *args, proposals, assemblies, members, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.proposals = {f"p{p.pk}": p for p in proposals}
        self.assemblies = {f"a{a.pk}": a for a in assemblies}
        choices: list = [("", "—")]
        if self.assemblies:
            choices.append(
                (_("Assemblies"), [(key, a.title) for key, a in self.assemblies.items()])
            )
        if self.proposals:
            choices.append((_("Open votes"), [(key, p.title) for key, p in self.proposals.items()]))
        self.fields["scope"].choices = choices
        self.fields["holder"].queryset = members.exclude(pk=user.pk)

    def scope_kwargs(self) -> dict:
        key = self.cleaned_data["scope"]
        if key in self.assemblies:
            return {"assembly": self.assemblies[key]}
        return {"proposal": self.proposals[key]}


class CollegeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, required=False)
    weight = forms.IntegerField(label=_("Weight (%)"), required=False)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)

    def clean(self):
        d = super().clean()
        if d.get("name") and d.get("weight") is None and not d.get("DELETE"):
            raise ValidationError(_("Give this college a weight."))
        return d


class _CollegeFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        """The colleges to keep, in order: named rows not marked for deletion."""
        return [
            {
                "name": f.cleaned_data["name"],
                "weight": f.cleaned_data["weight"],
                "description": f.cleaned_data.get("description", ""),
            }
            for f in self.forms
            if f.cleaned_data.get("name") and not f.cleaned_data.get("DELETE")
        ]


CollegeFormSet = forms.formset_factory(
    CollegeForm, formset=_CollegeFormSet, extra=2, can_delete=True, max_num=10, validate_max=True
)


def college_initial(colleges) -> list[dict]:
    return [{"name": c.name, "weight": c.weight, "description": c.description} for c in colleges]


class CollegeAssignForm(forms.Form):
    user = _UserChoice(label=_("Member"), queryset=None)
    college = forms.ModelChoiceField(
        label=_("College"), queryset=College.objects.none(), required=False, empty_label=_("None")
    )

    def __init__(self, *args, group, members, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members
        self.fields["college"].queryset = College.objects.filter(group=group)
