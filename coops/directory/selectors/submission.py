"""Reads for submitting and editing actors: the live checks of the form (SIRET, address),
the values an owner may edit, the diff of a pending change, and "my entries"."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from stdnum import luhn
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from ..models import (
    Actor,
    ActorChange,
    ActorKind,
    ChangeStatus,
    GeocodeStatus,
    Label,
    LegalForm,
    Sector,
    Skill,
    Tag,
)

# The fields an owner edits, in the order forms and diffs show them.
TEXT_FIELDS = (
    "name",
    "description",
    "kind",
    "legal_form",
    "siret",
    "street",
    "postcode",
    "city",
    "country",
    "email",
    "telephone",
    "website",
    "opening_hours",
)
TAXONOMY_MODELS = {"sectors": Sector, "skills": Skill, "labels": Label, "tags": Tag}
EDITABLE_FIELDS = (*TEXT_FIELDS[:5], *TAXONOMY_MODELS, *TEXT_FIELDS[5:])
ADDRESS_FIELDS = ("street", "postcode", "city", "country")

COUNTRIES = (
    ("FR", gettext_lazy("France")),
    ("BE", gettext_lazy("Belgium")),
    ("LU", gettext_lazy("Luxembourg")),
    ("CH", gettext_lazy("Switzerland")),
    ("MC", gettext_lazy("Monaco")),
    ("DE", gettext_lazy("Germany")),
    ("ES", gettext_lazy("Spain")),
    ("IT", gettext_lazy("Italy")),
)

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"  # follows the Luhn rule like everyone else


# --- SIRET --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiretCheck:
    """What a typed SIRET is worth. `state`: "empty", "valid", "siren" (a valid SIREN
    only: the establishment's 5 digits are missing) or "invalid"; `number` holds the
    digits without separators."""

    number: str
    state: str
    message: str

    @property
    def is_acceptable(self) -> bool:
        """True when the field may be saved as it is (empty or a valid SIRET)."""
        return self.state in ("empty", "valid")


def siret_check(raw: str) -> SiretCheck:
    """Check a SIRET (or a SIREN) the way python-stdnum does, saying which rule fails:
    the length, the SIREN's check digit, the establishment's check digit (Luhn over the
    14 digits), or La Poste's own rule (its establishments' digits add up to a multiple
    of 5). Spaces, dots and dashes are ignored."""
    number = re.sub(r"[\s.\-]", "", raw or "")
    if not number:
        return SiretCheck("", "empty", "")
    if not number.isdigit():
        return SiretCheck(number, "invalid", _("A SIRET is made of digits only."))
    if len(number) == 9:
        if stdnum_siren.is_valid(number):
            return SiretCheck(
                number,
                "siren",
                _("SIREN valid — add the 5 digits of the establishment (NIC) for the SIRET."),
            )
        return SiretCheck(
            number,
            "invalid",
            _("This SIREN is not valid: its check digit does not match. Look for a typo."),
        )
    if len(number) != 14:
        message = ngettext(
            "A SIRET has 14 digits; you typed %(count)d.",
            "A SIRET has 14 digits; you typed %(count)d.",
            len(number),
        ) % {"count": len(number)}
        return SiretCheck(number, "invalid", message)
    if number.startswith(LA_POSTE_SIREN) and number != LA_POSTE_HEAD_OFFICE:
        if sum(int(d) for d in number) % 5:
            return SiretCheck(
                number,
                "invalid",
                _(
                    "This SIRET is not valid: for La Poste's establishments (SIREN 356 000 "
                    "000) the 14 digits must add up to a multiple of 5. Look for a typo."
                ),
            )
    elif not stdnum_siren.is_valid(number[:9]):
        return SiretCheck(
            number,
            "invalid",
            _(
                "This SIRET is not valid: its SIREN (the first 9 digits) has a check digit "
                "that does not match. Look for a typo."
            ),
        )
    elif not luhn.is_valid(number):
        return SiretCheck(
            number,
            "invalid",
            _(
                "This SIRET is not valid: the establishment's number (the last 5 digits) "
                "does not match its SIREN. Look for a typo."
            ),
        )
    if not stdnum_siret.is_valid(number):  # one source of truth: stdnum has the last word
        return SiretCheck(number, "invalid", _("This SIRET is not valid: check its 14 digits."))
    return SiretCheck(
        number,
        "valid",
        _("SIRET valid: %(siret)s.") % {"siret": stdnum_siret.format(number)},
    )


# --- Address --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddressPreview:
    """Where an address would put the actor. `state`: "empty", "address" (the street was
    found), "municipality" (the town centre), "abroad" or "not_found"."""

    state: str
    message: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    postcode: str = ""
    city: str = ""


def address_preview(
    *, street: str = "", postcode: str = "", city: str = "", country: str = "FR"
) -> AddressPreview:
    """Geocode an address exactly as saving the actor will (nothing is written)."""
    from ..services.actors import _locate  # the one geocoding rule, shared with the writes

    street, postcode, city = street.strip(), postcode.strip(), city.strip()
    country = (country or "FR").strip().upper()
    if not (postcode or city):
        return AddressPreview("empty", "")
    if country != "FR":
        return AddressPreview(
            "abroad",
            _(
                "Addresses outside France are not placed automatically: a moderator will "
                "put your entry on the map."
            ),
        )
    probe = Actor(street=street, postcode=postcode, city=city, country=country)
    _locate(probe)
    if probe.geocode_status == GeocodeStatus.TO_GEOLOCATE:
        return AddressPreview(
            "not_found",
            _("Not found: your entry will be placed on the map by a moderator."),
        )
    place = f"{probe.city} ({probe.postcode})" if probe.postcode else probe.city
    if probe.geocode_status == GeocodeStatus.ADDRESS:
        message = _("Found: %(street)s, %(place)s.") % {"street": street, "place": place}
        state = "address"
    else:
        message = _("Found: %(place)s, town centre.") % {"place": place}
        state = "municipality"
    return AddressPreview(
        state,
        message,
        latitude=probe.latitude,
        longitude=probe.longitude,
        postcode=probe.postcode,
        city=probe.city,
    )


# --- Editable values and changes -----------------------------------------------------------


def actor_values(actor: Actor) -> dict[str, Any]:
    """The actor's editable values as a pending change stores them: text as text,
    taxonomy fields as sorted lists of slugs."""
    values: dict[str, Any] = {name: getattr(actor, name) or "" for name in TEXT_FIELDS}
    for name in TAXONOMY_MODELS:
        values[name] = sorted(getattr(actor, name).values_list("slug", flat=True))
    return values


def field_label(name: str) -> str:
    return capfirst(str(Actor._meta.get_field(name).verbose_name))


_CHOICE_LABELS = {
    "kind": dict(ActorKind.choices),
    "legal_form": dict(LegalForm.choices),
    "country": dict(COUNTRIES),
}


@dataclass
class ChangeRow:
    """One field of a pending change: its value when the change was proposed, the
    proposed value and the value now, as shown (labels, not codes). For taxonomy
    fields the values are lists and `added`/`removed` say what the change does."""

    name: str
    label: str
    original: Any
    proposed: Any
    current: Any
    is_list: bool
    conflict: bool  # the value changed since the proposal (someone else edited it)
    already: bool  # the value now is already the proposed one
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _shown(name: str, value: Any, terms: dict[str, dict[str, str]]) -> Any:
    if name in TAXONOMY_MODELS:
        return [terms[name].get(slug, slug) for slug in value or []]
    if name in _CHOICE_LABELS:
        return str(_CHOICE_LABELS[name].get(value, value)) if value else ""
    return value or ""


def _term_labels(slugs_by_field: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for name, model in TAXONOMY_MODELS.items():
        slugs = slugs_by_field.get(name, set())
        labels[name] = {t.slug: t.label for t in model.objects.filter(slug__in=slugs)}
    return labels


def change_conflicts(change: ActorChange, current: dict[str, Any]) -> list[str]:
    """Fields that someone changed since the proposal, to something other than what the
    change proposes."""
    return [
        name
        for name, value in change.proposed.items()
        if current.get(name) != change.original.get(name, current.get(name))
        and current.get(name) != value
    ]


def change_rows(change: ActorChange, current: dict[str, Any] | None = None) -> list[ChangeRow]:
    """The change's fields in the form's order, ready for a side-by-side table."""
    current = actor_values(change.actor) if current is None else current
    names = [n for n in EDITABLE_FIELDS if n in change.proposed]
    slugs: dict[str, set[str]] = {}
    for name in names:
        if name in TAXONOMY_MODELS:
            slugs[name] = {
                *change.proposed[name],
                *change.original.get(name, []),
                *current.get(name, []),
            }
    terms = _term_labels(slugs)
    conflicts = set(change_conflicts(change, current))
    rows = []
    for name in names:
        original = change.original.get(name, "" if name not in TAXONOMY_MODELS else [])
        proposed, now = change.proposed[name], current.get(name)
        row = ChangeRow(
            name=name,
            label=field_label(name),
            original=_shown(name, original, terms),
            proposed=_shown(name, proposed, terms),
            current=_shown(name, now, terms),
            is_list=name in TAXONOMY_MODELS,
            conflict=name in conflicts,
            already=now == proposed,
        )
        if row.is_list:
            before = set(original)
            row.added = [terms[name].get(s, s) for s in proposed if s not in before]
            row.removed = [terms[name].get(s, s) for s in original if s not in set(proposed)]
        rows.append(row)
    return rows


def change_fingerprint(change: ActorChange, current: dict[str, Any] | None = None) -> str:
    """A short digest of what a moderator sees when reviewing the change (the proposed
    values and the current ones of the same fields): if it differs when they decide,
    the entry or the change moved meanwhile and they must look again."""
    current = actor_values(change.actor) if current is None else current
    seen = {
        "proposed": change.proposed,
        "current": {name: current.get(name) for name in change.proposed},
    }
    payload = json.dumps(seen, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def change_for_page(pk: int) -> ActorChange | None:
    return (
        ActorChange.objects.select_related("actor", "proposed_by", "decided_by")
        .filter(pk=pk)
        .first()
    )


def pending_change_of(actor: Actor) -> ActorChange | None:
    return (
        ActorChange.objects.select_related("proposed_by")
        .filter(actor=actor, status=ChangeStatus.PENDING)
        .first()
    )


# --- My entries ----------------------------------------------------------------------------


def actors_managed_by(user: Any) -> QuerySet[Actor]:
    """The actors `user` manages or submitted, by name, each with `pending_change_id`
    (its change waiting for review, if any)."""
    pending = ActorChange.objects.filter(actor=OuterRef("pk"), status=ChangeStatus.PENDING)
    ids = Actor.objects.filter(Q(owners=user) | Q(submitted_by=user)).values("pk")
    return (
        Actor.objects.filter(pk__in=ids)
        .annotate(pending_change_id=Subquery(pending.values("pk")[:1]))
        .order_by("name", "pk")
    )


def changes_proposed_by(user: Any, *, limit: int = 10) -> list[ActorChange]:
    """The latest changes `user` proposed, newest first, with their actor."""
    return list(
        ActorChange.objects.filter(proposed_by=user)
        .select_related("actor", "decided_by")
        .order_by("-updated_at", "-pk")[:limit]
    )
