"""`make bench-shortcircuit`: the short-circuit app's shop, order placement and reports.

1. Data (kept between runs unless --fresh): var/bench/shortcircuit.sqlite3, or with
   --postgres the database coops_bench_shortcircuit on the server of DATABASE_URL. One food
   hub (*AMAP des Weppes*), 40 farms with French names selling 1,000 variants of their
   products, five pickup points, and, all drawn from one seeded generator and written in bulk:
   - two open distributions, one offering 100 variants and one offering all 1,000;
   - a closed distribution with --orders (5,000) orders of 2–4 lines, priced by the app's
     own `pricing.line_amounts`.
2. Shop: the paginated shop page ("groups:shortcircuit:shop") of the 1,000-variant
   distribution through Django's test Client, signed in as a member, after a warm-up:
   --requests requests across pages, searches and producer/category filters, each right
   after a request to the floor (`/__bench__/floor`, a bare HttpResponse behind the same
   middleware). p50/p95, × floor (median of the paired ratios), and the query count of the
   first page with 100 and with 1,000 variants on sale (they must be equal). Target:
   p95 ≤ 100 ms.
3. Order placement (PostgreSQL only; skipped on SQLite with a line saying so): --threads
   threads, each with its own connection, placing orders for distinct buyers through
   `services.orders.order_place` (2–5 lines among 200 offers, half of them with little stock,
   so some orders are refused), in paired slices against a floor: the same threads each
   committing one bare single-row INSERT per transaction. Orders/s, × floor, then checks: no
   stock below zero, each variant's stock = its stock before − what placed orders took,
   each order's total = the sum of its lines. Target: ≥ 200 orders/s.
4. Reports: each kind ("groups:shortcircuit:report": producers, pickup, packing, signoff) of
   the 5,000-order distribution, in HTML and in CSV, through the test Client signed in as the
   organiser, --runs times; the floor, timed just before each run, is the raw SQL aggregate
   of the same report (one GROUP BY query through a bare cursor). Target: ≤ 1 s.
Prints a table and writes bench/out/shortcircuit.json (shortcircuit-pg.json).

The first part of this module (names, villages, farms, products and the bulk writers) is
shared with bench/juntagrico_side.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import threading
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from time import perf_counter

BASE_DIR = Path(__file__).resolve().parents[1]
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

OUT = BASE_DIR / "bench" / "out"
PG_NAME = "coops_bench_shortcircuit"
GROUP_SLUG = "bench-circuit-court"
SEED = 20261124
PRODUCERS, VARIANTS = 40, 1_000
SHOP_TARGET_MS = 100.0
ORDERS_TARGET = 200.0
REPORT_TARGET_MS = 1_000.0
KINDS = ("producers", "pickup", "packing", "signoff")

FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Jade", "Louise", "Alice", "Lina",
    "Juliette", "Zoé", "Anaïs", "Margaux", "Élise", "Clémence", "Hélène", "Agnès", "Sophie",
    "Nathalie", "Isabelle", "Martine", "Françoise", "Sylvie", "Brigitte", "Thomas", "Lucas",
    "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Nathan", "Théo", "Raphaël", "Paul",
    "Antoine", "Maxime", "Julien", "Nicolas", "Pierre", "François", "Benoît", "Étienne",
    "Jérôme", "Olivier", "Thierry", "Bernard", "Michel", "Grégoire",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau",
    "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Delattre",
    "Vandenbussche", "Deprez", "Lemaire", "Dewailly", "Desmet", "Vasseur", "Carpentier",
    "Dhont", "Wattel",
]  # fmt: skip
# Villages of the Weppes and the Pévèle: (name, postcode).
VILLAGES = [
    ("Wavrin", "59136"), ("Fournes-en-Weppes", "59134"), ("Herlies", "59134"),
    ("Aubers", "59249"), ("Fromelles", "59249"), ("Sainghin-en-Weppes", "59184"),
    ("Marquillies", "59274"), ("Hantay", "59496"), ("Salomé", "59496"), ("Erquinghem-le-Sec",
    "59320"), ("Beaucamps-Ligny", "59134"), ("Radinghem-en-Weppes", "59320"),
    ("Le Maisnil", "59134"), ("Bois-Grenier", "59280"), ("Ennetières-en-Weppes", "59320"),
    ("Templemars", "59175"), ("Cysoing", "59830"), ("Orchies", "59310"), ("Templeuve", "59242"),
    ("Mons-en-Pévèle", "59246"),
]  # fmt: skip
STREETS = [
    "rue de la Gare", "rue du Général de Gaulle", "rue Pasteur", "chemin des Prés",
    "rue de l'Église", "place de la Mairie", "rue Jean Jaurès", "rue du Moulin",
    "chemin du Marais", "rue de Lille", "rue Victor Hugo", "impasse des Tilleuls",
]  # fmt: skip
# The ten pickup points (Juntagrico: depots) of the hub.
PICKUP_POINTS = [
    ("Salle des fêtes de Wavrin", "Place de la République", "59136", "Wavrin"),
    ("Ferme du Héron", "Chemin de la Ferme du Héron", "59650", "Villeneuve-d'Ascq"),
    ("Maison des associations d'Herlies", "Rue du Bas Chemin", "59134", "Herlies"),
    ("Grange de Fromelles", "Rue de la Délivrance", "59249", "Fromelles"),
    ("Médiathèque de Fournes", "Rue Faidherbe", "59134", "Fournes-en-Weppes"),
    ("Épicerie solidaire de Marquillies", "Rue Pasteur", "59274", "Marquillies"),
    ("Cour de l'école d'Aubers", "Rue de l'Église", "59249", "Aubers"),
    ("Estaminet de Salomé", "Place du Général de Gaulle", "59496", "Salomé"),
    ("Halle de Sainghin", "Rue Henri Barbusse", "59184", "Sainghin-en-Weppes"),
    ("Tiers-lieu de Beaucamps", "Rue de Radinghem", "59134", "Beaucamps-Ligny"),
]  # fmt: skip
FARM_KINDS = [
    "Ferme", "GAEC", "EARL", "Les Jardins", "Le Rucher", "La Fromagerie", "Les Vergers",
    "Le Fournil", "La Brasserie", "La Chèvrerie",
]  # fmt: skip
FARM_PLACES = [
    "du Moulin", "des Deux Vallées", "de la Lys", "du Bois Blanc", "des Weppes",
    "du Vieux Tilleul", "de la Haute Borne", "des Peupliers", "du Marais", "Saint-Roch",
    "des Trois Chênes", "de la Deûle", "du Pévèle", "des Hirondelles", "de la Motte",
    "du Riez", "des Prés", "de Beaupré", "du Paradis", "des Aulnes",
]  # fmt: skip
# DFC-like product types: (code, French, English).
TYPES = {
    "vegetable": ("légumes", "vegetables"),
    "fruit": ("fruits", "fruits"),
    "cheese": ("fromages", "cheeses"),
    "dairy": ("produits laitiers", "dairy products"),
    "meat": ("viandes", "meat"),
    "bakery": ("boulangerie", "bakery"),
    "honey": ("miels et confitures", "honey and jams"),
    "drink": ("boissons", "drinks"),
    "egg": ("œufs", "eggs"),
}
# (type, product name, qualifiers, variants: (name, unit, size, price)).
ITEMS = [
    ("vegetable", "Carottes", ["nouvelles", "des sables", "de couleur", ""],
     [("1 kg", "kg", "1", "2.40"), ("botte", "bunch", "1", "1.90")]),
    ("vegetable", "Pommes de terre", ["Charlotte", "Bintje", "Ratte du Touquet", "Agata"],
     [("2,5 kg", "kg", "2.5", "4.50"), ("5 kg", "kg", "5", "8.20")]),
    ("vegetable", "Poireaux", ["d'hiver", "primeurs", ""], [("1 kg", "kg", "1", "3.10")]),
    ("vegetable", "Endives", ["de pleine terre", "rouges", ""], [("500 g", "g", "500", "2.60")]),
    ("vegetable", "Chou", ["vert frisé", "rouge", "de Milan", "rave"],
     [("pièce", "piece", "1", "2.20")]),
    ("vegetable", "Tomates", ["cœur de bœuf", "cerises", "anciennes", "Marmande"],
     [("500 g", "g", "500", "3.20"), ("1 kg", "kg", "1", "5.90")]),
    ("vegetable", "Courgettes", ["vertes", "jaunes", "rondes de Nice"],
     [("1 kg", "kg", "1", "2.90")]),
    ("vegetable", "Salade", ["batavia", "feuille de chêne", "mâche", "roquette"],
     [("pièce", "piece", "1", "1.30")]),
    ("vegetable", "Oignons", ["jaunes", "rouges", "de Tourcoing"], [("1 kg", "kg", "1", "2.10")]),
    ("vegetable", "Betteraves", ["cuites", "crues", "Chioggia"], [("500 g", "g", "500", "1.80")]),
    ("vegetable", "Potimarron", ["", "bio"], [("pièce (≈ 1,2 kg)", "piece", "1", "2.80")]),
    ("vegetable", "Panais", ["", "nouveaux"], [("1 kg", "kg", "1", "3.40")]),
    ("fruit", "Pommes", ["Reinette grise", "Boskoop", "Jonagold", "Belle de Boskoop",
                         "Rambour"], [("1 kg", "kg", "1", "2.90"), ("3 kg", "kg", "3", "7.90")]),
    ("fruit", "Poires", ["Conférence", "Comice", "Williams"], [("1 kg", "kg", "1", "3.40")]),
    ("fruit", "Fraises", ["Gariguette", "Mara des bois", "Charlotte"],
     [("250 g", "g", "250", "3.90")]),
    ("fruit", "Jus de pomme", ["pétillant", "nature", "pomme-poire"],
     [("1 L", "l", "1", "3.20"), ("3 L (cubi)", "l", "3", "8.50")]),
    ("fruit", "Rhubarbe", [""], [("1 kg", "kg", "1", "4.10")]),
    ("cheese", "Tomme", ["de vache", "de chèvre", "fermière", "aux herbes"],
     [("250 g", "g", "250", "5.20"), ("500 g", "g", "500", "9.80")]),
    ("cheese", "Maroilles", ["fermier", "affiné", "Sorbais"], [("pièce", "piece", "1", "8.90")]),
    ("cheese", "Crottin de chèvre", ["frais", "demi-sec", "cendré"],
     [("pièce", "piece", "1", "2.60")]),
    ("cheese", "Vieux-Lille", [""], [("250 g", "g", "250", "6.40")]),
    ("dairy", "Yaourts", ["nature", "à la vanille", "aux fruits rouges"],
     [("4 × 125 g", "piece", "4", "3.20")]),
    ("dairy", "Lait cru", ["entier", "demi-écrémé"], [("1 L", "l", "1", "1.40")]),
    ("dairy", "Beurre", ["doux", "demi-sel"], [("250 g", "g", "250", "3.60")]),
    ("dairy", "Crème fraîche", ["épaisse", "liquide"], [("50 cL", "cl", "50", "3.80")]),
    ("meat", "Colis de porc", ["fermier", "plein air"], [("5 kg", "kg", "5", "62.00")]),
    ("meat", "Saucisses", ["de Toulouse", "aux herbes", "fumées"], [("500 g", "g", "500", "8.50")]),
    ("meat", "Poulet", ["fermier", "label rouge"], [("pièce (≈ 1,8 kg)", "piece", "1", "11.50")]),
    ("meat", "Terrine", ["de campagne", "au maroilles", "de lapin"],
     [("pot 180 g", "g", "180", "5.90")]),
    ("bakery", "Pain", ["au levain", "complet", "de seigle", "aux graines", "de campagne"],
     [("500 g", "g", "500", "3.20"), ("1 kg", "kg", "1", "5.80")]),
    ("bakery", "Brioche", ["au sucre", "tressée"], [("pièce", "piece", "1", "4.50")]),
    ("bakery", "Farine", ["T65", "T80", "de sarrasin"], [("1 kg", "kg", "1", "2.30")]),
    ("honey", "Miel", ["de fleurs", "de tilleul", "de colza", "de châtaignier", "toutes fleurs"],
     [("pot 250 g", "g", "250", "6.50"), ("pot 500 g", "g", "500", "11.00")]),
    ("honey", "Confiture", ["de fraises", "de rhubarbe", "de groseilles", "de prunes"],
     [("pot 350 g", "g", "350", "4.80")]),
    ("drink", "Bière", ["blonde", "ambrée", "blanche", "triple"],
     [("33 cL", "cl", "33", "2.60"), ("75 cL", "cl", "75", "5.40")]),
    ("drink", "Cidre", ["brut", "doux"], [("75 cL", "cl", "75", "4.90")]),
    ("egg", "Œufs", ["plein air", "bio", "de poules Marans"],
     [("boîte de 6", "piece", "6", "2.40"), ("boîte de 12", "piece", "12", "4.50")]),
]  # fmt: skip
# What each kind of farm sells (ITEMS types).
SPECIALITIES = {
    "Ferme": ["vegetable", "egg", "meat"],
    "GAEC": ["dairy", "cheese", "meat"],
    "EARL": ["vegetable", "fruit"],
    "Les Jardins": ["vegetable", "fruit"],
    "Le Rucher": ["honey"],
    "La Fromagerie": ["cheese", "dairy"],
    "Les Vergers": ["fruit", "honey"],
    "Le Fournil": ["bakery"],
    "La Brasserie": ["drink"],
    "La Chèvrerie": ["cheese", "dairy"],
}


def members(count: int, seed: int, points: int = len(PICKUP_POINTS)) -> list[dict]:
    """`count` French members, each at one of `points` pickup points, from one seed."""
    rnd = random.Random(seed)
    people = []
    for n in range(count):
        first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
        village, postcode = rnd.choice(VILLAGES)
        people.append(
            {
                "first_name": first,
                "last_name": last,
                "email": f"membre{n}@bench.example",
                "phone": f"06 {rnd.randint(10, 99)} {rnd.randint(10, 99)} "
                f"{rnd.randint(10, 99)} {rnd.randint(10, 99)}",
                "street": f"{rnd.randint(1, 180)} {rnd.choice(STREETS)}",
                "postcode": postcode,
                "city": village,
                "point": n % points,
            }
        )
    return people


def write_members(path: Path, count: int, seed: int) -> list[dict]:
    people = members(count, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"seed": seed, "members": people}, ensure_ascii=False, indent=1))
    return people


# --- the hub ---------------------------------------------------------------------------------


def hub(*, slug: str, name: str, organiser_email: str):
    """The food hub with the module on and its organiser (an admin of the group)."""
    from coops.accounts.models import User
    from coops.groups.models import (
        Group,
        GroupKind,
        GroupModule,
        Membership,
        MembershipStatus,
        Role,
    )

    group = Group.objects.create(name=name, slug=slug, kind=GroupKind.FOOD_HUB)
    GroupModule.objects.create(group=group, module="shortcircuit")
    organiser = User.objects.create(email=organiser_email, display_name="Organisatrice du banc")
    Membership.objects.create(
        group=group, user=organiser, role=Role.ADMIN, status=MembershipStatus.ACTIVE
    )
    return group, organiser


def users(group, people: list[dict], *, prefix: str, batch: int = 5_000) -> list[int]:
    """One user and one active membership per person, in bulk; their ids in order."""
    from coops.accounts.models import User
    from coops.groups.models import Membership, MembershipStatus, Role

    User.objects.bulk_create(
        (
            User(
                email=f"{prefix}-{p['email']}",
                display_name=f"{p['first_name']} {p['last_name']}",
            )
            for p in people
        ),
        batch_size=batch,
    )
    ids = list(
        User.objects.filter(email__startswith=f"{prefix}-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Membership.objects.bulk_create(
        (
            Membership(group=group, user_id=uid, role=Role.MEMBER, status=MembershipStatus.ACTIVE)
            for uid in ids
        ),
        batch_size=batch,
    )
    return ids


def pickup_points(group, count: int) -> list:
    from coops.shortcircuit.models import PickupPoint

    return PickupPoint.objects.bulk_create(
        PickupPoint(
            group=group,
            name=name,
            address=street,
            postcode=postcode,
            city=city,
            geocode_status="to_geolocate",
            opening_slots=[{"weekday": 3, "start": "18:00", "end": "19:30"}],
        )
        for name, street, postcode, city in PICKUP_POINTS[:count]
    )


def catalog(group, rnd: random.Random, *, producers: int, variants: int) -> list[int]:
    """`producers` farms selling for the hub, `variants` variants in all (as evenly as
    possible), with stock on two variants in three; returns the variant ids."""
    from django.utils import timezone
    from django.utils.text import slugify

    from coops.core.search import fold
    from coops.directory.models import Actor, ActorKind, ActorStatus, LegalForm
    from coops.shortcircuit.models import HubProducer, Product, ProductType, Variant

    types = {
        key: ProductType.objects.get_or_create(
            code=f"dfc-pt:bench-{key}", defaults={"name_fr": fr, "name_en": en}
        )[0]
        for key, (fr, en) in TYPES.items()
    }
    names = set()
    farms = []
    while len(farms) < producers:
        kind, place = rnd.choice(FARM_KINDS), rnd.choice(FARM_PLACES)
        if f"{kind} {place}" not in names:
            names.add(f"{kind} {place}")
            farms.append((kind, f"{kind} {place}"))
    now = timezone.now()
    actors = Actor.objects.bulk_create(
        Actor(
            name=name,
            slug=f"bench-sc-{group.pk}-{slugify(name)}",
            kind=ActorKind.PRODUCER,
            legal_form=LegalForm.INDEPENDENT,
            city=rnd.choice(VILLAGES)[0],
            status=ActorStatus.PUBLISHED,
            published_at=now,
            geocode_status="to_geolocate",
        )
        for _kind, name in farms
    )
    HubProducer.objects.bulk_create(HubProducer(group=group, producer=a) for a in actors)
    per_farm = [variants // producers + (1 if i < variants % producers else 0)
                for i in range(producers)]  # fmt: skip
    products, rows = [], []
    for actor, (kind, _name), wanted in zip(actors, farms, per_farm, strict=True):
        choices = [item for item in ITEMS if item[0] in SPECIALITIES[kind]]
        taken, count = set(), 0
        while count < wanted:
            type_key, base, qualifiers, sizes = rnd.choice(choices)
            name = f"{base} {rnd.choice(qualifiers)}".strip()
            if name in taken:
                name = f"{name} ({len(taken) + 1})"
            taken.add(name)
            description = f"{name}, de chez {actor.name}."
            product = Product(
                producer=actor,
                name=name,
                description=description,
                product_type=types[type_key],
                search_text=fold(f"{name} {description}")[:400],
            )
            products.append(product)
            for position, (label, unit, size, price) in enumerate(sizes[: wanted - count]):
                stocked = rnd.random() < 2 / 3
                rows.append(
                    (
                        product,
                        Variant(
                            name=label,
                            unit=unit,
                            unit_size=Decimal(size),
                            price=Decimal(price),
                            vat_rate=Decimal("20") if type_key == "drink" else Decimal("5.5"),
                            stock=Decimal(rnd.randint(20, 400)) if stocked else None,
                            position=position,
                        ),
                    )
                )
                count += 1
    Product.objects.bulk_create(products, batch_size=2_000)
    for product, variant in rows:
        variant.product = product
    created = Variant.objects.bulk_create([v for _p, v in rows], batch_size=2_000)
    return [v.pk for v in created]


def distribution(group, *, title: str, points: list, status: str, days: int, organiser):
    """A distribution delivered in `days` days with one slot per pickup point; open for
    orders from yesterday until the day before delivery."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from coops.shortcircuit.models import Distribution, DistributionSlot

    zone = ZoneInfo(group.time_zone)
    day = timezone.localdate(timezone=zone) + timedelta(days=days)
    opens = datetime.combine(day - timedelta(days=days + 1), time(9), tzinfo=zone)
    dist = Distribution.objects.create(
        group=group,
        title=title,
        opens_at=opens,
        closes_at=datetime.combine(day - timedelta(days=1), time(12), tzinfo=zone),
        delivery_date=day,
        status=status,
        hub_fee_percent=Decimal("5"),
        hub_fee_per_item=Decimal("0.10"),
        created_by=organiser,
    )
    DistributionSlot.objects.bulk_create(
        DistributionSlot(
            distribution=dist,
            pickup_point=point,
            starts_at=datetime.combine(day, time(17, 30 + n % 3 * 10), tzinfo=zone),
            ends_at=datetime.combine(day, time(19, 30), tzinfo=zone),
        )
        for n, point in enumerate(points)
    )
    return dist


def offers(dist, variant_ids: list[int]) -> list:
    from coops.shortcircuit.models import Offer, Variant

    prices = dict(Variant.objects.filter(pk__in=variant_ids).values_list("pk", "price"))
    return Offer.objects.bulk_create(
        (Offer(distribution=dist, variant_id=pk, price=prices[pk]) for pk in variant_ids),
        batch_size=2_000,
    )


def bulk_orders(dist, buyers: list[tuple[int, int]], rnd: random.Random, lines=(2, 4)) -> int:
    """One placed order per (buyer id, slot id), `lines` lines each (inclusive range),
    priced like `order_place` prices them; returns the number of lines."""
    from coops.shortcircuit.models import Offer, Order, OrderLine, OrderPayment
    from coops.shortcircuit.pricing import line_amounts

    on_sale = list(
        Offer.objects.filter(distribution=dist).select_related("variant__product").order_by("pk")
    )
    orders, baskets = [], []
    for buyer, slot in buyers:
        basket = []
        for offer in rnd.sample(on_sale, rnd.randint(*lines)):
            variant = offer.variant
            quantity = Decimal(rnd.choice([1, 1, 1, 2, 2, 3]))
            weight = variant.estimated_weight if variant.variable_weight else None
            amounts = line_amounts(
                price=offer.price,
                quantity=quantity,
                fee_percent=dist.hub_fee_percent,
                fee_per_item=dist.hub_fee_per_item,
                estimated_weight=weight,
            )
            basket.append((offer, quantity, amounts))
        payment = OrderPayment.ON_SITE if rnd.random() < 0.4 else OrderPayment.BALANCE
        orders.append(
            Order(
                distribution=dist,
                buyer_id=buyer,
                slot_id=slot,
                payment=payment,
                total=sum(a.total for _o, _q, a in basket),
            )
        )
        baskets.append(basket)
    Order.objects.bulk_create(orders, batch_size=2_000)
    rows = [
        OrderLine(
            order=order,
            variant=offer.variant,
            offer=offer,
            producer_id=offer.variant.product.producer_id,
            product_name=offer.variant.product.name,
            variant_name=offer.variant.name,
            unit=offer.variant.unit,
            unit_size=offer.variant.unit_size,
            quantity=quantity,
            unit_price=amounts.unit_price,
            unit_fee=amounts.unit_fee,
            vat_rate=offer.variant.vat_rate,
            total=amounts.total,
        )
        for order, basket in zip(orders, baskets, strict=True)
        for offer, quantity, amounts in basket
    ]
    OrderLine.objects.bulk_create(rows, batch_size=5_000)
    return len(rows)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --- the benchmark's data --------------------------------------------------------------------


def configure(args) -> str:
    from bench import governance as scratch

    return scratch.app_database(
        postgres=args.postgres,
        fresh=args.fresh,
        pg_name=PG_NAME,
        sqlite_file="shortcircuit.sqlite3",
    )


def prepare(orders: int) -> dict:
    """The hub, its catalog, the shop distributions and the report distribution, once."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from coops.groups.models import Group
    from coops.shortcircuit.models import DistributionStatus, Order

    call_command("migrate", verbosity=0, interactive=False)
    group = Group.objects.filter(slug=GROUP_SLUG).first()
    if group is not None:
        held = Order.objects.filter(
            distribution__group=group, distribution__title__startswith="Livraison"
        ).count()
        if held != orders:
            raise SystemExit(
                f"the bench data holds {held} report orders, not {orders}: use --fresh"
            )
        return {"reused": True, "orders": held}
    started = perf_counter()
    print(f"  writing the hub, {VARIANTS:,} variants and {orders:,} orders…", flush=True)
    rnd = random.Random(SEED)
    with transaction.atomic():
        group, organiser = hub(
            slug=GROUP_SLUG, name="AMAP des Weppes", organiser_email="organisatrice@bench.example"
        )
        points = pickup_points(group, 5)
        variant_ids = catalog(group, rnd, producers=PRODUCERS, variants=VARIANTS)
        shop_small = distribution(
            group, title="Boutique 100", points=points, status=DistributionStatus.OPEN,
            days=6, organiser=organiser,
        )  # fmt: skip
        offers(shop_small, sorted(rnd.sample(variant_ids, 100)))
        shop_large = distribution(
            group, title="Boutique 1000", points=points, status=DistributionStatus.OPEN,
            days=7, organiser=organiser,
        )  # fmt: skip
        offers(shop_large, variant_ids)
        people = members(orders, SEED + 1, points=len(points))
        buyers = users(group, people, prefix="acheteur")
        report = distribution(
            group, title="Livraison du jeudi", points=points, status=DistributionStatus.CLOSED,
            days=2, organiser=organiser,
        )  # fmt: skip
        offers(report, sorted(rnd.sample(variant_ids, 300)))
        slots = list(report.slots.order_by("pk").values_list("pk", flat=True))
        lines = bulk_orders(
            report, [(b, slots[p["point"]]) for b, p in zip(buyers, people, strict=True)], rnd
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "reused": False,
        "seconds": round(perf_counter() - started, 1),
        "orders": orders,
        "lines": lines,
    }


def the_hub():
    from coops.accounts.models import User
    from coops.groups.models import Group
    from coops.shortcircuit.models import Distribution

    group = Group.objects.get(slug=GROUP_SLUG)
    dists = {d.title: d for d in Distribution.objects.filter(group=group)}
    organiser = User.objects.get(email="organisatrice@bench.example")
    member = User.objects.filter(email__startswith="acheteur-").order_by("pk").first()
    return group, dists, organiser, member


def client_for(user):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(user)
    return client


def url_or_none(name: str, **kwargs) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(f"groups:shortcircuit:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return None


def get_ok(client, path: str, params: dict | None = None) -> float:
    """Seconds for one GET answered 200 (anything else stops the run)."""
    started = perf_counter()
    response = client.get(path, params or {})
    elapsed = perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{path} {params or ''} answered {response.status_code}, expected 200")
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # a streamed CSV is read to its end
        elapsed = perf_counter() - started
    return elapsed


def ms(values: list[float], p: float) -> float:
    return round(percentile(values, p) * 1000, 2)


# --- 1. the shop -----------------------------------------------------------------------------


def shop_requests(dist, count: int, rnd: random.Random) -> list[dict]:
    """Seeded GET parameters: pages, searches and producer/category filters."""
    from coops.shortcircuit.models import Offer
    from coops.shortcircuit.selectors.shop import PER_PAGE

    pages = max(1, -(-Offer.objects.filter(distribution=dist).count() // PER_PAGE))
    producers = sorted(
        set(
            Offer.objects.filter(distribution=dist).values_list(
                "variant__product__producer_id", flat=True
            )
        )
    )
    categories = sorted(
        set(
            Offer.objects.filter(distribution=dist).values_list(
                "variant__product__product_type_id", flat=True
            )
        )
    )
    searches = ["carottes", "miel", "tomme chèvre", "pommes", "pain levain", "bière", "oeufs",
                "maroilles", "confiture", "fraises", "beurre", "poireaux", "jus"]  # fmt: skip
    requests = []
    for _ in range(count):
        roll = rnd.random()
        if roll < 0.5:
            requests.append({"page": rnd.randint(1, pages)})
        elif roll < 0.7:
            requests.append({"q": rnd.choice(searches)})
        elif roll < 0.85:
            requests.append({"producer": rnd.choice(producers), "page": rnd.choice([1, 1, 2])})
        else:
            requests.append({"category": rnd.choice(categories), "page": rnd.choice([1, 1, 2, 3])})
    return requests


def count_queries(client, path: str, params: dict | None = None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, params or {})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}, expected 200")
    return len(queries)


def time_shop_selectors(dist, requests: list[dict]) -> list[float]:
    """The page's reads alone (facets, then the page of offers, its items built), for the
    same requests: what is left of the page's time is the view, the form and the template."""
    from coops.shortcircuit.selectors.shop import shop_facets, shop_page

    times = []
    for params in requests:
        started = perf_counter()
        shop_facets(distribution=dist)
        shop_page(
            distribution=dist,
            query=params.get("q", ""),
            producer=params.get("producer"),
            category=params.get("category"),
            page=params.get("page", 1),
        )
        times.append(perf_counter() - started)
    return times


def bench_shop(dists: dict, member, count: int) -> dict:
    group_slug = dists["Boutique 1000"].group.slug
    path = url_or_none("shop", slug=group_slug, pk=dists["Boutique 1000"].pk)
    small = url_or_none("shop", slug=group_slug, pk=dists["Boutique 100"].pk)
    if path is None:
        return {"skipped": "the shop page (groups:shortcircuit:shop) does not exist yet"}
    client = client_for(member)
    floor = "/__bench__/floor"
    queries = {
        "100": count_queries(client, small),
        "1000": count_queries(client, path),
        "1000_search": count_queries(client, path, {"q": "miel"}),
    }
    requests = shop_requests(dists["Boutique 1000"], count, random.Random(SEED + 2))
    for params in requests[:20]:  # warm-up: templates, translations, content types
        get_ok(client, path, params)
        get_ok(client, floor)
    pages, floors = [], []
    for params in requests:
        floors.append(get_ok(client, floor))
        pages.append(get_ok(client, path, params))
    selectors = time_shop_selectors(dists["Boutique 1000"], requests)
    return {
        "selectors_p50_ms": ms(selectors, 50),
        "selectors_p95_ms": ms(selectors, 95),
        "requests": len(requests),
        "p50_ms": ms(pages, 50),
        "p95_ms": ms(pages, 95),
        "max_ms": round(max(pages) * 1000, 2),
        "floor_p50_ms": ms(floors, 50),
        "floor_p95_ms": ms(floors, 95),
        "ratio": round(statistics.median(p / f for p, f in zip(pages, floors, strict=True)), 1),
        "queries": queries,
        "path": path,
    }


# --- 2. order placement (PostgreSQL) ---------------------------------------------------------


def placement_setup(group, organiser, buyers: int, run: str, stock: int = 5_000) -> dict:
    """A fresh open distribution of 200 offers (100 with `stock` units each, 100 made to
    order) and `buyers` new users; the stock before the run. With the default stock the
    run measures placements; `--stock 30` makes the variants sell out within seconds and
    measures mostly refusals ("no longer available", rolled back)."""
    from django.db import connection, transaction

    from coops.shortcircuit.models import DistributionStatus, PickupPoint, Variant

    rnd = random.Random(SEED + 3)
    with transaction.atomic():
        points = list(PickupPoint.objects.filter(group=group).order_by("pk"))
        dist = distribution(
            group, title=f"Commandes {run}", points=points, status=DistributionStatus.OPEN,
            days=8, organiser=organiser,
        )  # fmt: skip
        pool = list(Variant.objects.filter(product__producer__hubs__group=group).order_by("pk"))
        chosen = rnd.sample(pool, 200)
        stocked, made = chosen[:100], chosen[100:]
        for variant in stocked:
            variant.stock = Decimal(rnd.randint(stock, 2 * stock))
        for variant in made:
            variant.stock = None
        Variant.objects.bulk_update(chosen, ["stock"])
        on_sale = offers(dist, [v.pk for v in chosen])
        people = members(buyers, SEED + 4)
        ids = users(group, people, prefix=f"commande{run}")
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS sc_bench_floor (n bigint, at timestamptz)")
            cursor.execute("ANALYZE")
    return {
        "distribution": dist,
        "offers": [o.pk for o in on_sale],
        "buyers": ids,
        "stock_before": {v.pk: v.stock for v in stocked},
    }


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.placed = self.refused = self.errors = 0
        self.messages: list[str] = []

    def add(self, placed=0, refused=0, error: str | None = None):
        with self.lock:
            self.placed += placed
            self.refused += refused
            if error:
                self.errors += 1
                if len(self.messages) < 5:
                    self.messages.append(error)


def _floor_worker(seconds: float, counter: Counter, worker: int) -> None:
    from django.db import connection, transaction

    deadline = perf_counter() + seconds
    n = 0
    try:
        while perf_counter() < deadline:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("INSERT INTO sc_bench_floor (n, at) VALUES (%s, now())", [n])
            n += 1
        counter.add(placed=n)
    finally:
        connection.close()


def _order_worker(seconds: float, counter: Counter, job: dict, buyers, lock) -> None:
    from django.core.exceptions import ValidationError
    from django.db import connection

    from coops.accounts.models import User
    from coops.shortcircuit.models import DistributionSlot
    from coops.shortcircuit.services.orders import order_place

    rnd = random.Random(threading.get_ident())
    dist = job["distribution"]
    slots = list(DistributionSlot.objects.filter(distribution=dist))
    deadline = perf_counter() + seconds
    placed = refused = 0
    try:
        while perf_counter() < deadline:
            with lock:
                buyer_id = next(buyers, None)
            if buyer_id is None:
                counter.add(error="no buyer left: raise --buyers")
                break
            buyer = User(pk=buyer_id)
            quantities = {pk: Decimal(rnd.choice([1, 1, 2])) for pk in
                          rnd.sample(job["offers"], rnd.randint(2, 5))}  # fmt: skip
            try:
                order_place(
                    distribution=dist, slot=rnd.choice(slots), quantities=quantities,
                    payment="on_site", acting_user=buyer,
                )  # fmt: skip
                placed += 1
            except ValidationError:
                refused += 1  # out of stock: the order rolled back
            except Exception as exc:  # counted and shown, the run goes on
                counter.add(error=f"{type(exc).__name__}: {exc}")
        counter.add(placed=placed, refused=refused)
    finally:
        connection.close()


def _slice(kind: str, threads: int, seconds: float, job: dict, buyers, lock) -> Counter:
    counter = Counter()
    if kind == "floor":
        workers = [threading.Thread(target=_floor_worker, args=(seconds, counter, n))
                   for n in range(threads)]  # fmt: skip
    else:
        job_args = (seconds, counter, job, buyers, lock)
        workers = [threading.Thread(target=_order_worker, args=job_args) for _ in range(threads)]
    started = perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    counter.elapsed = perf_counter() - started
    return counter


def placement_checks(job: dict) -> dict:
    from django.db.models import DecimalField, F, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce

    from coops.shortcircuit.models import Order, OrderLine, OrderStatus, Variant

    dist = job["distribution"]
    negative = Variant.objects.filter(stock__lt=0).count()
    taken = dict(
        OrderLine.objects.filter(order__distribution=dist, order__status=OrderStatus.PLACED)
        .values_list("variant_id")
        .annotate(q=Sum("quantity"))
    )
    now = dict(Variant.objects.filter(pk__in=job["stock_before"]).values_list("pk", "stock"))
    drift = [pk for pk, before in job["stock_before"].items()
             if before - taken.get(pk, 0) != now[pk]]  # fmt: skip
    lines_sum = Subquery(
        OrderLine.objects.filter(order=OuterRef("pk"))
        .values("order")
        .annotate(s=Sum("total"))
        .values("s"),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    wrong = (
        Order.objects.filter(distribution=dist)
        .annotate(lines_total=Coalesce(lines_sum, Decimal(0)))
        .exclude(total=F("lines_total"))
        .count()
    )
    return {
        "orders": Order.objects.filter(distribution=dist).count(),
        "lines": OrderLine.objects.filter(order__distribution=dist).count(),
        "variants_below_zero": negative,
        "stock_drift": len(drift),
        "sold_out_variants": sum(1 for pk in now if now[pk] == 0),
        "totals_not_sum_of_lines": wrong,
        "ok": negative == 0 and not drift and wrong == 0,
    }


def _in_process(task: tuple) -> tuple:
    """One process's share of a slice (--processes): the same loops as the threads."""
    kind, seconds, job, buyer_ids = task
    counter = Counter()
    if kind == "floor":
        _floor_worker(seconds, counter, 0)
    else:
        _order_worker(seconds, counter, job, iter(buyer_ids), threading.Lock())
    return counter.placed, counter.refused, counter.errors, counter.messages


class Processes:
    """--processes: each worker a forked process (no shared interpreter lock), each slice
    handing every process its own block of unused buyers."""

    def __init__(self, count: int, job: dict, per_slice: int):
        import multiprocessing

        self.count, self.job, self.per_slice = count, job, per_slice
        self.buyers = list(job["buyers"])
        self.pool = multiprocessing.get_context("fork").Pool(count)

    def run(self, kind: str, seconds: float) -> Counter:
        tasks = []
        for _ in range(self.count):
            block = [] if kind == "floor" else self.buyers[: self.per_slice]
            if kind != "floor":
                del self.buyers[: self.per_slice]
            tasks.append((kind, seconds, self.job, block))
        counter = Counter()
        started = perf_counter()
        for placed, refused, errors, messages in self.pool.map(_in_process, tasks):
            counter.placed += placed
            counter.refused += refused
            counter.errors += errors
            counter.messages += messages
        counter.elapsed = perf_counter() - started
        return counter

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


def bench_orders(group, organiser, args) -> dict:
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        return {"skipped": "order placement runs on PostgreSQL only: add --postgres"}
    run = timezone.now().strftime("%Y%m%d%H%M%S")
    job = placement_setup(group, organiser, args.buyers, run, args.stock)
    connection.close()  # the workers open their own
    if args.processes:
        workers = Processes(
            args.processes, job, len(job["buyers"]) // args.processes // (args.rounds + 1)
        )

        def run(kind: str, seconds: float) -> Counter:
            return workers.run(kind, seconds)
    else:
        buyers, lock = iter(job["buyers"]), threading.Lock()

        def run(kind: str, seconds: float) -> Counter:
            return _slice(kind, args.threads, seconds, job, buyers, lock)

    run("floor", 1.0)  # warm-up
    run("orders", 1.0)
    floors, slices = [], []
    for _ in range(args.rounds):
        floors.append(run("floor", args.seconds))
        slices.append(run("orders", args.seconds))
    if args.processes:
        workers.close()
    floor_rates = [f.placed / f.elapsed for f in floors]
    placed_rates = [s.placed / s.elapsed for s in slices]
    attempt_rates = [(s.placed + s.refused) / s.elapsed for s in slices]
    checks = placement_checks(job)
    return {
        "workers": f"{args.processes} processes" if args.processes else f"{args.threads} threads",
        "threads": args.threads,
        "processes": args.processes,
        "slice_s": args.seconds,
        "rounds": args.rounds,
        "floor_per_s": round(statistics.median(floor_rates), 1),
        "placed_per_s": round(statistics.median(placed_rates), 1),
        "attempts_per_s": round(statistics.median(attempt_rates), 1),
        "refused": sum(s.refused for s in slices),
        "placed": sum(s.placed for s in slices),
        "errors": sum(s.errors for s in slices),
        "error_samples": [m for s in slices for m in s.messages][:5],
        "ratio": round(
            statistics.median(p / f for p, f in zip(placed_rates, floor_rates, strict=True)), 3
        ),
        "floor_spread": round(
            (max(floor_rates) - min(floor_rates)) / statistics.median(floor_rates), 3
        ),
        "checks": checks,
    }


# --- 3. the reports --------------------------------------------------------------------------


_LINES = (
    " FROM shortcircuit_orderline l JOIN shortcircuit_order o ON o.id = l.order_id"
    " JOIN directory_actor a ON a.id = l.producer_id"
)
_PLACED = " WHERE o.distribution_id = %s AND o.status = 'placed'"
# Each report's numbers as one GROUP BY query: what its page cannot go below.
REPORT_SQL = {
    "producers": "SELECT a.name, l.product_name, l.variant_name, l.unit, l.unit_size,"
    " SUM(l.quantity), SUM(l.total), SUM(l.unit_fee * l.quantity)"
    + _LINES
    + _PLACED
    + " GROUP BY a.name, l.product_name, l.variant_name, l.unit, l.unit_size",
    "pickup": "SELECT o.slot_id, a.name, l.product_name, l.variant_name, l.unit, l.unit_size,"
    " SUM(l.quantity), COUNT(DISTINCT o.id)"
    + _LINES
    + _PLACED
    + " GROUP BY o.slot_id, a.name, l.product_name, l.variant_name, l.unit, l.unit_size",
    "packing": "SELECT o.slot_id, o.id, u.display_name, a.name, l.product_name, l.variant_name,"
    " SUM(l.quantity), SUM(l.total)"
    + _LINES
    + " JOIN accounts_user u ON u.id = o.buyer_id"
    + _PLACED
    + " GROUP BY o.slot_id, o.id, u.display_name, a.name, l.product_name, l.variant_name",
    "signoff": (
        "SELECT o.slot_id, o.id, u.display_name, o.payment, o.total, COUNT(l.id)"
        " FROM shortcircuit_order o JOIN accounts_user u ON u.id = o.buyer_id"
        " LEFT JOIN shortcircuit_orderline l ON l.order_id = o.id"
        " WHERE o.distribution_id = %s AND o.status = 'placed'"
        " GROUP BY o.slot_id, o.id, u.display_name, o.payment, o.total"
    ),
}


def check_tables() -> None:
    """REPORT_SQL names the tables: make sure they are still the models' tables."""
    from coops.accounts.models import User
    from coops.directory.models import Actor
    from coops.shortcircuit.models import Order, OrderLine

    tables = [m._meta.db_table for m in (OrderLine, Order, Actor, User)]
    expected = ["shortcircuit_orderline", "shortcircuit_order", "directory_actor", "accounts_user"]
    assert tables == expected, tables


def time_sql(sql: str, params: list) -> tuple[float, int]:
    from django.db import connection

    started = perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = len(cursor.fetchall())
    return perf_counter() - started, rows


def bench_reports(dist, organiser, runs: int) -> dict:
    check_tables()
    client = client_for(organiser)
    slug = dist.group.slug
    results = {}
    for kind in KINDS:
        path = url_or_none("report", slug=slug, pk=dist.pk, kind=kind)
        if path is None:
            return {"skipped": "the reports (groups:shortcircuit:report) do not exist yet"}
        sql = REPORT_SQL[kind]
        for fmt, params in (("html", {}), ("csv", {"format": "csv"})):
            get_ok(client, path, params)  # warm-up
            time_sql(sql, [dist.pk])
            pages, floors = [], []
            for _ in range(runs):
                seconds, rows = time_sql(sql, [dist.pk])
                floors.append(seconds)
                pages.append(get_ok(client, path, params))
            response = client.get(path, params)
            size = (
                len(response.content)
                if not getattr(response, "streaming", False)
                else len(b"".join(response.streaming_content))
            )
            results[f"{kind}.{fmt}"] = {
                "p50_ms": ms(pages, 50),
                "p95_ms": ms(pages, 95),
                "sql_p50_ms": ms(floors, 50),
                "sql_rows": rows,
                "ratio": round(
                    statistics.median(p / f for p, f in zip(pages, floors, strict=True)), 1
                ),
                "kb": round(size / 1024, 1),
                "queries": count_queries(client, path, params),
                "params": params,
            }
    return results


# --- the run ---------------------------------------------------------------------------------


def print_table(result: dict, where: str) -> list[str]:
    flags = []
    print(f"\nshort circuits on {where}")
    head = ("", "p50", "p95", "× floor", "target", "queries")
    print("{:<44}{:>10}{:>10}{:>9}{:>10}{:>9}".format(*head))
    print("-" * 92)
    shop = result.get("shop", {})
    if "skipped" in shop:
        print(f"{'shop page, 1,000 variants':<44}skipped: {shop['skipped']}")
    elif shop:
        q = shop["queries"]
        print(
            f"{'shop page, 1,000 variants (' + str(shop['requests']) + ' requests)':<44}"
            f"{shop['p50_ms']:>8.1f}ms{shop['p95_ms']:>8.1f}ms{shop['ratio']:>9.1f}"
            f"{'≤ 100 ms':>10}{q['1000']:>9}"
        )
        print(f"{'floor: HttpResponse through the Client':<44}{shop['floor_p50_ms']:>8.2f}ms"
              f"{shop['floor_p95_ms']:>8.2f}ms{1:>9.1f}")  # fmt: skip
        print(f"{'  its selectors alone (facets + page)':<44}{shop['selectors_p50_ms']:>8.1f}ms"
              f"{shop['selectors_p95_ms']:>8.1f}ms")  # fmt: skip
        print(f"{'queries: first page, 100 / 1,000 / search':<44}"
              f"{q['100']:>10}{q['1000']:>10}{q['1000_search']:>9}")  # fmt: skip
        if q["1000"] != q["100"]:
            flags.append(
                f"shop: {q['1000']} queries with 1,000 variants against {q['100']} with 100"
            )
        if shop["p95_ms"] > SHOP_TARGET_MS:
            flags.append(f"shop: p95 {shop['p95_ms']} ms > {SHOP_TARGET_MS} ms")
    orders = result.get("orders", {})
    if "skipped" in orders:
        print(f"{'order placement':<44}skipped: {orders['skipped']}")
    elif orders:
        label = f"order placement, {orders['workers']}"
        print(f"{label:<44}{orders['placed_per_s']:>8.0f}/s{'':>10}{orders['ratio']:>9.3f}"
              f"{'≥ 200/s':>10}")  # fmt: skip
        print(
            f"{'  attempts (placed + refused, out of stock)':<44}{orders['attempts_per_s']:>8.0f}/s"
        )
        print(
            f"{'floor: bare INSERT + COMMIT':<44}{orders['floor_per_s']:>8.0f}/s{'':>10}{1:>9.3f}"
        )
        c = orders["checks"]
        print(f"  checks: {c['orders']} orders, {c['lines']} lines; variants below zero:"
              f" {c['variants_below_zero']}; stock drift: {c['stock_drift']}; totals ≠ sum of"
              f" lines: {c['totals_not_sum_of_lines']}; sold out: {c['sold_out_variants']}"
              f" → {'OK' if c['ok'] else 'FAILED'}")  # fmt: skip
        if not c["ok"]:
            flags.append("order placement: the checks failed")
        if orders["errors"]:
            flags.append(f"order placement: {orders['errors']} errors: {orders['error_samples']}")
        if orders["placed_per_s"] < ORDERS_TARGET:
            flags.append(f"order placement: {orders['placed_per_s']}/s < {ORDERS_TARGET}/s")
    reports = result.get("reports", {})
    if "skipped" in reports:
        print(f"{'reports':<44}skipped: {reports['skipped']}")
    for key, r in reports.items():
        if not isinstance(r, dict):
            continue
        label = f"report {key} ({r.get('kb', '?')} KB)"
        if "skipped" in r:
            print(f"{'report ' + key:<44}skipped: {r['skipped']}")
            continue
        print(f"{label:<44}{r['p50_ms']:>8.1f}ms{r['p95_ms']:>8.1f}ms{r['ratio']:>9.1f}"
              f"{'≤ 1 s':>10}{r['queries']:>9}")  # fmt: skip
        if r["p95_ms"] > REPORT_TARGET_MS:
            flags.append(f"report {key}: p95 {r['p95_ms']} ms > {REPORT_TARGET_MS} ms")
    if reports and "skipped" not in reports:
        sql = {k.split(".")[0]: r["sql_p50_ms"] for k, r in reports.items() if "sql_p50_ms" in r}
        print("  floor, the report's GROUP BY alone (p50): "
              + ", ".join(f"{k} {v:.1f} ms" for k, v in sql.items()))  # fmt: skip
    print("-" * 92)
    print("× floor: median over the requests of page time / floor time just before it (shop:"
          " a bare HttpResponse; reports: the raw GROUP BY); orders: placed/s ÷ INSERT/s,"
          " median of the paired slices")  # fmt: skip
    for flag in flags:
        print(f"FLAG: {flag}")
    return flags


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--fresh", action="store_true", help="write the data again")
    parser.add_argument("--parts", default="shop,orders,reports", help="comma-separated")
    parser.add_argument("--orders", type=int, default=5_000, help="orders of the report")
    parser.add_argument("--requests", type=int, default=200, help="shop requests")
    parser.add_argument("--runs", type=int, default=5, help="runs of each report")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--processes",
        type=int,
        default=4,
        help="order placement in N processes, like gunicorn workers (0: --threads threads)",
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per slice")
    parser.add_argument("--rounds", type=int, default=3, help="paired slices (floor, orders)")
    parser.add_argument("--buyers", type=int, default=20_000, help="new buyers for placement")
    parser.add_argument(
        "--stock", type=int, default=5_000, help="units of each stocked variant (placement)"
    )
    args = parser.parse_args()
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    where = configure(args)
    from django.conf import settings

    assert not settings.DEBUG, "benchmarks run with DEBUG off"
    print(f"short-circuit benchmarks on {where}", flush=True)
    data = prepare(args.orders)
    print(f"  data {'reused' if data['reused'] else 'written in ' + str(data['seconds']) + ' s'}")
    group, dists, organiser, member = the_hub()
    result: dict = {"database": where, "data": data}
    if "shop" in parts:
        print("  shop…", flush=True)
        result["shop"] = bench_shop(dists, member, args.requests)
    if "orders" in parts:
        print("  order placement…", flush=True)
        result["orders"] = bench_orders(group, organiser, args)
    if "reports" in parts:
        print("  reports…", flush=True)
        result["reports"] = bench_reports(dists["Livraison du jeudi"], organiser, args.runs)
    result["flags"] = print_table(result, where)
    result["machine"] = {
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    name = "shortcircuit-pg.json" if args.postgres else "shortcircuit.json"
    (OUT / name).write_text(json.dumps(result, indent=2, default=str, ensure_ascii=False) + "\n")
    print(f"Written to {(OUT / name).relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
