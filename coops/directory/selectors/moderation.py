"""Reads for the collaborative moderation of the directory: the members' opinions on an
entry (its tally), the moderators' queue with its tabs, the entries a member can still
give an opinion on, what a moderator reads before deciding, and what a merge would move.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..merging import merge_handlers
from ..models import (
    Actor,
    ActorChange,
    ActorReport,
    ActorStatus,
    ChangeStatus,
    ModerationDecision,
    ModerationSettings,
    ModerationVote,
    ReportReason,
    ReportStatus,
    VoteChoice,
)
from .duplicates import Duplicate, possible_duplicates

LIVE = (ActorStatus.PENDING, ActorStatus.PUBLISHED)
FAVOURABLE = (VoteChoice.EXISTS, VoteChoice.EXISTS_GOOD_INFORMATION)
UNFAVOURABLE = (VoteChoice.DOES_NOT_EXIST, VoteChoice.AGAINST_CHARTER)
QUEUE_PER_PAGE = 20
REVIEW_PER_PAGE = 10


# --- The members' opinions on one entry ------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """How many members gave each opinion on an entry."""

    not_exist: int = 0
    wrong_info: int = 0
    exists: int = 0
    exists_good: int = 0
    not_charter: int = 0

    @classmethod
    def of(cls, counts: dict[str, Any] | Any) -> Tally:
        """From a dict keyed by the choices' values, or from an object annotated by
        `vote_count_annotations()` (attributes `votes_<choice>`)."""
        if isinstance(counts, dict):
            return cls(**{c: int(counts.get(c) or 0) for c in VoteChoice.values})
        return cls(**{c: int(getattr(counts, f"votes_{c}", 0) or 0) for c in VoteChoice.values})

    @property
    def favourable(self) -> int:
        return self.exists + self.exists_good

    @property
    def unfavourable(self) -> int:
        return self.not_exist + self.not_charter

    @property
    def total(self) -> int:
        return self.favourable + self.unfavourable + self.wrong_info

    @property
    def conflicting(self) -> bool:
        """Members disagree, or someone says the information needs fixing."""
        return (self.favourable > 0 and self.unfavourable > 0) or self.wrong_info > 0

    def rows(self) -> list[tuple[str, str, int]]:
        """(choice, label, count) for every choice, in the choices' order."""
        return [(c.value, str(c.label), getattr(self, c.value)) for c in VoteChoice]


def vote_count_annotations() -> dict[str, Count]:
    """Annotations counting an actor's votes by choice in one grouped query:
    `votes_not_exist`, `votes_wrong_info`, `votes_exists`, `votes_exists_good`,
    `votes_not_charter`."""
    return {
        f"votes_{choice}": Count("votes", filter=Q(votes__choice=choice))
        for choice in VoteChoice.values
    }


def tally_for(actor: Actor) -> Tally:
    """The entry's current tally, in one query."""
    counts = ModerationVote.objects.filter(actor=actor).aggregate(
        **{choice: Count("pk", filter=Q(choice=choice)) for choice in VoteChoice.values}
    )
    return Tally.of(counts)


def threshold_outcome(tally: Tally, rules: ModerationSettings) -> str | None:
    """What the members' opinions decide: published when the favourable opinions, net of
    the unfavourable ones, reach `votes_to_publish`; rejected when the unfavourable
    ones, net of the favourable ones, reach `votes_to_reject`; else nothing yet.
    "Wrong information" counts for neither side."""
    if tally.favourable - tally.unfavourable >= rules.votes_to_publish:
        return ActorStatus.PUBLISHED
    if tally.unfavourable - tally.favourable >= rules.votes_to_reject:
        return ActorStatus.REJECTED
    return None


def vote_of(actor: Actor, user: Any) -> ModerationVote | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ModerationVote.objects.filter(actor=actor, voter=user).first()


# --- Entries a member can give an opinion on -------------------------------------------------


def entries_to_review_for(user: Any) -> QuerySet[Actor]:
    """Pending entries `user` may still give an opinion on: not submitted by them, not
    managed by them, not already voted on by them; the newest first."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Actor.objects.none()
    return (
        Actor.objects.filter(status=ActorStatus.PENDING)
        .exclude(submitted_by=user)
        .exclude(owners=user)
        .exclude(Exists(ModerationVote.objects.filter(actor=OuterRef("pk"), voter=user)))
        .order_by("-created_at", "-pk")
    )


def review_page(user: Any, page: Any = 1) -> Page:
    """One page of `entries_to_review_for(user)` with their sectors loaded."""
    entries = entries_to_review_for(user).prefetch_related("sectors")
    return Paginator(entries, REVIEW_PER_PAGE).get_page(page)


# --- The moderators' queue --------------------------------------------------------------------

QUEUE_FILTERS = {
    "oldest": _("Oldest first"),
    "conflicting": _("Conflicting opinions"),
    "reported": _("Reported"),
    "duplicates": _("Possible duplicates"),
    "to_geolocate": _("To geolocate"),
    "changes": _("Changes to review"),
}
DEFAULT_FILTER = "oldest"


def _pending_changes() -> QuerySet[ActorChange]:
    return ActorChange.objects.filter(actor=OuterRef("pk"), status=ChangeStatus.PENDING)


def _open_reports() -> QuerySet[ActorReport]:
    return ActorReport.objects.filter(actor=OuterRef("pk"), status=ReportStatus.OPEN)


def _same_identity() -> Q:
    """Another live entry has the same SIRET, email or website (all indexed columns).
    An empty value is tested on the entry itself first: thousands of entries share the
    empty string, and looking them up through the index would read them all. "Live" is
    written as "neither rejected nor archived" so that the planner looks the value up
    in its own index and checks the status on the few rows found (with the status
    index, PostgreSQL without fresh statistics reads every live entry per lookup)."""
    others = Actor.objects.exclude(status__in=[ActorStatus.REJECTED, ActorStatus.ARCHIVED])
    others = others.exclude(pk=OuterRef("pk"))
    same = Q()
    for column in ("siret", "email", "website"):
        same |= ~Q(**{column: ""}) & Q(Exists(others.filter(**{column: OuterRef(column)})))
    return same


def queue_conditions() -> dict[str, Q]:
    """Which entries each tab of the queue lists. Each starts from an indexed column
    (the status, the position, or the small tables of reports and changes), so a tab
    never scans the whole directory with a subquery per row."""
    votes = ModerationVote.objects.filter(actor=OuterRef("pk"))
    favourable = Exists(votes.filter(choice__in=FAVOURABLE))
    unfavourable = Exists(votes.filter(choice__in=UNFAVOURABLE))
    wrong = Exists(votes.filter(choice=VoteChoice.WRONG_INFORMATION))
    pending = Q(status=ActorStatus.PENDING)
    reported = ActorReport.objects.filter(status=ReportStatus.OPEN).values("actor_id")
    changed = ActorChange.objects.filter(status=ChangeStatus.PENDING).values("actor_id")
    return {
        "oldest": pending,
        "conflicting": pending & ((Q(favourable) & Q(unfavourable)) | Q(wrong)),
        "reported": Q(status=ActorStatus.PUBLISHED, pk__in=reported),
        "duplicates": pending & _same_identity(),
        # "To geolocate" is exactly "no position" (a database constraint).
        "to_geolocate": Q(status__in=LIVE, latitude__isnull=True),
        # Owners' edits of published entries (reviewed on the change's own page).
        "changes": Q(pk__in=changed),
    }


@dataclass(frozen=True)
class QueueTab:
    key: str
    label: str
    count: int
    selected: bool


@dataclass
class ModerationQueue:
    filter: str
    tabs: list[QueueTab]
    page: Page

    @property
    def count(self) -> int:
        return next(t.count for t in self.tabs if t.selected)


def queue_counts() -> dict[str, int]:
    """How many entries each tab lists, in one statement: one scalar COUNT subquery per
    tab, each the ORM's own SQL for that tab."""
    parts, params = [], []
    for key, condition in queue_conditions().items():
        sql, tab_params = (
            Actor.objects.filter(condition).order_by().values("pk").query.sql_with_params()
        )
        # The ORM's SQL with its parameters kept apart; `key` is one of QUEUE_FILTERS.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) tab_{key})")  # noqa: S608
        params.extend(tab_params)
    with connections[Actor.objects.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(QUEUE_FILTERS, (int(n) for n in row), strict=True))


def _in_queue_order(entries: QuerySet[Actor], key: str) -> QuerySet[Actor]:
    """The tab's order: reports and changes first come, first served; entries by age."""
    if key == "changes":
        changed_at = _pending_changes().order_by("updated_at").values("updated_at")[:1]
        return entries.annotate(changed_at=Subquery(changed_at)).order_by("changed_at", "pk")
    if key == "reported":
        first = _open_reports().order_by("created_at").values("created_at")[:1]
        return entries.annotate(first_report_at=Subquery(first)).order_by("first_report_at", "pk")
    return entries.order_by("created_at", "pk")


def moderation_queue(*, filter: str = DEFAULT_FILTER, page: Any = 1) -> ModerationQueue:
    """One page of a tab of the moderators' queue, with every tab's count.

    Each entry carries its `tally` (votes by choice, counted in the page's own query),
    `open_reports` (its open reports), `has_duplicate` (another live entry has its
    SIRET, email or website) and `pending_change` (the id of its owners' edit waiting
    for review, if any), computed for the page's entries only. Three queries whatever
    the page size: the tabs' counts, the tab's count, the page itself.
    """
    key = filter if filter in QUEUE_FILTERS else DEFAULT_FILTER
    counts = queue_counts()
    listed = _in_queue_order(Actor.objects.filter(queue_conditions()[key]), key)
    result = Paginator(listed, QUEUE_PER_PAGE).get_page(page)
    open_reports = _open_reports().order_by().values("actor")
    entries = _in_queue_order(
        Actor.objects.filter(pk__in=result.object_list.values("pk"))
        .select_related("submitted_by")
        .annotate(
            **vote_count_annotations(),
            open_reports=Coalesce(
                Subquery(open_reports.annotate(n=Count("pk")).values("n")),
                Value(0),
                output_field=IntegerField(),
            ),
            has_duplicate=ExpressionWrapper(_same_identity(), output_field=BooleanField()),
            pending_change=Subquery(_pending_changes().values("pk")[:1]),
        ),
        key,
    )
    result.object_list = list(entries)
    for actor in result.object_list:
        actor.tally = Tally.of(actor)
    tabs = [
        QueueTab(key=k, label=str(label), count=counts[k], selected=k == key)
        for k, label in QUEUE_FILTERS.items()
    ]
    return ModerationQueue(filter=key, tabs=tabs, page=result)


# --- What a moderator reads before deciding ---------------------------------------------------


@dataclass
class ModerationFile:
    actor: Actor
    tally: Tally
    votes: list[ModerationVote]
    open_reports: list[ActorReport]
    handled_reports: list[ActorReport]
    decisions: list[ModerationDecision]
    duplicates: list[Duplicate]


def moderation_file(actor: Actor) -> ModerationFile:
    """Everything about an entry's moderation: the opinions with their comments, the
    reports (open first), past decisions, and its possible duplicates (the same SIRET,
    email or website, or a similar name within 200 m)."""
    votes = list(actor.votes.select_related("voter").order_by("created_at", "pk"))
    reports = list(
        actor.reports.select_related("reporter", "duplicate_of", "handled_by").order_by(
            "created_at", "pk"
        )
    )
    counts: dict[str, int] = {}
    for vote in votes:
        counts[vote.choice] = counts.get(vote.choice, 0) + 1
    return ModerationFile(
        actor=actor,
        tally=Tally.of(counts),
        votes=votes,
        open_reports=[r for r in reports if r.status == ReportStatus.OPEN],
        handled_reports=[r for r in reports if r.status != ReportStatus.OPEN],
        decisions=list(actor.decisions.select_related("decided_by")),
        duplicates=possible_duplicates(
            name=actor.name,
            siret=actor.siret,
            email=actor.email,
            website=actor.website,
            latitude=actor.latitude,
            longitude=actor.longitude,
            exclude_pk=actor.pk,
        ),
    )


# --- Merging ------------------------------------------------------------------------------------

# Fields of the entry kept that a merge fills from the duplicate when they are empty.
MERGE_FIELDS = (
    "description",
    "legal_form",
    "siret",
    "street",
    "postcode",
    "city",
    "department",
    "email",
    "telephone",
    "website",
    "opening_hours",
    "image",
    "group",
)
LOCATION_FIELDS = ("latitude", "longitude", "geocode_status")
TAXONOMY = ("sectors", "skills", "labels", "tags")


@dataclass
class MergePlan:
    """What merging `duplicate` into `keep` moves: computed the same way for the preview
    and by the merge itself."""

    keep: Actor
    duplicate: Actor
    owners: list[Any] = field(default_factory=list)  # the duplicate's owners keep lacks
    terms: dict[str, list[Any]] = field(default_factory=dict)  # taxonomy → terms to add
    fields: list[tuple[str, str, Any]] = field(default_factory=list)  # (name, label, value)
    location: bool = False  # keep is "to geolocate" and takes the duplicate's position
    reports_moved: list[ActorReport] = field(default_factory=list)
    reports_resolved: list[ActorReport] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)  # what other apps' handlers move

    @property
    def moves_anything(self) -> bool:
        return bool(
            self.owners
            or any(self.terms.values())
            or self.fields
            or self.location
            or self.reports_moved
            or self.reports_resolved
            or self.elsewhere
        )


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or (hasattr(value, "name") and not value.name)


def merge_plan(*, keep: Actor, duplicate: Actor) -> MergePlan:
    """What a merge of `duplicate` into `keep` would move: owners and taxonomy terms
    (union), keep's empty fields filled from the duplicate, the duplicate's open reports
    (those saying the two are duplicates are resolved by the merge instead), and what
    the other apps' registered handlers describe."""
    plan = MergePlan(keep=keep, duplicate=duplicate)
    keep_owner_ids = set(keep.owners.values_list("pk", flat=True))
    plan.owners = [u for u in duplicate.owners.order_by("pk") if u.pk not in keep_owner_ids]
    for name in TAXONOMY:
        have = set(getattr(keep, name).values_list("pk", flat=True))
        plan.terms[name] = [t for t in getattr(duplicate, name).all() if t.pk not in have]
    for name in MERGE_FIELDS:
        ours, theirs = getattr(keep, name), getattr(duplicate, name)
        if _is_empty(ours) and not _is_empty(theirs):
            field_ = Actor._meta.get_field(name)
            plan.fields.append((name, str(field_.verbose_name), theirs))
    plan.location = keep.latitude is None and duplicate.latitude is not None
    pair = Q(actor=duplicate, duplicate_of=keep) | Q(actor=keep, duplicate_of=duplicate)
    open_reports = ActorReport.objects.filter(status=ReportStatus.OPEN).order_by("pk")
    plan.reports_resolved = list(
        open_reports.filter(pair, reason=ReportReason.DUPLICATE).select_related("reporter")
    )
    resolved = {r.pk for r in plan.reports_resolved}
    plan.reports_moved = [r for r in open_reports.filter(actor=duplicate) if r.pk not in resolved]
    for handler in merge_handlers():
        if handler.describe is not None:
            plan.elsewhere += handler.describe(keep=keep, duplicate=duplicate)
    return plan


def merge_candidates(actor: Actor) -> list[Duplicate]:
    """The live entries `actor` could be merged into: its possible duplicates."""
    return [
        d
        for d in possible_duplicates(
            name=actor.name,
            siret=actor.siret,
            email=actor.email,
            website=actor.website,
            latitude=actor.latitude,
            longitude=actor.longitude,
            exclude_pk=actor.pk,
        )
        if d.actor.status in LIVE
    ]


# --- Freshness ------------------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    """The same time `months` calendar months earlier (31 March - 1 month = 28/29 Feb)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def freshness_cutoff(*, now: datetime | None = None, rules: ModerationSettings | None = None):
    rules = rules or ModerationSettings.current()
    return months_before(now or timezone.now(), rules.freshness_months)


def not_reminded_since_update() -> Q:
    return Q(freshness_reminded_at__isnull=True) | Q(freshness_reminded_at__lt=F("updated_at"))


def freshness_due(*, now: datetime | None = None) -> QuerySet[Actor]:
    """Published entries with owners, not updated for `freshness_months` and whose
    owners were not reminded since their last update."""
    return (
        Actor.objects.filter(status=ActorStatus.PUBLISHED, updated_at__lt=freshness_cutoff(now=now))
        .filter(not_reminded_since_update())
        .filter(Exists(Actor.owners.through.objects.filter(actor=OuterRef("pk"))))
    )


def is_stale(actor: Actor, *, now: datetime | None = None) -> bool:
    """A published entry not updated for `freshness_months`, or whose owners were
    reminded since its last update."""
    if actor.status != ActorStatus.PUBLISHED:
        return False
    reminded = actor.freshness_reminded_at is not None and (
        actor.freshness_reminded_at >= actor.updated_at
    )
    return reminded or actor.updated_at < freshness_cutoff(now=now)
