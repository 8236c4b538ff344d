from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from .models import User

# Translated at render time: French speakers type "effacer", English speakers "erase".
ERASE_CONFIRMATION_WORD = _("erase")


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself ("Français", "English"): people look for their own."""
    choices = []
    for code, _name in settings.LANGUAGES:
        local = get_language_info(code)["name_local"]
        choices.append((code, local[:1].upper() + local[1:]))
    return choices


def home_display(user: User) -> str:
    """What the home town field shows: the town, else the postcode kept as typed."""
    return user.home_town or user.home_postcode


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_(
            "How other members see you. Leave empty to use the first part of your email address."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    home = forms.CharField(
        label=_("Home town"),
        max_length=120,
        required=False,
        help_text=_(
            "A town or a postcode, for example Roubaix or 59100. It helps show the "
            "groups and activities near you. Leave empty to remove it."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "display_name": user.display_name,
                "language": user.language,
                "home": home_display(user),
            },
        )
        super().__init__(*args, **kwargs)

    def home_query(self) -> str | None:
        """The new home text, or None when the person left it as it was."""
        new = " ".join(self.cleaned_data["home"].split())
        old = " ".join(str(self.initial.get("home", "")).split())
        return None if new.casefold() == old.casefold() else new


class ApiTokenCreateForm(forms.Form):
    EXPIRY_CHOICES = [
        ("30", _("In 30 days")),
        ("90", _("In 90 days")),
        ("365", _("In one year")),
        ("never", _("Never")),
    ]

    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What the token is for, for example “spreadsheet export”."),
    )
    expires = forms.ChoiceField(label=_("Expires"), choices=EXPIRY_CHOICES, initial="90")

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "token")
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."), code="required")
        return name

    def expires_at(self):
        choice = self.cleaned_data["expires"]
        if choice == "never":
            return None
        return timezone.now() + timedelta(days=int(choice))


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class EraseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirmation = forms.CharField(
        label=format_lazy(_("Type “{word}” to confirm"), word=ERASE_CONFIRMATION_WORD),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your current password."), code="password")
        return password

    def clean_confirmation(self) -> str:
        typed = self.cleaned_data["confirmation"].strip().casefold()
        accepted = {gettext(ERASE_CONFIRMATION_WORD).casefold(), "erase"}
        if typed not in accepted:
            raise forms.ValidationError(
                _("Type “%(word)s” exactly to confirm."),
                code="confirmation",
                params={"word": gettext(ERASE_CONFIRMATION_WORD)},
            )
        return typed
