"""Email leaves only after the transaction that caused it commits, through a task."""

from functools import partial

from django.db import transaction

from .tasks import send_email


def mail_after_commit(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Queue an email once the current transaction commits (at once outside one)."""
    transaction.on_commit(
        partial(
            send_email.enqueue,
            subject=subject,
            body=body,
            to=list(to),
            html=html,
            from_email=from_email,
            headers=dict(headers or {}),
        )
    )
