"""What the governance home shows, in a constant number of queries."""

from __future__ import annotations

from typing import Any

from ..models import Assembly, Proposal, ProposalStatus

HOME_LIMIT = 10


def governance_home(*, group, user) -> dict[str, Any]:
    """Upcoming assemblies, open proposals (with whether `user` has answered) and the
    latest adopted decisions of `group`: four queries."""
    assemblies = list(Assembly.objects.filter(group=group).upcoming()[:HOME_LIMIT])
    open_proposals = list(
        Proposal.objects.filter(group=group, status=ProposalStatus.OPEN)
        .order_by("closes_at", "pk")
        .select_related("author")[:HOME_LIMIT]
    )
    answered = set(
        Proposal.objects.filter(
            pk__in=[p.pk for p in open_proposals], ballots__voter=user
        ).values_list("pk", flat=True)
    )
    for proposal in open_proposals:
        proposal.answered = proposal.pk in answered
    decisions = list(
        Proposal.objects.filter(group=group).adopted().order_by("-decided_at", "-pk")[:HOME_LIMIT]
    )
    return {"assemblies": assemblies, "open_proposals": open_proposals, "decisions": decisions}
