"""Background work: emailing notifications, one by one or as a daily digest."""

from django_tasks import task

from . import services


@task(queue_name="email")
def send_notification_emails(*, notification_ids: list[int]) -> int:
    """Email each notification not emailed yet, in its recipient's language.

    Safe to retry: each notification is claimed before its email is queued.
    Returns how many emails were queued.
    """
    return sum(
        services.notification_email_send(notification_id=pk) for pk in sorted(set(notification_ids))
    )


@task(queue_name="email")
def send_daily_digests() -> int:
    """Send each user one email listing their notifications waiting for the digest.

    Run daily by the `send_digests` management command. Safe to retry or run twice:
    a notification is listed in at most one digest. Returns how many emails were queued.
    """
    return services.digests_send_all()
