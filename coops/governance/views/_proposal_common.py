"""Helpers shared by the proposal, proxy, college and register pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.permissions import can, require

from ..models import Proposal
from ..selectors.proposals import proposal_of


def url(request: HttpRequest, name: str, **kwargs) -> str:
    return reverse(f"groups:governance:{name}", kwargs={"slug": request.group.slug, **kwargs})


def in_group_zone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run the view in the group's time zone: forms read and show times as the group's
    members live them, and templates print them so."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with timezone.override(ZoneInfo(request.group.time_zone)):
            return view(request, *args, **kwargs)

    return wrapped


def render_page(request: HttpRequest, template: str, *, status: int = 200, **context):
    group = request.group
    context.update(
        group=group,
        can_organise=can(request.user, "governance.organise", group),
        can_administer=can(request.user, "governance.administer", group),
    )
    return render(request, f"governance/{template}", context, status=status)


def proposal_or_404(request: HttpRequest, pk: int, action: str = "governance.view") -> Proposal:
    """Check `action` on the group, then return its proposal `pk` if the reader may see it."""
    require(request.user, action, request.group)
    try:
        return proposal_of(
            group=request.group,
            pk=pk,
            user=request.user,
            can_organise=can(request.user, "governance.organise", request.group),
        )
    except Proposal.DoesNotExist:
        raise Http404 from None


def may_steer(request: HttpRequest, proposal: Proposal) -> bool:
    """The author (still a member) and the group's organisers edit, open, withdraw and
    amend a proposal."""
    group = request.group
    if can(request.user, "governance.organise", group):
        return True
    return proposal.author_id == request.user.pk and can(
        request.user, "governance.participate", group
    )


def require_steer(request: HttpRequest, proposal: Proposal) -> None:
    if not may_steer(request, proposal):
        raise PermissionDenied(
            _("Only the author of the proposal or the group's organisers can do this.")
        )
