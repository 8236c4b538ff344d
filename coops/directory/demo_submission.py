"""Demo submissions (registered as the "directory_submissions" step, after the charter).

Three members submit an entry through `actor_submit`, each filling in every part other
apps add to the form (the charter's commitments, when a version is published), so the
entries wait for moderation with their signature, as a real submission leaves them.
One owner of a published actor proposes a change, which waits for a moderator.
"""

from __future__ import annotations

from typing import Any

from coops.core.demo import DemoContext

from .models import Label, Sector, Skill, Tag
from .seed import siret_for
from .services.submission import actor_submit, actor_update
from .submission_parts import complete_data, submission_forms

SIRET_SEED = 56

SUBMISSIONS: list[dict[str, Any]] = [
    {
        "by": "hugo",
        "name": "Vélo-école de Compiègne",
        "kind": "association",
        "legal_form": "association",
        "description": (
            "Association qui apprend à rouler à vélo en ville aux adultes, et répare les "
            "vélos de ses adhérents le samedi matin. Prêt de vélos pour apprendre."
        ),
        "street": "8 rue Saint-Lazare",
        "postcode": "60200",
        "city": "Compiègne",
        "email": "velo-ecole.compiegne@example.org",
        "opening_hours": "Sa 09:00-12:00",
        "sectors": ["atelier-velo"],
        "skills": ["mecanique-velo", "formation-adultes"],
        "tags": ["benevolat"],
    },
    {
        "by": "emma",
        "name": "La Recyclerie du Vermandois",
        "kind": "association",
        "legal_form": "association",
        "description": (
            "Collecte, répare et revend à petits prix meubles, vaisselle et électroménager. "
            "Ateliers de réparation ouverts à tous le mercredi."
        ),
        "street": "21 rue d'Isle",
        "postcode": "02100",
        "city": "Saint-Quentin",
        "email": "recyclerie.vermandois@example.org",
        "website": "https://recyclerie-vermandois.example.org",
        "opening_hours": "We-Sa 10:00-18:00",
        "sectors": ["ressourcerie", "repair-cafe"],
        "skills": ["reparation-electromenager"],
        "tags": ["zero-dechet", "emploi-insertion"],
    },
    {
        "by": "fatima",
        "name": "Fatima Zeroual — couture et retouches",
        "kind": "independent",
        "legal_form": "independant",
        "description": (
            "Couturière indépendante : retouches, réparation de vêtements et cours de "
            "couture en petit groupe. Membre d'une coopérative d'activité et d'emploi."
        ),
        "street": "",
        "postcode": "80000",
        "city": "Amiens",
        "telephone": "06 12 34 56 78",
        "sectors": ["couture"],
        "skills": ["couture"],
        "tags": [],
    },
]

CHANGE_ACTOR = "levain-wazemmes"
CHANGE = {
    "opening_hours": "Tu-Sa 07:00-19:30; Su 07:30-12:30",
    "description": (
        "Boulangerie reprise en SCOP par ses six salariés en 2019. Pains au levain de blés "
        "anciens moulus dans l'Avesnois, cuits dans un four à sole. Le dimanche, brioches et "
        "tartes au sucre. Désormais ouverte sans interruption à midi."
    ),
}
CHANGE_TAGS = ["circuit-court", "vente-directe"]


def _terms(model, slugs: list[str]) -> list[Any]:
    found = {t.slug: t for t in model.objects.filter(slug__in=slugs)}
    missing = sorted(set(slugs) - set(found))
    if missing:
        raise LookupError(f"unknown {model._meta.verbose_name} slugs in the demo: {missing}")
    return [found[s] for s in slugs]


def _submit(ctx: DemoContext, index: int, spec: dict[str, Any]):
    user = ctx.users[spec["by"]]
    parts = submission_forms(user=user, data=complete_data(submission_forms(user=user)))
    for bound in parts:
        if not bound.form.is_valid():
            raise ValueError(f"demo data for the part {bound.name!r}: {bound.form.errors}")
    text = {
        key: spec.get(key, "")
        for key in (
            "name",
            "kind",
            "legal_form",
            "description",
            "street",
            "postcode",
            "city",
            "email",
            "telephone",
            "website",
            "opening_hours",
        )
    }
    return actor_submit(
        acting_user=user,
        parts=parts,
        siret=siret_for(index, SIRET_SEED),
        country="FR",
        sectors=_terms(Sector, spec["sectors"]),
        skills=_terms(Skill, spec["skills"]),
        labels=_terms(Label, spec.get("labels", [])),
        tags=_terms(Tag, spec["tags"]),
        **text,
    )


def load_submissions(ctx: DemoContext) -> None:
    submitted = [_submit(ctx, i, spec) for i, spec in enumerate(SUBMISSIONS)]
    ctx.extra["submitted_actors"] = submitted
    bakery = ctx.extra["actors"][CHANGE_ACTOR]
    owner = bakery.owners.order_by("pk").first()
    result = actor_update(
        actor=bakery, acting_user=owner, fields=CHANGE, tags=_terms(Tag, CHANGE_TAGS)
    )
    ctx.extra["pending_change"] = result.change
    ctx.log(
        f"directory submissions: {len(submitted)} pending entries, "
        f"1 change to {bakery.name} ({result.outcome})"
    )
