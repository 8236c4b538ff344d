"""The on-demand demo step: rules decided by vote, three couriers, a day of jobs."""

from decimal import Decimal

import pytest

from coops.accounts.demo import load_people
from coops.core.demo import DemoContext, demo_steps
from coops.governance.models import ProposalStatus
from coops.groups.demo import load_groups
from coops.ledger.invariants import ledger_violations
from coops.ledger.models import Transaction

from ..demo import load_ondemand
from ..kinds import SETTLEMENT, TOPUP
from ..models import Job, JobStatus, OfferAnswer, RuleChange, Worker
from ..services._base import rules_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(django_capture_on_commit_callbacks):
    ctx = DemoContext(log=lambda _: None)
    with django_capture_on_commit_callbacks(execute=True):
        load_people(ctx)
        load_groups(ctx)
        load_ondemand(ctx)
    return ctx


def test_the_step_runs_after_governance():
    step = next(s for s in demo_steps() if s.name == "ondemand")
    assert (step.load, step.order) == (load_ondemand, 70)


def test_the_rules_were_decided_by_an_adopted_proposal(ctx):
    group = ctx.groups["federation-plateformes"]
    rules = rules_of(group)
    assert (rules.min_hourly_rate, rules.commission_percent) == (Decimal("13.50"), Decimal("7"))
    change = RuleChange.objects.get(group=group)
    assert change.proposal.status == ProposalStatus.ADOPTED


def test_a_day_of_jobs(ctx):
    statuses = sorted(Job.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [
            JobStatus.DONE,
            JobStatus.DONE,
            JobStatus.PICKED_UP,
            JobStatus.OFFERED,
            JobStatus.REQUESTED,
            JobStatus.CANCELLED,
        ]
    )
    declined = Job.objects.get(status=JobStatus.PICKED_UP).offers.order_by("offered_at", "pk")
    assert [o.answer for o in declined] == [OfferAnswer.DECLINED, OfferAnswer.ACCEPTED]
    assert Worker.objects.filter(is_online=True).count() == 3
    assert Transaction.objects.filter(kind=SETTLEMENT).count() == 2
    assert Transaction.objects.filter(kind=TOPUP).count() == 1
    for job in Job.objects.filter(status=JobStatus.DONE):
        assert job.worker_pay_minor >= job.floor_minor
    assert ledger_violations() == []


def test_loading_twice_adds_nothing(ctx):
    load_ondemand(ctx)
    assert Job.objects.count() == 6
    assert RuleChange.objects.count() == 1
