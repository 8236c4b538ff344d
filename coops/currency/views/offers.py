"""Offers and wants: listing, searching, publishing, editing, withdrawing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import can, require

from .. import selectors, services
from ..forms import OfferFilterForm, OfferForm
from ..models import Currency, Offer, OfferKind
from ._common import _currency, _form_error, _render, _url


@login_required
@require_GET
def offers(request: HttpRequest) -> HttpResponse:
    currency = _currency(request)
    form = OfferFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    mine = request.GET.get("mine") == "1"
    page = selectors.offers_page(
        currency=currency,
        q=data.get("q", ""),
        kind=data.get("kind", ""),
        category=data.get("category", ""),
        author=request.user if mine else None,
        page=request.GET.get("page"),
    )
    return _render(request, "offers.html", currency, form=form, page=page, mine=mine)


def _offer(request: HttpRequest, pk: int, currency: Currency) -> Offer:
    return get_object_or_404(
        Offer.objects.select_related("author", "currency__group"), pk=pk, currency=currency
    )


@login_required
@require_GET
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    currency = _currency(request)
    offer = _offer(request, pk, currency)
    if not offer.is_active and not can(request.user, "currency.edit_offer", offer):
        raise Http404
    return _render(
        request,
        "offer_detail.html",
        currency,
        offer=offer,
        can_edit=can(request.user, "currency.edit_offer", offer),
        is_mine=offer.author_id == request.user.pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest) -> HttpResponse:
    currency = _currency(request)
    initial = {"kind": OfferKind.WANT if request.GET.get("kind") == "want" else OfferKind.OFFER}
    form = OfferForm(request.POST or None, initial=initial, currency=currency)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(
                currency=currency, acting_user=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your listing is online."))
            return redirect(_url(request, "offer_detail", pk=offer.pk))
    return _render(request, "offer_form.html", currency, form=form, offer=None)


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    currency = _currency(request)
    offer = _offer(request, pk, currency)
    require(request.user, "currency.edit_offer", offer)
    form = OfferForm(request.POST or None, currency=currency, offer=offer)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(offer=offer, acting_user=request.user, **form.service_kwargs())
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The listing is saved."))
            return redirect(_url(request, "offer_detail", pk=offer.pk))
    return _render(request, "offer_form.html", currency, form=form, offer=offer)


def _set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    currency = _currency(request)
    offer = _offer(request, pk, currency)
    require(request.user, "currency.edit_offer", offer)
    services.offer_set_active(offer=offer, active=active, acting_user=request.user)
    if active:
        messages.success(request, _("The listing is online again."))
    else:
        messages.success(request, _("The listing is withdrawn."))
    return redirect(_url(request, "offer_detail", pk=offer.pk))


@login_required
@require_POST
def offer_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, False)


@login_required
@require_POST
def offer_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, True)
