"""Possible duplicates of an entry: the same SIRET, the same email or website, or a
similar name within 200 m. Shown to a member before they submit, and to moderators in
their queue and when merging."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coops.core.geo import Point, haversine_km

from ..indexing import fold
from ..models import Actor, ActorStatus
from .search import _within_radius

NEARBY_KM = 0.2
NAME_SIMILARITY = 0.8  # difflib ratio of the distinctive words of both names
REASONS = {
    "siret": _("Same SIRET"),
    "email": _("Same email address"),
    "website": _("Same website"),
    "name_nearby": _("Similar name less than 200 m away"),
}
# Words that say what an actor is rather than which one it is.
_GENERIC = frozenset(
    [
        "la",
        "le",
        "les",
        "l",
        "de",
        "du",
        "des",
        "d",
        "et",
        "en",
        "au",
        "aux",
        "a",
        "the",
        "of",
        "and",
        "sarl",
        "sas",
        "sasu",
        "scop",
        "scic",
        "sa",
        "eurl",
        "cae",
        "gie",
        "association",
        "asso",
        "cooperative",
        "coop",
        "ferme",
        "earl",
        "gaec",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Duplicate:
    actor: Actor
    reasons: list[str] = field(default_factory=list)  # keys of REASONS

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[r]) for r in self.reasons]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def website_variants(url: str) -> list[str]:
    """The spellings of one website: with http or https, with or without "www." and
    a trailing slash. Empty for an empty or unusable address."""
    url = url.strip()
    if not url:
        return []
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = parts.netloc.lower().removeprefix("www.")
    if not host:
        return []
    path = parts.path.rstrip("/")
    variants = []
    for scheme in ("https", "http"):
        for prefix in ("", "www."):
            for slash in ("", "/"):
                variants.append(f"{scheme}://{prefix}{host}{path}{slash}")
    return variants


def distinctive_name(name: str) -> str:
    """The folded name without legal forms and small words: "SCOP La Fournée" → "fournee"."""
    words = [w for w in _WORD.findall(fold(name)) if w not in _GENERIC]
    return " ".join(words) or fold(name).strip()


def names_similar(a: str, b: str) -> bool:
    """Alike once folded and stripped of generic words, or one's words all in the other:
    "La Fournée" and "Boulangerie La Fournée"."""
    a, b = distinctive_name(a), distinctive_name(b)
    if not a or not b:
        return False
    words_a, words_b = set(a.split()), set(b.split())
    return (
        a == b
        or words_a <= words_b
        or words_b <= words_a
        or SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY
    )


def possible_duplicates(
    *,
    name: str = "",
    siret: str = "",
    email: str = "",
    website: str = "",
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    exclude_pk: int | None = None,
    limit: int = 10,
) -> list[Duplicate]:
    """Entries that may be the same actor, pending or published (rejected and archived
    ones are left out), each with why: same SIRET, email or website (normalised), or a
    similar name within 200 m of the given coordinates. At most `limit`, the strongest
    first (most reasons). Uses indexed look-ups only: two queries at most."""
    found: dict[int, Duplicate] = {}
    live = Actor.objects.filter(status__in=[ActorStatus.PENDING, ActorStatus.PUBLISHED])
    if exclude_pk is not None:
        live = live.exclude(pk=exclude_pk)
    columns = ("id", "name", "slug", "status", "siret", "email", "website", "city", "postcode")

    identity = Q()
    siret = re.sub(r"\D", "", siret or "")
    email = normalise_email(email or "")
    websites = website_variants(website or "")
    if len(siret) == 14:
        identity |= Q(siret=siret)
    if email:
        identity |= Q(email=email)  # stored lower-cased by actor_create
    if websites:
        identity |= Q(website__in=websites)
    if identity:
        for actor in live.filter(identity).only(*columns)[: limit * 2]:
            duplicate = found.setdefault(actor.pk, Duplicate(actor))
            if siret and actor.siret == siret:
                duplicate.reasons.append("siret")
            if email and normalise_email(actor.email) == email:
                duplicate.reasons.append("email")
            if websites and actor.website in websites:
                duplicate.reasons.append("website")

    if name and latitude is not None and longitude is not None:
        point = Point(float(latitude), float(longitude))
        nearby = _within_radius(live, point, NEARBY_KM).only(*columns, "latitude", "longitude")
        for actor in nearby[:200]:
            if names_similar(name, actor.name) and (
                haversine_km(point, Point(float(actor.latitude), float(actor.longitude)))
                <= NEARBY_KM
            ):
                found.setdefault(actor.pk, Duplicate(actor)).reasons.append("name_nearby")

    ranked = sorted(found.values(), key=lambda d: (-len(d.reasons), d.actor.name, d.actor.pk))
    return [d for d in ranked if d.reasons][:limit]
