"""Demo directory of the Hauts-de-France territory (registered as the "directory" step).

The taxonomy, then about forty hand-written actors (data/demo_actors.json) created
through `actor_create` by the demo people who manage them (a few still pending, one
still to geolocate), then a couple of thousand generated actors in the region's
departments for volume. Two commissions are linked to the skills they gather.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from coops.core.demo import DemoContext

from .models import ActorStatus, Label, Sector, Skill, Tag
from .seed import seed_actors, siret_for
from .services import actor_create
from .taxonomy import load_taxonomy

DEMO_ACTORS_JSON = Path(__file__).resolve().parent / "data" / "demo_actors.json"
GENERATED = 2000
GENERATED_SEED = 59
HAND_WRITTEN_SEED = 0
REGION = ("02", "59", "60", "62", "80")  # the Hauts-de-France departments
COMMISSION_SKILLS = {
    "commission-numerique": [
        "developpement-web",
        "administration-systemes",
        "depannage-informatique",
    ],
    "commission-juridique": ["droit-cooperatif", "droit-associatif"],
}


def _terms(model, slugs: list[str]) -> list[Any]:
    found = {t.slug: t for t in model.objects.filter(slug__in=slugs)}
    missing = sorted(set(slugs) - set(found))
    if missing:
        raise LookupError(f"unknown {model._meta.verbose_name} slugs in the demo: {missing}")
    return [found[s] for s in slugs]


def _create(ctx: DemoContext, index: int, spec: dict[str, Any]):
    owners = [ctx.users[key] for key in spec.get("owners", [])]
    fields: dict[str, Any] = {
        key: spec[key]
        for key in ("name", "kind", "legal_form", "description", "street", "postcode", "city")
        if key in spec
    }
    fields |= {key: spec.get(key, "") for key in ("email", "telephone", "website", "opening_hours")}
    if "at" in spec:
        fields["latitude"], fields["longitude"] = (Decimal(str(v)) for v in spec["at"])
    return actor_create(
        acting_user=owners[0] if owners else ctx.users["admin"],
        siret=siret_for(index, HAND_WRITTEN_SEED),
        status=spec.get("status", ActorStatus.PUBLISHED),
        group=ctx.groups[spec["group"]] if "group" in spec else None,
        sectors=_terms(Sector, spec.get("sectors", [])),
        skills=_terms(Skill, spec.get("skills", [])),
        labels=_terms(Label, spec.get("labels", [])),
        tags=_terms(Tag, spec.get("tags", [])),
        owners=owners,
        **fields,
    )


def load_directory(ctx: DemoContext) -> None:
    taxonomy = load_taxonomy()
    for slug, skills in COMMISSION_SKILLS.items():
        Skill.objects.filter(slug__in=skills).update(commission=ctx.groups[slug])
    specs = json.loads(DEMO_ACTORS_JSON.read_text(encoding="utf-8"))
    actors = {spec["key"]: _create(ctx, i, spec) for i, spec in enumerate(specs)}
    ctx.extra["actors"] = actors
    pending = sum(a.status == ActorStatus.PENDING for a in actors.values())
    generated = seed_actors(count=GENERATED, seed=GENERATED_SEED, departments=REGION)
    ctx.log(
        f"directory: {taxonomy['sectors']} sectors, {taxonomy['skills']} skills, "
        f"{taxonomy['labels']} labels; {len(actors)} hand-written actors ({pending} pending), "
        f"{generated.created} generated in {generated.seconds:.1f} s"
    )
