"""Season contract pages: the list and a contract's page (anyone who may see the group),
defining contracts and recording instalments (organisers), subscribing (members) and
the one screen to change a subscription (its member, or organisers)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.money import Money, format_money
from coops.core.permissions import can, require

from ..forms._common import add_service_error
from ..forms.contracts import (
    ContractForm,
    DeliveryChoicesForm,
    InstalmentForm,
    SubscribeForm,
    SubscriptionForm,
    option_formset,
    skipped_dates,
)
from ..models import Contract, ContractKind, ContractStatus, Instalment, Subscription
from ..selectors import contracts as selectors
from ..services import contracts as services
from ..services import subscriptions as subs
from ._common import in_group_zone, refuse, render_page, url


def _contract_or_404(request: HttpRequest, pk: int) -> Contract:
    contract = (
        Contract.objects.select_related("producer", "pickup_point", "group")
        .filter(pk=pk, group=request.group)
        .first()
    )
    if contract is None:
        raise Http404
    if contract.status == ContractStatus.DRAFT and not can(
        request.user, "shortcircuit.organise", request.group
    ):
        raise Http404
    return contract


def _subscription_or_404(request: HttpRequest, pk: int) -> Subscription:
    subscription = (
        Subscription.objects.select_related(
            "contract__group", "contract__producer", "member", "co_subscriber", "option"
        )
        .filter(pk=pk, contract__group=request.group)
        .first()
    )
    if subscription is None:
        raise Http404
    return subscription


def _require_subscription(request: HttpRequest, subscription: Subscription) -> None:
    """Its member (still an active member of the group), or the group's organisers."""
    user, group = request.user, request.group
    if can(user, "shortcircuit.organise", group):
        return
    if subscription.member_id == user.pk and can(user, "shortcircuit.participate", group):
        return
    raise PermissionDenied(_("This subscription is someone else’s."))


def _money(amount, contract: Contract) -> str:
    return format_money(Money(amount, contract.currency))


@require_GET
@in_group_zone
def contract_list(request: HttpRequest) -> HttpResponse:
    group = request.group
    organiser = can(request.user, "shortcircuit.organise", group)
    contracts = selectors.contracts_list(group=group, organiser=organiser, today=group.today())
    return render_page(request, "contracts/list.html", section="contracts", contracts=contracts)


@require_GET
@in_group_zone
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_or_404(request, pk)
    group = request.group
    organiser = can(request.user, "shortcircuit.organise", group)
    today = group.today()
    return render_page(
        request,
        "contracts/detail.html",
        section="contracts",
        contract=contract,
        prices=selectors.option_prices(contract, today),
        deliveries=list(contract.deliveries.all()),
        subscribers=list(selectors.subscribers(contract)) if organiser else None,
        subscribers_count=contract.subscriptions.filter(status="active").count(),
        mine=selectors.member_subscription(contract, request.user),
        may_subscribe=can(request.user, "shortcircuit.participate", group)
        and contract.status == ContractStatus.OPEN,
        transitions=sorted(services.CONTRACT_TRANSITIONS[contract.status]),
    )


def _contract_form_page(request: HttpRequest, contract: Contract | None) -> HttpResponse:
    group = request.group
    initial = {}
    if contract is not None:
        initial = {
            "producer": contract.producer_id,
            "title": contract.title,
            "description": contract.description,
            "kind": contract.kind,
            "minimum_per_delivery": contract.minimum_per_delivery,
            "starts_on": contract.starts_on,
            "ends_on": contract.ends_on,
            "weekday": contract.starts_on.weekday(),
            "pickup_point": contract.pickup_point_id,
            "max_absences": contract.max_absences,
            "absence_notice_days": contract.absence_notice_days,
            "allow_co_subscribers": contract.allow_co_subscribers,
            "instalment_choices": ", ".join(str(n) for n in contract.instalment_choices),
        }
    else:
        initial = {"max_absences": 2, "absence_notice_days": 7, "allow_co_subscribers": True,
                   "instalment_choices": "1, 3, 8"}  # fmt: skip
    data = request.POST if request.method == "POST" else None
    form = ContractForm(
        data,
        initial=initial,
        group=group,
        producer=contract.producer if contract else None,
    )
    formset = option_formset(data, contract=contract, group=group)
    if data is not None and form.is_valid() & formset.is_valid():
        specs = [s for f in formset.forms if (s := f.spec()) is not None]
        try:
            contract = services.contract_save(
                group=group,
                contract=contract,
                acting_user=request.user,
                options=specs,
                skipped=skipped_dates(request.POST),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_error(form, exc, ContractForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("The contract is saved."))
            return redirect(url(request, "contract_edit", pk=contract.pk))
    deliveries = []
    if contract is not None:
        delivered = set(contract.deliveries.values_list("date", flat=True))
        weekday = contract.deliveries.values_list("date", flat=True).first()
        weekday = weekday.weekday() if weekday else contract.starts_on.weekday()
        deliveries = [
            (day, day in delivered)
            for day in services.weekly_dates(contract.starts_on, contract.ends_on, weekday)
        ]
        form.initial["weekday"] = weekday
    return render_page(
        request,
        "contracts/form.html",
        section="contracts",
        here=_("Edit the contract") if contract else _("New season contract"),
        form=form,
        formset=formset,
        contract=contract,
        deliveries=deliveries,
        status=400 if data is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def contract_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "shortcircuit.organise", request.group)
    return _contract_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.organise", request.group)
    return _contract_form_page(request, _contract_or_404(request, pk))


@login_required
@require_POST
@in_group_zone
def contract_status(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.organise", request.group)
    contract = _contract_or_404(request, pk)
    back = url(request, "contract", pk=contract.pk)
    try:
        contract = services.contract_transition(
            contract=contract, status=request.POST.get("status", ""), acting_user=request.user
        )
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(
        request,
        _("The contract is now: %(status)s.") % {"status": contract.get_status_display()},
    )
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def subscribe(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.participate", request.group)
    contract = _contract_or_404(request, pk)
    mine = contract.subscriptions.filter(member=request.user, status="active").first()
    if mine is not None:
        return redirect(url(request, "subscription", pk=mine.pk))
    if contract.status != ContractStatus.OPEN:
        return refuse(
            request,
            ValidationError(_("This contract is not open for subscriptions.")),
            url(request, "contract", pk=contract.pk),
        )
    today = request.group.today()
    deliveries = subs.remaining_deliveries(contract, today)
    form = SubscribeForm(
        request.POST or None,
        contract=contract,
        member=request.user,
        deliveries=deliveries,
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        try:
            subscription = subs.subscription_create(
                contract=contract, acting_user=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_error(form, exc, SubscribeForm.SERVICE_FIELDS)
        else:
            price = subs.season_price(subscription)
            messages.success(
                request,
                _("You subscribe to %(contract)s: %(price)s for the season.")
                % {"contract": contract.title, "price": _money(price, contract)},
            )
            return redirect(url(request, "subscription", pk=subscription.pk))
    return render_page(
        request,
        "contracts/subscribe.html",
        section="contracts",
        here=_("Subscribe"),
        contract=contract,
        form=form,
        prices=selectors.option_prices(contract, today),
        deliveries=deliveries,
        status=400 if request.method == "POST" else 200,
    )


def _change_message(change: subs.Change, contract: Contract) -> str:
    return _(
        "Season price: %(before)s before, %(after)s now. Received instalments stay as they "
        "are; the instalments still to pay now come to %(unpaid)s."
    ) % {
        "before": _money(change.price_before, contract),
        "after": _money(change.price_after, contract),
        "unpaid": _money(change.unpaid_after, contract),
    }


def _post_subscription(request: HttpRequest, subscription: Subscription, form) -> HttpResponse:
    """One screen, three forms: change, per-delivery choices, cancel."""
    action = request.POST.get("action", "change")
    contract = subscription.contract
    back = url(request, "subscription", pk=subscription.pk)
    try:
        if action == "cancel":
            change = subs.subscription_cancel(subscription=subscription, acting_user=request.user)
        elif action == "choices":
            delivery = contract.deliveries.filter(pk=request.POST.get("delivery") or 0).first()
            choices = DeliveryChoicesForm(request.POST, options=list(contract.options.all()))
            if delivery is None or not choices.is_valid():
                raise ValidationError(_("Give a whole quantity for each option."))
            change = subs.delivery_choices_set(
                subscription=subscription,
                delivery=delivery,
                quantities=choices.quantities(),
                acting_user=request.user,
            )
        elif form.is_valid():
            change = subs.subscription_change(
                subscription=subscription, acting_user=request.user, **form.service_kwargs()
            )
        else:
            return None
    except ValidationError as exc:
        if action == "change":
            add_service_error(form, exc, SubscriptionForm.SERVICE_FIELDS)
            return None
        return refuse(request, exc, back)
    messages.success(request, _change_message(change, contract))
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription_or_404(request, pk)
    _require_subscription(request, subscription)
    contract = subscription.contract
    today = request.group.today()
    plan = subs.delivery_plan(subscription, today=today)
    form = None
    if subscription.status == "active":
        form = SubscriptionForm(
            request.POST if request.method == "POST" else None,
            subscription=subscription,
            deliveries=[p.delivery for p in plan],
            today=today,
        )
    if request.method == "POST":
        if form is None:
            return refuse(
                request,
                ValidationError(_("This subscription is cancelled.")),
                url(request, "subscription", pk=subscription.pk),
            )
        response = _post_subscription(request, subscription, form)
        if response is not None:
            return response
    options = list(contract.options.all())
    choices = _choice_forms(subscription, plan, options, today)
    return render_page(
        request,
        "contracts/subscription.html",
        section="contracts",
        here=_("My subscription")
        if subscription.member_id == request.user.pk
        else str(subscription.member),
        contract=contract,
        subscription=subscription,
        plan=plan,
        form=form,
        choices=choices,
        price=sum((p.amount for p in plan), start=0),
        instalments=list(subscription.instalment_rows.all()),
        status=400 if request.method == "POST" else 200,
    )


def _choice_forms(subscription, plan, options, today: date) -> list:
    if subscription.contract.kind != ContractKind.VARIABLE or subscription.status != "active":
        return []
    chosen: dict[int, dict[int, int]] = {}
    for choice in subscription.choices.all():
        chosen.setdefault(choice.delivery_id, {})[choice.option_id] = choice.quantity
    return [
        (
            p,
            DeliveryChoicesForm(
                options=options,
                initial={"delivery": p.delivery.pk},
                initial_quantities=chosen.get(p.delivery.pk)
                or {subscription.option_id: subscription.quantity},
                prefix=f"d{p.delivery.pk}",
            ),
        )
        for p in plan
        if not p.generated and not p.absent and p.delivery.date >= today
    ]


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def instalment_list(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.organise", request.group)
    contract = _contract_or_404(request, pk)
    if request.method == "POST":
        instalment = Instalment.objects.filter(
            pk=request.POST.get("instalment") or 0, subscription__contract=contract
        ).first()
        if instalment is None:
            raise Http404
        form = InstalmentForm(request.POST, instance=Instalment.objects.get(pk=instalment.pk))
        back = url(request, "instalments", pk=contract.pk)
        if not form.is_valid():
            return refuse(request, ValidationError(form.errors.as_text()), back)
        try:
            subs.instalment_record(
                instalment=instalment, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            return refuse(request, exc, back)
        messages.success(
            request,
            _("Instalment %(number)s of %(member)s is recorded.")
            % {"number": instalment.number, "member": instalment.subscription.member},
        )
        return redirect(f"{back}#instalment-{instalment.pk}")
    rows = [
        (i, InstalmentForm(instance=i, auto_id=f"i{i.pk}_%s"))
        for i in selectors.instalments(contract)
    ]
    return render_page(
        request,
        "contracts/instalments.html",
        section="contracts",
        here=_("Instalments"),
        contract=contract,
        rows=rows,
        totals=selectors.instalment_totals(contract),
    )


@login_required
@require_GET
@in_group_zone
def cheque_list(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.organise", request.group)
    contract = _contract_or_404(request, pk)
    return render_page(
        request,
        "contracts/cheques.html",
        section="contracts",
        here=_("Cheques to cash"),
        contract=contract,
        days=selectors.cheques_by_date(contract),
    )
