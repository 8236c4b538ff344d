"""Directory pages for members: submitting an actor (with live checks), "my entries",
editing an actor, and reviewing an owner's pending change.

The live checks are small GET endpoints returning partials for htmx; every check runs
again when the form is posted, so the pages work without JavaScript: possible
duplicates then appear on a confirmation step.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import can, require

from ..forms_submission import ActorEditForm, ActorSubmissionForm, ChangeDecisionForm
from ..models import Actor, ActorStatus, ChangeStatus
from ..selectors.actor import can_see_unpublished
from ..selectors.duplicates import Duplicate, possible_duplicates
from ..selectors.submission import (
    actor_values,
    actors_managed_by,
    address_preview,
    change_conflicts,
    change_fingerprint,
    change_for_page,
    change_rows,
    changes_proposed_by,
    pending_change_of,
    siret_check,
)
from ..services.submission import (
    APPLIED,
    PROPOSED,
    UNCHANGED,
    SubmissionPartInvalid,
    actor_change_accept,
    actor_change_reject,
    actor_change_withdraw,
    actor_submit,
    actor_update,
)
from ..submission_parts import BoundPart, submission_forms

# Live checks per person and minute: typing a SIRET fires one check per pause, so a
# person filling the form stays far below; a script hammering the geocoder does not.
LIVE_CHECKS_PER_MINUTE = 120


def _throttled(request: HttpRequest) -> bool:
    """Count this live check against the person's allowance for the current minute."""
    key = f"directory:live-check:{request.user.pk}:{int(time.time() // 60)}"
    if cache.add(key, 1, timeout=90):
        return False
    try:
        return cache.incr(key) > LIVE_CHECKS_PER_MINUTE
    except ValueError:  # the counter expired between add() and incr()
        cache.set(key, 1, timeout=90)
        return False


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/submission/_too_many.html", status=429)


# --- Errors --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorItem:
    anchor: str
    label: str
    message: str


def _error_summary(all_forms: list[forms.Form]) -> list[ErrorItem]:
    """Every error of the page, each linking to its field, for the summary at the top."""
    items = []
    for form in all_forms:
        for name, errors in form.errors.items():
            if name == NON_FIELD_ERRORS:
                items.extend(ErrorItem("", "", str(e)) for e in errors)
                continue
            bound = form[name]
            if name == "not_duplicate":
                anchor, label = "id_not_duplicate_check", _("Possible duplicates")
            else:
                anchor, label = bound.id_for_label or f"{bound.auto_id}_0", str(bound.label)
            items.extend(ErrorItem(anchor, label, str(e)) for e in errors)
    return items


def _add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Live checks -----------------------------------------------------------------------------


def _duplicates_for(values: Mapping[str, Any]) -> list[Duplicate]:
    preview = address_preview(
        street=str(values.get("street", "")),
        postcode=str(values.get("postcode", "")),
        city=str(values.get("city", "")),
        country=str(values.get("country", "") or "FR"),
    )
    return possible_duplicates(
        name=str(values.get("name", "")).strip(),
        siret=str(values.get("siret", "")),
        email=str(values.get("email", "")),
        website=str(values.get("website", "")),
        latitude=preview.latitude,
        longitude=preview.longitude,
    )


@login_required
@require_GET
def check_siret(request: HttpRequest) -> HttpResponse:
    if _throttled(request):
        return _too_many(request)
    check = siret_check(request.GET.get("siret", "")[:40])
    return render(request, "directory/submission/_siret_check.html", {"check": check})


@login_required
@require_GET
def check_address(request: HttpRequest) -> HttpResponse:
    if _throttled(request):
        return _too_many(request)
    preview = address_preview(
        street=request.GET.get("street", "")[:255],
        postcode=request.GET.get("postcode", "")[:10],
        city=request.GET.get("city", "")[:120],
        country=request.GET.get("country", "FR")[:2],
    )
    return render(request, "directory/submission/_address_check.html", {"preview": preview})


@login_required
@require_GET
def check_duplicates(request: HttpRequest) -> HttpResponse:
    if _throttled(request):
        return _too_many(request)
    values = {
        key: request.GET.get(key, "")[:300]
        for key in ("name", "siret", "email", "website", "street", "postcode", "city", "country")
    }
    return render(
        request,
        "directory/submission/_duplicates.html",
        {"duplicates": _duplicates_for(values)},
    )


# --- Submitting ------------------------------------------------------------------------------


def _submission_page(
    request: HttpRequest,
    form: ActorSubmissionForm,
    parts: list[BoundPart],
    duplicates: list[Duplicate],
) -> HttpResponse:
    return render(
        request,
        "directory/submission/submit.html",
        {
            "form": form,
            "parts": parts,
            "duplicates": duplicates,
            "duplicates_confirmed": bool(duplicates)
            and {d.actor.pk for d in duplicates} <= form.confirmed_duplicate_ids(),
            "not_duplicate_errors": form.errors.get("not_duplicate"),
            "errors": _error_summary([form, *(p.form for p in parts)]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    require(request.user, "directory.submit")
    data = request.POST if request.method == "POST" else None
    form = ActorSubmissionForm(data)
    parts = submission_forms(user=request.user, data=data)
    if data is None:
        return _submission_page(request, form, parts, [])
    valid = [f.is_valid() for f in (form, *(p.form for p in parts))]
    # Shown even while other fields need fixing, so a ticked "not a duplicate" stays.
    duplicates = _duplicates_for(form.cleaned_data if valid[0] else data)
    if valid[0]:
        valid[0] = form.check_duplicates(duplicates)
    if all(valid):
        try:
            actor = actor_submit(acting_user=request.user, parts=parts, **form.service_kwargs())
        except SubmissionPartInvalid as exc:
            part = next(p for p in parts if p.name == exc.part)
            part.form.add_error(None, exc.error)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            return redirect("directory:submitted", slug=actor.slug)
    return _submission_page(request, form, parts, duplicates)


@login_required
@require_GET
def submitted(request: HttpRequest, slug: str) -> HttpResponse:
    """The confirmation after submitting, for the entry's submitter, owners and the
    moderators (others get a 404: a pending entry is not public)."""
    actor = get_object_or_404(Actor, slug=slug)
    if not can_see_unpublished(request.user, actor):
        raise Http404
    return render(request, "directory/submission/submitted.html", {"actor": actor})


@login_required
@require_GET
def my_actors(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/submission/my_actors.html",
        {
            "actors": list(actors_managed_by(request.user)),
            "proposals": changes_proposed_by(request.user),
        },
    )


# --- Editing ---------------------------------------------------------------------------------


_EDIT_MESSAGES = {
    APPLIED: lambda actor: _("Your changes to %(actor)s are saved.") % {"actor": actor.name},
    PROPOSED: lambda actor: (
        _(
            "Your changes to %(actor)s are waiting for a moderator: the entry shows the former "
            "values until then."
        )
        % {"actor": actor.name}
    ),
    UNCHANGED: lambda actor: _("Nothing was changed."),
}


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor, slug=slug)
    require(request.user, "directory.edit", actor)
    pending = pending_change_of(actor)
    values = actor_values(actor)
    initial = ActorEditForm.initial_from({**values, **(pending.proposed if pending else {})})
    form = ActorEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = actor_update(actor=actor, acting_user=request.user, **form.update_kwargs())
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            if result.outcome == PROPOSED:
                messages.success(request, _EDIT_MESSAGES[PROPOSED](actor))
                return redirect("directory:change_review", pk=result.change.pk)
            if result.outcome in _EDIT_MESSAGES:
                messages.success(request, _EDIT_MESSAGES[result.outcome](actor))
            else:
                messages.success(
                    request,
                    _("Your pending change was withdrawn: the entry keeps its values."),
                )
            return redirect(actor.get_absolute_url())
    reviewed = actor.status not in (ActorStatus.PENDING, ActorStatus.REJECTED) and not can(
        request.user, "directory.publish_without_review", actor
    )
    return render(
        request,
        "directory/submission/edit.html",
        {
            "actor": actor,
            "form": form,
            "pending": pending,
            "reviewed": reviewed,
            "errors": _error_summary([form]),
        },
    )


# --- Pending changes -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def change_review(request: HttpRequest, pk: int) -> HttpResponse:
    change = change_for_page(pk)
    if change is None:
        raise Http404
    require(request.user, "directory.see_change", change)
    if request.method == "POST":
        require(request.user, "directory.moderate")
    current = actor_values(change.actor)
    fingerprint = change_fingerprint(change, current)
    form = ChangeDecisionForm(request.POST or None, initial={"fingerprint": fingerprint})
    if request.method == "POST" and form.is_valid():
        decide = (
            actor_change_accept
            if form.cleaned_data["decision"] == "accept"
            else actor_change_reject
        )
        try:
            decide(
                change=change,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                fingerprint=form.cleaned_data["fingerprint"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            if form.cleaned_data["decision"] == "accept":
                messages.success(request, _("The change is accepted: the entry shows it now."))
            else:
                messages.success(request, _("The change is rejected; its proposer is told why."))
            return redirect("directory:change_review", pk=change.pk)
        # Show the values as they are now, with a fresh fingerprint, for a second look.
        change = change_for_page(pk)
        current = actor_values(change.actor)
        fingerprint = change_fingerprint(change, current)
    is_pending = change.status == ChangeStatus.PENDING
    return render(
        request,
        "directory/submission/change.html",
        {
            "change": change,
            "actor": change.actor,
            "rows": change_rows(change, current),
            "conflicts": change_conflicts(change, current) if is_pending else [],
            "form": form,
            "fingerprint": fingerprint,
            "can_decide": is_pending and can(request.user, "directory.moderate"),
            "can_withdraw": is_pending and can(request.user, "directory.withdraw_change", change),
            "errors": _error_summary([form]),
        },
    )


@login_required
@require_POST
def change_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    change = change_for_page(pk)
    if change is None:
        raise Http404
    require(request.user, "directory.withdraw_change", change)
    try:
        actor_change_withdraw(change=change, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("directory:change_review", pk=change.pk)
    messages.success(request, _("Your change is withdrawn: the entry keeps its values."))
    return redirect("directory:my_actors")


urlpatterns = [
    path("proposer/", submit, name="submit"),
    path("proposer/siret/", check_siret, name="submit_check_siret"),
    path("proposer/adresse/", check_address, name="submit_check_address"),
    path("proposer/doublons/", check_duplicates, name="submit_duplicates"),
    path("proposer/merci/<slug:slug>/", submitted, name="submitted"),
    path("mes-fiches/", my_actors, name="my_actors"),
    path("<slug:slug>/modifier/", edit, name="edit"),
    path("modifications/<int:pk>/", change_review, name="change_review"),
    path("modifications/<int:pk>/retirer/", change_withdraw, name="change_withdraw"),
]
