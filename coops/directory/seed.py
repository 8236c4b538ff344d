"""Generate realistic actors in bulk, for the demo and for benchmarks.

Actors are spread over the communes the offline geocoder ships
(coops/core/data/communes.csv), weighted by their approximate population
(data/commune_populations.csv, rounded INSEE figures), with a food-heavy mix of
profiles (data/seed_profiles.json): names, kind and legal form go together, SIRETs
pass the Luhn checks, coordinates are jittered around the commune centre (farther for
farms). Each actor is drawn from its own random generator seeded by (seed, index), so
a run is reproducible whatever the batch size, and ``source="seed"`` with
``source_id="<seed>-<index>"`` makes a re-run skip what exists.

Speed: rows are built in Python (search text included) and written in batches, one
transaction each: COPY on PostgreSQL, one prepared INSERT run many times elsewhere,
for the actors and for the many-to-many through tables alike.
"""

from __future__ import annotations

import csv
import json
import math
import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn

from coops.core.geocoding import COMMUNES_CSV

from .indexing import fold
from .models import (
    Actor,
    ActorKind,
    ActorStatus,
    GeocodeStatus,
    Label,
    LegalForm,
    Sector,
    Skill,
    Tag,
)
from .services import department_from_postcode, legal_form_words
from .taxonomy import index_terms, load_taxonomy

SOURCE = "seed"
DATA = Path(__file__).resolve().parent / "data"
PROFILES_JSON = DATA / "seed_profiles.json"
POPULATIONS_CSV = DATA / "commune_populations.csv"
DEFAULT_POPULATION = 5000
PENDING_SHARE = 0.03
KM_PER_DEGREE = 111.2
# Telephone blocks reserved for fiction by the French regulator (ARCEP), by zone, and the
# departments of each zone (the rest is zone 04, the south-east).
FICTION_PHONES = {"01": "01 99 00", "02": "02 61 91", "03": "03 53 01", "04": "04 65 71",
                  "05": "05 36 49"}  # fmt: skip
PHONE_ZONES = {
    "01": "75 77 78 91 92 93 94 95",
    "02": "14 18 22 27 28 29 35 36 37 41 44 45 49 50 53 56 61 72 76 85",
    "03": "02 08 10 21 25 39 51 52 54 55 57 58 59 60 62 67 68 70 71 80 88 89 90",
    "05": "09 11 12 16 17 19 23 24 31 32 33 40 46 47 64 65 79 81 82 86 87",
}
ZONE_OF = {dep: zone for zone, deps in PHONE_ZONES.items() for dep in deps.split()}
URBAN = {"75", "92", "93", "94"}
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
SIREN_STEP = 7_919_321  # odd and not a multiple of 5, so index → SIREN body is one-to-one
COORD = Decimal("0.000001")


@dataclass(frozen=True)
class Commune:
    name: str
    postcode: str
    department: str
    lat: float
    lon: float
    population: int


@dataclass(frozen=True)
class SeedResult:
    created: int
    skipped: int
    seconds: float


def de(town: str) -> str:
    """French "of <town>" with elision: "d'Arras", "du Havre", "des Mureaux", "de Lille"."""
    if town.startswith("Le "):
        return "du " + town[3:]
    if town.startswith("Les "):
        return "des " + town[4:]
    if town[:1] in "AEIOUYÉÈÊÂÎH":
        return "d'" + town
    return "de " + town


def siret_for(index: int, seed: int) -> str:
    """A valid, made-up SIRET unique per (seed, index) below 10^8: a Luhn-checked SIREN,
    then establishment 0001 with the check digit that makes the SIRET valid (La Poste's
    SIREN 356000000 uses its own rule: digits adding up to a multiple of 5)."""
    body = f"{(seed * 104_729 + index * SIREN_STEP + 12_345_678) % 100_000_000:08d}"
    siren = body + luhn.calc_check_digit(body)
    nic = "0001"
    if siren == "356000000":
        return siren + nic + str(-sum(map(int, siren + nic)) % 5)
    return siren + nic + luhn.calc_check_digit(siren + nic)


def _read_communes(departments: Collection[str] | None) -> list[Commune]:
    with POPULATIONS_CSV.open(encoding="utf-8", newline="") as handle:
        populations = {row["insee"]: int(row["population"]) for row in csv.DictReader(handle)}
    with COMMUNES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    postcodes_per_commune: dict[str, int] = {}
    for row in rows:
        postcodes_per_commune[row["insee"]] = postcodes_per_commune.get(row["insee"], 0) + 1
    communes = [
        Commune(
            name=row["name"],
            postcode=row["postcode"],
            department=row["department"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            # A town with several postcodes shares its population between them.
            population=populations.get(row["insee"], DEFAULT_POPULATION)
            // postcodes_per_commune[row["insee"]],
        )
        for row in rows
        if departments is None or row["department"] in departments
    ]
    if not communes:
        raise ValueError(f"no commune in departments {sorted(departments or [])}")
    return communes


class Generator:
    """Builds unsaved actors and their term ids; the taxonomy must be loaded."""

    def __init__(self, *, seed: int, departments: Collection[str] | None = None) -> None:
        self.seed = seed
        self.data = json.loads(PROFILES_JSON.read_text(encoding="utf-8"))
        self.profiles = self.data["profiles"]
        self.profile_weights = _cumulative([p["weight"] for p in self.profiles])
        self.communes = _read_communes(departments)
        self.commune_weights = _cumulative([c.population for c in self.communes])
        # Farms favour smaller towns and never sit in Paris and its inner ring.
        rural = [0.0 if c.department in URBAN else math.sqrt(c.population) for c in self.communes]
        self.rural_weights = _cumulative(rural) if any(rural) else self.commune_weights
        self.sectors = {s.slug: s for s in Sector.objects.all()}
        self.skills = {s.slug: s for s in Skill.objects.all()}
        self.labels = {s.slug: s for s in Label.objects.all()}
        self.tags = {s.slug: s for s in Tag.objects.all()}
        self.legal_words = {code: legal_form_words(code) for code in LegalForm.values}
        self.now = timezone.now()
        self.fold = lru_cache(maxsize=100_000)(fold)
        self.avoid_names = set(
            Actor.objects.exclude(source=SOURCE).values_list("name", flat=True).iterator()
        )

    @cached_property
    def name_weights(self) -> list[list[float]]:
        return [_cumulative([n[2] for n in p["names"]]) for p in self.profiles]

    def build(self, index: int) -> tuple[Actor, dict[str, list[int]]]:
        rng = random.Random(self.seed * 1_000_003 + index)
        p_index = _pick_index(rng, self.profile_weights)
        profile = self.profiles[p_index]
        rural = profile.get("rural", False)
        weights = self.rural_weights if rural else self.commune_weights
        commune = self.communes[_pick_index(rng, weights)]
        for _attempt in range(8):  # keep clear of the names of hand-made actors
            entry = profile["names"][_pick_index(rng, self.name_weights[p_index])]
            words = self._words(rng, commune)
            name = entry[0].format(**words)
            if name not in self.avoid_names:
                break
        else:
            name = f"{name} – quartier {words['place']}"
        legal_form = entry[1]
        about = [profile["about"][i] for i in entry[3]] if len(entry) > 3 else profile["about"]
        kind = profile["kind"]
        if legal_form == LegalForm.INDEPENDENT and kind == ActorKind.SERVICE:
            kind = ActorKind.INDEPENDENT
        sectors = [self.sectors[rng.choice(profile["sectors"])]]
        if profile["also"] and rng.random() < 0.3:
            extra = self.sectors[rng.choice(profile["also"])]
            if extra not in sectors:
                sectors.append(extra)
        skills = [self.skills[s] for s in profile["skills"] if rng.random() < 0.6]
        labels = [self.labels[s] for s, share in profile["labels"] if rng.random() < share]
        tags = [self.tags[s] for s in profile["tags"] if rng.random() < 0.5]
        sentences = self._sentences(rng, about, profile["more"], words)
        description = " ".join(sentences)
        lat, lon, street, status = self._place(rng, commune, rural=rural)
        base = slugify(name)[:180] or "acteur"
        code = f"{self.seed}-{index}"
        published = rng.random() >= PENDING_SHARE
        created_at = self.now - timedelta(
            days=rng.randint(0, 5 * 365), seconds=rng.randint(0, 86399)
        )
        actor = Actor(
            name=name,
            slug=f"{base}-{code}",
            description=description,
            kind=kind,
            legal_form=legal_form,
            siret=siret_for(index, self.seed) if rng.random() < 0.85 else "",
            street=street,
            postcode=commune.postcode,
            city=commune.name,
            country="FR",
            department=department_from_postcode(commune.postcode),
            latitude=lat,
            longitude=lon,
            geocode_status=status,
            email=f"contact@{base[:40]}-{code}.example.org" if rng.random() < 0.85 else "",
            telephone=self._phone(rng, commune) if rng.random() < 0.7 else "",
            website=f"https://{base[:40]}-{code}.example.org" if rng.random() < 0.5 else "",
            opening_hours=rng.choice(profile["hours"]) if profile["hours"] else "",
            source=SOURCE,
            source_id=code,
            status=ActorStatus.PUBLISHED if published else ActorStatus.PENDING,
            published_at=(
                min(self.now, created_at + timedelta(days=rng.randint(1, 20)))
                if published
                else None
            ),
        )
        actor.created_at = created_at
        # indexing.search_text() folded piece by piece: fold keeps spaces and works
        # character by character, so the result is the same, and repeated pieces
        # (terms, towns, sentences) are folded once.
        pieces = [
            name,
            commune.name,
            self.legal_words[legal_form],
            *index_terms(
                sectors=sectors,
                sectors_by_slug=self.sectors,
                skills=skills,
                labels=labels,
                tags=tags,
            ),
            *sentences,
        ]
        actor.search_text = " ".join(self.fold(p) for p in pieces if p)
        terms = {
            "sectors": [s.pk for s in sectors],
            "skills": [s.pk for s in skills],
            "labels": [s.pk for s in labels],
            "tags": [s.pk for s in tags],
        }
        return actor, terms

    def _words(self, rng: random.Random, commune: Commune) -> dict[str, str]:
        data = self.data
        return {
            "place": rng.choice(data["places"]),
            "word": rng.choice(data["words"]),
            "first": rng.choice(data["first_names"]),
            "surname": rng.choice(data["surnames"]),
            "town": commune.name,
            "de_town": de(commune.name),
            "year": str(rng.randint(1985, 2023)),
            "n": str(rng.choice([40, 60, 80, 120, 150, 200, 300, 450])),
            "ha": rng.choice(["1,5", "2", "3", "4", "6"]),
            "weekday": rng.choice(WEEKDAYS),
        }

    def _sentences(
        self, rng: random.Random, about: list[str], more: list[str], words: dict[str, str]
    ) -> list[str]:
        """One to three sentences: what the actor does, then details."""
        sentences = [rng.choice(about)]
        extra = rng.choice([0, 1, 1, 2])
        pool = more + self.data["common_sentences"][:2]
        sentences += rng.sample(pool, min(extra, len(pool)))
        if rng.random() < 0.1:
            sentences.append(rng.choice(self.data["common_sentences"][2:]))
        return [s.format(**words) for s in sentences[:3]]

    def _place(
        self, rng: random.Random, commune: Commune, *, rural: bool
    ) -> tuple[Decimal, Decimal, str, str]:
        """Coordinates jittered uniformly in a disc around the town centre, wider for big
        towns and farms, with a street for most (status "address")."""
        radius_km = 0.6 + 0.006 * math.sqrt(commune.population)
        if rural:
            radius_km *= 3
        distance = radius_km * math.sqrt(rng.random())
        angle = rng.random() * 2 * math.pi
        lat = commune.lat + distance * math.sin(angle) / KM_PER_DEGREE
        lon = commune.lon + distance * math.cos(angle) / (
            KM_PER_DEGREE * math.cos(math.radians(commune.lat))
        )
        if rng.random() < 0.75:
            data = self.data
            if rural:
                street = f"{rng.randint(1, 40)} {rng.choice(data['farm_roads'])}"
            else:
                street = (
                    f"{rng.randint(1, 180)} {rng.choice(data['street_types'])} "
                    f"{rng.choice(data['street_names'])}"
                )
            status = GeocodeStatus.ADDRESS
        else:
            street, status = "", GeocodeStatus.MUNICIPALITY
        return (
            Decimal(f"{lat:.6f}").quantize(COORD),
            Decimal(f"{lon:.6f}").quantize(COORD),
            street,
            status,
        )

    def _phone(self, rng: random.Random, commune: Commune) -> str:
        block = FICTION_PHONES[ZONE_OF.get(commune.department, "04")]
        return f"{block} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick_index(rng: random.Random, cumulative: list[float]) -> int:
    from bisect import bisect_right

    return min(bisect_right(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def _insert_batch(generator: Generator, indices: range) -> tuple[int, int]:
    """Build and insert the actors of `indices` not already seeded; (created, skipped)."""
    source_ids = [f"{generator.seed}-{i}" for i in indices]
    existing = set(
        Actor.objects.filter(source=SOURCE, source_id__in=source_ids).values_list(
            "source_id", flat=True
        )
    )
    built = [generator.build(i) for i in indices if f"{generator.seed}-{i}" not in existing]
    if not built:
        return 0, len(existing)
    taken = set(
        Actor.objects.filter(slug__in=[a.slug for a, _ in built]).values_list("slug", flat=True)
    )
    for actor, _terms in built:
        if actor.slug in taken:  # a hand-made actor already has this slug
            actor.slug = f"{actor.slug[:200]}-{SOURCE}"
    pks = _insert_actors([a for a, _ in built])
    for field in ("sectors", "skills", "labels", "tags"):
        m2m = getattr(Actor, field).field
        through = m2m.remote_field.through._meta
        columns = [
            through.get_field(m2m.m2m_field_name()).column,
            through.get_field(m2m.m2m_reverse_field_name()).column,
        ]
        rows = [(pks[a.source_id], pk) for a, terms in built for pk in terms[field]]
        _write_rows(through.db_table, columns, rows)
    return len(built), len(existing)


def _insert_actors(actors: list[Actor]) -> dict[str, int]:
    """Insert the rows and return their primary keys by source id. Plain values go as
    they are; the rest (decimals, dates, files) through the field's own conversion, as
    the ORM would. Unlike bulk_create this keeps the `created_at` we give (seeded
    actors have a history)."""
    fields = [f for f in Actor._meta.concrete_fields if not f.primary_key]
    plain = (str, int, type(None))
    rows = []
    for actor in actors:
        actor.updated_at = actor.created_at
        values = []
        for field in fields:
            value = getattr(actor, field.attname)
            if not isinstance(value, plain):
                value = field.get_db_prep_save(value, connection)
            values.append(value)
        rows.append(values)
    _write_rows(Actor._meta.db_table, [f.column for f in fields], rows)
    return dict(
        Actor.objects.filter(
            source=SOURCE, source_id__in=[a.source_id for a in actors]
        ).values_list("source_id", "pk")
    )


def _write_rows(table: str, columns: list[str], rows: list[Any]) -> None:
    """Append rows to a table: COPY on PostgreSQL (psycopg 3), else one prepared INSERT
    run many times."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            with raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})", rows)  # noqa: S608


def seed_actors(
    *,
    count: int,
    seed: int = 1,
    batch_size: int = 5000,
    departments: Collection[str] | None = None,
    log: Callable[[str], None] | None = None,
) -> SeedResult:
    """Make sure actors 0…count-1 of `seed` exist: build the missing ones and insert them
    in batches, one transaction each. Loads the taxonomy first (a no-op when current)."""
    started = time.perf_counter()
    load_taxonomy()
    generator = Generator(seed=seed, departments=departments)
    created = skipped = 0
    for start in range(0, count, batch_size):
        with transaction.atomic():
            made, kept = _insert_batch(generator, range(start, min(count, start + batch_size)))
        created, skipped = created + made, skipped + kept
        if log:
            log(f"{start + made + kept}/{count} actors ({created} created, {skipped} existed)")
    return SeedResult(created=created, skipped=skipped, seconds=time.perf_counter() - started)
