"""Writes of the collaborative moderation: members' opinions and the thresholds that
publish or reject, moderators' decisions, reports, merging duplicates, and freshness
reminders to owners.

Decisions on an entry take turns on its row (`lock_actors`): two last opinions given
at once publish it once, and a merge locks both entries in primary-key order so two
merges of the same pair never deadlock. Notifications are created in the decision's
transaction; their emails leave after it commits (see notifications.notify).

A member who gives an opinion again before the entry is decided changes it: one
opinion per member and entry (a database constraint too), the latest counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coops.core.audit import event_record
from coops.core.mail import mail_after_commit
from coops.core.permissions import require
from coops.notifications.emails import absolute_url
from coops.notifications.services import notify

from ..merging import merge_handlers
from ..models import (
    Actor,
    ActorChange,
    ActorReport,
    ActorStatus,
    ChangeStatus,
    DecisionOutcome,
    ModerationDecision,
    ModerationSettings,
    ModerationVote,
    ReportReason,
    ReportStatus,
    VoteChoice,
)
from ..permissions import is_submitter_or_owner
from ..selectors.duplicates import normalise_email
from ..selectors.moderation import (
    LIVE,
    LOCATION_FIELDS,
    TAXONOMY,
    Tally,
    freshness_due,
    merge_plan,
    not_reminded_since_update,
    tally_for,
    threshold_outcome,
)
from .actors import actor_reindex, lock_actors

DECIDED_KIND = "directory.entry_decided"
FRESHNESS_KIND = "directory.freshness"
REPORT_HANDLED_KIND = "directory.report_handled"

# Each status and the statuses a moderator may move an entry to. A rejected entry can
# be published after all; an archived one restored; a merged duplicate stays archived.
_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ActorStatus.PENDING: (ActorStatus.PUBLISHED, ActorStatus.REJECTED),
    ActorStatus.PUBLISHED: (ActorStatus.ARCHIVED,),
    ActorStatus.REJECTED: (ActorStatus.PUBLISHED,),
    ActorStatus.ARCHIVED: (ActorStatus.PUBLISHED,),
}


def allowed_transitions(status: str, *, merged: bool = False) -> tuple[str, ...]:
    """The statuses a moderator may give an entry that has `status` (none once merged)."""
    if merged:
        return ()
    return _TRANSITIONS.get(status, ())


def _lock(actor: Actor) -> Actor:
    return lock_actors(actor.pk)[actor.pk]


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message}, code="reason_required")
    return reason


def _people_of(actor: Actor) -> set[int]:
    """Who hears about decisions on an entry: its owners and whoever submitted it."""
    ids = set(actor.owners.values_list("pk", flat=True))
    if actor.submitted_by_id:
        ids.add(actor.submitted_by_id)
    return ids


# --- Opinions and thresholds --------------------------------------------------------------------


def votes_summary(tally: Tally) -> str:
    """The opinions in words, in the active language: "3 in favour, 1 against, 1 saying
    the information is wrong (Exists: 2; …)"."""
    parts = [
        ngettext("%(count)d opinion in favour", "%(count)d opinions in favour", tally.favourable)
        % {"count": tally.favourable},
        ngettext("%(count)d against", "%(count)d against", tally.unfavourable)
        % {"count": tally.unfavourable},
    ]
    if tally.wrong_info:
        parts.append(
            ngettext(
                "%(count)d saying the information is wrong",
                "%(count)d saying the information is wrong",
                tally.wrong_info,
            )
            % {"count": tally.wrong_info}
        )
    details = "; ".join(f"{label}: {count}" for _value, label, count in tally.rows() if count)
    summary = ", ".join(parts)
    return f"{summary} ({details})" if details else summary


@dataclass(frozen=True)
class VoteResult:
    vote: ModerationVote
    changed: bool  # the member had given another opinion before
    decision: ModerationDecision | None  # set when this opinion reached a threshold


def vote_cast(*, actor: Actor, acting_user: Any, choice: str, comment: str = "") -> VoteResult:
    """Record `acting_user`'s opinion on a pending entry, then apply the thresholds.

    One opinion per member and entry: giving another one before the entry is decided
    replaces it. Refused on an entry the member submitted or manages (superusers
    included), and once the entry is decided (code "decided"). Under the entry's row
    lock, the opinions are counted: favourable ("exists", "exists, information right")
    net of unfavourable ("does not exist", "does not respect the charter") reaching
    `votes_to_publish` publishes it; the reverse reaching `votes_to_reject` rejects it;
    "wrong information" counts for neither. The decision is recorded (decided by
    nobody) and the submitter and owners are notified.
    """
    require(acting_user, "directory.vote", actor)
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": _("Choose one of the opinions.")}, code="choice")
    with transaction.atomic():
        actor = _lock(actor)
        if actor.status != ActorStatus.PENDING:
            raise ValidationError(
                _("This entry is no longer waiting for moderation: it was decided meanwhile."),
                code="decided",
            )
        if is_submitter_or_owner(acting_user, actor):
            raise PermissionDenied(_("You cannot give an opinion on an entry you submitted."))
        vote = ModerationVote.objects.filter(actor=actor, voter=acting_user).first()
        before = vote.choice if vote else None
        vote = vote or ModerationVote(actor=actor, voter=acting_user)
        vote.choice, vote.comment = choice, (comment or "").strip()
        vote.full_clean()
        vote.save()
        event_record(
            actor=acting_user,
            verb="directory.vote_cast",
            target=actor,
            choice=choice,
            before=before,
        )
        rules = ModerationSettings.current()
        tally = tally_for(actor)
        outcome = threshold_outcome(tally, rules)
        decision = None
        if outcome is not None:
            with translation.override(settings.LANGUAGE_CODE):
                reason = _(
                    "Decided by the members' opinions (%(publish)d net favourable opinions "
                    "publish, %(reject)d net unfavourable ones reject): %(summary)s."
                ) % {
                    "publish": rules.votes_to_publish,
                    "reject": rules.votes_to_reject,
                    "summary": votes_summary(tally),
                }
            decision = _decide(
                actor=actor, outcome=outcome, acting_user=None, reason=reason, tally=tally
            )
    return VoteResult(vote=vote, changed=before is not None, decision=decision)


# --- Moderators' decisions ----------------------------------------------------------------------


def _decision_title(outcome: str, before: str, name: str) -> str:
    if outcome == ActorStatus.PUBLISHED and before == ActorStatus.ARCHIVED:
        return _("« %(name)s » is back in the directory") % {"name": name}
    if outcome == ActorStatus.PUBLISHED:
        return _("« %(name)s » is now published in the directory") % {"name": name}
    if outcome == ActorStatus.REJECTED:
        return _("« %(name)s » was not accepted in the directory") % {"name": name}
    return _("« %(name)s » was withdrawn from the directory") % {"name": name}


def _decide(
    *, actor: Actor, outcome: str, acting_user: Any, reason: str, tally: Tally | None = None
) -> ModerationDecision:
    """Give the locked `actor` its new status; record, audit and notify the decision."""
    before = actor.status
    actor.status = outcome
    if outcome == ActorStatus.PUBLISHED and actor.published_at is None:
        actor.published_at = timezone.now()
    actor.save(update_fields=["status", "published_at", "updated_at"])
    decided_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    decision = ModerationDecision(
        actor=actor, decided_by=decided_by, outcome=outcome, reason=reason
    )
    decision.full_clean()
    decision.save()
    event_record(
        actor=decided_by,
        verb="directory.actor_decided",
        target=actor,
        before=before,
        after=outcome,
        reason=reason,
        by_votes=decided_by is None,
    )
    name = actor.name

    def body(user: Any) -> str:
        if tally is not None:
            return _("The members who checked it gave these opinions: %(summary)s.") % {
                "summary": votes_summary(tally)
            }
        return _("Reason given by the moderators: %(reason)s") % {"reason": reason}

    notify(
        recipients=_people_of(actor),
        kind=DECIDED_KIND,
        title=lambda user: _decision_title(outcome, before, name),
        body=body,
        url=actor.get_absolute_url(),
        actor=decided_by,
    )
    return decision


def actor_decide(
    *, actor: Actor, acting_user: Any, outcome: str, reason: str
) -> ModerationDecision:
    """A moderator publishes, rejects, archives or restores an entry, with a reason.

    Only the moves of `allowed_transitions` are accepted (a ValidationError with code
    "transition" otherwise). The reason is required; it is recorded with the decision
    and sent to the entry's submitter and owners. Archiving or rejecting an entry
    resolves its open reports, and their authors are told why.
    """
    require(acting_user, "directory.moderate")
    reason = _reason(
        reason, _("Give the reason for this decision: it is sent to the people behind the entry.")
    )
    if outcome not in (ActorStatus.PUBLISHED, ActorStatus.REJECTED, ActorStatus.ARCHIVED):
        raise ValidationError({"outcome": _("Choose a decision.")}, code="outcome")
    with transaction.atomic():
        actor = _lock(actor)
        if outcome not in allowed_transitions(actor.status, merged=bool(actor.merged_into_id)):
            raise ValidationError(
                _("An entry that is « %(status)s » cannot become « %(outcome)s »."),
                code="transition",
                params={
                    "status": actor.get_status_display(),
                    "outcome": ActorStatus(outcome).label,
                },
            )
        decision = _decide(actor=actor, outcome=outcome, acting_user=acting_user, reason=reason)
        if outcome in (ActorStatus.ARCHIVED, ActorStatus.REJECTED):
            _close_reports(
                actor.reports.filter(status=ReportStatus.OPEN).select_related("actor", "reporter"),
                acting_user=acting_user,
                status=ReportStatus.RESOLVED,
                reason=reason,
            )
    return decision


# --- Reports ------------------------------------------------------------------------------------


def report_create(
    *,
    actor: Actor,
    acting_user: Any = None,
    reason: str,
    comment: str = "",
    reporter_email: str = "",
    duplicate_of: Actor | None = None,
) -> ActorReport:
    """Report a published entry; anyone may, signed in or not (an email address to be
    answered is optional then).

    One open report per person and entry: a signed-in member (or an anonymous one giving
    the same email) reporting the same entry again updates their open report. The
    "duplicate" reason needs the other entry, published or pending and not this one.
    """
    require(acting_user, "directory.report", actor)
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("Choose a reason.")}, code="reason")
    if reason != ReportReason.DUPLICATE:
        duplicate_of = None
    elif duplicate_of is None:
        raise ValidationError(
            {"duplicate_of": _("Say which entry this one duplicates.")}, code="duplicate_missing"
        )
    elif duplicate_of.pk == actor.pk:
        raise ValidationError(
            {"duplicate_of": _("An entry cannot be a duplicate of itself.")}, code="duplicate_self"
        )
    elif duplicate_of.status not in LIVE:
        raise ValidationError(
            {"duplicate_of": _("The other entry must be published or waiting for moderation.")},
            code="duplicate_not_live",
        )
    signed_in = getattr(acting_user, "is_authenticated", False)
    email = "" if signed_in else normalise_email(reporter_email or "")
    with transaction.atomic():
        actor = _lock(actor)
        if actor.status != ActorStatus.PUBLISHED:
            raise ValidationError(
                _("Only published entries can be reported."), code="not_published"
            )
        mine = actor.reports.filter(status=ReportStatus.OPEN)
        if signed_in:
            existing = mine.filter(reporter=acting_user).first()
        else:
            existing = mine.filter(reporter=None, reporter_email=email).first() if email else None
        report = existing or ActorReport(
            actor=actor, reporter=acting_user if signed_in else None, reporter_email=email
        )
        report.reason = reason
        report.comment = (comment or "").strip()
        report.duplicate_of = duplicate_of
        report.full_clean()
        report.save()
        event_record(
            actor=acting_user,
            verb="directory.actor_reported",
            target=actor,
            report=report.pk,
            reason=reason,
            duplicate_of=duplicate_of.pk if duplicate_of else None,
            updated=existing is not None,
        )
    return report


def _report_message(report: ActorReport, status: str, reason: str) -> tuple[str, str]:
    name = report.actor.name
    title = _("Your report on « %(name)s »") % {"name": name}
    if status == ReportStatus.RESOLVED:
        body = _("Thank you: the moderators acted on your report. Their reason: %(reason)s")
    else:
        body = _(
            "Thank you: the moderators looked at your report and left the entry as it is. "
            "Their reason: %(reason)s"
        )
    return title, body % {"reason": reason}


def _close_reports(
    reports: Iterable[ActorReport], *, acting_user: Any, status: str, reason: str
) -> list[ActorReport]:
    """Mark open reports handled and tell their authors why: signed-in ones through a
    notification, anonymous ones who left an email by email (in the site's language)."""
    now = timezone.now()
    closed = []
    for report in reports:
        report.status, report.handled_by, report.handled_at = status, acting_user, now
        report.resolution = reason
        report.save(
            update_fields=["status", "handled_by", "handled_at", "resolution", "updated_at"]
        )
        event_record(
            actor=acting_user,
            verb="directory.report_handled",
            target=report.actor,
            report=report.pk,
            status=status,
            reason=reason,
        )
        url = report.actor.get_absolute_url()
        if report.reporter_id:
            notify(
                recipients=[report.reporter_id],
                kind=REPORT_HANDLED_KIND,
                title=lambda user, r=report: _report_message(r, status, reason)[0],
                body=lambda user, r=report: _report_message(r, status, reason)[1],
                url=url if report.actor.status == ActorStatus.PUBLISHED else "",
                actor=acting_user,
            )
        elif report.reporter_email:
            with translation.override(settings.LANGUAGE_CODE):
                subject, body = _report_message(report, status, reason)
                if report.actor.status == ActorStatus.PUBLISHED:
                    body += "\n\n" + absolute_url(url)
            mail_after_commit(subject=subject, body=body, to=[report.reporter_email])
        closed.append(report)
    return closed


def report_handle(
    *, report: ActorReport, acting_user: Any, outcome: str, reason: str
) -> ActorReport:
    """A moderator closes an open report: resolved (acted on) or dismissed (nothing to
    change), with a reason sent to whoever reported it. A dismissal is recorded among the
    entry's decisions too."""
    require(acting_user, "directory.moderate")
    reason = _reason(reason, _("Give the reason: it is sent to the person who reported."))
    if outcome not in (ReportStatus.RESOLVED, ReportStatus.DISMISSED):
        raise ValidationError({"outcome": _("Choose what to do with the report.")}, code="outcome")
    with transaction.atomic():
        report = (
            ActorReport.objects.select_for_update(of=("self",))
            .select_related("actor")
            .get(pk=report.pk)
        )
        if report.status != ReportStatus.OPEN:
            raise ValidationError(_("This report was already handled."), code="already_handled")
        _close_reports([report], acting_user=acting_user, status=outcome, reason=reason)
        if outcome == ReportStatus.DISMISSED:
            ModerationDecision.objects.create(
                actor=report.actor,
                decided_by=acting_user,
                outcome=DecisionOutcome.REPORT_DISMISSED,
                reason=reason,
            )
    return report


# --- Merging duplicates -------------------------------------------------------------------------


def actors_merge(*, keep: Actor, duplicate: Actor, acting_user: Any, reason: str) -> Actor:
    """Merge `duplicate` into `keep`, by a moderator, with a reason.

    Keep gets the duplicate's owners and taxonomy terms (union) and its empty fields
    filled from the duplicate's (its position too when it has none); the duplicate's
    open reports move to keep, except those saying the two are duplicates, which the
    merge resolves; its pending change is withdrawn; other apps move their rows through
    their registered merge handlers (the charter's signatures…). The duplicate's
    opinions stay with it. The duplicate is then archived, pointing to keep (its page
    redirects there). Both rows are locked in primary-key order. Refused: merging an
    entry into itself, into an entry that is not live, a duplicate already merged, or
    a published duplicate into a pending entry (keep the published one).
    """
    require(acting_user, "directory.moderate")
    reason = _reason(reason, _("Give the reason for this merge: it is sent to the owners."))
    if keep.pk == duplicate.pk:
        raise ValidationError(_("An entry cannot be merged into itself."), code="same")
    with transaction.atomic():
        locked = lock_actors(keep.pk, duplicate.pk)
        keep, duplicate = locked[keep.pk], locked[duplicate.pk]
        if duplicate.merged_into_id:
            raise ValidationError(
                _("« %(name)s » was already merged into another entry."),
                code="already_merged",
                params={"name": duplicate.name},
            )
        if keep.status not in LIVE:
            raise ValidationError(
                _("The entry kept must be published or waiting for moderation."),
                code="keep_not_live",
            )
        if duplicate.status not in LIVE:
            raise ValidationError(
                _("Only an entry published or waiting for moderation can be merged."),
                code="duplicate_not_live",
            )
        if duplicate.status == ActorStatus.PUBLISHED and keep.status == ActorStatus.PENDING:
            raise ValidationError(
                _("Keep the published entry: merge the pending one into it."),
                code="keep_pending",
            )
        plan = merge_plan(keep=keep, duplicate=duplicate)
        owners = set(keep.owners.values_list("pk", flat=True)) | {u.pk for u in plan.owners}
        keep.owners.add(*plan.owners)
        duplicate.owners.clear()
        for name in TAXONOMY:
            getattr(keep, name).add(*plan.terms[name])
        for name, _label, value in plan.fields:
            setattr(keep, name, value)
        if plan.location:
            for name in LOCATION_FIELDS:
                setattr(keep, name, getattr(duplicate, name))
        _close_reports(
            plan.reports_resolved,
            acting_user=acting_user,
            status=ReportStatus.RESOLVED,
            reason=reason,
        )
        ActorReport.objects.filter(pk__in=[r.pk for r in plan.reports_moved]).update(actor=keep)
        ActorReport.objects.filter(status=ReportStatus.OPEN, duplicate_of=duplicate).exclude(
            actor=keep
        ).update(duplicate_of=keep)
        ActorChange.objects.filter(actor=duplicate, status=ChangeStatus.PENDING).update(
            status=ChangeStatus.WITHDRAWN,
            decided_by=acting_user,
            decided_at=timezone.now(),
            reason=reason,
        )
        Actor.objects.filter(merged_into=duplicate).update(merged_into=keep)
        elsewhere = {
            handler.name: handler.move(keep=keep, duplicate=duplicate, acting_user=acting_user)
            for handler in merge_handlers()
        }
        duplicate.status = ActorStatus.ARCHIVED
        duplicate.merged_into = keep
        duplicate.save(update_fields=["status", "merged_into", "updated_at"])
        keep.full_clean()
        keep.save()
        actor_reindex(actor=keep)
        ModerationDecision.objects.create(
            actor=duplicate,
            decided_by=acting_user,
            outcome=DecisionOutcome.MERGED,
            reason=reason,
        )
        event_record(
            actor=acting_user,
            verb="directory.actors_merged",
            target=keep,
            duplicate=duplicate.pk,
            duplicate_name=duplicate.name,
            reason=reason,
            owners_added=[u.pk for u in plan.owners],
            terms_added={name: [t.slug for t in terms] for name, terms in plan.terms.items()},
            fields_filled=[name for name, _label, _value in plan.fields]
            + (list(LOCATION_FIELDS) if plan.location else []),
            reports_moved=[r.pk for r in plan.reports_moved],
            reports_resolved=[r.pk for r in plan.reports_resolved],
            elsewhere=elsewhere,
        )
        recipients = (
            owners | ({duplicate.submitted_by_id} - {None}) | ({keep.submitted_by_id} - {None})
        )
        names = {"duplicate": duplicate.name, "keep": keep.name}
        notify(
            recipients=recipients,
            kind=DECIDED_KIND,
            title=lambda user: _("« %(duplicate)s » was merged into « %(keep)s »") % names,
            body=lambda user: _("Reason given by the moderators: %(reason)s") % {"reason": reason},
            url=keep.get_absolute_url(),
            actor=acting_user,
        )
    return keep


# --- Freshness ----------------------------------------------------------------------------------


def _edit_url(actor: Actor) -> str:
    """The entry's edit page, or its page while the edit page does not exist."""
    try:
        return reverse("directory:edit", kwargs={"slug": actor.slug})
    except NoReverseMatch:
        return actor.get_absolute_url()


def freshness_remind(*, now: datetime | None = None) -> int:
    """Remind the owners of each published entry not updated for `freshness_months`
    (and not reminded since its last update) to check it: edit it, or confirm it is
    still accurate. Each entry is claimed by a conditional UPDATE of
    `freshness_reminded_at`, so two runs at once never remind twice. Returns how many
    entries' owners were reminded."""
    now = now or timezone.now()
    due = list(freshness_due(now=now).order_by("pk").values_list("pk", "updated_at"))
    sent = 0
    for pk, updated_at in due:
        with transaction.atomic():
            claimed = (
                Actor.objects.filter(pk=pk, status=ActorStatus.PUBLISHED, updated_at=updated_at)
                .filter(not_reminded_since_update())
                .update(freshness_reminded_at=now)
            )
            if not claimed:
                continue
            actor = Actor.objects.get(pk=pk)
            page, edit = actor.get_absolute_url(), _edit_url(actor)
            name = actor.name

            def body(
                user: Any, page: str = page, edit: str = edit, updated_at: datetime = updated_at
            ) -> str:
                return _(
                    "This entry was last updated on %(date)s. Is it still accurate? Edit it "
                    "if something changed: %(edit)s — or confirm it is still accurate on its "
                    "page: %(page)s"
                ) % {
                    "date": formats.date_format(timezone.localtime(updated_at), "DATE_FORMAT"),
                    "edit": absolute_url(edit),
                    "page": absolute_url(page) + "#freshness",
                }

            notify(
                recipients=actor.owners.values_list("pk", flat=True),
                kind=FRESHNESS_KIND,
                title=lambda user, name=name: _("Is « %(name)s » still accurate?") % {"name": name},
                body=body,
                url=edit,
            )
            event_record(actor=None, verb="directory.freshness_reminded", target=actor)
            sent += 1
    return sent


def actor_confirm_fresh(*, actor: Actor, acting_user: Any) -> Actor:
    """An owner confirms their published entry is still accurate: it counts as updated
    now, so the next reminder comes `freshness_months` later."""
    require(acting_user, "directory.confirm_fresh", actor)
    with transaction.atomic():
        actor = _lock(actor)
        before = actor.updated_at
        actor.updated_at = timezone.now()
        Actor.objects.filter(pk=actor.pk).update(updated_at=actor.updated_at)
        event_record(
            actor=acting_user,
            verb="directory.actor_confirmed_fresh",
            target=actor,
            before=before.isoformat(),
        )
    return actor
