"""Demo charter (registered as the "charter" step, after the directory's actors).

Version 1 was published eight months ago; version 2, current for three weeks, adds a
commitment and rewords another. The published actors signed version 1; most signed
version 2 since, a few have not yet and are asked to.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from coops.core.demo import DemoContext
from coops.directory.models import Actor

from . import services
from .models import Category, CharterVersion, Commitment, Signature

TITLE = "Charte de l'économie coopérative et solidaire"

PREAMBLE_V1 = (
    "Les acteurs de cet annuaire partagent une conviction : l'économie doit servir les "
    "personnes et les territoires, et non l'inverse. Cette charte dit ce à quoi chaque "
    "signataire s'engage. Elle ne remplace ni les statuts ni les labels ; elle dit ce que "
    "nous attendons les uns des autres.\n\n"
    "Chaque engagement est suivi d'une courte explication. Signer, c'est les accepter "
    "tous, et accepter d'en rendre compte aux autres membres du réseau."
)
PREAMBLE_V2 = (
    "Les acteurs de cet annuaire partagent une conviction : l'économie doit servir les "
    "personnes et les territoires, et non l'inverse, et elle se construit à plusieurs. "
    "Cette charte dit ce à quoi chaque signataire s'engage. Elle ne remplace ni les statuts "
    "ni les labels ; elle dit ce que nous attendons les uns des autres.\n\n"
    "Chaque engagement est suivi d'une courte explication. Signer, c'est les accepter "
    "tous, et accepter d'en rendre compte aux autres membres du réseau lors de la revue "
    "annuelle de la charte."
)

# key, category, title, explanation
COMMITMENTS_V1 = [
    (
        "remuneration-juste",
        Category.SOCIAL,
        "Rémunérer chaque travail à un niveau juste",
        "L'écart entre la rémunération la plus haute et la plus basse reste limité et "
        "connu de toutes et tous.",
    ),
    (
        "conditions-de-travail",
        Category.SOCIAL,
        "Offrir des conditions de travail dignes",
        "Contrats clairs, temps de travail respecté et formation accessible à chaque "
        "personne qui contribue.",
    ),
    (
        "accessibilite",
        Category.SOCIAL,
        "Rendre nos biens et nos services accessibles",
        "Prix solidaires quand c'est possible, accueil des personnes handicapées ou en "
        "situation de précarité, information claire.",
    ),
    (
        "sobriete",
        Category.ENVIRONMENTAL,
        "Réduire notre empreinte écologique",
        "Mesurer nos consommations d'énergie et de matières, et nous fixer chaque année un "
        "objectif de réduction.",
    ),
    (
        "circuits-courts",
        Category.ENVIRONMENTAL,
        "Privilégier les circuits courts",
        "Acheter au plus près quand c'est possible, de préférence à des acteurs qui signent "
        "cette charte.",
    ),
    (
        "reemploi",
        Category.ENVIRONMENTAL,
        "Réparer, réemployer, puis recycler",
        "Allonger la vie des objets et des équipements avant d'en acheter de neufs.",
    ),
    (
        "decision-democratique",
        Category.GOVERNANCE,
        "Décider de façon démocratique",
        "Les personnes qui font vivre la structure prennent part aux décisions importantes, "
        "selon le principe « une personne, une voix ».",
    ),
    (
        "transparence",
        Category.GOVERNANCE,
        "Être transparents sur nos comptes et nos décisions",
        "Les comptes annuels et les décisions des instances sont accessibles aux membres.",
    ),
    (
        "lucrativite-limitee",
        Category.GOVERNANCE,
        "Réinvestir les excédents dans le projet",
        "Les bénéfices servent d'abord le projet collectif, les réserves et les personnes "
        "qui y travaillent.",
    ),
]

REWORDED = (
    "remuneration-juste",
    "Limiter l'écart des rémunérations et le publier",
    "L'écart entre la rémunération la plus haute et la plus basse ne dépasse pas 1 à 5, "
    "et il est publié chaque année.",
)
ADDED = (
    "cooperation",
    Category.GOVERNANCE,
    "Coopérer plutôt que concurrencer",
    "Partager nos savoir-faire, mutualiser des moyens et orienter vers les autres membres "
    "du réseau.",
)

MAX_SIGNERS = 200  # the hand-written actors come first; a seeded directory needs no more
STAY_ON_V1_EVERY = 6  # one actor in six has not signed version 2 yet


def _fill(draft: CharterVersion, preamble: str, commitments) -> None:
    """Write a draft's text, as a person would in the admin."""
    draft.title, draft.preamble = TITLE, preamble
    draft.save(update_fields=["title", "preamble"])
    for position, (key, category, title, explanation) in enumerate(commitments, start=1):
        Commitment.objects.create(
            version=draft,
            key=key,
            category=category,
            title=title,
            explanation=explanation,
            position=position * 10,
        )


def _sign_all(actors, version: CharterVersion, ctx: DemoContext) -> list[Signature]:
    ids = list(version.commitments.values_list("pk", flat=True))
    signatures = []
    for actor in actors:
        signer = actor.owners.order_by("pk").first() or ctx.users["admin"]
        signatures.append(
            services.charter_sign(
                actor=actor, version=version, accepted_commitment_ids=ids, acting_user=signer
            )
        )
    return signatures


def _backdate(signatures: list[Signature], start, end) -> None:
    """Spread the signatures evenly between two dates."""
    step = (end - start) / max(len(signatures), 1)
    for i, signature in enumerate(signatures):
        Signature.objects.filter(pk=signature.pk).update(signed_at=start + step * i)


def load_charter(ctx: DemoContext) -> None:
    admin = ctx.users["admin"]
    now = timezone.now()
    v1_date, v2_date = now - timedelta(days=240), now - timedelta(days=21)

    v1 = services.charter_version_draft(acting_user=admin)
    _fill(v1, PREAMBLE_V1, COMMITMENTS_V1)
    v1 = services.charter_version_publish(version=v1, acting_user=admin)
    # The publication date is the one field a published version lets through.
    CharterVersion.objects.filter(pk=v1.pk).update(published_at=v1_date)

    actors = list(Actor.objects.published().prefetch_related("owners").order_by("pk")[:MAX_SIGNERS])
    on_v1 = _sign_all(actors, v1, ctx)
    _backdate(on_v1, v1_date + timedelta(days=3), v2_date - timedelta(days=10))

    v2 = services.charter_version_draft(acting_user=admin, based_on=v1)
    v2.preamble = PREAMBLE_V2
    v2.save(update_fields=["preamble"])
    key, title, explanation = REWORDED
    Commitment.objects.filter(version=v2, key=key).update(title=title, explanation=explanation)
    key, category, title, explanation = ADDED
    Commitment.objects.create(
        version=v2,
        key=key,
        category=category,
        title=title,
        explanation=explanation,
        position=len(COMMITMENTS_V1) * 10 + 10,
    )
    v2 = services.charter_version_publish(version=v2, acting_user=admin)
    CharterVersion.objects.filter(pk=v2.pk).update(published_at=v2_date)

    resigning = [a for i, a in enumerate(actors) if i % STAY_ON_V1_EVERY != STAY_ON_V1_EVERY - 1]
    on_v2 = _sign_all(resigning, v2, ctx)
    _backdate(on_v2, v2_date + timedelta(days=1), now - timedelta(days=1))
    ctx.extra["charter_versions"] = [v1, v2]
    ctx.log(
        f"charter: 2 versions, {len(on_v1) + len(on_v2)} signatures, "
        f"{len(actors) - len(resigning)} actor(s) still on version 1"
    )
