"""The organisers' pages after a distribution closes: weighing variable-weight lines,
recording on-site payments, and settling the distribution into the group's books."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coops.core.money import Money, format_money
from coops.core.permissions import require

from ..forms._common import add_service_error
from ..forms.shop import OnSitePaymentForm, WeighForm
from ..models import DistributionStatus, Order, OrderLine
from ..selectors.orders import on_site_orders, settlement_preview, weighable_lines
from ..services.settlement import distribution_settle, order_payment_record
from ..services.weights import WEIGHABLE, line_weigh
from ._common import distribution_or_404, in_group_zone, render_page, url


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def weights(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.organise", request.group)
    distribution = distribution_or_404(request, pk)
    form = None
    if request.method == "POST":
        form = WeighForm(request.POST)
        if form.is_valid():
            line = OrderLine.objects.filter(
                pk=form.cleaned_data["line"], order__distribution=distribution
            ).first()
            try:
                if line is None:
                    raise ValidationError(_("This line is not in this distribution."))
                line = line_weigh(
                    line=line, actual_weight=form.cleaned_data["actual_weight"],
                    acting_user=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(product)s for %(buyer)s: %(total)s.")
                    % {
                        "product": line.product_name,
                        "buyer": line.order.buyer.public_name,
                        "total": format_money(Money(line.total, distribution.currency)),
                    },
                )
                return redirect(url(request, "weights", pk=distribution.pk))
    return render_page(
        request,
        "settlement/weights.html",
        section="organise",
        here=_("Weights"),
        status=400 if form is not None else 200,
        distribution=distribution,
        rows=weighable_lines(distribution=distribution),
        form=form,
        editable=distribution.status in WEIGHABLE,
    )


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def payments(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.organise", request.group)
    distribution = distribution_or_404(request, pk)
    form = None
    if request.method == "POST":
        form = OnSitePaymentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            order = Order.objects.filter(pk=data["order"], distribution=distribution).first()
            try:
                if order is None:
                    raise ValidationError(_("This order is not in this distribution."))
                order_payment_record(
                    order=order, method=data["method"], amount=data["amount"],
                    received_on=request.group.today(), acting_user=request.user,
                    cheque_number=data["cheque_number"], cheque_bank=data["cheque_bank"],
                )  # fmt: skip
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Payment of %(amount)s recorded for order #%(id)s.")
                    % {
                        "amount": format_money(Money(data["amount"], distribution.currency)),
                        "id": order.pk,
                    },
                )
                return redirect(url(request, "payments", pk=distribution.pk))
    return render_page(
        request,
        "settlement/payments.html",
        section="organise",
        here=_("On-site payments"),
        status=400 if form is not None else 200,
        distribution=distribution,
        rows=on_site_orders(distribution=distribution),
        form=form,
        settled=distribution.status == DistributionStatus.SETTLED,
    )


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def settle(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.organise", request.group)
    distribution = distribution_or_404(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            distribution_settle(distribution=distribution, acting_user=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("The distribution is settled."))
            return redirect(url(request, "settle", pk=distribution.pk))
    return render_page(
        request,
        "settlement/settle.html",
        section="organise",
        here=_("Settlement"),
        status=400 if errors else 200,
        distribution=distribution,
        preview=settlement_preview(distribution=distribution),
        errors=errors,
    )
