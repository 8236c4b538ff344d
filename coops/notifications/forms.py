from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import all_kinds
from .models import Frequency


class PreferencesForm(forms.Form):
    """Default email frequency, then one choice per registered kind of notification."""

    default = forms.ChoiceField(
        label=_("By default, email me"),
        choices=Frequency.choices,
        help_text=_("Applies to every kind below set to “Like my default”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        follow = [("", _("Like my default"))]
        for kind in all_kinds():
            self.fields[kind.name] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.description,
                choices=follow + list(Frequency.choices),
                required=False,
            )

    def kind_fields(self):
        return [self[kind.name] for kind in all_kinds()]

    def kind_choices(self) -> dict[str, str]:
        return {kind.name: self.cleaned_data.get(kind.name) or "" for kind in all_kinds()}
