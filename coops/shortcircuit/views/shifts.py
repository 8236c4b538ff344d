"""Volunteer shifts: the members' list of upcoming shifts with sign-up and withdrawal,
and the organisers' adding and removing of shifts on a distribution."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coops.core.permissions import require

from ..forms.distributions import ShiftForm
from ..models import Shift
from ..selectors.distributions import upcoming_shifts
from ..services.shifts import shift_create, shift_delete, shift_signup, shift_withdraw
from ._common import distribution_or_404, in_group_zone, refuse, render_page, url


def _shift_or_404(request: HttpRequest, pk: int) -> Shift:
    shift = Shift.objects.filter(pk=pk, distribution__group=request.group).first()
    if shift is None:
        raise Http404
    return shift


@login_required
@require_GET
@in_group_zone
def shifts(request: HttpRequest) -> HttpResponse:
    require(request.user, "shortcircuit.participate", request.group)
    return render_page(
        request,
        "shifts/list.html",
        section="shifts",
        here=_("Volunteer shifts"),
        shifts=upcoming_shifts(group=request.group, user=request.user),
    )


@login_required
@require_POST
def signup(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.participate", request.group)
    shift = _shift_or_404(request, pk)
    back = url(request, "shifts")
    try:
        shift_signup(shift=shift, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(request, _("You are signed up: thank you!"))
    return redirect(back)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.participate", request.group)
    shift = _shift_or_404(request, pk)
    back = url(request, "shifts")
    try:
        shift_withdraw(shift=shift, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(request, _("You are no longer signed up for this shift."))
    return redirect(back)


@login_required
@require_POST
@in_group_zone
def create(request: HttpRequest, pk: int) -> HttpResponse:
    distribution = distribution_or_404(request, pk)
    require(request.user, "shortcircuit.organise", request.group)
    back = url(request, "distribution", pk=distribution.pk)
    form = ShiftForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        shift_create(
            distribution=distribution,
            acting_user=request.user,
            **form.service_kwargs(distribution.delivery_date, request.group.zone),
        )
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(request, _("The shift is added."))
    return redirect(back)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "shortcircuit.organise", request.group)
    shift = _shift_or_404(request, pk)
    shift_delete(shift=shift, acting_user=request.user)
    messages.success(request, _("The shift is removed."))
    return redirect(url(request, "distribution", pk=shift.distribution_id))
