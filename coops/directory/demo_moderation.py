"""Demo of the directory's collaborative moderation (the "directory_moderation" step,
after the directory's actors and the charter).

A moderator, Hélène Carpentier (helene@example.org, the demo password), given the
"Can moderate directory entries" permission (not staff). Pending entries with the
members' opinions: one nearly published, one with conflicting opinions, one whose
information is said to be wrong, one with the same email as a published entry (a
possible duplicate). One entry was published by the members' opinions, another
rejected by the moderator with her reason. Two open reports: wrong information on the
Brasserie des Remparts, and an anonymous one saying an imported entry duplicates the
Coursiers coopératifs de la Métropole. The Librairie coopérative du Beffroi was not
updated for thirteen months: its owner got the freshness reminder.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from django.utils import timezone

from coops.accounts.models import User
from coops.core.demo import DEMO_PASSWORD, DemoContext
from coops.core.geocoding import geocode

from .models import Actor, ActorKind, ActorStatus, LegalForm, ReportReason, Sector, VoteChoice
from .services import actor_create
from .services.moderation import actor_decide, freshness_remind, report_create, vote_cast

MODERATOR = ("helene", "Hélène Carpentier", "Lille", "59000")

# key, submitter, fields, [(voter, choice, comment)]
PENDING = [
    (
        "velo-ecole-weppes",
        "karim",
        {
            "name": "Vélo-école des Weppes",
            "kind": ActorKind.ASSOCIATION,
            "legal_form": LegalForm.ASSOCIATION,
            "street": "2 place de la République",
            "postcode": "59136",
            "city": "Wavrin",
            "at": ("50.574100", "2.935600"),
            "email": "velo-ecole.weppes@example.org",
            "description": "Apprendre à rouler à vélo en ville, à tout âge : séances le "
            "samedi matin et sorties accompagnées.",
            "sectors": ["atelier-velo"],
        },
        [
            ("camille", VoteChoice.EXISTS_GOOD_INFORMATION, "J'y ai appris à ma fille."),
            ("lea", VoteChoice.EXISTS, ""),
        ],
    ),
    (
        "fournil-fives",
        "youssef",
        {
            "name": "Le Fournil partagé de Fives",
            "kind": ActorKind.CRAFT,
            "legal_form": LegalForm.SCIC,
            "street": "81 rue Pierre Legrand",
            "postcode": "59800",
            "city": "Lille",
            "at": ("50.633900", "3.092300"),
            "email": "fournil.fives@example.org",
            "description": "Four à pain partagé : les habitants viennent cuire leur pain "
            "le mercredi, un boulanger anime des ateliers.",
        },
        [
            ("ines", VoteChoice.EXISTS, "Je le vois ouvert tous les mercredis."),
            ("thomas", VoteChoice.DOES_NOT_EXIST, "Le local est fermé depuis l'été."),
            ("claire", VoteChoice.WRONG_INFORMATION, "L'adresse est au 83, pas au 81."),
        ],
    ),
    (
        "atelier-rayons",
        "hugo",
        {
            "name": "Atelier vélo Les Rayons",
            "kind": ActorKind.ASSOCIATION,
            "legal_form": LegalForm.ASSOCIATION,
            "street": "27 rue Pierre Legrand",
            "postcode": "59800",
            "city": "Lille",
            "at": ("50.633600", "3.090600"),
            "email": "rayons.fives@example.org",
            "description": "Atelier vélo participatif à Fives.",
        },
        [("marie", VoteChoice.EXISTS, "C'est l'atelier des Rayons de Fives, déjà inscrit ?")],
    ),
]

# Published by the members' opinions (three in favour).
BY_VOTES = (
    "jardin-moulins",
    "chloe",
    {
        "name": "Jardin partagé des Moulins",
        "kind": ActorKind.ASSOCIATION,
        "legal_form": LegalForm.ASSOCIATION,
        "street": "Rue d'Arras",
        "postcode": "59000",
        "city": "Lille",
        "at": ("50.619800", "3.071200"),
        "email": "jardin.moulins@example.org",
        "description": "Jardin partagé de quartier : parcelles collectives, compost et "
        "ateliers pour les écoles.",
    },
    ["camille", "karim", "ines"],
)

# Rejected by the moderator, with her reason.
REJECTED = (
    "comptoir-gourmet",
    "pierre",
    {
        "name": "Le Comptoir gourmet",
        "kind": ActorKind.SHOP,
        "legal_form": LegalForm.COMPANY,
        "street": "12 rue Esquermoise",
        "postcode": "59000",
        "city": "Lille",
        "at": ("50.638600", "3.061500"),
        "email": "comptoir.gourmet@example.org",
        "description": "Épicerie fine : produits du monde entier.",
    },
    "Une épicerie fine classique, sans gouvernance partagée ni engagement de la charte : "
    "elle n'a pas sa place dans l'annuaire. Si le projet évolue, proposez-la à nouveau.",
)

# A published entry an import brought in twice.
IMPORTED_TWIN = {
    "name": "Coursiers coopératifs Métropole lilloise",
    "kind": ActorKind.SERVICE,
    "legal_form": LegalForm.SCOP,
    "street": "120 bd de Belfort",
    "postcode": "59000",
    "city": "Lille",
    "at": ("50.620600", "3.078400"),
    "email": "contact@coursiers-lille.example.org",
    "description": "Livraison à vélo-cargo.",
    "source": "import-demo",
    "source_id": "coursiers-2023",
}


def _moderator(ctx: DemoContext) -> User:
    key, name, town, postcode = MODERATOR
    found = geocode(f"{postcode} {town}")
    user = User.objects.create_user(
        f"{key}@example.org",
        DEMO_PASSWORD,
        display_name=name,
        home_town=town,
        home_postcode=postcode,
        home_lat=found.lat if found else None,
        home_lon=found.lon if found else None,
        language="fr",
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="directory", codename="moderate_actor")
    )
    ctx.users[key] = user
    ctx.logins.append((name, user.email, "directory moderator"))
    return user


def _entry(ctx: DemoContext, submitter: str, spec: dict[str, Any], **extra: Any) -> Actor:
    fields = dict(spec)
    latitude, longitude = fields.pop("at")
    sectors = list(Sector.objects.filter(slug__in=fields.pop("sectors", [])))
    user = ctx.users[submitter]
    return actor_create(
        acting_user=user,
        submitted_by=user,
        owners=[user],
        sectors=sectors,
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        **fields,
        **extra,
    )


def load_moderation(ctx: DemoContext) -> None:
    moderator = _moderator(ctx)
    actors = ctx.extra.get("actors", {})
    # The hand-written pending entries were submitted by the people who manage them.
    for actor in Actor.objects.filter(status=ActorStatus.PENDING, source="").prefetch_related(
        "owners"
    ):
        owner = next(iter(actor.owners.all()), None)
        if owner is not None and actor.submitted_by_id is None:
            Actor.objects.filter(pk=actor.pk).update(submitted_by=owner)

    pending = {}
    for key, submitter, spec, votes in PENDING:
        pending[key] = _entry(ctx, submitter, spec)
        for voter, choice, comment in votes:
            vote_cast(
                actor=pending[key], acting_user=ctx.users[voter], choice=choice, comment=comment
            )
    if "metal-bois-wattrelos" in actors:
        vote_cast(
            actor=actors["metal-bois-wattrelos"],
            acting_user=ctx.users["julien"],
            choice=VoteChoice.WRONG_INFORMATION,
            comment="L'atelier a déménagé rue de Roubaix.",
        )

    key, submitter, spec, voters = BY_VOTES
    published = _entry(ctx, submitter, spec)
    for voter in voters:
        vote_cast(actor=published, acting_user=ctx.users[voter], choice=VoteChoice.EXISTS)

    key, submitter, spec, reason = REJECTED
    rejected = _entry(ctx, submitter, spec)
    vote_cast(
        actor=rejected,
        acting_user=ctx.users["sophie"],
        choice=VoteChoice.AGAINST_CHARTER,
        comment="Commerce classique.",
    )
    actor_decide(actor=rejected, acting_user=moderator, outcome=ActorStatus.REJECTED, reason=reason)

    fields = dict(IMPORTED_TWIN)
    latitude, longitude = fields.pop("at")
    twin = actor_create(
        acting_user=moderator,
        status=ActorStatus.PUBLISHED,
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        **fields,
    )
    reports = 0
    if "coursiers-metropole" in actors:
        report_create(
            actor=twin,
            acting_user=None,
            reason=ReportReason.DUPLICATE,
            duplicate_of=actors["coursiers-metropole"],
            reporter_email="voisine.belfort@example.net",
            comment="Ce sont les mêmes coursiers, l'autre fiche est à jour.",
        )
        reports += 1
    if "brasserie-remparts" in actors:
        report_create(
            actor=actors["brasserie-remparts"],
            acting_user=ctx.users["pierre"],
            reason=ReportReason.WRONG_INFORMATION,
            comment="La brasserie n'ouvre plus le vendredi, seulement le samedi.",
        )
        reports += 1

    reminded = 0
    if "librairie-beffroi" in actors:
        now = timezone.now()
        Actor.objects.filter(pk=actors["librairie-beffroi"].pk).update(
            updated_at=now - timedelta(days=400)
        )
        reminded = freshness_remind(now=now)
    ctx.extra["moderation"] = {
        "pending": pending,
        "published_by_votes": published,
        "rejected": rejected,
        "twin": twin,
    }
    ctx.log(
        f"directory moderation: moderator {moderator.email}, {len(pending)} pending entries "
        f"with opinions, 1 published by opinions, 1 rejected, {reports} open reports, "
        f"{reminded} freshness reminder(s)"
    )
