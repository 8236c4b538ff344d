"""Proxies (give my vote, withdraw it) and colleges (administrators set them and place
members in them)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coops.core.permissions import require

from ..forms_delegation import CollegeAssignForm, CollegeFormSet, ProxyForm, college_initial
from ..models import College, Proxy
from ..selectors.delegation import (
    active_members,
    colleges_page,
    proxies_of,
    proxy_limit,
    proxy_scopes,
)
from ..services import delegation as services
from ._common import in_group_zone, render_page, url


def _proxy_form(request: HttpRequest, data=None) -> ProxyForm:
    return ProxyForm(
        data,
        members=active_members(request.group),
        user=request.user,
        **proxy_scopes(group=request.group, user=request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def proxies(request: HttpRequest) -> HttpResponse:
    require(request.user, "governance.participate", request.group)
    form = _proxy_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        holder = form.cleaned_data["holder"]
        try:
            services.proxy_give(
                group=request.group,
                acting_user=request.user,
                holder=holder,
                **form.scope_kwargs(),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, _("%(name)s now holds your vote.") % {"name": holder.public_name}
            )
            return redirect(url(request, "proxies"))
    return render_page(
        request,
        "proxies.html",
        form=form,
        limit=proxy_limit(group=request.group),
        **proxies_of(group=request.group, user=request.user),
    )


@login_required
@require_POST
def proxy_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "governance.participate", request.group)
    proxy = get_object_or_404(Proxy, pk=pk, group=request.group)
    try:
        services.proxy_withdraw(proxy=proxy, acting_user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("You have taken your vote back."))
    return redirect(url(request, "proxies"))


# --- Colleges ----------------------------------------------------------------------------------


def _assign_form(request: HttpRequest, data=None) -> CollegeAssignForm:
    people = (
        get_user_model().objects.filter(memberships__group=request.group).order_by("pk").distinct()
    )
    return CollegeAssignForm(data, group=request.group, members=people)


@login_required
@require_http_methods(["GET", "POST"])
def colleges(request: HttpRequest) -> HttpResponse:
    require(request.user, "governance.administer", request.group)
    current = College.objects.filter(group=request.group).order_by("position")
    formset = CollegeFormSet(
        request.POST or None, initial=college_initial(current), prefix="colleges"
    )
    if request.method == "POST" and formset.is_valid():
        try:
            services.colleges_set(
                group=request.group, acting_user=request.user, colleges=formset.rows()
            )
        except ValidationError as exc:
            formset.service_errors = exc.messages
        else:
            messages.success(request, _("The colleges are saved."))
            return redirect(url(request, "colleges"))
    return render_page(
        request,
        "colleges.html",
        formset=formset,
        **colleges_page(group=request.group),
    )


@login_required
@require_POST
def college_assign(request: HttpRequest) -> HttpResponse:
    require(request.user, "governance.administer", request.group)
    form = _assign_form(request, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(url(request, "colleges"))
    user, college = form.cleaned_data["user"], form.cleaned_data["college"]
    try:
        services.college_assign(
            group=request.group, acting_user=request.user, user=user, college=college
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if college is None:
            messages.success(
                request, _("%(name)s is in no college now.") % {"name": user.public_name}
            )
        else:
            messages.success(
                request,
                _("%(name)s is in the college “%(college)s”.")
                % {"name": user.public_name, "college": college.name},
            )
    return redirect(url(request, "colleges"))


urlpatterns = [
    path("proxies/", proxies, name="proxies"),
    path("proxies/<int:pk>/withdraw/", proxy_withdraw, name="proxy_withdraw"),
    path("colleges/", colleges, name="colleges"),
    path("colleges/assign/", college_assign, name="college_assign"),
]
