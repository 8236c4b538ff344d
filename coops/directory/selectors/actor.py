"""Reads for the actor page: who may see an unpublished actor, its taxonomy, its hours."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ..models import Actor, Sector
from ..permissions import is_moderator, is_submitter_or_owner

# --- The actor page --------------------------------------------------------------------------


def can_see_unpublished(user, actor: Actor) -> bool:
    """Owners, the submitter, staff and moderators see an actor that is not (or no longer)
    published."""
    return is_moderator(user) or (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and is_submitter_or_owner(user, actor)
    )


def actor_for_page(slug: str) -> Actor | None:
    """The actor with its taxonomy and group loaded, or None. Visibility is the caller's."""
    return (
        Actor.objects.select_related("group")
        .prefetch_related("sectors", "skills", "labels", "tags")
        .filter(slug=slug)
        .first()
    )


def sector_chains(actor: Actor) -> list[list[Sector]]:
    """Each sector of the actor with its ancestors, root first: [[alimentation, maraîchage]]."""
    sectors = list(actor.sectors.all())
    ancestor_paths = {
        "/".join(s.path.split("/")[:i]) for s in sectors for i in range(1, s.path.count("/") + 1)
    }
    by_path = {s.path: s for s in sectors}
    if ancestor_paths - by_path.keys():
        by_path.update(
            (s.path, s) for s in Sector.objects.filter(path__in=ancestor_paths - by_path.keys())
        )
    chains = []
    for sector in sorted(sectors, key=lambda s: s.path):
        parts = sector.path.split("/")
        chain = [by_path.get("/".join(parts[:i])) for i in range(1, len(parts) + 1)]
        chains.append([s for s in chain if s is not None])
    return chains


# --- Opening hours -------------------------------------------------------------------------

_OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_TIME = r"(?:[01]\d|2[0-4]):[0-5]\d"
_HOURS_RE = re.compile(rf"^{_TIME}-{_TIME}(?:,{_TIME}-{_TIME})*$")
_DAYS_RE = re.compile(r"^(?:Mo|Tu|We|Th|Fr|Sa|Su|PH)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?$")


def _day_label(days: str) -> str:
    from django.utils.dates import WEEKDAYS

    def one(code: str) -> str:
        return str(_("Public holidays")) if code == "PH" else str(WEEKDAYS[_OSM_DAYS.index(code)])

    if "-" in days:
        first, last = days.split("-")
        return _("%(first)s to %(last)s") % {"first": one(first), "last": one(last)}
    return one(days)


def opening_hours_rows(text: str) -> list[tuple[str, str]] | None:
    """The common OpenStreetMap forms ("Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00;
    Su off", "24/7") as (days, hours) rows in the active language; None when the text
    uses more of the syntax, so the page shows it as written."""
    text = text.strip()
    if not text:
        return []
    if text == "24/7":
        return [(_("Every day"), _("Open 24 hours a day"))]
    rows = []
    for rule in (r.strip() for r in text.split(";")):
        if not rule:
            continue
        parts = rule.split(maxsplit=1)
        if len(parts) != 2:
            return None
        day_groups, hours = parts[0].split(","), parts[1].strip()
        if not all(_DAYS_RE.match(d) for d in day_groups):
            return None
        if hours in ("off", "closed"):
            hours_label = _("Closed")
        elif _HOURS_RE.match(hours):
            hours_label = ", ".join(span.replace("-", "–") for span in hours.split(","))
        else:
            return None
        rows.append((", ".join(_day_label(d) for d in day_groups), hours_label))
    return rows
