"""Background work of the directory, run by the task worker (`manage.py db_worker`)."""

from django.contrib.auth import get_user_model
from django_tasks import task

from .models import ImportJob
from .services.imports import import_job_run


@task()
def run_import(*, job_id: int, user_id: int | None = None) -> dict:
    """Run a queued import job (see services.imports.jobs). Safe to run twice: the
    second run finds the job already claimed and does nothing. Returns its counts."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return {}
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return import_job_run(job=job, acting_user=user).counts


@task()
def send_freshness_reminders() -> int:
    """Remind the owners of published entries not updated for a year (the moderation
    settings' `freshness_months`) to check them; run daily by `manage.py
    directory_freshness --enqueue` or a scheduler. Safe to run twice: each entry's
    reminder is claimed once. Returns how many entries' owners were reminded."""
    from .services.moderation import freshness_remind

    return freshness_remind()
