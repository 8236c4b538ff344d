"""The module's index (open distributions, pickup points near you, the hub's map) and
the organisers' distribution pages: create, edit, offers, status changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.geo import GeoError, Point
from coops.core.geocoding import geocode
from coops.core.permissions import require

from ..forms._common import add_service_error
from ..forms.distributions import (
    DistributionForm,
    NearMeForm,
    OffersForm,
    ShiftForm,
)
from ..models import DistributionStatus
from ..selectors import distributions as selectors
from ..selectors.map import map_data as map_payload
from ..selectors.map import points_near
from ..services.distributions import distribution_save, distribution_transition, offers_set
from ._common import distribution_or_404, in_group_zone, refuse, render_page, url


def _origin(form: NearMeForm) -> tuple[Point | None, str]:
    """The visitor's position (browser) or their town's; and what to call it."""
    if not form.is_valid():
        return None, ""
    data = form.cleaned_data
    if data["lat"] is not None and data["lng"] is not None:
        try:
            return Point(data["lat"], data["lng"]), _("your position")
        except GeoError:
            return None, ""
    if data["place"]:
        found = geocode(data["place"])
        if found is None:
            form.add_error("place", _("We could not find this place."))
            return None, ""
        return found.point, found.label
    return None, ""


@require_GET
@in_group_zone
def index(request: HttpRequest) -> HttpResponse:
    """Open distributions and the hub's pickup points, for whoever may see the group."""
    group = request.group
    form = NearMeForm(request.GET or None)
    origin, origin_label = _origin(form)
    radius = form.cleaned_data.get("km") if origin else None
    return render_page(
        request,
        "index.html",
        section="index",
        distributions=selectors.open_distributions(group=group),
        near=points_near(group=group, origin=origin, radius_km=radius),
        near_form=form,
        origin_label=origin_label,
        now=timezone.now(),
    )


@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    """The hub's producers and pickup points as [lat, lng, name, detail] rows."""
    return JsonResponse(map_payload(group=request.group))


def _form(request: HttpRequest, distribution=None) -> DistributionForm:
    points = selectors.pickup_points(group=request.group, active_only=True)
    if distribution is not None:  # its current points, even those no longer in use
        points = list(points)
        used = [s.pickup_point for s in distribution.slots.select_related("pickup_point")]
        points += [p for p in used if p not in points]
    initial = {}
    if distribution is not None:
        initial = {
            "title": distribution.title,
            "opens_at": timezone.localtime(distribution.opens_at),
            "closes_at": timezone.localtime(distribution.closes_at),
            "delivery_date": distribution.delivery_date,
            "hub_fee_percent": distribution.hub_fee_percent,
            "hub_fee_per_item": distribution.hub_fee_per_item,
            "notes": distribution.notes,
        }
        for slot in distribution.slots.all():
            initial |= {
                f"point_{slot.pickup_point_id}": True,
                f"start_{slot.pickup_point_id}": timezone.localtime(slot.starts_at).time(),
                f"end_{slot.pickup_point_id}": timezone.localtime(slot.ends_at).time(),
            }
    return DistributionForm(request.POST or None, points=points, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def distribution_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "shortcircuit.organise", request.group)
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        try:
            distribution = distribution_save(
                group=request.group, acting_user=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_error(form, exc, DistributionForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("The distribution is saved as a draft."))
            return redirect(url(request, "distribution", pk=distribution.pk))
    return render_page(
        request, "organise/distribution_form.html", section="organise",
        here=_("New distribution"), form=form,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def distribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    distribution = distribution_or_404(request, pk)
    require(request.user, "shortcircuit.organise", request.group)
    form = _form(request, distribution)
    if request.method == "POST" and form.is_valid():
        try:
            distribution_save(
                group=request.group,
                acting_user=request.user,
                distribution=distribution,
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            add_service_error(form, exc, DistributionForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("The distribution is saved."))
            return redirect(url(request, "distribution", pk=distribution.pk))
    return render_page(
        request, "organise/distribution_form.html", section="organise",
        here=distribution.title, form=form, distribution=distribution,
    )  # fmt: skip


NEXT_STEPS = {
    DistributionStatus.DRAFT: [
        (DistributionStatus.OPEN, pgettext_lazy("button", "Open for orders"))
    ],
    DistributionStatus.OPEN: [
        (DistributionStatus.CLOSED, gettext_lazy("Close orders now")),
        (DistributionStatus.DRAFT, gettext_lazy("Back to draft")),
    ],
    DistributionStatus.CLOSED: [
        (DistributionStatus.DELIVERED, gettext_lazy("Mark as delivered")),
        (DistributionStatus.OPEN, gettext_lazy("Reopen orders")),
    ],
}


@login_required
@require_GET
@in_group_zone
def distribution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    distribution = distribution_or_404(request, pk)
    require(request.user, "shortcircuit.organise", request.group)
    steps = [(to, str(label)) for to, label in NEXT_STEPS.get(distribution.status, [])]
    return render_page(
        request,
        "organise/distribution.html",
        section="organise",
        here=distribution.title,
        distribution=distribution,
        steps=steps,
        shift_form=ShiftForm(),
        **selectors.distribution_detail(distribution=distribution),
    )


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def distribution_offers(request: HttpRequest, pk: int) -> HttpResponse:
    distribution = distribution_or_404(request, pk)
    require(request.user, "shortcircuit.organise", request.group)
    catalog = selectors.offer_catalog(distribution=distribution)
    form = OffersForm(request.POST or None, catalog=catalog)
    if request.method == "POST" and form.is_valid():
        try:
            offers_set(distribution=distribution, prices=form.prices(), acting_user=request.user)
        except ValidationError as exc:
            add_service_error(form, exc, {})
        else:
            messages.success(request, _("The offers are saved."))
            return redirect(url(request, "distribution", pk=distribution.pk))
    return render_page(
        request, "organise/offers.html", section="organise",
        here=distribution.title, distribution=distribution, form=form,
    )  # fmt: skip


@login_required
@require_POST
def distribution_move(request: HttpRequest, pk: int) -> HttpResponse:
    distribution = distribution_or_404(request, pk)
    require(request.user, "shortcircuit.organise", request.group)
    back = url(request, "distribution", pk=distribution.pk)
    try:
        distribution = distribution_transition(
            distribution=distribution, to=request.POST.get("to", ""), acting_user=request.user
        )
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(
        request,
        _("The distribution is now “%(status)s”.") % {"status": distribution.get_status_display()},
    )
    return redirect(back)
