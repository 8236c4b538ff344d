"""Writes to the directory: creating actors and keeping their search text current."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from stdnum.fr import siret as stdnum_siret

from coops.core.audit import event_record
from coops.core.geocoding import geocode

from ..indexing import search_text
from ..models import Actor, ActorStatus, GeocodeStatus, Label, LegalForm, Sector, Skill, Tag
from ..taxonomy import ancestor_slugs, index_terms

_POSTCODE_RE = re.compile(r"^\d{5}$")
COORDINATE_PLACES = Decimal("0.000001")


def department_from_postcode(postcode: str) -> str:
    """The department code a French postcode belongs to: "59000" → "59", "20000" → "2A"
    and "20200" → "2B" (Corsica, by the commune's code), "97400" → "974" (overseas);
    "" when the postcode is not five digits."""
    postcode = postcode.strip()
    if not _POSTCODE_RE.match(postcode):
        return ""
    if postcode.startswith("20"):
        return "2A" if postcode[2] in "01" else "2B"
    if postcode.startswith(("97", "98")):
        return postcode[:3]
    return postcode[:2]


def legal_form_words(code: str) -> str:
    """The legal form's name in French and English, as the search text holds it."""
    if not code:
        return ""
    words: list[str] = []
    for language in ("fr", "en"):
        with translation.override(language):
            label = str(LegalForm(code).label)
        if label not in words:
            words.append(label)
    return " ".join(words)


def actor_reindex(*, actor: Actor) -> Actor:
    """Recompute and store the actor's folded search text: its name, city, legal form,
    description, and the names (French and English) of its sectors with their
    ancestors, skills, labels and tags. Does not touch `updated_at`."""
    sectors = list(actor.sectors.all())
    slugs = ancestor_slugs(sectors)
    actor.search_text = search_text(
        name=actor.name,
        description=actor.description,
        city=actor.city,
        legal_form=legal_form_words(actor.legal_form),
        terms=index_terms(
            sectors=sectors,
            sectors_by_slug={s.slug: s for s in Sector.objects.filter(slug__in=slugs)},
            skills=actor.skills.all(),
            labels=actor.labels.all(),
            tags=actor.tags.all(),
        ),
    )
    Actor.objects.filter(pk=actor.pk).update(search_text=actor.search_text)
    return actor


# The directory's own one-segment pages (/annuaire/carte/…), which an actor's page
# (/annuaire/<slug>/) must never shadow; a test checks the URLconf against it.
RESERVED_SLUGS = frozenset(
    {"a-verifier", "carte", "export", "imports", "integrer", "mes-fiches", "moderation",
     "modifications", "proposer"}
)  # fmt: skip


def lock_actors(*pks: int) -> dict[int, Actor]:
    """Lock the actors' rows for the rest of the transaction, in primary-key order so
    that two transactions locking the same entries never wait on each other."""
    found = {a.pk: a for a in Actor.objects.select_for_update().filter(pk__in=pks).order_by("pk")}
    if len(found) != len(set(pks)):
        raise Actor.DoesNotExist
    return found


def _unique_slug(name: str) -> str:
    """A free slug from `name`: "la-fournee", else "la-fournee-2"…; never a page's path."""
    base = slugify(name)[:200] or "acteur"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Actor.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _locate(actor: Actor) -> None:
    """Keep given coordinates (0,0 counts as none), else geocode a French address: the
    street when the geocoder knows streets, else the town. Not found: "to geolocate"."""
    given = actor.latitude is not None and actor.longitude is not None
    if given and (actor.latitude != 0 or actor.longitude != 0):
        if actor.geocode_status == GeocodeStatus.TO_GEOLOCATE:
            actor.geocode_status = GeocodeStatus.MANUAL
        return
    actor.latitude = actor.longitude = None
    actor.geocode_status = GeocodeStatus.TO_GEOLOCATE
    if actor.country != "FR":  # both geocoders know French addresses only
        return
    town = " ".join(p for p in (actor.postcode, actor.city) if p)
    found = geocode(f"{actor.street} {town}") if actor.street and town else None
    status = (
        GeocodeStatus.ADDRESS if found and found.source == "ban" else GeocodeStatus.MUNICIPALITY
    )
    for query in (town, actor.postcode, actor.city):
        if found is not None:
            break
        found = geocode(query) if query else None
    if found is None or (found.lat == 0 and found.lon == 0):
        return
    actor.latitude = Decimal(str(found.lat)).quantize(COORDINATE_PLACES)
    actor.longitude = Decimal(str(found.lon)).quantize(COORDINATE_PLACES)
    actor.geocode_status = status
    actor.postcode = actor.postcode or found.postcode
    actor.city = actor.city or found.city


def actor_create(
    *,
    acting_user: Any,
    sectors: Iterable[Sector] = (),
    skills: Iterable[Skill] = (),
    labels: Iterable[Label] = (),
    tags: Iterable[Tag] = (),
    owners: Iterable[Any] = (),
    **fields: Any,
) -> Actor:
    """Create an actor from model field values, in one transaction: the SIRET is checked
    (Luhn, and La Poste's own rule), the department derived from the postcode, the
    address geocoded when no coordinates are given (never 0,0: "to geolocate" when not
    found), the terms and owners set, the search text computed and an audit event
    written. A published actor gets its `published_at`. Raises ValidationError."""
    with transaction.atomic():
        actor = Actor(**fields)
        actor.siret = stdnum_siret.compact(actor.siret or "")
        if actor.siret and not stdnum_siret.is_valid(actor.siret):
            raise ValidationError({"siret": _("This SIRET is not valid: check its 14 digits.")})
        actor.postcode = actor.postcode.strip()
        actor.email = actor.email.strip().lower()
        actor.slug = actor.slug or _unique_slug(actor.name)
        _locate(actor)
        actor.department = department_from_postcode(actor.postcode) if actor.country == "FR" else ""
        if actor.status == ActorStatus.PUBLISHED and actor.published_at is None:
            actor.published_at = timezone.now()
        actor.full_clean()
        actor.save()
        actor.sectors.set(sectors)
        actor.skills.set(skills)
        actor.labels.set(labels)
        actor.tags.set(tags)
        actor.owners.set(owners)
        actor_reindex(actor=actor)
        event_record(
            actor=acting_user,
            verb="directory.actor_created",
            target=actor,
            after={
                "name": actor.name,
                "status": actor.status,
                "siret": actor.siret,
                "postcode": actor.postcode,
                "city": actor.city,
                "geocode_status": actor.geocode_status,
            },
        )
    return actor
