"""Volunteer shifts (permanences) at distributions.

Guarantees:
- a shift never has more sign-ups than it needs: signing up locks the shift's row,
  then counts (two members racing for the last place get exactly one sign-up);
- one sign-up per member and shift (a unique constraint); nobody signs up for or
  withdraws from a shift that has started;
- each volunteer gets one reminder the day before, at most once per shift: the shift
  is claimed with a conditional UPDATE … WHERE reminded_at IS NULL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coops.core.audit import event_record

from .. import kinds
from ..models import Distribution, DistributionStatus, Shift, ShiftSignup
from ._base import lock_objects

REMINDER_AHEAD = timedelta(hours=24)


def shift_create(
    *,
    distribution: Distribution,
    acting_user: Any,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    needed: int,
) -> Shift:
    """Add a shift to a distribution that is not delivered yet."""
    if distribution.status not in (
        DistributionStatus.DRAFT,
        DistributionStatus.OPEN,
        DistributionStatus.CLOSED,
    ):
        raise ValidationError(_("This distribution is over: it needs no more volunteers."))
    if ends_at <= starts_at:
        raise ValidationError(_("A shift must end after it starts."), code="ends_at")
    with transaction.atomic():
        shift = Shift(
            distribution=distribution,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            needed=needed,
        )
        shift.full_clean()
        shift.save()
        event_record(
            actor=acting_user,
            verb="shortcircuit.shift_create",
            target=shift,
            after={"title": title, "starts_at": starts_at, "ends_at": ends_at, "needed": needed},
        )
    return shift


def shift_delete(*, shift: Shift, acting_user: Any) -> None:
    """Remove a shift and its sign-ups; its volunteers are not needed any more."""
    with transaction.atomic():
        shift = lock_objects(Shift, shift.pk)
        event_record(
            actor=acting_user,
            verb="shortcircuit.shift_delete",
            target=shift.distribution,
            before={
                "shift": shift.pk,
                "title": shift.title,
                "volunteers": list(shift.signups.values_list("user_id", flat=True)),
            },
        )
        shift.delete()


def shift_signup(*, shift: Shift, acting_user: Any) -> ShiftSignup:
    """Sign `acting_user` up for `shift` while it has a free place."""
    with transaction.atomic():
        shift = lock_objects(Shift, shift.pk)
        if shift.starts_at <= timezone.now():
            raise ValidationError(_("This shift has already started."))
        if shift.signups.filter(user=acting_user).exists():
            raise ValidationError(_("You are already signed up for this shift."))
        if shift.signups.count() >= shift.needed:
            raise ValidationError(_("This shift is full: thank you all the same."))
        signup = ShiftSignup.objects.create(shift=shift, user=acting_user)
        event_record(
            actor=acting_user,
            verb="shortcircuit.shift_signup",
            target=shift,
            after={"user": acting_user.pk},
        )
    return signup


def shift_withdraw(*, shift: Shift, acting_user: Any) -> None:
    """Take `acting_user` off a shift that has not started."""
    with transaction.atomic():
        shift = lock_objects(Shift, shift.pk)
        if shift.starts_at <= timezone.now():
            raise ValidationError(_("This shift has already started."))
        deleted, _rows = ShiftSignup.objects.filter(shift=shift, user=acting_user).delete()
        if not deleted:
            raise ValidationError(_("You are not signed up for this shift."))
        event_record(
            actor=acting_user,
            verb="shortcircuit.shift_withdraw",
            target=shift,
            before={"user": acting_user.pk},
        )


def shift_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the volunteers of shifts starting within the next 24 hours, once per
    shift. Returns how many shifts were reminded."""
    from coops.notifications.services import notify

    now = now or timezone.now()
    due = Shift.objects.filter(
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_AHEAD,
        distribution__status__in=(DistributionStatus.OPEN, DistributionStatus.CLOSED),
    ).select_related("distribution__group")
    reminded = 0
    for shift in due:
        with transaction.atomic():
            claimed = Shift.objects.filter(pk=shift.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            reminded += 1
            group = shift.distribution.group
            starts = timezone.localtime(shift.starts_at, group.zone)
            notify(
                recipients=shift.signups.values_list("user_id", flat=True),
                kind=kinds.SHIFT_REMINDER,
                title=lambda user, shift=shift: _("Tomorrow: %(task)s") % {"task": shift.title},
                body=lambda user, shift=shift, starts=starts: (
                    _("You signed up to help at %(distribution)s, from %(time)s.")
                    % {
                        "distribution": shift.distribution.title,
                        "time": date_format(starts, "SHORT_DATETIME_FORMAT"),
                    }
                ),
                url=reverse("groups:shortcircuit:shifts", kwargs={"slug": group.slug}),
                group=group,
            )
    return reminded
