"""Dues reminders: each dues row is notified at most once per stage.

- "issued": when the dues are generated ("your dues for 2026-2027 are 20,00 €, due
  on 1 September 2026");
- "overdue": once the due date plus the grace period has passed.

A stage is claimed with a conditional UPDATE … WHERE <stage>_notice_at IS NULL in
the same transaction as the notification, so retries and overlapping runs never
send it twice, and a failed notification leaves the stage unclaimed. Dues that are
already overdue when first noticed get the overdue reminder only (both stages are
marked): one message, not two on the same day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coops.core.money import Money, format_money
from coops.notifications.services import notify

from .models import Dues, DuesStatus

KIND = "ledger.dues_reminder"
ISSUED = "issued"
OVERDUE = "overdue"


@dataclass(frozen=True)
class ReminderCounts:
    issued: int = 0
    overdue: int = 0


def _params(dues: Dues) -> dict[str, str]:
    # Called with the recipient's language active (see notifications.services.notify).
    return {
        "period": dues.period_label,
        "amount": format_money(Money(dues.amount, dues.currency)),
        "date": date_format(dues.due_on),
        "plan": dues.plan.name,
        "group": dues.group.name,
    }


def _title(dues: Dues, stage: str):
    if stage == OVERDUE:
        return lambda user: _("Your dues for %(period)s are overdue") % _params(dues)
    return lambda user: (
        _("Your dues for %(period)s are %(amount)s, due on %(date)s") % _params(dues)
    )


def _body(dues: Dues, stage: str):
    if stage == OVERDUE:
        return lambda user: (
            _(
                "%(plan)s, %(group)s: %(amount)s were due on %(date)s. Pay them from your balance "
                "on the dues page, or hand them to an organiser."
            )
            % _params(dues)
        )
    return lambda user: (
        _(
            "%(plan)s, %(group)s. Pay them from your balance on the dues page, or hand them to "
            "an organiser."
        )
        % _params(dues)
    )


def _claim(dues: Dues, stage: str) -> bool:
    """Mark the stage sent, unless it already was; keeps `dues` in step."""
    now = timezone.now()
    rows = Dues.objects.filter(pk=dues.pk, status=DuesStatus.DUE)
    if stage == OVERDUE:
        claimed = rows.filter(overdue_notice_at__isnull=True).update(
            overdue_notice_at=now,
            issued_notice_at=Coalesce(
                F("issued_notice_at"), Value(now, output_field=DateTimeField())
            ),
        )
        if claimed:
            dues.overdue_notice_at = now
            dues.issued_notice_at = dues.issued_notice_at or now
    else:
        claimed = rows.filter(issued_notice_at__isnull=True).update(issued_notice_at=now)
        if claimed:
            dues.issued_notice_at = now
    return bool(claimed)


def counts_of(dues: list[Dues]) -> ReminderCounts:
    """How many of `dues` got each reminder (from their in-memory stage marks)."""
    overdue = sum(1 for d in dues if d.overdue_notice_at is not None)
    issued = sum(1 for d in dues if d.issued_notice_at is not None) - overdue
    return ReminderCounts(issued=issued, overdue=overdue)


def dues_remind(*, dues: Dues, on: date) -> str | None:
    """Send the reminder `dues` is waiting for as of day `on`, once; return its stage
    (None when nothing was due to send)."""
    if dues.status != DuesStatus.DUE:
        return None
    if dues.is_overdue(on):
        stage = OVERDUE if dues.overdue_notice_at is None else None
    else:
        stage = ISSUED if dues.issued_notice_at is None else None
    if stage is None:
        return None
    with transaction.atomic():
        if not _claim(dues, stage):
            return None
        url = reverse("groups:ledger:dues", kwargs={"slug": dues.group.slug})
        notify(
            recipients=[dues.member],
            kind=KIND,
            title=_title(dues, stage),
            body=_body(dues, stage),
            url=url,
            group=dues.group,
        )
    return stage


def dues_send_reminders(*, on: date | None = None) -> ReminderCounts:
    """Send every pending reminder (the daily run). `on` overrides each group's today."""
    # A day of slack either side of UTC covers every group's time zone; the exact
    # comparison uses each group's own date.
    horizon = (on or timezone.now().date()) + timedelta(days=1)
    pending = (
        Dues.objects.filter(status=DuesStatus.DUE)
        .filter(
            Q(issued_notice_at__isnull=True)
            | Q(overdue_notice_at__isnull=True, grace_until__lt=horizon)
        )
        .select_related("group", "plan", "member")
        .order_by("pk")
    )
    counts = {ISSUED: 0, OVERDUE: 0}
    today: dict[int, date] = {}
    for dues in list(pending):
        if dues.group_id not in today:
            today[dues.group_id] = on or dues.group.today()
        stage = dues_remind(dues=dues, on=today[dues.group_id])
        if stage:
            counts[stage] += 1
    return ReminderCounts(issued=counts[ISSUED], overdue=counts[OVERDUE])
