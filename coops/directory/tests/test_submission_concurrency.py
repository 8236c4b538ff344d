"""Real concurrency on PostgreSQL: owners editing a published entry at once leave one
pending change; a change decided twice at once is decided once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from coops.accounts.tests.factories import UserFactory
from coops.core.tests.concurrency import race
from coops.directory.models import ActorChange, ChangeStatus, ModerationDecision
from coops.directory.services.submission import (
    PROPOSED,
    UpdateResult,
    actor_change_accept,
    actor_change_reject,
    actor_update,
)
from coops.directory.tests.factories import ActorFactory
from coops.notifications.models import Notification

pytestmark = pytest.mark.postgres


@pytest.fixture
def entry(pg):
    owners = [UserFactory(), UserFactory()]
    return ActorFactory(name="Le Fournil", owners=owners), owners


def test_owners_editing_at_once_leave_one_pending_change(entry):
    actor, (first, second) = entry

    def edit(user, name):
        return lambda: actor_update(actor=actor, acting_user=user, fields={"name": name})

    results = race(edit(first, "Fournil A"), edit(second, "Fournil B"))

    assert all(isinstance(r, UpdateResult) and r.outcome == PROPOSED for r in results), results
    change = ActorChange.objects.get()
    assert change.status == ChangeStatus.PENDING
    assert change.proposed in ({"name": "Fournil A"}, {"name": "Fournil B"})
    assert change.original == {"name": "Le Fournil"}
    actor.refresh_from_db()
    assert actor.name == "Le Fournil"


def test_a_change_accepted_and_rejected_at_once_is_decided_once(entry):
    actor, (owner, _co_owner) = entry
    actor_update(actor=actor, acting_user=owner, fields={"name": "Le Grand Fournil"})
    change = ActorChange.objects.get()
    judges = []
    for _ in range(2):
        judge = UserFactory()
        judge.user_permissions.add(Permission.objects.get(codename="moderate_actor"))
        judges.append(judge)

    results = race(
        lambda: actor_change_accept(change=change, acting_user=judges[0]),
        lambda: actor_change_reject(change=change, acting_user=judges[1], reason="Non."),
    )

    decided = [r for r in results if isinstance(r, ActorChange)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(decided), len(refused)) == (1, 1), results
    assert refused[0].code == "decided"
    assert ModerationDecision.objects.count() == 1
    assert Notification.objects.filter(recipient=owner).count() == 1
    change.refresh_from_db()
    actor.refresh_from_db()
    if change.status == ChangeStatus.ACCEPTED:
        assert actor.name == "Le Grand Fournil"
    else:
        assert (change.status, actor.name) == (ChangeStatus.REJECTED, "Le Fournil")
