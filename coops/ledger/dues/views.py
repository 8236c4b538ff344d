"""Dues pages of the "ledger" group module (/g/<slug>/m/ledger/dues/…).

Members see their own dues, pay them from their balance and declare their income
bracket. Organisers and treasurers ("ledger.keep_books") manage plans, generate
dues, see who is up to date, record payments and waive dues.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.money import Money
from coops.core.permissions import can, require
from coops.groups.selectors import active_users

from ..forms import PaymentForm
from . import selectors, services
from .forms import OVERDUE, DeclarationForm, DuesFilterForm, GenerateForm, PlanForm, WaiveForm
from .models import Pricing

VIEW_OWN = "ledger.view_own"
KEEP_BOOKS = "ledger.keep_books"


def _url(request: HttpRequest, name: str, **kwargs) -> str:
    return reverse(f"groups:ledger:{name}", kwargs={"slug": request.group.slug, **kwargs})


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _plan(request: HttpRequest, plan_id: int):
    plan = selectors.group_plan(group=request.group, pk=plan_id)
    if plan is None:
        raise Http404
    return plan


def _dues(request: HttpRequest, dues_id: int):
    dues = selectors.group_dues(group=request.group, pk=dues_id)
    if dues is None:
        raise Http404
    return dues


# --- Members -------------------------------------------------------------------------


@login_required
@require_GET
def dues_index(request: HttpRequest) -> HttpResponse:
    group = request.group
    require(request.user, VIEW_OWN, group)
    today = group.today()
    dues = selectors.member_dues(group=group, user=request.user)
    choices = selectors.declaration_choices(group=group, user=request.user)
    return render(
        request,
        "ledger/dues/index.html",
        {
            "group": group,
            "dues": [(d, d.is_overdue(today)) for d in dues],
            "up_to_date": selectors.member_is_up_to_date(group=group, user=request.user, on=today),
            "balance": selectors.member_balance(group=group, user=request.user),
            "declarations": [
                (
                    c,
                    DeclarationForm(
                        plan=c.plan,
                        initial={"bracket": c.declared},
                        auto_id=f"plan{c.plan.pk}_%s",
                    ),
                )
                for c in choices
            ],
            "keeps_books": can(request.user, KEEP_BOOKS, group),
        },
    )


@login_required
@require_POST
def dues_pay(request: HttpRequest, dues_id: int) -> HttpResponse:
    require(request.user, VIEW_OWN, request.group)
    dues = _dues(request, dues_id)
    if dues.member_id != request.user.pk:
        raise Http404
    try:
        services.dues_pay_from_balance(dues=dues, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            _("Your dues for %(period)s are paid: %(amount)s taken from your balance.")
            % {"period": dues.period_label, "amount": Money(dues.amount, dues.currency)},
        )
    return redirect(_url(request, "dues"))


@login_required
@require_POST
def dues_declare(request: HttpRequest, plan_id: int) -> HttpResponse:
    group = request.group
    require(request.user, VIEW_OWN, group)
    plan = _plan(request, plan_id)
    if plan.pricing != Pricing.SLIDING or not plan.is_active:
        raise Http404
    for_someone = "member" in request.POST
    if for_someone:
        require(request.user, KEEP_BOOKS, group)
    form = DeclarationForm(
        request.POST, plan=plan, members=active_users(group) if for_someone else None
    )
    back = _url(request, "dues_plans") if for_someone else _url(request, "dues")
    if not form.is_valid():
        messages.error(request, _("Choose one of the plan's brackets."))
        return redirect(back)
    member = form.cleaned_data["member"] if for_someone else request.user
    bracket = form.cleaned_data["bracket"]
    try:
        services.declaration_set(
            plan=plan, member=member, bracket=bracket, acting_user=request.user
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            _("%(name)s's bracket for %(plan)s: %(bracket)s.")
            % {"name": member.public_name, "plan": plan.name, "bracket": bracket.label},
        )
    return redirect(back)


# --- Organisers and treasurers -------------------------------------------------------


@login_required
@require_GET
def dues_plans(request: HttpRequest) -> HttpResponse:
    group = request.group
    require(request.user, KEEP_BOOKS, group)
    plans = list(selectors.group_plans(group=group))
    return render(
        request,
        "ledger/dues/plans.html",
        {
            "group": group,
            "plans": [
                (
                    plan,
                    GenerateForm(prefix=f"plan{plan.pk}"),
                    DeclarationForm(
                        plan=plan, members=active_users(group), auto_id=f"plan{plan.pk}_%s"
                    )
                    if plan.pricing == Pricing.SLIDING and plan.is_active
                    else None,
                )
                for plan in plans
            ],
        },
    )


def _plan_form_page(request: HttpRequest, form: PlanForm, plan=None) -> HttpResponse:
    return render(
        request,
        "ledger/dues/plan_form.html",
        {"group": request.group, "form": form, "plan": plan},
    )


@login_required
@require_http_methods(["GET", "POST"])
def dues_plan_create(request: HttpRequest) -> HttpResponse:
    group = request.group
    require(request.user, KEEP_BOOKS, group)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.dues_plan_create(
                group=group, acting_user=request.user, **form.plan_kwargs()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Plan “%(name)s” created.") % {"name": plan.name})
            return redirect(_url(request, "dues_plans"))
    return _plan_form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def dues_plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    require(request.user, KEEP_BOOKS, request.group)
    plan = _plan(request, plan_id)
    form = PlanForm(request.POST or None, plan=plan, locked=plan.dues.exists())
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.dues_plan_update(
                plan=plan, acting_user=request.user, **form.plan_kwargs()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Plan “%(name)s” saved.") % {"name": plan.name})
            return redirect(_url(request, "dues_plans"))
    return _plan_form_page(request, form, plan)


@login_required
@require_POST
def dues_generate(request: HttpRequest, plan_id: int) -> HttpResponse:
    require(request.user, KEEP_BOOKS, request.group)
    plan = _plan(request, plan_id)
    form = GenerateForm(request.POST, prefix=f"plan{plan.pk}")
    if not form.is_valid():
        messages.error(request, _("Give a valid day."))
        return redirect(_url(request, "dues_plans"))
    try:
        created = services.dues_generate(
            plan=plan, on=form.cleaned_data["on"], acting_user=request.user
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        if created:
            messages.success(
                request,
                ngettext(
                    "%(count)s dues generated for %(period)s.",
                    "%(count)s dues generated for %(period)s.",
                    len(created),
                )
                % {"count": len(created), "period": created[0].period_label},
            )
        else:
            messages.info(request, _("Every active member already has dues for that period."))
    return redirect(_url(request, "dues_plans"))


@login_required
@require_GET
def dues_report(request: HttpRequest) -> HttpResponse:
    group = request.group
    require(request.user, KEEP_BOOKS, group)
    rows = selectors.up_to_date_report(group)
    return render(
        request,
        "ledger/dues/report.html",
        {
            "group": group,
            "rows": rows,
            "late": sum(1 for r in rows if not r.up_to_date),
            "today": group.today(),
        },
    )


@login_required
@require_GET
def dues_list(request: HttpRequest) -> HttpResponse:
    group = request.group
    require(request.user, KEEP_BOOKS, group)
    plans = list(selectors.group_plans(group=group))
    form = DuesFilterForm(request.GET or None, plans=plans)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status", "")
    today = group.today()
    page = selectors.group_dues_page(
        group=group,
        status="" if status == OVERDUE else status,
        overdue_on=today if status == OVERDUE else None,
        plan_id=data.get("plan"),
        page=request.GET.get("page"),
    )
    return render(
        request,
        "ledger/dues/list.html",
        {
            "group": group,
            "form": form,
            "page": page,
            "rows": [(d, d.is_overdue(today)) for d in page],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dues_record_payment(request: HttpRequest, dues_id: int) -> HttpResponse:
    require(request.user, KEEP_BOOKS, request.group)
    dues = _dues(request, dues_id)
    members = get_user_model().objects.filter(pk=dues.member_id)
    form = PaymentForm(
        request.POST or None,
        members=members,
        group=request.group,
        initial={"member": dues.member, "amount": dues.amount},
    )
    form.fields["member"].disabled = True  # always the dues' member
    form.fields["member"].empty_label = None
    if request.method == "POST" and form.is_valid():
        payment = form.payment_kwargs()
        del payment["member"]
        try:
            services.dues_record_payment(dues=dues, acting_user=request.user, **payment)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Payment recorded: %(name)s's dues for %(period)s are paid.")
                % {"name": dues.member.public_name, "period": dues.period_label},
            )
            return redirect(_url(request, "dues_list"))
    return render(
        request,
        "ledger/dues/record_payment.html",
        {
            "group": request.group,
            "dues": dues,
            "form": form,
            "balance": selectors.member_balance(group=request.group, user=dues.member),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dues_waive(request: HttpRequest, dues_id: int) -> HttpResponse:
    require(request.user, KEEP_BOOKS, request.group)
    dues = _dues(request, dues_id)
    form = WaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dues_waive(
                dues=dues, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s's dues for %(period)s are waived.")
                % {"name": dues.member.public_name, "period": dues.period_label},
            )
            return redirect(_url(request, "dues_list"))
    return render(
        request, "ledger/dues/waive.html", {"group": request.group, "dues": dues, "form": form}
    )
