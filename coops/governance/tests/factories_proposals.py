"""Factories and builders for the tests of proposals, ballots, proxies and colleges.

Proposals are built through the services (drafted, then opened), so their voters are
snapshotted as in real life; `Council` is a group with its governance module on, an
organiser and three members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from coops.groups.models import GroupModule, Role
from coops.groups.tests.factories import GroupFactory, MembershipFactory

from ..models import College, CollegeMember, Method, Proposal
from ..services.proposals import proposal_create, proposal_open

OPTIONS = ("Mardi soir", "Jeudi midi", "Samedi matin")


def enable_governance(group) -> None:
    GroupModule.objects.get_or_create(group=group, module="governance")


class CollegeFactory(DjangoModelFactory):
    class Meta:
        model = College

    group = factory.SubFactory(GroupFactory)
    name = factory.Sequence(lambda n: f"Collège {n}")
    weight = 50
    position = factory.Sequence(lambda n: n)


def place(college: College, *users) -> None:
    """Put active members in a college (as college_assign would)."""
    for user in users:
        CollegeMember.objects.update_or_create(
            group=college.group, user=user, defaults={"college": college}
        )


def draft(group, author, *, method: str = Method.CONSENT, **kwargs: Any) -> Proposal:
    """A draft made by `author` through proposal_create; option methods get OPTIONS."""
    if method in (Method.JUDGMENT, Method.SCHULZE, Method.DOTS, Method.SCORE):
        kwargs.setdefault("options", OPTIONS)
    kwargs.setdefault("title", "Changer de fournisseur de pain")
    kwargs.setdefault("body", "Nous proposons de passer au **fournil du Moulin**.")
    return proposal_create(group=group, acting_user=author, method=method, **kwargs)


def opened(group, author, **kwargs: Any) -> Proposal:
    """A proposal opened now to the group's active members."""
    proposal = draft(group, author, **kwargs)
    return proposal_open(proposal=proposal, acting_user=author)


def option_ids(proposal: Proposal) -> list[int]:
    return list(proposal.options.values_list("pk", flat=True))


@dataclass
class Council:
    group: Any
    organiser: Any
    alice: Any
    bob: Any
    carol: Any


def make_council(**group_kwargs: Any) -> Council:
    group = GroupFactory(**group_kwargs)
    enable_governance(group)
    organiser = MembershipFactory(group=group, role=Role.ORGANISER).user
    alice, bob, carol = (MembershipFactory(group=group).user for _ in range(3))
    return Council(group, organiser, alice, bob, carol)


def past_deadline(proposal: Proposal) -> None:
    """Move an open proposal's closing time (and opening) into the past."""
    now = timezone.now()
    Proposal.objects.filter(pk=proposal.pk).update(
        opens_at=now - timedelta(days=7), closes_at=now - timedelta(seconds=1)
    )
    proposal.refresh_from_db()


def url(group, name: str, **kwargs) -> str:
    from django.urls import reverse

    return reverse(f"groups:governance:{name}", kwargs={"slug": group.slug, **kwargs})


def login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
