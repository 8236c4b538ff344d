"""Pages of the "ledger" group module: members' prepaid balances, payments received,
statements and the accounting export. Thin: parse input, check permission, call one
service or selector, render.

Every page is behind the module wrapper (404 when the group is hidden from the visitor
or has the module off) and asks for a login. A member sees their own account
("ledger.view_own"); organisers and treasurers keep the books ("ledger.keep_books").
Another member's statement answers 404 to whoever does not keep the books, so an
account number says nothing about who holds it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.money import Money, format_money
from coops.core.permissions import can, require
from coops.groups.selectors import active_users

from . import fec, selectors
from .dues.services import payment_cancel
from .forms import (
    ExportForm,
    PaymentFilterForm,
    PaymentForm,
    ReversalForm,
    StatementFilterForm,
)
from .models import LedgerAccount, Payment, Purpose
from .providers import payment_record

VIEW_OWN = "ledger.view_own"
KEEP_BOOKS = "ledger.keep_books"
PER_PAGE = 50


def _url(request: HttpRequest, name: str, **kwargs) -> str:
    return reverse(f"groups:ledger:{name}", kwargs={"slug": request.group.slug, **kwargs})


# --- A member's own account ---------------------------------------------------------------


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    group = request.group
    require(request.user, VIEW_OWN, group)
    account = selectors.member_account(group=group, user=request.user)
    context = {
        "group": group,
        "account": account,
        "currency": selectors.BOOK_CURRENCY,
        "recent": selectors.recent_entries(account=account) if account else [],
        "keeps_books": can(request.user, KEEP_BOOKS, group),
    }
    if context["keeps_books"]:
        members = Paginator(selectors.member_balances(group=group), PER_PAGE)
        context.update(
            members=members.get_page(request.GET.get("page")),
            members_total=selectors.member_balances_total(group=group),
            house=selectors.house_accounts(group=group),
        )
    return render(request, "ledger/index.html", context)


def _statement(request: HttpRequest, account: LedgerAccount):
    """The filter form and the statement it selects (unfiltered when the form is invalid)."""
    form = StatementFilterForm(
        request.GET or None, kinds=selectors.statement_kinds(account=account)
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    statement = selectors.account_statement(
        account=account,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        kind=filters.get("kind") or None,
    )
    return form, statement


def _render_statement(
    request: HttpRequest, account: LedgerAccount | None, csv_url: str, own: bool
) -> HttpResponse:
    context = {"group": request.group, "account": account, "own": own, "csv_url": csv_url}
    if account is not None:
        form, statement = _statement(request, account)
        context.update(
            form=form,
            statement=statement,
            entries=Paginator(statement.entries, PER_PAGE).get_page(request.GET.get("page")),
            query=_without_page(request),
        )
    return render(request, "ledger/statement.html", context)


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _csv_response(request: HttpRequest, account: LedgerAccount) -> HttpResponse:
    _form, statement = _statement(request, account)
    stamp = "_".join(
        d.isoformat() for d in (statement.date_from, statement.date_to) if d is not None
    )
    filename = f"{request.group.slug}-{slugify(account.name) or account.pk}-{stamp or 'all'}.csv"
    return HttpResponse(
        selectors.statement_csv(statement),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@require_GET
@login_required
def statement(request: HttpRequest) -> HttpResponse:
    require(request.user, VIEW_OWN, request.group)
    account = selectors.member_account(group=request.group, user=request.user)
    return _render_statement(request, account, _url(request, "statement_csv"), own=True)


@require_GET
@login_required
def statement_csv(request: HttpRequest) -> HttpResponse:
    require(request.user, VIEW_OWN, request.group)
    account = selectors.member_account(group=request.group, user=request.user)
    if account is None:
        raise Http404
    return _csv_response(request, account)


def _kept_account(request: HttpRequest, pk: int) -> LedgerAccount:
    """An account of this group's books, for whoever keeps them; 404 for anyone else."""
    if not can(request.user, KEEP_BOOKS, request.group):
        raise Http404
    account = selectors.group_account(group=request.group, pk=pk)
    if account is None:
        raise Http404
    return account


@require_GET
@login_required
def member_statement(request: HttpRequest, pk: int) -> HttpResponse:
    account = _kept_account(request, pk)
    csv_url = _url(request, "member_statement_csv", pk=account.pk)
    return _render_statement(request, account, csv_url, own=False)


@require_GET
@login_required
def member_statement_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _csv_response(request, _kept_account(request, pk))


# --- Payments received --------------------------------------------------------------------


def _errors_onto(form: PaymentForm, exc: ValidationError) -> None:
    """Put a provider's refusal on the field it names, or above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _already_recorded(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("This payment was already recorded; it was not counted twice."))
    return redirect(_url(request, "payments"))


@require_http_methods(["GET", "POST"])
@login_required
def payment_record_view(request: HttpRequest) -> HttpResponse:
    group = request.group
    require(request.user, KEEP_BOOKS, group)
    members = active_users(group)
    if request.method != "POST":
        form = PaymentForm(members=members, group=group)
        return render(request, "ledger/payment_form.html", {"group": group, "form": form})
    form = PaymentForm(request.POST, members=members, group=group)
    if form.is_valid():
        if selectors.payment_form_used(idempotency_key=form.ledger_key()):
            return _already_recorded(request)
        try:
            payment = payment_record(group=group, acting_user=request.user, **form.payment_kwargs())
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(
                request,
                _("Payment of %(amount)s from %(member)s recorded.")
                % {"amount": _euros(payment), "member": payment.member.public_name},
            )
            return redirect(_url(request, "payments"))
    return render(request, "ledger/payment_form.html", {"group": group, "form": form})


def _euros(payment: Payment) -> str:
    return format_money(Money(payment.amount, payment.currency))


@require_GET
@login_required
def payments(request: HttpRequest) -> HttpResponse:
    group = request.group
    require(request.user, KEEP_BOOKS, group)
    form = PaymentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = selectors.payments_list(
        group=group, method=filters.get("method", ""), month=filters.get("month")
    )
    context = {
        "group": group,
        "form": form,
        "payments": Paginator(rows, PER_PAGE).get_page(request.GET.get("page")),
        "reversal_form": ReversalForm(),
    }
    return render(request, "ledger/payments.html", context)


@require_POST
@login_required
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    group = request.group
    require(request.user, KEEP_BOOKS, group)
    payment = get_object_or_404(
        Payment.objects.select_related("member", "transaction"), pk=pk, group=group
    )
    if payment.transaction is None:
        raise Http404
    form = ReversalForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        reopened = payment_cancel(payment=payment, acting_user=request.user, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The payment of %(amount)s from %(member)s is cancelled: its reversal is posted.")
            % {"amount": _euros(payment), "member": payment.member.public_name},
        )
        for dues in reopened:
            messages.info(
                request,
                _("The dues it paid (%(plan)s, %(period)s) are due again.")
                % {"plan": dues.plan.name, "period": dues.period_label},
            )
    return redirect(_url(request, "payments"))


# --- Accounting export --------------------------------------------------------------------


@require_GET
@login_required
def export(request: HttpRequest) -> HttpResponse:
    group = request.group
    require(request.user, KEEP_BOOKS, group)
    form = ExportForm(request.GET if "format" in request.GET else None, today=group.today())
    if not form.is_bound or not form.is_valid():
        chart = [(label, fec.CHART[purpose]) for purpose, label in Purpose.choices]
        context = {"group": group, "form": form, "chart": chart}
        return render(request, "ledger/export.html", context)
    period = {
        "group": group,
        "date_from": form.cleaned_data["date_from"],
        "date_to": form.cleaned_data["date_to"],
    }
    if form.cleaned_data["format"] == "fec":
        filename = fec.fec_filename(
            group=group, date_to=period["date_to"], siren=form.cleaned_data["siren"]
        )
        response = StreamingHttpResponse(
            fec.fec_stream(**period), content_type="text/plain; charset=utf-8"
        )
    else:
        filename = fec.csv_filename(**period)
        response = StreamingHttpResponse(
            fec.csv_stream(**period), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


urlpatterns = [
    path("", index, name="index"),
    path("statement/", statement, name="statement"),
    path("statement.csv", statement_csv, name="statement_csv"),
    path("accounts/<int:pk>/", member_statement, name="member_statement"),
    path("accounts/<int:pk>/statement.csv", member_statement_csv, name="member_statement_csv"),
    path("payments/", payments, name="payments"),
    path("payments/new/", payment_record_view, name="payment_record"),
    path("payments/<int:pk>/cancel/", payment_reverse, name="payment_reverse"),
    path("export/", export, name="export"),
]
