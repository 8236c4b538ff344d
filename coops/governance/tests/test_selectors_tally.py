"""The tally of stored ballots (aggregated in SQL per college) equals the pure methods'
tally of the same answers, weighted or not."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from coops.groups.tests.factories import MembershipFactory

from ..methods import colleges as college_tally
from ..methods import get_method
from ..models import Method
from ..selectors.tally import proposal_tally
from ..services.ballots import ballot_cast
from .factories_proposals import CollegeFactory, make_council, opened, option_ids, place

pytestmark = pytest.mark.django_db


def _answer(method: str, options: list[int], rng: random.Random) -> dict:
    if method == Method.JUDGMENT:
        return {"grades": {str(o): rng.randint(0, 6) for o in options}}
    if method == Method.SCHULZE:
        return {"ranking": {str(o): rng.randint(1, len(options)) for o in options}}
    if method == Method.DOTS:
        spent = dict.fromkeys(options, 0)
        for _ in range(rng.randint(0, 5)):
            spent[rng.choice(options)] += 1
        return {"dots": {str(o): n for o, n in spent.items() if n}}
    if method == Method.SCORE:
        return {"scores": {str(o): rng.randint(0, 5) for o in options}}
    return {"position": rng.choice(["yes", "no", "abstain"])}


@pytest.mark.parametrize(
    "method", [Method.JUDGMENT, Method.SCHULZE, Method.DOTS, Method.SCORE, Method.MAJORITY]
)
@pytest.mark.parametrize("weighted", [False, True])
def test_stored_ballots_tally_as_the_pure_method(method, weighted):
    council = make_council()
    group = council.group
    voters = [council.organiser, council.alice, council.bob, council.carol]
    voters += [MembershipFactory(group=group).user for _ in range(5)]
    colleges = []
    if weighted:
        colleges = [
            CollegeFactory(group=group, name="Salariés", weight=50),
            CollegeFactory(group=group, name="Usagers", weight=30),
            CollegeFactory(group=group, name="Collectivités", weight=20),
        ]
        for i, user in enumerate(voters):
            place(colleges[i % 2], user)  # the third college never votes
    proposal = opened(group, council.organiser, method=method, weighted=weighted)
    options = option_ids(proposal)
    rng = random.Random(f"{method}-{weighted}")
    answers: dict = {c.pk: [] for c in colleges} if weighted else {None: []}
    for i, user in enumerate(voters[:-1]):  # one member does not answer
        ballot = ballot_cast(
            proposal=proposal, acting_user=user, response=_answer(method, options, rng)
        )
        cleaned = get_method(method).validate(
            _response_of(ballot, method), options=options, settings=proposal.settings
        )
        answers[colleges[i % 2].pk if weighted else None].append(cleaned)

    tally = proposal_tally(proposal)

    labels = dict(proposal.options.values_list("pk", "label"))
    settings = {**proposal.settings, "option_labels": {str(k): v for k, v in labels.items()}}
    weights = {c.pk: Fraction(c.weight, 100) for c in colleges} if weighted else {None: 1}
    expected = college_tally.tally(
        method, answers, weights, options=[str(o) for o in options], settings=settings
    )
    assert tally.outcome == expected.outcome
    assert tally.participants == len(voters) - 1
    assert tally.eligible == len(voters)
    if weighted:
        assert [(c.name, o) for c, o in tally.colleges] == [
            (c.name, expected.colleges[c.pk]) for c in colleges
        ]


def _response_of(ballot, method):
    from ..services.ballots import ballot_response

    return ballot_response(ballot, method)


def test_the_outcome_is_worded_in_the_readers_language():
    from django.utils import translation

    from ..selectors.tally import outcome_texts
    from ..services.closing import proposal_close

    council = make_council()
    proposal = opened(council.group, council.organiser, method=Method.MAJORITY)
    for user in (council.alice, council.bob):
        ballot_cast(proposal=proposal, acting_user=user, response={"position": "yes"})
    ballot_cast(proposal=proposal, acting_user=council.carol, response={"position": "no"})
    with translation.override("en"):
        proposal_close(proposal=proposal, acting_user=council.organiser)
    proposal.refresh_from_db()
    assert proposal.outcome_summary.startswith("Adopted: 2 yes, 1 no")
    with translation.override("fr"):
        assert outcome_texts(proposal).summary.startswith("Adopté")
    with translation.override("en"):
        assert outcome_texts(proposal).summary == proposal.outcome_summary
