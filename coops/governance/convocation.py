"""Convocation emails: one per member, in their language, with the assembly's .ics.

`convocation_send` queues the task after the surrounding transaction commits; the task
builds each message when it runs (so a cancelled or moved assembly is described as it
then stands) and sends them over one connection.
"""

from __future__ import annotations

from email.mime.text import MIMEText
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .ics import CANCEL, REQUEST, assembly_ics, assembly_page_url
from .models import Assembly

WHATS = ("convened", "moved", "cancelled")


def convocation_send(*, assembly: Assembly, user_ids: list[int], what: str) -> None:
    """Queue the convocation (`what`: convened, moved or cancelled) to `user_ids` once
    the current transaction commits."""
    if what not in WHATS:
        raise ValueError(f"unknown convocation {what!r}")
    if not user_ids:
        return
    transaction.on_commit(
        partial(
            send_convocations.enqueue,
            assembly_id=assembly.pk,
            user_ids=sorted(set(user_ids)),
            what=what,
        )
    )


def _local(value, zone: ZoneInfo, fmt: str) -> str:
    return formats.date_format(timezone.localtime(value, zone), fmt)


def convocation_message(*, assembly: Assembly, user, what: str) -> EmailMultiAlternatives:
    """The email to `user`, in their language, with the .ics attached."""
    zone = ZoneInfo(assembly.group.time_zone)
    with translation.override(user.language):
        context = {
            "assembly": assembly,
            "group": assembly.group,
            "user": user,
            "what": what,
            "starts": _local(assembly.starts_at, zone, "DATETIME_FORMAT"),
            "ends": _local(assembly.ends_at, zone, "TIME_FORMAT"),
            "agenda_closes": _local(assembly.agenda_closes_at, zone, "DATETIME_FORMAT"),
            "agenda_open": assembly.agenda_closes_at > timezone.now(),
            "url": assembly_page_url(assembly),
            "time_zone": assembly.group.time_zone,
            "site_name": settings.SITE_NAME,
        }
        if what == "cancelled":
            subject = _("Cancelled: %(title)s")
        elif what == "moved":
            subject = _("Changed: %(title)s")
        else:
            subject = _("Convocation: %(title)s")
        subject = subject % {"title": assembly.title}
        when = _local(assembly.starts_at, zone, "SHORT_DATETIME_FORMAT")
        body = render_to_string("governance/emails/convocation.txt", context)
        method = CANCEL if what == "cancelled" else REQUEST
        ics = assembly_ics(assembly, method=method, attendee=user)
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {subject} · {assembly.group.name} · {when}",
        body=body,
        to=[user.email],
    )
    part = MIMEText(ics.decode(), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="assembly.ics")
    message.attach(part)
    return message


@task(queue_name="email")
def send_convocations(*, assembly_id: int, user_ids: list[int], what: str) -> int:
    """Send the convocation to each active, not erased user; returns how many left."""
    assembly = Assembly.objects.select_related("group").filter(pk=assembly_id).first()
    if assembly is None:
        return 0
    users = get_user_model().objects.active().filter(pk__in=user_ids).order_by("pk")
    messages = [convocation_message(assembly=assembly, user=u, what=what) for u in users]
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
