"""The one place a job changes status (the table is models.jobs.TRANSITIONS)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record

from ..models import TRANSITIONS, Job, JobEvent, JobStatus

STAMPS = {
    JobStatus.OFFERED: "offered_at",
    JobStatus.ACCEPTED: "accepted_at",
    JobStatus.PICKED_UP: "picked_up_at",
    JobStatus.DONE: "done_at",
    JobStatus.CANCELLED: "cancelled_at",
}


def job_transition(
    job: Job, to: str, *, acting_user: Any, note: str = "", fields: tuple[str, ...] = ()
) -> Job:
    """Move a locked `job` to status `to`: checks the move is allowed, stamps its time,
    saves `fields` too, writes the timeline event and the audit event. The caller holds
    the job's row lock (services._base.lock_objects) inside its transaction."""
    before = job.status
    if to not in TRANSITIONS[before]:
        raise ValidationError(
            _("This job is %(status)s: it cannot become %(to)s.")
            % {"status": JobStatus(before).label.lower(), "to": JobStatus(to).label.lower()},
            code="transition",
        )
    now = timezone.now()
    job.status = to
    update = ["status", "updated_at", *fields]
    if stamp := STAMPS.get(to):
        setattr(job, stamp, now)
        update.append(stamp)
    job.save(update_fields=sorted(set(update)))
    by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    JobEvent.objects.create(job=job, status=to, at=now, by=by, note=note[:300])
    event_record(actor=acting_user, verb=f"ondemand.job_{to}", target=job, before=before, after=to)
    return job
