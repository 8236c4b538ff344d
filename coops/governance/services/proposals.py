"""Proposals: drafting, the state machine, amendments and closing with the motion's effect.

States: draft → open → closed → adopted / rejected / no quorum, and withdrawn from draft
or open. `_transition` is the only code that changes `Proposal.status`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coops.core.audit import event_record
from coops.notifications.services import notify

from ..methods import get_method
from ..models import (
    OPTION_METHODS,
    CollegeMember,
    Method,
    Proposal,
    ProposalOption,
    ProposalStatus,
    ProposalVersion,
    QuorumRule,
    Voter,
)
from ..motions import get_motion
from ._base import active_member_ids, lock_objects

DEFAULT_DURATION = timedelta(days=7)
MIN_OPTIONS = 2
MAX_OPTIONS = 50

ALLOWED = {
    ProposalStatus.DRAFT: {ProposalStatus.OPEN, ProposalStatus.WITHDRAWN},
    ProposalStatus.OPEN: {ProposalStatus.CLOSED, ProposalStatus.WITHDRAWN},
    ProposalStatus.CLOSED: {
        ProposalStatus.ADOPTED,
        ProposalStatus.REJECTED,
        ProposalStatus.NO_QUORUM,
    },
}

KIND_OPENED = "governance.proposal_opened"
KIND_CLOSING = "governance.proposal_closing"
KIND_OUTCOME = "governance.proposal_outcome"
KIND_AMENDED = "governance.proposal_amended"
KIND_REVIEW = "governance.decision_review"

KINDS = {
    KIND_OPENED: (
        gettext_lazy("A vote opens"),
        gettext_lazy("A proposal of one of your groups opens to your vote."),
    ),
    KIND_CLOSING: (
        gettext_lazy("A vote closes soon"),
        gettext_lazy("A proposal you have not answered closes within 24 hours."),
    ),
    KIND_OUTCOME: (
        gettext_lazy("A decision is taken"),
        gettext_lazy("The outcome of a proposal you could vote on."),
    ),
    KIND_AMENDED: (
        gettext_lazy("A proposal is amended"),
        gettext_lazy("A proposal you answered changed: review your vote."),
    ),
    KIND_REVIEW: (
        gettext_lazy("A decision is due for review"),
        gettext_lazy("A decision of a group you organise reaches its review date."),
    ),
}


def local_time(moment, group) -> str:
    """A moment as the group's members read it: in the group's time zone."""
    return timezone.localtime(moment, ZoneInfo(group.time_zone)).strftime("%d/%m/%Y %H:%M")


def proposal_url(proposal: Proposal) -> str:
    return reverse(
        "groups:governance:proposal", kwargs={"slug": proposal.group.slug, "pk": proposal.pk}
    )


def _transition(proposal: Proposal, to: str, *, acting_user: Any, **data: Any) -> Proposal:
    """Move a locked proposal to `to` if the state machine allows it; the only writer of
    `status`. Final states stamp `decided_at`."""
    if to not in ALLOWED.get(proposal.status, set()):
        raise ValidationError(
            _("A proposal cannot go from “%(old)s” to “%(new)s”.")
            % {"old": proposal.get_status_display(), "new": ProposalStatus(to).label},
            code="transition",
        )
    old = proposal.status
    proposal.status = to
    fields = ["status", "updated_at"]
    if to in (ProposalStatus.ADOPTED, ProposalStatus.REJECTED, ProposalStatus.NO_QUORUM):
        proposal.decided_at = timezone.now()
        fields.append("decided_at")
    proposal.save(update_fields=fields)
    event_record(
        actor=acting_user,
        verb=f"governance.proposal_{to}",
        target=proposal,
        before=old,
        after=to,
        **data,
    )
    return proposal


# --- Drafting --------------------------------------------------------------------------------


def _clean_settings(method: str, settings: Mapping | None) -> dict:
    settings = dict(settings or {})
    if method == Method.QUALIFIED:
        settings.setdefault("threshold", "2/3")
    if method == Method.DOTS:
        settings.setdefault("dots", 5)
    if method == Method.SCORE:
        settings.setdefault("min_score", 0)
        settings.setdefault("max_score", 5)
    # A bad threshold, dot budget or score range is refused now, not when counting.
    settings.update(get_method(method).validate_settings(settings))
    return settings


def _clean_options(method: str, options: Iterable[str]) -> list[str]:
    labels = [label.strip() for label in options if label and label.strip()]
    if method not in OPTION_METHODS:
        if labels:
            raise ValidationError(
                _("This method answers the proposal itself; it takes no options."),
                code="options",
            )
        return []
    if len(labels) < MIN_OPTIONS:
        raise ValidationError(_("Give at least two options to choose from."), code="options")
    if len(labels) > MAX_OPTIONS:
        raise ValidationError(_("At most %(max)s options.") % {"max": MAX_OPTIONS}, code="options")
    if len({label.casefold() for label in labels}) != len(labels):
        raise ValidationError(_("Two options have the same text."), code="options")
    return labels


def _clean_draft(
    *,
    group,
    method: str,
    options: Iterable[str],
    settings: Mapping | None,
    counters: Proposal | None,
    motion_type: str,
    motion_data: Mapping | None,
    weighted: bool,
    quorum_rule: str,
    quorum_value: int,
) -> tuple[list[str], dict, dict]:
    """The checks a draft passes when created or edited: (option labels, method settings,
    motion data), or a ValidationError."""
    if method not in Method.values:
        raise ValidationError(_("Choose a decision method."), code="method")
    labels = _clean_options(method, options)
    settings = _clean_settings(method, settings)
    if counters is not None and counters.group_id != group.pk:
        raise ValidationError(
            _("A counter-proposal belongs to the same group as the proposal it answers."),
            code="counters",
        )
    data: dict = {}
    if motion_type:
        data = get_motion(motion_type).clean(group=group, method=method, data=motion_data or {})
    if weighted and not group.colleges.exists():
        raise ValidationError(
            _("This group has no colleges: a weighted vote needs them."), code="weighted"
        )
    if quorum_rule == QuorumRule.PERCENT and quorum_value > 100:
        raise ValidationError(_("A quorum in percent is at most 100."), code="quorum")
    return labels, settings, data


def proposal_create(
    *,
    group,
    acting_user: Any,
    title: str,
    body: str = "",
    method: str,
    options: Iterable[str] = (),
    settings: Mapping | None = None,
    opens_at=None,
    closes_at=None,
    quorum_rule: str = QuorumRule.NONE,
    quorum_value: int = 0,
    secret: bool = False,
    results_hidden: bool = False,
    changes_allowed: bool = True,
    weighted: bool = False,
    counters: Proposal | None = None,
    motion_type: str = "",
    motion_data: Mapping | None = None,
    review_on=None,
) -> Proposal:
    """Draft a proposal in `group`. Guarantees: a known method, options exactly when the
    method needs them (2 to 50, distinct), a motion valid for the group and method, a
    counter-proposal only to a proposal of the same group, and a weighted vote only
    where the group has colleges. Nothing is written when anything is refused."""
    labels, settings, data = _clean_draft(
        group=group,
        method=method,
        options=options,
        settings=settings,
        counters=counters,
        motion_type=motion_type,
        motion_data=motion_data,
        weighted=weighted,
        quorum_rule=quorum_rule,
        quorum_value=quorum_value,
    )
    with transaction.atomic():
        proposal = Proposal(
            group=group,
            title=title.strip(),
            body=body,
            author=acting_user,
            method=method,
            settings=settings,
            opens_at=opens_at,
            closes_at=closes_at,
            quorum_rule=quorum_rule,
            quorum_value=quorum_value,
            secret=secret,
            results_hidden=results_hidden,
            changes_allowed=changes_allowed,
            weighted=weighted,
            counters=counters,
            motion_type=motion_type,
            motion_data=data,
            review_on=review_on,
        )
        proposal.full_clean()
        proposal.save()
        ProposalOption.objects.bulk_create(
            ProposalOption(proposal=proposal, label=label, position=i)
            for i, label in enumerate(labels)
        )
        event_record(
            actor=acting_user,
            verb="governance.proposal_created",
            target=proposal,
            group=group,
            method=method,
            motion=motion_type,
        )
    return proposal


def proposal_open(*, proposal: Proposal, acting_user: Any) -> Proposal:
    """Open a draft to the vote now: the group's active members become its voters
    (snapshotted, each with their college), closing defaults to 7 days later, and the
    voters are notified after commit."""
    with transaction.atomic():
        proposal = lock_objects(Proposal, proposal.pk)
        now = timezone.now()
        if proposal.closes_at is not None and proposal.closes_at <= now:
            raise ValidationError(
                _("The closing time has passed: set a later one before opening."),
                code="closes_at",
            )
        _transition(proposal, ProposalStatus.OPEN, acting_user=acting_user)
        proposal.opens_at = now
        proposal.closes_at = proposal.closes_at or now + DEFAULT_DURATION
        proposal.save(update_fields=["opens_at", "closes_at"])
        users = active_member_ids(proposal.group)
        colleges = dict(
            CollegeMember.objects.filter(group_id=proposal.group_id).values_list(
                "user_id", "college_id"
            )
        )
        if proposal.weighted:
            missing = len([uid for uid in users if uid not in colleges])
            if missing:
                raise ValidationError(
                    ngettext(
                        "%(count)s member has no college: place them in one before "
                        "opening a vote weighted by college.",
                        "%(count)s members have no college: place them in one before "
                        "opening a vote weighted by college.",
                        missing,
                    )
                    % {"count": missing},
                    code="colleges",
                )
        Voter.objects.bulk_create(
            Voter(proposal=proposal, user_id=uid, college_id=colleges.get(uid)) for uid in users
        )
        notify(
            recipients=users,
            kind=KIND_OPENED,
            title=lambda user: _("Vote open: %(title)s") % {"title": proposal.title},
            body=lambda user: (
                _("%(method)s, until %(closes)s.")
                % {
                    "method": proposal.get_method_display(),
                    "closes": local_time(proposal.closes_at, proposal.group),
                }
            ),
            url=proposal_url(proposal),
            group=proposal.group,
            actor=acting_user,
        )
    return proposal


def proposal_withdraw(*, proposal: Proposal, acting_user: Any, reason: str = "") -> Proposal:
    """The author or an organiser withdraws a draft or an open proposal (no outcome)."""
    with transaction.atomic():
        proposal = lock_objects(Proposal, proposal.pk)
        _transition(
            proposal, ProposalStatus.WITHDRAWN, acting_user=acting_user, reason=reason.strip()
        )
    return proposal


def proposal_amend(
    *,
    proposal: Proposal,
    acting_user: Any,
    title: str,
    body: str,
    reason: str,
    integrates: Iterable[int] = (),
) -> Proposal:
    """Amend an open proposal's text (consent: integrate objections). The previous text
    is kept as a version; the ballots listed in `integrates` (objections the new text
    answers) are set aside into their history so their authors answer again; everyone who
    had answered is asked to review."""
    from .ballots import ballots_set_aside  # the ballots module imports this one

    if not reason.strip():
        raise ValidationError(_("Say what the amendment changes."), code="reason")
    with transaction.atomic():
        proposal = lock_objects(Proposal, proposal.pk)
        if proposal.status != ProposalStatus.OPEN:
            raise ValidationError(_("Only an open proposal can be amended."), code="status")
        ProposalVersion.objects.create(
            proposal=proposal,
            version=proposal.version,
            title=proposal.title,
            body=proposal.body,
            reason=reason.strip(),
            created_by=acting_user,
        )
        proposal.version += 1
        proposal.title, proposal.body = title.strip(), body
        proposal.full_clean()
        proposal.save(update_fields=["version", "title", "body", "updated_at"])
        set_aside = ballots_set_aside(proposal=proposal, ballot_ids=list(integrates))
        answered = list(proposal.ballots.values_list("voter_id", flat=True))
        event_record(
            actor=acting_user,
            verb="governance.proposal_amended",
            target=proposal,
            version=proposal.version,
            reason=reason.strip(),
            integrated=set_aside,
        )
        notify(
            recipients=[*answered, *set_aside],
            kind=KIND_AMENDED,
            title=lambda user: _("Amended: %(title)s") % {"title": proposal.title},
            body=reason.strip(),
            url=proposal_url(proposal),
            group=proposal.group,
            actor=acting_user,
        )
    return proposal


# Fields of a draft that `proposal_update` may change, besides the options.
DRAFT_FIELDS = (
    "title",
    "body",
    "method",
    "settings",
    "closes_at",
    "quorum_rule",
    "quorum_value",
    "secret",
    "results_hidden",
    "changes_allowed",
    "weighted",
    "motion_type",
    "motion_data",
    "review_on",
)


def proposal_update(
    *,
    proposal: Proposal,
    acting_user: Any,
    title: str,
    body: str = "",
    method: str,
    options: Iterable[str] = (),
    settings: Mapping | None = None,
    closes_at=None,
    quorum_rule: str = QuorumRule.NONE,
    quorum_value: int = 0,
    secret: bool = False,
    results_hidden: bool = False,
    changes_allowed: bool = True,
    weighted: bool = False,
    motion_type: str = "",
    motion_data: Mapping | None = None,
    review_on=None,
) -> Proposal:
    """Edit a draft (the same checks as `proposal_create`); its options are replaced.
    Refused, with nothing written, once the proposal has left the draft state. The audit
    event lists the fields that changed."""
    with transaction.atomic():
        proposal = lock_objects(Proposal, proposal.pk)
        if proposal.status != ProposalStatus.DRAFT:
            raise ValidationError(_("Only a draft can be edited."), code="status")
        labels, settings, data = _clean_draft(
            group=proposal.group,
            method=method,
            options=options,
            settings=settings,
            counters=proposal.counters,
            motion_type=motion_type,
            motion_data=motion_data,
            weighted=weighted,
            quorum_rule=quorum_rule,
            quorum_value=quorum_value,
        )
        values = {
            "title": title.strip(),
            "body": body,
            "method": method,
            "settings": settings,
            "closes_at": closes_at,
            "quorum_rule": quorum_rule,
            "quorum_value": quorum_value,
            "secret": secret,
            "results_hidden": results_hidden,
            "changes_allowed": changes_allowed,
            "weighted": weighted,
            "motion_type": motion_type,
            "motion_data": data,
            "review_on": review_on,
        }
        changed = [name for name in DRAFT_FIELDS if getattr(proposal, name) != values[name]]
        for name, value in values.items():
            setattr(proposal, name, value)
        proposal.full_clean()
        proposal.save(update_fields=[*DRAFT_FIELDS, "updated_at"])
        old_labels = list(proposal.options.values_list("label", flat=True))
        if old_labels != labels:
            changed.append("options")
            proposal.options.all().delete()
            ProposalOption.objects.bulk_create(
                ProposalOption(proposal=proposal, label=label, position=i)
                for i, label in enumerate(labels)
            )
        event_record(
            actor=acting_user,
            verb="governance.proposal_updated",
            target=proposal,
            changed=changed,
        )
    return proposal
