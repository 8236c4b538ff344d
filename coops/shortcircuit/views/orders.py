"""A buyer's orders: their history in the group, one order, changing it (back to the
cart, prefilled) and cancelling it until orders close."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coops.core.money import Money
from coops.core.permissions import can, get_rule, require

from ..models import Order, OrderStatus
from ..selectors.orders import buyer_orders, order_of_group
from ..selectors.shop import quantity_text
from ..services.cart import cart_from_order
from ..services.orders import accepting_orders, order_cancel
from ._common import in_group_zone, refuse, render_page, url


def _order(request: HttpRequest, pk: int) -> Order:
    order = order_of_group(group=request.group, pk=pk)
    if order is None:
        raise Http404
    return order


@login_required
@require_GET
@in_group_zone
def orders_mine(request: HttpRequest) -> HttpResponse:
    require(request.user, "shortcircuit.participate", request.group)
    page = buyer_orders(group=request.group, user=request.user, page=request.GET.get("page", 1))
    rows = [(o, Money(o.total, o.distribution.currency)) for o in page.object_list]
    return render_page(
        request, "orders/mine.html", section="orders", here=_("My orders"), page=page, rows=rows
    )


@login_required
@require_GET
@in_group_zone
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    own = can(request.user, "shortcircuit.own_order", order)
    if not own and not can(request.user, "shortcircuit.organise", request.group):
        raise PermissionDenied(get_rule("shortcircuit.own_order").message)
    currency = order.distribution.currency
    lines = [
        {
            "line": line,
            "price": Money(line.unit_price + line.unit_fee, currency),
            "total": Money(line.total, currency),
            "quantity": quantity_text(line.quantity),
            "weighed": quantity_text(line.actual_weight) if line.actual_weight else "",
        }
        for line in order.lines.all()
    ]
    changeable = (
        own
        and order.status == OrderStatus.PLACED
        and order.subscription_id is None
        and accepting_orders(order.distribution)
    )
    return render_page(
        request,
        "orders/detail.html",
        section="orders",
        here=_("Order #%(id)s") % {"id": order.pk},
        order=order,
        lines=lines,
        total=Money(order.total, currency),
        changeable=changeable,
    )


@login_required
@require_POST
@in_group_zone
def order_modify(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    require(request.user, "shortcircuit.own_order", order)
    if order.status != OrderStatus.PLACED or not accepting_orders(order.distribution):
        messages.error(request, _("This order can no longer be changed."))
        return redirect(url(request, "order", pk=order.pk))
    cart_from_order(session=request.session, order=order)
    return redirect(url(request, "cart", pk=order.distribution_id))


@login_required
@require_POST
@in_group_zone
def order_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    require(request.user, "shortcircuit.own_order", order)
    try:
        order_cancel(order=order, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, url(request, "order", pk=order.pk))
    messages.success(request, _("Your order is cancelled; its products are back on sale."))
    return redirect(url(request, "orders_mine"))
