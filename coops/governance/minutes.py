"""The minutes (procès-verbal) of an assembly, as printable HTML, Markdown and PDF, and
the motion that approves them at the next assembly.

`minutes_of` gathers everything in a constant number of queries; the three formats render
the same data. Dates are in the group's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    OPTION_METHODS,
    AgendaItem,
    AgendaItemStatus,
    Assembly,
    AssemblyStatus,
    Attendance,
    AttendanceStatus,
    Proposal,
    ProposalOption,
)
from .selectors.assemblies import Quorum, assembly_quorum
from .selectors.tally import outcome_texts

MOTION = "governance.approve_minutes"


@dataclass
class CounterMinutes:
    """A counter-proposal given with a block of the vote, and what became of it."""

    title: str
    method: str
    status: str
    summary: str


@dataclass
class VoteMinutes:
    title: str
    method: str
    status: str
    final: bool
    participants: int | None
    eligible: int | None
    counts: list[tuple[str, int]]
    winners: list[str]
    summary: str
    counter_proposals: list[CounterMinutes] = field(default_factory=list)


@dataclass
class ItemMinutes:
    number: int
    title: str
    status: str
    description: str
    proposed_by: str
    notes: str
    outcome: str
    vote: VoteMinutes | None


@dataclass
class Minutes:
    assembly: Assembly
    group: Any
    date: str
    starts: str
    ends: str
    place: str
    online_url: str
    chair: str
    quorum: Quorum
    present: list[str] = field(default_factory=list)
    represented: list[tuple[str, str]] = field(default_factory=list)
    excused: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    items: list[ItemMinutes] = field(default_factory=list)
    notes: str = ""
    approved_at: str = ""

    @property
    def draft(self) -> bool:
        return not self.approved_at


def _local(value, zone: ZoneInfo, fmt: str) -> str:
    return formats.date_format(timezone.localtime(value, zone), fmt) if value else ""


def _positions(method: str) -> dict[str, str]:
    from .methods import get_method

    try:
        return {key: str(label) for key, label in get_method(method).positions}
    except ValueError:
        return {}


def _counter_ids(proposal) -> list[int]:
    """The counter-proposals given with the blocks of a decided vote, in ballot order."""
    blocks = (proposal.outcome or {}).get("blocks") or []
    return [b[1] for b in blocks if isinstance(b, list) and len(b) > 1 and b[1]]


def _counter(proposal) -> CounterMinutes:
    return CounterMinutes(
        title=proposal.title,
        method=proposal.get_method_display(),
        status=proposal.get_status_display(),
        summary=outcome_texts(proposal).summary if proposal.is_final else "",
    )


def _vote(proposal, options: dict[int, str], counters: dict[int, Any]) -> VoteMinutes:
    outcome = proposal.outcome or {}
    counts = outcome.get("counts") or {}
    positions = counts.get("positions") if isinstance(counts, dict) else None
    labels = _positions(proposal.method)
    lines = []
    if isinstance(positions, dict):
        # In the method's order (PostgreSQL's jsonb does not keep the stored order).
        keys = [k for k in labels if k in positions] + sorted(set(positions) - set(labels))
        lines = [(labels.get(k, k), positions[k]) for k in keys if isinstance(positions[k], int)]
    winners = [
        options.get(int(w), str(w)) for w in outcome.get("winners") or [] if str(w).isdigit()
    ]
    return VoteMinutes(
        title=proposal.title,
        method=proposal.get_method_display(),
        status=proposal.get_status_display(),
        final=proposal.is_final,
        participants=outcome.get("participants"),
        eligible=outcome.get("eligible"),
        counts=lines,
        winners=winners,
        summary=outcome_texts(proposal).summary if proposal.is_final else "",
        counter_proposals=[
            _counter(counters[pk]) for pk in dict.fromkeys(_counter_ids(proposal)) if pk in counters
        ],
    )


def minutes_of(assembly: Assembly) -> Minutes:
    """The minutes of `assembly` in the active language: four queries, and a fifth when
    a vote was blocked with counter-proposals (listed with what became of them)."""
    group = assembly.group
    zone = ZoneInfo(group.time_zone)
    minutes = Minutes(
        assembly=assembly,
        group=group,
        # The day it was held, like its times (an assembly may open before its day).
        date=_local(assembly.started_at or assembly.starts_at, zone, "DATE_FORMAT"),
        starts=_local(assembly.started_at or assembly.starts_at, zone, "TIME_FORMAT"),
        ends=_local(assembly.closed_at or assembly.ends_at, zone, "TIME_FORMAT"),
        place=assembly.place,
        online_url=assembly.online_url,
        chair=assembly.organiser.public_name if assembly.organiser else "",
        quorum=assembly_quorum(assembly=assembly),
        notes=assembly.minutes_notes,
        approved_at=_local(assembly.minutes_approved_at, zone, "DATE_FORMAT"),
    )
    rows = Attendance.objects.filter(assembly=assembly).select_related("user", "proxy_holder")
    for row in sorted(rows, key=lambda a: (a.user.public_name.casefold(), a.user_id)):
        name = row.user.public_name
        if row.status == AttendanceStatus.PRESENT:
            minutes.present.append(name)
        elif row.status == AttendanceStatus.REPRESENTED:
            minutes.represented.append((name, row.proxy_holder.public_name))
        elif row.status == AttendanceStatus.EXCUSED:
            minutes.excused.append(name)
        else:
            minutes.absent.append(name)
    items = list(
        AgendaItem.objects.filter(assembly=assembly)
        .exclude(status=AgendaItemStatus.WITHDRAWN)
        .select_related("proposed_by", "proposal")
        .order_by("position", "pk")
    )
    with_options = [
        i.proposal_id for i in items if i.proposal and i.proposal.method in OPTION_METHODS
    ]
    options = (
        dict(ProposalOption.objects.filter(proposal_id__in=with_options).values_list("pk", "label"))
        if with_options
        else {}
    )
    counter_ids = {pk for i in items if i.proposal for pk in _counter_ids(i.proposal)}
    counters = (
        {p.pk: p for p in Proposal.objects.filter(pk__in=counter_ids, group=group)}
        if counter_ids
        else {}
    )
    for number, item in enumerate(items, start=1):
        minutes.items.append(
            ItemMinutes(
                number=number,
                title=item.title,
                status=item.get_status_display(),
                description=item.description,
                proposed_by=item.proposed_by.public_name if item.proposed_by else "",
                notes=item.notes,
                outcome=item.outcome,
                vote=_vote(item.proposal, options, counters) if item.proposal else None,
            )
        )
    return minutes


def minutes_filename(assembly: Assembly, extension: str) -> str:
    day = timezone.localtime(assembly.starts_at, ZoneInfo(assembly.group.time_zone))
    return f"minutes-{assembly.group.slug}-{day:%Y-%m-%d}.{extension}"


# --- Text lines shared by Markdown and PDF ------------------------------------------------


def quorum_line(q: Quorum) -> str:
    counts = _("%(counted)s of %(members)s members present or represented (%(share)s %%).") % {
        "counted": q.counted,
        "members": q.members,
        "share": q.share,
    }
    if not q.percent:
        return counts + " " + _("No quorum was required.")
    verdict = (
        _("Quorum of %(percent)s %% reached.")
        if q.reached
        else _("Quorum of %(percent)s %% NOT reached.")
    )
    return counts + " " + verdict % {"percent": q.percent}


def vote_lines(vote: VoteMinutes) -> list[str]:
    lines = [
        _("Vote: %(title)s — %(method)s — %(status)s")
        % {
            "title": vote.title,
            "method": vote.method,
            "status": vote.status,
        }
    ]
    if vote.participants is not None and vote.eligible is not None:
        lines.append(
            _("%(participants)s of %(eligible)s voters answered.")
            % {"participants": vote.participants, "eligible": vote.eligible}
        )
    if vote.counts:
        lines.append(", ".join(f"{label}: {n}" for label, n in vote.counts))
    if vote.winners:
        lines.append(_("Chosen: %(options)s") % {"options": ", ".join(vote.winners)})
    if vote.summary:
        lines.append(vote.summary)
    for counter in vote.counter_proposals:
        line = _("Counter-proposal: %(title)s — %(method)s — %(status)s") % {
            "title": counter.title,
            "method": counter.method,
            "status": counter.status,
        }
        lines.append(line)
        if counter.summary:
            lines.append(counter.summary)
    return lines


def attendance_lines(m: Minutes) -> list[tuple[str, str]]:
    """(heading, names) for each attendance group that has someone."""
    groups = [
        (_("Present"), ", ".join(m.present)),
        (
            _("Represented"),
            "; ".join(
                _("%(member)s by %(holder)s") % {"member": who, "holder": holder}
                for who, holder in m.represented
            ),
        ),
        (_("Excused"), ", ".join(m.excused)),
        (_("Absent"), ", ".join(m.absent)),
    ]
    return [(heading, names) for heading, names in groups if names]


def header_lines(m: Minutes) -> list[str]:
    lines = [
        _("Date: %(date)s, from %(starts)s to %(ends)s (%(zone)s)")
        % {"date": m.date, "starts": m.starts, "ends": m.ends, "zone": m.group.time_zone}
    ]
    if m.place:
        lines.append(_("Place: %(place)s") % {"place": m.place})
    if m.online_url:
        lines.append(_("Online: %(url)s") % {"url": m.online_url})
    if m.chair:
        lines.append(_("Chair: %(name)s") % {"name": m.chair})
    if m.draft:
        lines.append(_("Draft minutes, not yet approved."))
    else:
        lines.append(_("Minutes approved on %(date)s.") % {"date": m.approved_at})
    return lines


def minutes_title(m: Minutes) -> str:
    return _("Minutes of the assembly “%(title)s” of %(group)s") % {
        "title": m.assembly.title,
        "group": m.group.name,
    }


def minutes_markdown(m: Minutes) -> str:
    """The minutes as Markdown (for a wiki, a pad or an email)."""
    out = [f"# {minutes_title(m)}", ""]
    out += [f"- {line}" for line in header_lines(m)]
    out += ["", f"## {_('Attendance')}", ""]
    out += [f"- **{heading}**: {names}" for heading, names in attendance_lines(m)]
    out += ["", quorum_line(m.quorum), "", f"## {_('Agenda')}", ""]
    if not m.items:
        out += [_("No item was on the agenda."), ""]
    for item in m.items:
        out += [f"### {item.number}. {item.title}", "", f"*{item.status}*", ""]
        if item.description:
            out += [item.description, ""]
        if item.notes:
            out += [f"**{_('Notes')}**", "", item.notes, ""]
        if item.vote:
            out += [f"- {line}" for line in vote_lines(item.vote)] + [""]
        if item.outcome:
            out += [f"**{_('Outcome')}**: {item.outcome}", ""]
    if m.notes:
        out += [f"## {_('General notes')}", "", m.notes, ""]
    return "\n".join(out).rstrip() + "\n"


# --- The motion approving the minutes -----------------------------------------------------


def _assembly(group, data: dict) -> Assembly:
    try:
        pk = int(data.get("assembly"))
    except (TypeError, ValueError):
        raise ValidationError(
            _("Choose the assembly whose minutes to approve."), code="assembly"
        ) from None
    assembly = Assembly.objects.filter(pk=pk, group=group).first()
    if assembly is None or assembly.status != AssemblyStatus.CLOSED:
        raise ValidationError(
            _("Only the minutes of a closed assembly of the group can be approved."),
            code="assembly",
        )
    return assembly


def validate_minutes(group, data: dict) -> dict:
    assembly = _assembly(group, data)
    if assembly.minutes_approved_at is not None:
        raise ValidationError(_("These minutes are already approved."), code="approved")
    return {"assembly": assembly.pk}


def approve_minutes(proposal, data: dict, acting_user: Any) -> None:
    """Adopted: the minutes of the assembly are approved by `proposal`, now. Runs in the
    adoption transaction (a failure leaves the proposal open)."""
    from coops.core.audit import event_record

    assembly = _assembly(proposal.group, data)
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if assembly.minutes_approved_at is not None:
        raise ValidationError(_("These minutes are already approved."), code="approved")
    assembly.minutes_proposal = proposal
    assembly.minutes_approved_at = timezone.now()
    assembly.save(update_fields=["minutes_proposal", "minutes_approved_at", "updated_at"])
    event_record(
        actor=acting_user, verb="governance.minutes_approved", target=assembly, proposal=proposal
    )


def describe_minutes(data: dict) -> str:
    assembly = Assembly.objects.filter(pk=data.get("assembly")).first()
    if assembly is None:
        return str(MOTION_LABEL)
    return _("Approve the minutes of “%(title)s”") % {"title": assembly.title}


MOTION_LABEL = gettext_lazy("Approve the minutes of an assembly")


def register_minutes_motion() -> None:
    """Register the motion (called from GovernanceConfig.ready)."""
    from .motions import MotionType, register_motion

    register_motion(
        MotionType(
            name=MOTION,
            label=MOTION_LABEL,
            apply=approve_minutes,
            validate=validate_minutes,
            describe=describe_minutes,
        )
    )
