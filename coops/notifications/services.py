"""Writes: creating notifications, emailing them, digests, read marks and preferences.

Delivery decision, made once when a notification is created, from the recipient's
effective frequency for its kind (see selectors.frequencies_for):

- IMMEDIATE: one email per notification, by the task `send_notification_emails`;
- DAILY: left in the digest queue (`digested_at` is NULL) for `send_daily_digests`;
- OFF: never emailed, shown in the site only.

`digested_at` is set on every notification that leaves the digest queue, so the
digest only ever looks at rows still waiting for it. Sending claims rows with a
conditional UPDATE … WHERE emailed_at/digested_at IS NULL, so a retried task never
sends the same notification twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator

from coops.core.audit import event_record
from coops.core.mail import mail_after_commit

from .emails import digest_message, notification_message
from .kinds import get_kind
from .models import Frequency, Notification, NotificationPreference
from .selectors import frequencies_for, frequency_resolver

logger = logging.getLogger(__name__)

# A title or body is either text or a function of the recipient returning text. A
# function is called with the recipient's language active, so listeners write
# `lambda user: _("%(name)s asks to join") % {...}` and each person reads their language.
Text = str | Callable[[Any], str]

TITLE_MAX = Notification._meta.get_field("title").max_length


def is_local_url(url: str) -> bool:
    """True for a same-site path such as "/g/amap/"; False for anything that leaves the site."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    )


def _render(text: Text, user: Any) -> str:
    with translation.override(user.language):
        return str(text(user) if callable(text) else text)


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: Text,
    body: Text = "",
    url: str = "",
    group: Any = None,
    actor: Any = None,
) -> list[Notification]:
    """Notify each recipient once; return the notifications created.

    Inactive and erased users, and the actor themself, are skipped. Title and body are
    stored rendered in each recipient's language. Emails for recipients who want this
    kind immediately are queued after the surrounding transaction commits.
    """
    get_kind(kind)  # an unknown kind is a programming error
    if url and not is_local_url(url):
        raise ValueError(f"notification links must be same-site paths, not {url!r}")
    user_ids = {getattr(r, "pk", r) for r in recipients}
    if actor is not None and getattr(actor, "pk", None) is not None:
        user_ids.discard(actor.pk)
    User = get_user_model()
    users = list(User.objects.active().filter(pk__in=user_ids).order_by("pk"))
    if not users:
        return []
    frequencies = frequencies_for(user_ids=[u.pk for u in users], kind=kind)
    now = timezone.now()
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            title=Truncator(_render(title, user)).chars(TITLE_MAX),
            body=_render(body, user),
            url=url,
            group=group,
            # Only DAILY notifications wait for the digest.
            digested_at=None if frequencies[user.pk] == Frequency.DAILY else now,
        )
        for user in users
    ]
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        immediate = [n.pk for n in created if frequencies[n.recipient_id] == Frequency.IMMEDIATE]
        if immediate:
            # Imported here: tasks imports this module.
            from .tasks import send_notification_emails

            transaction.on_commit(
                partial(send_notification_emails.enqueue, notification_ids=immediate)
            )
    return created


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification unless it already was; True if this call sent it.

    The row is claimed with a conditional UPDATE, so a retry never sends twice. An
    inactive or erased recipient gets nothing, nor does one who switched this kind
    off since (say, from the previous email's unsubscribe link).
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_related("recipient", "group")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return False
        recipient = notification.recipient
        if not recipient.is_active or recipient.is_erased:
            return False
        if frequency_resolver(user=recipient)(notification.kind) == Frequency.OFF:
            return False
        claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        mail_after_commit(**notification_message(notification))
    return True


def digest_send(*, user: Any) -> int:
    """Send `user` one email listing every notification waiting for the digest.

    Returns how many notifications it listed (0: no email). Notifications whose kind
    the user has since switched OFF, or all of them if the account is inactive or
    erased, leave the queue without an email.
    """
    with transaction.atomic():
        pending = list(
            # of=("self",): lock only the notifications, not the joined (nullable) group.
            Notification.objects.select_for_update(of=("self",))
            .filter(recipient=user, emailed_at__isnull=True, digested_at__isnull=True)
            .select_related("group")
            .order_by("created_at", "id")
        )
        if not pending:
            return 0
        now = timezone.now()
        resolve = frequency_resolver(user=user)
        reachable = user.is_active and not user.is_erased
        to_send = [n for n in pending if reachable and resolve(n.kind) != Frequency.OFF]
        to_drop = [n.pk for n in pending if n not in to_send]
        queue = Notification.objects.filter(digested_at__isnull=True, emailed_at__isnull=True)
        queue.filter(pk__in=to_drop).update(digested_at=now)
        if not to_send:
            return 0
        claimed = queue.filter(pk__in=[n.pk for n in to_send]).update(digested_at=now)
        if claimed != len(to_send):
            # Another run took some of them between our read and our update.
            taken = set(
                Notification.objects.filter(
                    pk__in=[n.pk for n in to_send], digested_at=now
                ).values_list("pk", flat=True)
            )
            to_send = [n for n in to_send if n.pk in taken]
            if not to_send:
                return 0
        for n in to_send:
            n.digested_at = now
        mail_after_commit(**digest_message(user=user, notifications=to_send))
    return len(to_send)


def digests_send_all() -> int:
    """Send every due digest; return how many emails were queued.

    Each user is handled in their own transaction: one failure is logged and does not
    hold back the others' digests.
    """
    user_ids = (
        Notification.objects.filter(emailed_at__isnull=True, digested_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
    User = get_user_model()
    sent = 0
    for user in User.objects.filter(pk__in=list(user_ids)).order_by("pk"):
        try:
            sent += 1 if digest_send(user=user) else 0
        except Exception:
            logger.exception("daily digest failed for user %s", user.pk)
    return sent


def notification_mark_read(*, notification: Notification, acting_user: Any) -> bool:
    """Mark one of the acting user's notifications read; True if it was unread.

    Reading is private bookkeeping, not a change to shared data: no audit event.
    """
    if notification.recipient_id != acting_user.pk:
        raise PermissionDenied
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now
    )
    if changed:
        notification.read_at = now
    return bool(changed)


def notifications_mark_all_read(*, acting_user: Any) -> int:
    """Mark every unread notification of the acting user read; return how many."""
    return Notification.objects.for_user(acting_user).unread().update(read_at=timezone.now())


def _set_frequency(*, user: Any, kind: str, frequency: str) -> None:
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"frequency": frequency}
    )


def preferences_update(*, user: Any, default: str, kinds: dict[str, str], acting_user: Any) -> None:
    """Save the user's default frequency and per-kind choices ("" = follow the default)."""
    if acting_user.pk != user.pk:
        raise PermissionDenied
    default = Frequency(default)
    with transaction.atomic():
        _set_frequency(user=user, kind="", frequency=default)
        for kind, frequency in kinds.items():
            get_kind(kind)
            if frequency:
                _set_frequency(user=user, kind=kind, frequency=Frequency(frequency))
            else:
                NotificationPreference.objects.filter(user=user, kind=kind).delete()
        event_record(
            actor=acting_user,
            verb="notifications.preferences_updated",
            target=user,
            default=default,
            kinds=kinds,
        )


def notifications_unsubscribe(*, user: Any, kind: str) -> None:
    """Stop emails of `kind` for `user`; kind "" stops every notification email.

    Called from a signed unsubscribe link, so the user is the actor even when not signed
    in. Notifications keep appearing in the site.
    """
    with transaction.atomic():
        if kind:
            _set_frequency(user=user, kind=kind, frequency=Frequency.OFF)
        else:
            _set_frequency(user=user, kind="", frequency=Frequency.OFF)
            NotificationPreference.objects.filter(user=user).exclude(kind="").update(
                frequency=Frequency.OFF
            )
        event_record(actor=user, verb="notifications.unsubscribed", target=user, kind=kind)
