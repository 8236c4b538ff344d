"""Organisers' pages: the accounts and their limits, the currency's settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coops.core.permissions import require
from coops.groups.models import Membership

from .. import selectors, services
from ..forms import CurrencyForm, LimitsForm
from ._common import _currency, _form_error, _render, _url


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    currency = _currency(request, "currency.manage")
    return _render(
        request,
        "manage.html",
        currency,
        accounts=selectors.accounts_page(currency=currency, page=request.GET.get("page")),
        others=selectors.other_accounts(currency),
        runs=currency.demurrage_runs.all()[:6],
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest) -> HttpResponse:
    """Create the currency, or change its settings."""
    require(request.user, "currency.manage", request.group)
    currency = selectors.currency_of(request.group)
    form = CurrencyForm(request.POST or None, currency=currency)
    if request.method == "POST" and form.is_valid():
        try:
            if currency is None:
                services.currency_create(
                    group=request.group, acting_user=request.user, **form.service_kwargs()
                )
                messages.success(request, _("The currency is created."))
            else:
                services.currency_update(
                    currency=currency, acting_user=request.user, **form.service_kwargs()
                )
                messages.success(request, _("The currency's settings are saved."))
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            return redirect(_url(request, "manage"))
    return _render(request, "settings.html", currency, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def account_limits(request: HttpRequest, user_id: int) -> HttpResponse:
    currency = _currency(request, "currency.manage")
    membership = get_object_or_404(
        Membership.objects.active().select_related("user"), group=request.group, user_id=user_id
    )
    member = membership.user
    account = selectors.account_of(currency, member)
    limits = selectors.limits_of(currency, account)
    initial = {
        "min_balance": limits.min_balance.amount if limits.min_balance else None,
        "max_balance": limits.max_balance.amount if limits.max_balance else None,
    }
    form = LimitsForm(request.POST or None, initial=initial, currency=currency)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_limits_set(
                currency=currency,
                member=member,
                min_balance=form.cleaned_data["min_balance"],
                max_balance=form.cleaned_data["max_balance"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _("The limits of %(name)s are saved.") % {"name": member.public_name}
            )
            return redirect(_url(request, "manage"))
    return _render(
        request, "limits.html", currency, form=form, member=member, account=account, limits=limits
    )
