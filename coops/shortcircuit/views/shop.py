"""The buyer space of a distribution: the shop, the cart kept in the session, and
placing (or changing) the order. Every page works without JavaScript; with htmx,
adding to the cart only refreshes the cart's count."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coops.core.money import Money
from coops.core.permissions import can, require

from ..forms.shop import CartLineForm, CartRemoveForm, CheckoutForm, ShopFilterForm
from ..models import Distribution, DistributionStatus, OrderPayment
from ..selectors.shop import cart_summary, shop_facets, shop_page
from ..services import cart as carts
from ..services.orders import accepting_orders, balance_available, order_place
from ._common import distribution_or_404, in_group_zone, render_page, url


def visible_distribution(request: HttpRequest, pk: int) -> Distribution:
    """The group's distribution; a draft only for its organisers."""
    distribution = distribution_or_404(request, pk)
    if distribution.status == DistributionStatus.DRAFT and not can(
        request.user, "shortcircuit.organise", request.group
    ):
        raise Http404
    return distribution


def closed_reason(distribution: Distribution) -> str:
    """Why the distribution takes no order now ("" when it does)."""
    if accepting_orders(distribution):
        return ""
    if distribution.status == DistributionStatus.DRAFT:
        return _("This distribution is not published yet.")
    if distribution.status == DistributionStatus.OPEN and timezone.now() < distribution.opens_at:
        when = formats.date_format(timezone.localtime(distribution.opens_at), "DATETIME_FORMAT")
        return _("Orders open on %(when)s.") % {"when": when}
    return _("Orders for this distribution are closed.")


def _cart(request: HttpRequest, distribution: Distribution) -> dict:
    if not request.user.is_authenticated:
        return {}
    return carts.cart_quantities(
        session=request.session, distribution=distribution, user=request.user
    )


@require_GET
@in_group_zone
def shop(request: HttpRequest, pk: int) -> HttpResponse:
    distribution = visible_distribution(request, pk)
    quantities = _cart(request, distribution)
    facets = shop_facets(distribution=distribution)
    form = ShopFilterForm(request.GET, producers=facets.producers, categories=facets.categories)
    result = shop_page(
        distribution=distribution, page=request.GET.get("page", 1), cart=quantities,
        **form.filters(),
    )  # fmt: skip
    reason = closed_reason(distribution)
    return render_page(
        request,
        "shop/shop.html",
        section="index",
        here=distribution.title,
        distribution=distribution,
        form=form,
        result=result,
        reason=reason,
        can_add=not reason and can(request.user, "shortcircuit.order", request.group),
        cart_count=len(quantities),
    )


def _back(request: HttpRequest, distribution: Distribution) -> str:
    """Where to go after a cart change: the page the form came from, when it is this
    distribution's shop or cart, else the cart."""
    target = request.POST.get("next", "")
    allowed = (url(request, "shop", pk=distribution.pk), url(request, "cart", pk=distribution.pk))
    if target.split("?")[0] in allowed and "//" not in target:
        return target
    return allowed[1]


def _cart_changed(request: HttpRequest, distribution: Distribution, count: int) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(
            request,
            "shortcircuit/shop/_cart_count.html",
            {"group": request.group, "distribution": distribution, "cart_count": count},
        )
    return redirect(_back(request, distribution))


def _refused(request: HttpRequest, distribution: Distribution, messages_list) -> HttpResponse:
    for message in messages_list:
        messages.error(request, message)
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = _back(request, distribution)
        return response
    return redirect(_back(request, distribution))


def _form_errors(form) -> list[str]:
    return [e for errors in form.errors.values() for e in errors]


@login_required
@require_POST
@in_group_zone
def cart_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _cart_put(request, pk, add=True)


@login_required
@require_POST
@in_group_zone
def cart_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _cart_put(request, pk, add=False)


def _cart_put(request: HttpRequest, pk: int, *, add: bool) -> HttpResponse:
    require(request.user, "shortcircuit.order", request.group)
    distribution = visible_distribution(request, pk)
    form = CartLineForm(request.POST)
    if not form.is_valid():
        return _refused(request, distribution, _form_errors(form))
    try:
        quantities = carts.cart_put(
            session=request.session, distribution=distribution, user=request.user,
            offer_id=form.cleaned_data["offer"], quantity=form.cleaned_data["quantity"], add=add,
        )  # fmt: skip
    except ValidationError as exc:
        return _refused(request, distribution, exc.messages)
    if not request.headers.get("HX-Request"):
        messages.success(request, _("Your cart is updated."))
    return _cart_changed(request, distribution, len(quantities))


@login_required
@require_POST
@in_group_zone
def cart_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.order", request.group)
    distribution = visible_distribution(request, pk)
    form = CartRemoveForm(request.POST)
    if not form.is_valid():
        return _refused(request, distribution, _form_errors(form))
    quantities = carts.cart_remove(
        session=request.session, distribution=distribution, user=request.user,
        offer_id=form.cleaned_data["offer"],
    )  # fmt: skip
    messages.success(request, _("The product is removed from your cart."))
    return _cart_changed(request, distribution, len(quantities))


def _checkout_initial(request: HttpRequest, distribution: Distribution, order, total, available):
    if order is not None:
        return {"slot": order.slot_id, "payment": order.payment, "note": order.note}
    slot = distribution.slots.values_list("pk", flat=True).first()
    covered = available.amount >= total.amount and total.amount > 0
    return {"slot": slot, "payment": OrderPayment.BALANCE if covered else OrderPayment.ON_SITE}


def cart_context(request: HttpRequest, distribution: Distribution, form=None) -> dict:
    quantities = _cart(request, distribution)
    summary = cart_summary(distribution=distribution, quantities=quantities)
    order = carts.buyer_order(distribution=distribution, user=request.user)
    available = balance_available(
        group=request.group, user=request.user, currency=distribution.currency, excluding=order
    )
    if form is None:
        initial = _checkout_initial(request, distribution, order, summary.total, available)
        form = CheckoutForm(distribution=distribution, initial=initial)
    reason = closed_reason(distribution)
    return {
        "distribution": distribution,
        "cart": summary,
        "order": order,
        "available": available,
        "short": available.amount < summary.total.amount,
        "form": form,
        "reason": reason,
        "here": _("My cart"),
        "cart_count": summary.count,
    }


@login_required
@require_GET
@in_group_zone
def cart(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.order", request.group)
    distribution = visible_distribution(request, pk)
    return render_page(
        request, "shop/cart.html", section="index", **cart_context(request, distribution)
    )


@login_required
@require_POST
@in_group_zone
def cart_place(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.order", request.group)
    distribution = visible_distribution(request, pk)
    form = CheckoutForm(request.POST, distribution=distribution)
    if form.is_valid():
        # Place what the buyer sees: offers gone from the distribution drop out.
        summary = cart_summary(distribution=distribution, quantities=_cart(request, distribution))
        quantities = {line.offer.pk: line.quantity for line in summary.lines}
        try:
            order = order_place(
                distribution=distribution, slot=form.cleaned_data["slot"],
                quantities=quantities, payment=form.cleaned_data["payment"],
                note=form.cleaned_data["note"], acting_user=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            carts.cart_clear(session=request.session, distribution=distribution)
            total = Money(order.total, distribution.currency)
            messages.success(request, _("Your order is placed: %(total)s.") % {"total": total})
            return redirect(url(request, "order", pk=order.pk))
    context = cart_context(request, distribution, form)
    return render_page(request, "shop/cart.html", section="index", status=400, **context)
