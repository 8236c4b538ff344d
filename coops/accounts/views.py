"""The signed-in person's own account: profile, language, API tokens, RGPD."""

from __future__ import annotations

import json

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import ApiTokenCreateForm, EraseAccountForm, LanguageForm, ProfileForm
from .models import ApiToken

# The secret of a token just created waits here for the next page render, then goes.
NEW_TOKEN_SESSION_KEY = "accounts:new_api_token"  # noqa: S105 (a session key name)


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _render_profile(
    request: HttpRequest,
    *,
    form: ProfileForm | None = None,
    token_form: ApiTokenCreateForm | None = None,
) -> HttpResponse:
    user = request.user
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    context = {
        "form": form or ProfileForm(user=user),
        "token_form": token_form or ApiTokenCreateForm(),
        "tokens": selectors.api_tokens_of(user=user),
        "token_limit": services.MAX_ACTIVE_API_TOKENS,
        "active_token_count": selectors.active_api_token_count(user=user),
        "new_token": new_token,
        "email_addresses": selectors.email_addresses_of(user=user),
        "now": timezone.now(),
    }
    response = render(request, "accounts/profile.html", context)
    if new_token:
        # The page holds a secret: never keep a copy anywhere.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "GET":
        return _render_profile(request)
    form = ProfileForm(request.POST, user=user)
    if not form.is_valid():
        return _render_profile(request, form=form)
    home_query = form.home_query()
    services.user_profile_update(
        user=user,
        acting_user=user,
        display_name=form.cleaned_data["display_name"],
        language=form.cleaned_data["language"],
        home_query=home_query,
    )
    translation.activate(user.language)
    if home_query and user.home_point is None:
        messages.warning(
            request,
            _(
                "Profile saved. We could not place “%(place)s” on the map: it is kept as "
                "you wrote it, without a location. Try the town's name or its postcode."
            )
            % {"place": home_query},
        )
    else:
        messages.success(request, _("Your profile has been saved."))
    response = redirect("accounts:profile")
    _set_language_cookie(response, user.language)
    return response


def _safe_next(request: HttpRequest, *candidates: str) -> str:
    """The first candidate URL pointing at this site, else the page the form was on, else home."""
    for url in (*candidates, request.META.get("HTTP_REFERER", "")):
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
    return "/"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: a cookie for everyone, the profile when signed in."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "core/error.html",
            {
                "status": 400,
                "title": _("Language not available"),
                "message": _("This language is not available. Choose French or English."),
            },
            status=400,
        )
    language = form.cleaned_data["language"]
    next_url = _safe_next(request, form.cleaned_data["next"])
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=language, acting_user=request.user)
    response = redirect(next_url)
    _set_language_cookie(response, language)
    return response


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = {"name": token.name, "secret": secret}
            return redirect("accounts:profile")
    return _render_profile(request, token_form=form)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's token is simply not found: its existence is not revealed.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is not None:
        messages.info(
            request, _("The token “%(name)s” was already revoked.") % {"name": token.name}
        )
    else:
        services.api_token_revoke(token=token, acting_user=request.user)
        messages.success(
            request,
            _("The token “%(name)s” has been revoked. It no longer works.") % {"name": token.name},
        )
    return redirect("accounts:profile")


@never_cache
@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    data = selectors.personal_data_export(user=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    filename = f"coops-personal-data-{timezone.localdate():%Y-%m-%d}.json"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _render_erase(request: HttpRequest, form: EraseAccountForm) -> HttpResponse:
    context = {
        "form": form,
        "last_superuser": selectors.is_last_superuser(user=request.user),
    }
    return render(request, "accounts/erase.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "GET":
        return _render_erase(request, EraseAccountForm(user=user))
    # Each attempt checks the password: limit guesses like allauth's reauthentication.
    limited = ratelimit.consume_or_429(request, action="reauthenticate", user=user)
    if limited:
        return limited
    form = EraseAccountForm(request.POST, user=user)
    if form.is_valid():
        try:
            services.user_erase(user=user, acting_user=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(
                request,
                _("Your account and personal data have been erased. Thank you for being with us."),
            )
            return redirect("home")
    return _render_erase(request, form)
