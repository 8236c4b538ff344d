"""Group purchasing pages: needs and +1s, bulk orders (list, creation, the order's page
with each member's request), opening and closing, the purchase order for the supplier
and the distribution list. Members take part; organisers run the orders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import can, require

from ..forms.bulk import (
    ArticleChoiceForm,
    ArticleForm,
    ArticleFormSet,
    BulkOrderForm,
    NeedForm,
    RequestForm,
    VoteForm,
)
from ..models import BulkArticle, BulkOrder, BulkStatus, Need
from ..selectors import bulk as selectors
from ..services import bulk as services
from ._common import in_group_zone, refuse, render_page, url

PARTICIPATE = "shortcircuit.participate"
ORGANISE = "shortcircuit.organise"


def _need_or_404(request: HttpRequest, pk: int) -> Need:
    need = Need.objects.filter(pk=pk, group=request.group).first()
    if need is None:
        raise Http404
    return need


def _order_or_404(request: HttpRequest, pk: int) -> BulkOrder:
    order = BulkOrder.objects.filter(pk=pk, group=request.group).first()
    if order is None:
        raise Http404
    if order.status == BulkStatus.DRAFT and not can(request.user, ORGANISE, request.group):
        raise Http404
    return order


def _article_or_404(order: BulkOrder, form: ArticleChoiceForm) -> BulkArticle:
    article = None
    if form.is_valid():
        article = BulkArticle.objects.filter(
            pk=form.cleaned_data["article"], bulk_order=order
        ).first()
    if article is None:
        raise Http404
    return article


# --- needs -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def needs(request: HttpRequest) -> HttpResponse:
    require(request.user, PARTICIPATE, request.group)
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_post(group=request.group, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your need is posted."))
            return redirect(url(request, "needs"))
    ranked = list(selectors.needs_ranked(group=request.group, user=request.user))
    for need in ranked:
        need.per_month = selectors.per_month(need)
    return render_page(
        request,
        "bulk/needs.html",
        section="needs",
        here=_("Needs"),
        form=form,
        needs=ranked,
        met=selectors.needs_met(group=request.group),
        can_organise=can(request.user, ORGANISE, request.group),
    )


@login_required
@require_POST
def need_vote(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PARTICIPATE, request.group)
    need = _need_or_404(request, pk)
    back = url(request, "needs")
    form = VoteForm(request.POST)
    if not form.is_valid():
        return refuse(request, ValidationError(form.errors["quantity"]), back)
    try:
        services.need_vote(
            need=need, acting_user=request.user, quantity=form.cleaned_data["quantity"]
        )
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(request, _("Your +1 is counted."))
    return redirect(back)


@login_required
@require_POST
def need_unvote(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PARTICIPATE, request.group)
    need = _need_or_404(request, pk)
    services.need_unvote(need=need, acting_user=request.user)
    messages.success(request, _("Your +1 is withdrawn."))
    return redirect(url(request, "needs"))


@login_required
@require_POST
def need_close(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, ORGANISE, request.group)
    need = _need_or_404(request, pk)
    services.need_close(need=need, acting_user=request.user)
    messages.success(request, _("The need is marked met."))
    return redirect(url(request, "needs"))


# --- bulk orders -----------------------------------------------------------------------------


@login_required
@require_GET
@in_group_zone
def bulk_list(request: HttpRequest) -> HttpResponse:
    require(request.user, PARTICIPATE, request.group)
    organiser = can(request.user, ORGANISE, request.group)
    return render_page(
        request,
        "bulk/list.html",
        section="bulk",
        here=_("Group purchases"),
        orders=selectors.bulk_orders_of(group=request.group, organiser=organiser),
        can_organise=organiser,
    )


def _prefill(request: HttpRequest) -> list[dict]:
    need = Need.objects.filter(pk=request.GET.get("need") or 0, group=request.group).first()
    if need is None:
        return []
    return [{"name": need.title, "unit": need.unit or "kg", "need": need.pk}]


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def bulk_create(request: HttpRequest) -> HttpResponse:
    require(request.user, ORGANISE, request.group)
    form = BulkOrderForm(request.POST or None)
    formset = ArticleFormSet(request.POST or None, initial=_prefill(request), prefix="articles")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        needs = {n.pk: n for n in Need.objects.filter(group=request.group)}
        articles = [f.service_kwargs(needs) for f in formset.forms if f.cleaned_data]
        try:
            order = services.bulk_order_create(
                group=request.group,
                acting_user=request.user,
                articles=articles,
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The bulk order is saved as a draft."))
            return redirect(url(request, "bulk", pk=order.pk))
    return render_page(
        request,
        "bulk/form.html",
        section="bulk",
        here=_("New group purchase"),
        form=form,
        formset=formset,
    )


@login_required
@require_GET
@in_group_zone
def bulk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PARTICIPATE, request.group)
    order = _order_or_404(request, pk)
    return _detail(request, order)


def _detail(request, order, *, article_form=None, status: int = 200) -> HttpResponse:
    accepting = order.status == BulkStatus.OPEN and timezone.now() < order.closes_at
    return render_page(
        request,
        "bulk/detail.html",
        section="bulk",
        here=order.title,
        status=status,
        order=order,
        page=selectors.bulk_page(bulk_order=order, user=request.user),
        accepting=accepting,
        can_organise=can(request.user, ORGANISE, request.group),
        article_form=article_form or ArticleForm(prefix="article"),
    )


@login_required
@require_POST
@in_group_zone
def bulk_article_add(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, ORGANISE, request.group)
    order = _order_or_404(request, pk)
    form = ArticleForm(request.POST, prefix="article")
    if form.is_valid():
        try:
            services.bulk_article_add(
                bulk_order=order, acting_user=request.user, **form.service_kwargs({})
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The article is added."))
            return redirect(url(request, "bulk", pk=order.pk))
    return _detail(request, order, article_form=form, status=400)


@login_required
@require_POST
def bulk_open(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, ORGANISE, request.group)
    order = _order_or_404(request, pk)
    back = url(request, "bulk", pk=order.pk)
    try:
        services.bulk_order_open(bulk_order=order, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(request, _("The bulk order is open for requests."))
    return redirect(back)


@login_required
@require_POST
def bulk_close(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, ORGANISE, request.group)
    order = _order_or_404(request, pk)
    back = url(request, "bulk", pk=order.pk)
    try:
        services.bulk_order_close(bulk_order=order, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(request, _("The bulk order is closed and allocated; members are told."))
    return redirect(back)


@login_required
@require_POST
def bulk_request(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PARTICIPATE, request.group)
    order = _order_or_404(request, pk)
    article = _article_or_404(order, ArticleChoiceForm(request.POST))
    back = url(request, "bulk", pk=order.pk)
    form = RequestForm(request.POST)
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        return refuse(request, ValidationError(errors), back)
    try:
        services.bulk_request_set(
            article=article,
            acting_user=request.user,
            quantity=form.cleaned_data["quantity"],
            tolerance=form.cleaned_data["tolerance"],
        )
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(request, _("Your request for %(article)s is saved.") % {"article": article})
    return redirect(back)


@login_required
@require_POST
def bulk_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, PARTICIPATE, request.group)
    order = _order_or_404(request, pk)
    article = _article_or_404(order, ArticleChoiceForm(request.POST))
    back = url(request, "bulk", pk=order.pk)
    try:
        services.bulk_request_withdraw(article=article, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(
        request, _("Your request for %(article)s is withdrawn.") % {"article": article}
    )
    return redirect(back)


@login_required
@require_GET
@in_group_zone
def bulk_purchase_order(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, ORGANISE, request.group)
    order = _order_or_404(request, pk)
    lines, total = selectors.purchase_order(bulk_order=order)
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            selectors.purchase_order_csv(order, lines, total),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{request.group.slug}-bulk-{order.pk}.csv"'
        )
        return response
    return render_page(
        request,
        "bulk/purchase_order.html",
        section="bulk",
        here=_("Purchase order"),
        order=order,
        lines=lines,
        total=total,
    )


@login_required
@require_GET
@in_group_zone
def bulk_distribution(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, ORGANISE, request.group)
    order = _order_or_404(request, pk)
    return render_page(
        request,
        "bulk/distribution.html",
        section="bulk",
        here=_("Distribution list"),
        order=order,
        members=selectors.distribution_list(bulk_order=order),
    )
