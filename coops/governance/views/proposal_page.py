"""One proposal's page: its text and versions, the ballot fitting its method (for oneself
or for the members whose proxy one holds), results, amendments and closing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import can

from ..forms_ballots import ballot_form, ballot_initial
from ..forms_proposals import AmendForm
from ..models import Method, Proposal, ProposalStatus
from ..selectors.proposals import option_labels, proposal_page
from ..selectors.proposals import proposal_results as results_of
from ..selectors.tally import outcome_texts
from ..services import proposals as proposal_services
from ..services.ballots import ballot_block_with_counter_proposal, ballot_cast
from ..services.closing import proposal_close
from ._common import in_group_zone, render_page, url
from ._proposal_common import may_steer, proposal_or_404, require_steer

AMENDABLE = (Method.CONSENT, Method.CONSENSUS)


def _form_for(proposal: Proposal, page, data=None):
    """The ballot form for the reader, or None when they have nothing to answer."""
    if proposal.status != ProposalStatus.OPEN or not (page.is_voter or page.givers):
        return None
    settled = page.my_ballot is not None and page.my_ballot.set_aside_at is None
    if settled and not proposal.changes_allowed and not page.givers:
        return None  # answered once and for all
    return ballot_form(
        proposal,
        data,
        options=list(proposal.options.all()),
        givers=[giver for giver, _answered in page.givers],
        counter_proposals=page.counter_proposals,
        initial=None if data is not None else ballot_initial(proposal, page.my_ballot),
        for_self=page.is_voter,
    )


def _detail(request: HttpRequest, proposal: Proposal, form=None, status: int = 200):
    can_organise = can(request.user, "governance.organise", request.group)
    page = proposal_page(proposal=proposal, user=request.user, can_organise=can_organise)
    if form is None:
        form = _form_for(proposal, page)
    return render_page(
        request,
        "proposal_detail.html",
        status=status,
        proposal=proposal,
        page=page,
        ballot_form=form,
        may_steer=may_steer(request, proposal),
        can_participate=can(request.user, "governance.participate", request.group),
        amendable=proposal.status == ProposalStatus.OPEN and proposal.method in AMENDABLE,
    )


@login_required
@require_GET
@in_group_zone
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, proposal_or_404(request, pk))


@login_required
@require_GET
@in_group_zone
def proposal_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The results block alone (refreshed by htmx while the vote is open)."""
    proposal = proposal_or_404(request, pk)
    results = results_of(proposal, option_labels(proposal))
    return render_page(request, "_proposal_results.html", proposal=proposal, results=results)


@login_required
@require_POST
@in_group_zone
def proposal_vote(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_or_404(request, pk, "governance.participate")
    can_organise = can(request.user, "governance.organise", request.group)
    page = proposal_page(proposal=proposal, user=request.user, can_organise=can_organise)
    form = ballot_form(
        proposal,
        request.POST,
        options=list(proposal.options.all()),
        givers=[giver for giver, _answered in page.givers],
        counter_proposals=page.counter_proposals,
        for_self=page.is_voter,
    )
    if form.is_valid():
        voter = form.chosen_voter()
        try:
            if getattr(form, "writes_counter_proposal", lambda: False)():
                d = form.cleaned_data
                ballot_block_with_counter_proposal(
                    proposal=proposal,
                    acting_user=request.user,
                    voter=voter,
                    reason=d["reason"],
                    title=d["counter_title"],
                    body=d["counter_body"],
                )
            else:
                ballot_cast(
                    proposal=proposal,
                    acting_user=request.user,
                    voter=voter,
                    response=form.response(),
                )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            if voter is None:
                messages.success(request, _("Your answer is recorded."))
            else:
                messages.success(
                    request,
                    _("The answer of %(name)s is recorded.") % {"name": voter.public_name},
                )
            return redirect(url(request, "proposal", pk=proposal.pk))
    return _detail(request, proposal, form=form)


@login_required
@require_http_methods(["GET", "POST"])
@in_group_zone
def proposal_amend(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_or_404(request, pk)
    require_steer(request, proposal)
    back = url(request, "proposal", pk=proposal.pk)
    if proposal.status != ProposalStatus.OPEN or proposal.method not in AMENDABLE:
        messages.error(
            request, _("Only an open proposal decided by consent or consensus can be amended.")
        )
        return redirect(back)
    page = proposal_page(proposal=proposal, user=request.user, can_organise=True)
    form = AmendForm(request.POST or None, proposal=proposal, objections=page.objections)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            proposal_services.proposal_amend(
                proposal=proposal,
                acting_user=request.user,
                title=d["title"],
                body=d["body"],
                reason=d["reason"],
                integrates=[int(pk) for pk in d["integrates"]],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("The proposal is amended; those who answered are asked to review it."),
            )
            return redirect(back)
    return render_page(request, "proposal_amend.html", proposal=proposal, form=form)


@login_required
@require_POST
def proposal_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_or_404(request, pk, "governance.organise")
    back = url(request, "proposal", pk=proposal.pk)
    try:
        proposal = proposal_close(proposal=proposal, acting_user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(
        request,
        _("The vote is closed: %(summary)s") % {"summary": outcome_texts(proposal).summary},
    )
    return redirect(back)
