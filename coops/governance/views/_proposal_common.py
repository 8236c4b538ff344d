"""Helpers shared by the proposal, proxy, college and register pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from coops.core.permissions import can, require

from ..models import Proposal
from ..selectors.proposals import proposal_of


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
