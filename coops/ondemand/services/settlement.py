"""Money of a job, in the federation's books (ADR 0025).

- Settlement, when a job is done: the customer's member account is debited the price
  (it may go under zero: the settlement is an invoice the customer pays the
  federation), the worker's member account is credited their pay, the federation's
  fees account the commission, and its solidarity fund the contribution.
- Cancellation fee: from the customer (or from the federation's fees when a
  dispatcher cancels) to the worker.
- Top-up: after each job the worker's day is checked against the minimum hourly
  rate; a shortfall is paid from the federation's fees account.

Each posting has an idempotency key per job, so it happens once whatever the retries,
and runs in the caller's transaction (the job's row lock is held).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _

from coops.core.audit import event_record
from coops.core.money import Money
from coops.ledger.models import Entry, LedgerAccount, Purpose, Transaction
from coops.ledger.services import Leg, account_open, transaction_post

from .. import kinds
from ..models import Job, JobStatus, Worker
from ..pricing import floor_pay
from ._base import lock_objects, rules_of


def settlement_key(job: Job, what: str) -> str:
    return f"ondemand:job:{job.pk}:{what}"


def member_account(group, user, currency: str, acting_user: Any) -> LedgerAccount:
    """The user's member account in the federation's books (no floor: see ADR 0025)."""
    return account_open(
        group=group,
        currency=currency,
        owner=user,
        purpose=Purpose.MEMBER,
        name=user.public_name,
        acting_user=acting_user,
    )


def fees_account(group, currency: str, acting_user: Any) -> LedgerAccount:
    return account_open(
        group=group,
        currency=currency,
        owner=group,
        purpose=Purpose.FEES,
        name=_("Fees and commissions · %(group)s") % {"group": group.name},
        acting_user=acting_user,
    )


def fund_account(group, currency: str, acting_user: Any) -> LedgerAccount:
    return account_open(
        group=group,
        currency=currency,
        owner=group,
        purpose=Purpose.SOLIDARITY,
        name=_("Solidarity fund · %(group)s") % {"group": group.name},
        acting_user=acting_user,
    )


def _post(job: Job, kind: str, what: str, parts: list[tuple[LedgerAccount, int]], acting_user,
          memo: str) -> Transaction | None:  # fmt: skip
    """Post `parts` (account, minor units) netted per account, zeros dropped. Limits are
    not enforced: the work is done, what it costs is owed (ADR 0025)."""
    net: dict[int, int] = defaultdict(int)
    accounts: dict[int, LedgerAccount] = {}
    for account, amount in parts:
        net[account.pk] += amount
        accounts[account.pk] = account
    legs = [Leg(accounts[pk], amount) for pk, amount in net.items() if amount]
    if not legs:
        return None
    return transaction_post(
        group=job.group,
        kind=kind,
        legs=legs,
        acting_user=acting_user,
        memo=memo,
        source=job,
        idempotency_key=settlement_key(job, what),
        enforce_limits=False,
    )


def job_settle(*, job: Job, acting_user: Any) -> Transaction | None:
    """Post the done job's price, split as quoted, and set `job.transaction`. The
    caller holds the job's lock, in the transaction of the DONE transition."""
    group, currency = job.group, job.currency
    parts = [
        (member_account(group, job.customer, currency, acting_user), -job.price_minor),
        (member_account(group, job.worker.user, currency, acting_user), job.worker_pay_minor),
    ]
    if job.commission_minor:
        parts.append((fees_account(group, currency, acting_user), job.commission_minor))
    if job.fund_minor:
        parts.append((fund_account(group, currency, acting_user), job.fund_minor))
    tx = _post(
        job,
        kinds.SETTLEMENT,
        "settlement",
        parts,
        acting_user,
        _("Job #%(id)s: %(kind)s") % {"id": job.pk, "kind": job.get_kind_display()},
    )
    if tx is not None:
        job.transaction = tx
        job.save(update_fields=["transaction", "updated_at"])
    return tx


def cancellation_settle(*, job: Job, by_federation: bool, acting_user: Any) -> Transaction | None:
    """Pay the cancelled job's fee to its worker: from the customer, or from the
    federation's fees account when a dispatcher cancelled."""
    if not job.cancellation_fee_minor:
        return None
    group, currency = job.group, job.currency
    payer = (
        fees_account(group, currency, acting_user)
        if by_federation
        else member_account(group, job.customer, currency, acting_user)
    )
    fee = job.cancellation_fee_minor
    tx = _post(
        job,
        kinds.CANCELLATION,
        "cancellation",
        [(payer, -fee), (member_account(group, job.worker.user, currency, acting_user), fee)],
        acting_user,
        _("Job #%(id)s cancelled") % {"id": job.pk},
    )
    if tx is not None:
        job.transaction = tx
        job.save(update_fields=["transaction", "updated_at"])
    return tx


def day_bounds(group, day: date) -> tuple[datetime, datetime]:
    """The first instant of `day` and of the next day in the federation's zone."""
    zone = group.zone
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def day_jobs_q(start: datetime, end: datetime, prefix: str = "") -> Q:
    """The jobs of a working day: done that day, or cancelled that day after the
    worker had started (their time is paid by the fee)."""
    return Q(**{f"{prefix}status": JobStatus.DONE, f"{prefix}done_at__gte": start,
                f"{prefix}done_at__lt": end}) | Q(
        **{f"{prefix}status": JobStatus.CANCELLED, f"{prefix}cancelled_at__gte": start,
           f"{prefix}cancelled_at__lt": end, f"{prefix}worked_seconds__gt": 0}
    )  # fmt: skip


def worker_day_totals(worker: Worker, day: date) -> dict[str, int]:
    """Seconds worked, pay (done jobs' pay and cancellation fees) and top-ups of the
    worker on `day`, from the jobs and the book (two aggregate queries)."""
    start, end = day_bounds(worker.group, day)
    jobs = Job.objects.filter(day_jobs_q(start, end), worker=worker).aggregate(
        seconds=Sum("worked_seconds"),
        pay=Sum("worker_pay_minor", filter=Q(status=JobStatus.DONE)),
        fees=Sum("cancellation_fee_minor", filter=Q(status=JobStatus.CANCELLED)),
    )
    topups = Entry.objects.filter(
        transaction__group=worker.group,
        transaction__kind=kinds.TOPUP,
        transaction__created_at__gte=start,
        transaction__created_at__lt=end,
        account__purpose=Purpose.MEMBER,
        account__owner_type=ContentType.objects.get_for_model(get_user_model()),
        account__owner_id=str(worker.user_id),
        amount__gt=0,
    ).aggregate(total=Sum("amount"))
    return {
        "seconds": jobs["seconds"] or 0,
        "pay": (jobs["pay"] or 0) + (jobs["fees"] or 0),
        "topups": topups["total"] or 0,
    }


def worker_day_topup(*, job: Job, acting_user: Any) -> Transaction | None:
    """After `job` is done or cancelled: if the worker's day so far is paid under the
    minimum hourly rate × the time worked, pay the shortfall from the federation's fees
    account (once per job). The worker's row is locked, so days add up in order."""
    worker = lock_objects(Worker, job.worker_id)
    group = job.group
    rules = rules_of(group)
    day = group.today()
    totals = worker_day_totals(worker, day)
    required = Money(floor_pay(rules.min_hourly_rate, totals["seconds"]), job.currency).to_minor()
    shortfall = required - totals["pay"] - totals["topups"]
    if shortfall <= 0:
        return None
    tx = _post(
        job,
        kinds.TOPUP,
        "topup",
        [
            (fees_account(group, job.currency, acting_user), -shortfall),
            (member_account(group, job.worker.user, job.currency, acting_user), shortfall),
        ],
        acting_user,
        _("Top-up to the minimum hourly rate (job #%(id)s)") % {"id": job.pk},
    )
    Worker.objects.filter(pk=worker.pk).update(earned_today=F("earned_today") + shortfall)
    event_record(actor=acting_user, verb="ondemand.topup", target=job, amount=shortfall)
    return tx


def worker_counters_add(*, job: Job, earned: int) -> Worker:
    """Add the job's time and `earned` to the worker's day counters (reset on a new
    day) and free the worker. Under the worker's row lock."""
    worker = lock_objects(Worker, job.worker_id)
    today = job.group.today()
    if worker.day != today:
        worker.day, worker.seconds_today, worker.earned_today = today, 0, 0
    worker.seconds_today += job.worked_seconds
    worker.earned_today += earned
    worker.busy = False
    worker.save(update_fields=["day", "seconds_today", "earned_today", "busy", "updated_at"])
    return worker
