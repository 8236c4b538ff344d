"""The organisers' dashboard and the hub's set-up: producers, pickup points and
recurring distributions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import require
from coops.directory.models import Actor

from ..forms._common import add_service_error
from ..forms.distributions import (
    PickupPointForm,
    ProducerSearchForm,
    RecurrenceForm,
)
from ..models import HubProducer, PickupPoint, Recurrence
from ..selectors import distributions as selectors
from ..services.pickup import (
    hub_producer_add,
    hub_producer_remove,
    pickup_point_remove,
    pickup_point_save,
)
from ..services.recurrences import recurrence_deactivate, recurrence_save
from ._common import in_group_zone, refuse, render_page, url


def _organiser(request: HttpRequest) -> None:
    require(request.user, "shortcircuit.organise", request.group)


def _own(request: HttpRequest, model: type, pk: int):
    obj = model.objects.filter(pk=pk, group=request.group).first()
    if obj is None:
        raise Http404
    return obj


@login_required
@require_GET
@in_group_zone
def organise(request: HttpRequest) -> HttpResponse:
    _organiser(request)
    group = request.group
    return render_page(
        request,
        "organise/dashboard.html",
        section="organise",
        here=_("Organise"),
        distributions=selectors.organiser_distributions(group=group),
        points=selectors.pickup_points(group=group),
        recurrences=selectors.recurrences(group=group),
        producers=selectors.hub_producers(group=group),
    )


@login_required
@require_GET
@in_group_zone
def hub_producers(request: HttpRequest) -> HttpResponse:
    _organiser(request)
    form = ProducerSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return render_page(
        request,
        "organise/producers.html",
        section="organise",
        here=_("Producers of the hub"),
        form=form,
        query=query,
        candidates=selectors.producer_candidates(group=request.group, query=query),
        producers=selectors.hub_producers(group=request.group),
    )


@login_required
@require_POST
def hub_producer_add_view(request: HttpRequest) -> HttpResponse:
    _organiser(request)
    back = url(request, "hub_producers")
    producer = Actor.objects.filter(pk=request.POST.get("producer") or 0).first()
    if producer is None:
        raise Http404
    try:
        hub_producer_add(group=request.group, producer=producer, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(request, _("%(name)s joins the hub.") % {"name": producer.name})
    return redirect(back)


@login_required
@require_POST
def hub_producer_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    _organiser(request)
    back = url(request, "hub_producers")
    link = HubProducer.objects.select_related("producer").filter(pk=pk, group=request.group)
    link = link.first()
    if link is None:
        raise Http404
    try:
        hub_producer_remove(link=link, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(request, _("%(name)s left the hub.") % {"name": link.producer.name})
    return redirect(back)


def _point_page(request: HttpRequest, point: PickupPoint | None) -> HttpResponse:
    slots = point.opening_slots if point else []
    initial = {}
    if point is not None:
        fields = ("name", "address", "postcode", "city", "instructions", "active")
        initial = {f: getattr(point, f) for f in fields}
    form = PickupPointForm(request.POST or None, slots=slots, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            point = pickup_point_save(
                group=request.group, acting_user=request.user, point=point, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_error(form, exc, PickupPointForm.SERVICE_FIELDS)
        else:
            if point.geocode_status == "to_geolocate":
                messages.warning(
                    request, _("Saved, but we could not place this address on the map.")
                )
            else:
                messages.success(request, _("The pickup point is saved."))
            return redirect(url(request, "organise"))
    here = point.name if point else _("New pickup point")
    return render_page(
        request, "organise/pickup_point_form.html", section="organise",
        here=here, form=form, point=point,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def pickup_point_create(request: HttpRequest) -> HttpResponse:
    _organiser(request)
    return _point_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def pickup_point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _organiser(request)
    return _point_page(request, _own(request, PickupPoint, pk))


@login_required
@require_POST
def pickup_point_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    _organiser(request)
    point = _own(request, PickupPoint, pk)
    if pickup_point_remove(point=point, acting_user=request.user):
        messages.success(request, _("The pickup point is deleted."))
    else:
        messages.success(
            request, _("The pickup point was used, so it is kept but no longer in use.")
        )
    return redirect(url(request, "organise"))


def _recurrence_page(request: HttpRequest, recurrence: Recurrence | None) -> HttpResponse:
    form = RecurrenceForm(request.POST or None, instance=recurrence, group=request.group)
    if request.method == "POST" and form.is_valid():
        try:
            recurrence_save(
                group=request.group,
                acting_user=request.user,
                recurrence=recurrence,
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            add_service_error(form, exc, RecurrenceForm.SERVICE_FIELDS)
        else:
            messages.success(
                request,
                _("The recurring distribution is saved; its distributions are generated ahead."),
            )
            return redirect(url(request, "organise"))
    here = recurrence.title if recurrence else _("New recurring distribution")
    return render_page(
        request, "organise/recurrence_form.html", section="organise",
        here=here, form=form, recurrence=recurrence,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def recurrence_create(request: HttpRequest) -> HttpResponse:
    _organiser(request)
    return _recurrence_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def recurrence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _organiser(request)
    return _recurrence_page(request, _own(request, Recurrence, pk))


@login_required
@require_POST
def recurrence_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    _organiser(request)
    recurrence = _own(request, Recurrence, pk)
    back = url(request, "organise")
    try:
        recurrence_deactivate(recurrence=recurrence, acting_user=request.user)
    except ValidationError as exc:
        return refuse(request, exc, back)
    messages.success(request, _("The recurring distribution is stopped."))
    return redirect(back)
