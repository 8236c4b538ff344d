"""Charter pages. Public: the current charter, the history, a version and its diff.
Owners (and staff): sign for an actor. Staff: drafts and publishing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coops.core.permissions import can, require
from coops.directory.models import Actor, ActorStatus

from . import selectors, services
from .forms import SignForm
from .models import CharterVersion


def _version_page(request: HttpRequest, version: CharterVersion | None) -> HttpResponse:
    context = {"version": version}
    if version is not None:
        context.update(
            groups=selectors.commitments_by_category(version),
            previous=selectors.previous_version(version=version),
            current=version if version.is_current else CharterVersion.objects.current(),
        )
    return render(request, "charter/version.html", context)


@require_GET
def charter_current(request: HttpRequest) -> HttpResponse:
    return _version_page(request, selectors.current_version())


@require_GET
def version_history(request: HttpRequest) -> HttpResponse:
    return render(request, "charter/history.html", {"versions": selectors.version_history()})


@require_GET
def version_detail(request: HttpRequest, number: int) -> HttpResponse:
    version = selectors.published_version(number=number)
    if version is None:
        raise Http404
    return _version_page(request, version)


@require_GET
def version_diff(request: HttpRequest, number: int) -> HttpResponse:
    version = selectors.published_version(number=number)
    previous = selectors.previous_version(version=version) if version else None
    if previous is None:
        raise Http404
    diff = selectors.version_diff(old=previous, new=version)
    return render(request, "charter/diff.html", {"diff": diff})


# --- Signing for an actor -----------------------------------------------------------------


def _signable_actor(request: HttpRequest, slug: str) -> Actor:
    """The actor the user may sign for. An entry the public cannot see answers 404 to
    those who may not sign for it, so its existence does not leak."""
    actor = get_object_or_404(Actor, slug=slug)
    if not can(request.user, "charter.sign", actor) and actor.status != ActorStatus.PUBLISHED:
        raise Http404
    require(request.user, "charter.sign", actor)
    return actor


@login_required
@require_http_methods(["GET", "POST"])
def charter_sign(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _signable_actor(request, slug)
    version = selectors.current_version()
    status = selectors.signature_of(actor, current=version)
    context = {"actor": actor, "version": version, "status": status}
    if version is None:
        return render(request, "charter/sign.html", context)
    groups = selectors.commitments_by_category(version)
    form = SignForm(request.POST or None, version=version, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            services.charter_sign(
                actor=actor,
                version=version,
                accepted_commitment_ids=form.accepted_ids(),
                acting_user=request.user,
            )
        except services.CommitmentsMissing as exc:
            form.add_error(None, exc)
            form.mark_missing(exc.missing)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(actor)s has signed version %(number)s of the charter.")
                % {"actor": actor.name, "number": version.number},
            )
            return redirect(reverse("charter:sign", kwargs={"slug": actor.slug}))
    context.update(form=form, groups=groups)
    return render(request, "charter/sign.html", context)


# --- Staff: drafts and publishing ---------------------------------------------------------


@login_required
@require_GET
def draft_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "charter.publish")
    drafts = selectors.draft_versions()
    current = selectors.current_version()
    rows = [
        {
            "draft": draft,
            "groups": selectors.commitments_by_category(draft),
            "diff": selectors.version_diff(old=current, new=draft) if current else None,
        }
        for draft in drafts
    ]
    return render(request, "charter/drafts.html", {"rows": rows, "current": current})


@login_required
@require_POST
def draft_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "charter.publish")
    draft = services.charter_version_draft(acting_user=request.user)
    messages.success(
        request, _("A new draft was created. Edit its text and commitments, then publish it.")
    )
    return redirect(reverse("admin:charter_charterversion_change", args=[draft.pk]))


@login_required
@require_POST
def draft_publish(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "charter.publish")
    draft = get_object_or_404(CharterVersion.objects.drafts(), pk=pk)
    try:
        version = services.charter_version_publish(version=draft, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("charter:drafts"))
    messages.success(
        request,
        _("Version %(number)s of the charter is published.") % {"number": version.number},
    )
    return redirect(version)
