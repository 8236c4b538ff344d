"""Demo: the regional network runs "Le Lien", a mutual-credit currency. Members list
what they offer and look for, pay each other, and two requests wait for an answer.
Everything goes through the services, so the book, the audit log and the
notifications are those a real network would have."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from coops.core.demo import DemoContext
from coops.groups.services import group_module_enable

from . import services
from .models import Category, OfferKind
from .services import demurrage_apply, previous_month

GROUP = "hauts-de-france"

# key, author, kind, title, description, category, price (Lien), price (€), free
OFFERS = [
    (
        "guitare",
        "lea",
        OfferKind.OFFER,
        "Cours de guitare pour débutants",
        "Guitare acoustique ou folk, une heure par semaine à Roubaix ou chez vous dans la "
        "métropole. Partitions et tablatures fournies, guitare prêtée pour le premier mois.",
        Category.LESSONS,
        "20",
        None,
        False,
    ),
    (
        "velo",
        "antoine",
        OfferKind.OFFER,
        "Réparation de vélo",
        "Crevaison, freins, dérailleur, éclairage : je remets votre vélo en état dans mon "
        "atelier de Valenciennes. Pièces au prix coûtant, payables en euros.",
        Category.REPAIR,
        "15",
        None,
        False,
    ),
    (
        "legumes",
        "bernard",
        OfferKind.OFFER,
        "Paniers de légumes bio",
        "Panier de légumes de saison de la ferme Vandamme, à retirer le vendredi à "
        "Hazebrouck : poireaux, choux, courges, pommes de terre selon la saison.",
        Category.FOOD,
        "10",
        "12.00",
        False,
    ),
    (
        "garde",
        "chloe",
        OfferKind.OFFER,
        "Garde d'enfants le mercredi",
        "Je garde vos enfants le mercredi après-midi à Douai : goûter, devoirs, jeux au "
        "parc. Tarif à l'heure.",
        Category.CARE,
        "8",
        None,
        False,
    ),
    (
        "traduction",
        "sarah",
        OfferKind.OFFER,
        "Traduction anglais → français",
        "Traduction et relecture de documents, plaquettes et sites web de coopératives. "
        "Tarif à la page de 250 mots.",
        Category.BUSINESS,
        "25",
        "25.00",
        False,
    ),
    (
        "covoiturage",
        "sophie",
        OfferKind.OFFER,
        "Covoiturage Arras → Lille",
        "Trajet du lundi au jeudi, départ 7 h 30 place des Héros, arrivée gare Lille-"
        "Flandres vers 8 h 30, retour à 18 h. Trois places.",
        Category.TRANSPORT,
        "4",
        None,
        False,
    ),
    (
        "remorque",
        "olivier",
        OfferKind.OFFER,
        "Prêt de remorque",
        "Remorque 750 kg bâchée, prêtée le week-end à Saint-Omer. Permis B suffisant, "
        "rendue propre s'il vous plaît.",
        Category.HOUSING,
        None,
        None,
        True,
    ),
    (
        "statuts",
        "claire",
        OfferKind.OFFER,
        "Accompagnement aux statuts de SCOP et de SCIC",
        "Rédaction des statuts, pacte d'associés, choix des collèges de vote : "
        "accompagnement des projets coopératifs du réseau, à l'heure.",
        Category.BUSINESS,
        "40",
        "60.00",
        False,
    ),
    (
        "pain",
        "karim",
        OfferKind.OFFER,
        "Pain au levain",
        "Pain de campagne au levain naturel, farine bio du Pévèle, cuit au four à bois le "
        "jeudi à Wavrin.",
        Category.FOOD,
        "4",
        None,
        False,
    ),
    (
        "couture",
        "martine",
        OfferKind.WANT,
        "Cours de couture",
        "Je cherche quelqu'un pour m'apprendre à me servir de ma machine à coudre, à "
        "Armentières ou en visio.",
        Category.LESSONS,
        None,
        None,
        False,
    ),
    (
        "demenagement",
        "julien",
        OfferKind.WANT,
        "Aide pour un déménagement",
        "Deux ou trois paires de bras le samedi matin à Dunkerque, du 2e étage sans "
        "ascenseur. Café et repas offerts.",
        Category.OTHER,
        "30",
        None,
        False,
    ),
    (
        "lave-linge",
        "fatima",
        OfferKind.WANT,
        "Réparation d'un lave-linge",
        "Mon lave-linge ne vidange plus. Quelqu'un à Amiens saurait-il regarder la pompe ?",
        Category.REPAIR,
        None,
        None,
        False,
    ),
]

# payer, payee, amount, memo, offer key
TRANSFERS = [
    ("karim", "lea", "20", "Cours de guitare du 3 octobre", "guitare"),
    ("nadia", "antoine", "15", "Révision du vélo", "velo"),
    ("thomas", "bernard", "10", "Panier de légumes", "legumes"),
    ("ines", "bernard", "10", "Panier de légumes", "legumes"),
    ("lea", "chloe", "24", "Garde de Jules mercredi après-midi (3 h)", "garde"),
    ("youssef", "sarah", "50", "Traduction de la plaquette de la coopérative", "traduction"),
    ("mathieu", "sophie", "8", "Covoiturage Arras–Lille aller-retour", "covoiturage"),
    ("claire", "karim", "12", "Trois pains au levain", "pain"),
    ("hugo", "claire", "40", "Relecture des statuts de l'association", "statuts"),
    ("sarah", "lea", "20", "Cours de guitare", "guitare"),
    ("pierre", "antoine", "25", "Chaîne et patins de freins changés", "velo"),
    ("emma", "fatima", "18", "Six pots de confiture de rhubarbe", None),
    ("aurelie", "julien", "30", "Coup de main au potager partagé", None),
    ("olivier", "claire", "280", "Accompagnement juridique de la SCIC (7 h)", "statuts"),
    ("julien", "claire", "240", "Rédaction des statuts de la SCOP (6 h)", "statuts"),
    ("marie", "chloe", "16", "Garde d'enfants pendant l'Agora", "garde"),
    ("lucas", "sarah", "25", "Traduction d'un CV", "traduction"),
]

# requester, payer, amount, memo, offer key
REQUESTS = [
    ("lea", "nadia", "20", "Cours de guitare du 17 octobre", "guitare"),
    ("bernard", "thomas", "10", "Panier de légumes de la semaine prochaine", "legumes"),
]


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def load_currency(ctx: DemoContext) -> None:
    group = ctx.groups[GROUP]
    organiser = ctx.users["sophie"]
    group_module_enable(group=group, module="currency", acting_user=ctx.users["camille"])
    currency = services.currency_create(
        group=group,
        acting_user=organiser,
        name="Le Lien",
        code="LIEN",
        symbol="ℓ",
        decimals=2,
        default_min_balance=Decimal("-300"),
        default_max_balance=Decimal("1500"),
        demurrage_rate=Decimal("0.5"),
        demurrage_free_base=Decimal("500"),
    )
    # Claire's cooperative consultancy trades a lot: a higher ceiling.
    services.account_limits_set(
        currency=currency,
        member=ctx.users["claire"],
        min_balance=Decimal("-300"),
        max_balance=Decimal("3000"),
        acting_user=organiser,
    )
    offers = {}
    for key, author, kind, title, description, category, price, price_eur, free in OFFERS:
        offers[key] = services.offer_create(
            currency=currency,
            acting_user=ctx.users[author],
            kind=kind,
            title=title,
            description=description,
            category=category,
            price=_decimal(price),
            price_eur=_decimal(price_eur),
            is_free=free,
        )
    for n, (payer, payee, amount, memo, offer) in enumerate(TRANSFERS):
        services.transfer_create(
            currency=currency,
            acting_user=ctx.users[payer],
            payee=ctx.users[payee],
            amount=Decimal(amount),
            memo=memo,
            offer=offers.get(offer),
            idempotency_key=f"{n:032x}",
        )
    for requester, payer, amount, memo, offer in REQUESTS:
        services.payment_request_create(
            currency=currency,
            acting_user=ctx.users[requester],
            payer=ctx.users[payer],
            amount=Decimal(amount),
            memo=memo,
            offer=offers.get(offer),
        )
    # Last month's demurrage: Claire holds more than 500 ℓ.
    last_month = previous_month(timezone.localdate())
    run = demurrage_apply(currency=currency, period=last_month, acting_user=organiser)
    ctx.extra["currency"] = currency
    ctx.logins.append(
        ("Sophie Lambert", organiser.email, "organiser of Le Lien, the network's local currency")
    )
    ctx.log(
        f"Le Lien: {len(OFFERS)} offers and wants, {len(TRANSFERS)} payments, "
        f"{len(REQUESTS)} pending requests, demurrage {currency.to_decimal(run.total)} ℓ"
    )
