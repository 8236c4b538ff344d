import pytest
from django.db import transaction

from coops.core import hooks
from coops.core.audit import event_record
from coops.core.models import Event
from coops.groups.tests.factories import GroupFactory


@pytest.mark.django_db(transaction=True)
def test_event_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        event_record(actor=None, verb="test.thing")
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_event_records_actor_target_and_data(user):
    group = GroupFactory()
    with transaction.atomic():
        event = event_record(actor=user, verb="group.renamed", target=group, before="A", after="B")
    event.refresh_from_db()
    assert (event.actor, event.verb, event.target, event.data) == (
        user,
        "group.renamed",
        group,
        {"before": "A", "after": "B"},
    )


@pytest.mark.django_db
def test_event_rolls_back_with_the_change(user):
    with pytest.raises(ValueError), transaction.atomic():
        event_record(actor=user, verb="test.thing")
        raise ValueError
    assert Event.objects.count() == 0


def test_hooks_call_listeners_in_registration_order(monkeypatch):
    monkeypatch.setattr(hooks, "_LISTENERS", hooks.defaultdict(list))
    calls = []
    hooks.listen("x.happened")(lambda **kw: calls.append(("a", kw)))
    hooks.listen("x.happened")(lambda **kw: calls.append(("b", kw)))
    hooks.emit("x.happened", n=1)
    hooks.emit("nobody.listens", n=2)
    assert calls == [("a", {"n": 1}), ("b", {"n": 1})]
