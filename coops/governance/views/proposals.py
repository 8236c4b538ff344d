"""Proposal pages: the list, drafting and editing, opening and withdrawing. The page of
one proposal (ballot, results, amendments, closing) is in proposal_page; every proposal,
proxy, college and register URL is listed in `urlpatterns` here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import can, require

from ..forms_proposals import ProposalFilterForm, ProposalForm, WithdrawForm
from ..models import ProposalStatus
from ..selectors.proposals import proposals_page, visible_proposals
from ..services import proposals as services
from . import proposal_page
from ._common import in_group_zone, render_page, url
from ._proposal_common import proposal_or_404, require_steer


@login_required
@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "governance.view", request.group)
    form = ProposalFilterForm(request.GET)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    page = proposals_page(
        group=request.group,
        user=request.user,
        can_organise=can(request.user, "governance.organise", request.group),
        status=status,
        page=request.GET.get("page"),
    )
    return render_page(
        request,
        "proposal_list.html",
        form=form,
        page=page,
        can_participate=can(request.user, "governance.participate", request.group),
    )


def _counters(request: HttpRequest):
    """The proposal a new draft answers (?counters=<pk>), if any and visible."""
    pk = request.POST.get("counters") or request.GET.get("counters")
    if not pk:
        return None
    proposals = visible_proposals(
        group=request.group,
        user=request.user,
        can_organise=can(request.user, "governance.organise", request.group),
    ).exclude(status=ProposalStatus.WITHDRAWN)
    try:
        return proposals.get(pk=int(pk))
    except (ValueError, proposals.model.DoesNotExist):
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def proposal_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "governance.participate", request.group)
    counters = _counters(request)
    initial = {}
    if counters is not None:
        initial = {
            "title": _("Counter-proposal: %(title)s") % {"title": counters.title},
            "method": counters.method,
        }
    form = ProposalForm(request.POST or None, group=request.group, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                group=request.group,
                acting_user=request.user,
                counters=counters,
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("Your proposal is saved as a draft. Open it to the vote when it is ready."),
            )
            return redirect(url(request, "proposal", pk=proposal.pk))
    return render_page(request, "proposal_form.html", form=form, proposal=None, counters=counters)


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_or_404(request, pk)
    require_steer(request, proposal)
    if proposal.status != ProposalStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect(url(request, "proposal", pk=proposal.pk))
    form = ProposalForm(request.POST or None, group=request.group, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(
                proposal=proposal, acting_user=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect(url(request, "proposal", pk=proposal.pk))
    return render_page(
        request, "proposal_form.html", form=form, proposal=proposal, counters=proposal.counters
    )


def _refuse(request: HttpRequest, exc: ValidationError, to: str) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return redirect(to)


@login_required
@require_POST
def proposal_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_or_404(request, pk)
    require_steer(request, proposal)
    back = url(request, "proposal", pk=proposal.pk)
    try:
        proposal = services.proposal_open(proposal=proposal, acting_user=request.user)
    except ValidationError as exc:
        return _refuse(request, exc, back)
    messages.success(
        request,
        _("The vote is open until %(closes)s.")
        % {"closes": services.local_time(proposal.closes_at, request.group)},
    )
    return redirect(back)


@login_required
@require_POST
def proposal_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_or_404(request, pk)
    require_steer(request, proposal)
    back = url(request, "proposal", pk=proposal.pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.proposal_withdraw(proposal=proposal, acting_user=request.user, reason=reason)
    except ValidationError as exc:
        return _refuse(request, exc, back)
    messages.success(request, _("The proposal is withdrawn."))
    return redirect(back)


P = "proposals/<int:pk>/"

urlpatterns = [
    path("proposals/", proposal_list, name="proposals"),
    path("proposals/new/", proposal_create, name="proposal_create"),
    path(P, proposal_page.proposal_detail, name="proposal"),
    path(P + "edit/", proposal_edit, name="proposal_edit"),
    path(P + "open/", proposal_open_view, name="proposal_open"),
    path(P + "withdraw/", proposal_withdraw_view, name="proposal_withdraw"),
    path(P + "vote/", proposal_page.proposal_vote, name="proposal_vote"),
    path(P + "results/", proposal_page.proposal_results, name="proposal_results"),
    path(P + "amend/", proposal_page.proposal_amend, name="proposal_amend"),
    path(P + "close/", proposal_page.proposal_close_view, name="proposal_close"),
]
