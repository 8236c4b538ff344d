"""A member's pages: their account, paying, asking, answering requests, figures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.money import format_money
from coops.core.permissions import can, require
from coops.ledger.selectors import account_statement, statement_csv

from .. import selectors, services
from ..forms import CurrencyForm, RefuseForm, RequestForm, TransferForm
from ..models import Currency, Offer, PaymentRequest, RequestStatus, plain
from ._common import _currency, _form_error, _render, _url


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The member's account; before the currency exists, the set-up form (organisers)
    or a kind word (members)."""
    require(request.user, "currency.use", request.group)
    currency = selectors.currency_of(request.group)
    if currency is None:
        form = CurrencyForm() if can(request.user, "currency.manage", request.group) else None
        return _render(request, "setup.html", None, form=form, action=_url(request, "settings"))
    overview = selectors.member_overview(
        currency=currency, user=request.user, page=request.GET.get("page")
    )
    return _render(request, "index.html", currency, refuse_form=RefuseForm(), **overview)


@login_required
@require_GET
def statement_download(request: HttpRequest) -> HttpResponse:
    currency = _currency(request)
    account = selectors.account_of(currency, request.user)
    if account is None:
        raise Http404
    response = HttpResponse(
        statement_csv(account_statement(account=account)), content_type="text/csv; charset=utf-8"
    )
    filename = f"{currency.code.lower()}-{request.group.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    currency = _currency(request)
    return _render(
        request, "overview.html", currency, stats=selectors.group_stats(currency=currency)
    )


def _prefill(request: HttpRequest, currency: Currency, field: str) -> dict:
    """Initial values from ?offer=<pk> (its author and price) or ?to=<user pk>."""
    initial: dict = {}
    offer_pk = request.GET.get("offer", "")
    if offer_pk.isdigit():
        offer = Offer.objects.filter(pk=offer_pk, currency=currency, is_active=True).first()
        if offer is not None:
            initial.update(offer=offer.pk, memo=offer.title, **{field: offer.author_id})
            if offer.price is not None:
                initial["amount"] = plain(offer.price)
    to = request.GET.get("to", "")
    if to.isdigit():
        initial[field] = int(to)
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest) -> HttpResponse:
    currency = _currency(request)
    if request.method == "POST":
        form = TransferForm(request.POST, currency=currency, user=request.user)
        if form.is_valid():
            try:
                services.transfer_create(
                    currency=currency, acting_user=request.user, **form.service_kwargs()
                )
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                payee = form.cleaned_data["payee"]
                amount = currency.money(currency.to_minor(form.cleaned_data["amount"]))
                messages.success(
                    request,
                    _("You paid %(amount)s to %(name)s.")
                    % {"amount": format_money(amount), "name": payee.public_name},
                )
                return redirect(_url(request, "index"))
    else:
        initial = _prefill(request, currency, "payee")
        form = TransferForm(initial=initial, currency=currency, user=request.user)
    limits = selectors.limits_of(currency, selectors.account_of(currency, request.user))
    return _render(request, "pay.html", currency, form=form, limits=limits)


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    currency = _currency(request)
    if request.method == "POST":
        form = RequestForm(request.POST, currency=currency, user=request.user)
        if form.is_valid():
            try:
                payment_request = services.payment_request_create(
                    currency=currency, acting_user=request.user, **form.service_kwargs()
                )
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Your request of %(amount)s was sent to %(name)s.")
                    % {
                        "amount": format_money(payment_request.money),
                        "name": payment_request.payer.public_name,
                    },
                )
                return redirect(_url(request, "index"))
    else:
        initial = _prefill(request, currency, "payer")
        form = RequestForm(initial=initial, currency=currency, user=request.user)
    return _render(request, "request.html", currency, form=form)


def _transition(request: HttpRequest, pk: int, to: str, success: str) -> HttpResponse:
    currency = _currency(request)
    payment_request = get_object_or_404(PaymentRequest, pk=pk, currency=currency)
    reason = ""
    if to == RequestStatus.REFUSED:
        form = RefuseForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        done = services.payment_request_transition(
            payment_request=payment_request, to=to, acting_user=request.user, reason=reason
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            success
            % {
                "amount": format_money(done.money),
                "requester": done.requester.public_name,
                "payer": done.payer.public_name,
            },
        )
    return redirect(_url(request, "index"))


@login_required
@require_POST
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, RequestStatus.ACCEPTED, _("You paid %(amount)s to %(requester)s.")
    )


@login_required
@require_POST
def request_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        RequestStatus.REFUSED,
        _("You refused the request of %(amount)s from %(requester)s."),
    )


@login_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        RequestStatus.CANCELLED,
        _("You withdrew your request of %(amount)s to %(payer)s."),
    )
