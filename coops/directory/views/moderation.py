"""Directory pages: collaborative moderation.

Members: the entries waiting for their opinion ("a-verifier/") and the opinion itself
(POST "<slug>/avis/"). Anyone: reporting a published entry ("<slug>/signaler/", rate
limited per IP address). Owners: confirming an entry is still accurate ("<slug>/a-jour/").
Moderators: the queue ("moderation/?filtre="), deciding on an entry, merging a
duplicate, handling a report. Thin: form → permission → one service or selector.
"""

from __future__ import annotations

from typing import Any

from allauth.core.internal.ratelimit import consume_or_429
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import can, require

from .. import selectors
from ..models import Actor, ActorReport, ActorStatus
from ..moderation_forms import (
    DecisionForm,
    MergeForm,
    ReportForm,
    ReportHandleForm,
    VoteForm,
    actor_reference,
)
from ..permissions import is_moderator, is_submitter_or_owner
from ..selectors import moderation as queries
from ..services import moderation as services

REPORT_RATE_LIMIT = "10/h/ip"  # reports per IP address; settings.DIRECTORY_REPORT_RATE_LIMIT


def can_see(user: Any, actor: Actor) -> bool:
    """Published entries are public; a pending one is shown to the members who may give
    their opinion on it; owners, submitter and moderators see any of theirs."""
    return (
        actor.status == ActorStatus.PUBLISHED
        or selectors.can_see_unpublished(user, actor)
        or (actor.status == ActorStatus.PENDING and can(user, "directory.vote", actor))
    )


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _add_errors(form: Form, error: ValidationError, rename: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form, under the field it names when the
    form has it (`rename` maps service names to form fields), else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = (rename or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


# --- Members: opinions on pending entries -----------------------------------------------------


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    page = queries.review_page(request.user, request.GET.get("page"))
    # One form per entry, each with its own element ids.
    entries = [(actor, VoteForm(auto_id=f"vote-{actor.pk}-%s")) for actor in page]
    return render(
        request,
        "directory/moderation/review.html",
        {"page": page, "entries": entries, "review_url": reverse("directory:review")},
    )


@login_required
@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor, slug=slug)
    if not can_see(request.user, actor):
        raise Http404
    require(request.user, "directory.vote", actor)
    back = _next(request, reverse("directory:review"))
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        result = services.vote_cast(
            actor=actor,
            acting_user=request.user,
            choice=form.cleaned_data["choice"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("directory:review"))
    names = {"name": actor.name}
    if result.changed:
        messages.success(request, _("Your opinion on « %(name)s » is changed.") % names)
    else:
        messages.success(request, _("Thank you: your opinion on « %(name)s » is recorded.") % names)
    if result.decision is not None:
        if result.decision.outcome == ActorStatus.PUBLISHED:
            messages.info(request, _("With your opinion, « %(name)s » is now published.") % names)
        else:
            messages.info(request, _("With your opinion, « %(name)s » is rejected.") % names)
            back = reverse("directory:review")
    return redirect(back)


# --- Anyone: reporting a published entry -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor, slug=slug)
    if actor.status != ActorStatus.PUBLISHED:
        raise Http404
    signed_in = request.user.is_authenticated
    form = ReportForm(request.POST or None, actor=actor, signed_in=signed_in)
    if request.method == "POST":
        rate = getattr(settings, "DIRECTORY_REPORT_RATE_LIMIT", REPORT_RATE_LIMIT)
        limited = consume_or_429(request, app="directory", action="report", config={"report": rate})
        if limited:
            return limited
        thanks = _("Thank you: the moderators will look at your report.")
        if form.is_robot:
            messages.success(request, thanks)
            return redirect(actor.get_absolute_url())
        if form.is_valid():
            try:
                services.report_create(
                    actor=actor,
                    acting_user=request.user if signed_in else None,
                    reason=form.cleaned_data["reason"],
                    comment=form.cleaned_data["comment"],
                    reporter_email=form.cleaned_data.get("email", ""),
                    duplicate_of=form.cleaned_data["duplicate_of"],
                )
            except ValidationError as error:
                _add_errors(form, error, rename={"duplicate_of": "duplicate"})
            else:
                messages.success(request, thanks)
                return redirect(actor.get_absolute_url())
    return render(request, "directory/moderation/report.html", {"actor": actor, "form": form})


# --- Owners: still accurate ---------------------------------------------------------------------


@login_required
@require_POST
def confirm_fresh(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor, slug=slug)
    if not can_see(request.user, actor):
        raise Http404
    services.actor_confirm_fresh(actor=actor, acting_user=request.user)
    messages.success(
        request,
        _("Thank you: « %(name)s » is marked as still accurate today.") % {"name": actor.name},
    )
    return redirect(actor.get_absolute_url())


# --- Moderators ---------------------------------------------------------------------------------


@login_required
@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    require(request.user, "directory.moderate")
    queue = queries.moderation_queue(
        filter=request.GET.get("filtre", queries.DEFAULT_FILTER), page=request.GET.get("page")
    )
    return render(request, "directory/moderation/queue.html", {"queue": queue, "page": queue.page})


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, slug: str) -> HttpResponse:
    require(request.user, "directory.moderate")
    actor = get_object_or_404(
        Actor.objects.select_related("submitted_by", "merged_into"), slug=slug
    )
    outcomes = services.allowed_transitions(actor.status, merged=bool(actor.merged_into_id))
    form = DecisionForm(request.POST or None, outcomes=outcomes)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.actor_decide(
                actor=actor,
                acting_user=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("« %(name)s »: %(decision)s. The people behind it are told why.")
                % {"name": actor.name, "decision": decision.get_outcome_display()},
            )
            return redirect(reverse("directory:moderation"))
    file = queries.moderation_file(actor)
    # One form per open report, each with its own element ids.
    reports = [(r, ReportHandleForm(auto_id=f"report-{r.pk}-%s")) for r in file.open_reports]
    return render(
        request,
        "directory/moderation/decide.html",
        {"actor": actor, "file": file, "form": form, "open_reports": reports},
    )


@login_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, slug: str) -> HttpResponse:
    require(request.user, "directory.moderate")
    duplicate = get_object_or_404(Actor, slug=slug)
    reference = request.POST.get("keep") or request.GET.get("garder", "")
    form = MergeForm(request.POST or None, initial={"keep": reference})
    if request.method == "POST" and form.is_valid():
        keep = form.cleaned_data["keep"]
        try:
            services.actors_merge(
                keep=keep,
                duplicate=duplicate,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("« %(duplicate)s » is merged into « %(keep)s ».")
                % {"duplicate": duplicate.name, "keep": keep.name},
            )
            return redirect(keep.get_absolute_url())
    keep = actor_reference(reference, statuses=queries.LIVE) if reference else None
    plan = None
    if keep is not None and keep.pk != duplicate.pk:
        plan = queries.merge_plan(keep=keep, duplicate=duplicate)
    return render(
        request,
        "directory/moderation/merge.html",
        {
            "duplicate": duplicate,
            "candidates": queries.merge_candidates(duplicate),
            "reference": reference,
            "keep": keep,
            "plan": plan,
            "form": form,
        },
    )


@login_required
@require_POST
def report_handle(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "directory.moderate")
    report_row = get_object_or_404(ActorReport.objects.select_related("actor"), pk=pk)
    form = ReportHandleForm(request.POST)
    back = reverse("directory:decide", kwargs={"slug": report_row.actor.slug})
    if not form.is_valid():
        messages.error(
            request, _("Say what to do with the report and why: the reason is required.")
        )
        return redirect(back)
    try:
        services.report_handle(
            report=report_row,
            acting_user=request.user,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is handled; its author is told why."))
    return redirect(back)


# --- The moderation section of the actor page ----------------------------------------------------


def actor_moderation_section(actor: Actor, request: HttpRequest) -> dict[str, Any] | None:
    """On an entry's page: the opinion box for the members who may give one, the
    "still accurate?" box for owners of a stale entry, the moderators' links."""
    user = request.user
    context: dict[str, Any] = {}
    if (
        actor.status == ActorStatus.PENDING
        and can(user, "directory.vote", actor)
        and not is_submitter_or_owner(user, actor)
    ):
        mine = queries.vote_of(actor, user)
        context["my_vote"] = mine
        context["vote_form"] = VoteForm(
            initial={"choice": mine.choice, "comment": mine.comment} if mine else None
        )
    if can(user, "directory.confirm_fresh", actor) and queries.is_stale(actor):
        context["stale"] = True
    if is_moderator(user):
        context["moderator"] = True
    return context or None


urlpatterns = [
    path("a-verifier/", review, name="review"),
    path("moderation/", moderation, name="moderation"),
    path("moderation/signalements/<int:pk>/", report_handle, name="report_handle"),
    path("moderation/<slug:slug>/decider/", decide, name="decide"),
    path("moderation/<slug:slug>/fusionner/", merge, name="merge"),
    path("<slug:slug>/avis/", vote, name="vote"),
    path("<slug:slug>/signaler/", report, name="report"),
    path("<slug:slug>/a-jour/", confirm_fresh, name="confirm_fresh"),
]
