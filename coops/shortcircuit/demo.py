"""Short circuits in the demo territory: the AMAP des Weppes runs a hub.

- Four producers of the directory sell through it, with real catalogs: Ferme Vandamme
  (vegetables, winter baskets), Ferme des Pâtures (eggs, poultry, yoghurt; it joins the
  directory here), Le Levain de Wazemmes (bread) and Les Vergers du Mont Noir (apples,
  juice).
- Two pickup points in Wavrin; a Thursday recurrence generates distributions ahead.
- A special distribution is open for orders now, with orders (some paid from the
  balance), volunteer shifts and sign-ups; last week's one was delivered, its
  variable-weight lines weighed and settled to the ledger.
- A winter vegetable season contract with subscriptions (a co-subscriber on alternate
  weeks, absences, cheques in instalments), its first delivery's orders generated.
- Needs with +1s, an open bulk order with requests and tolerances, and a closed one
  allocated by the case.

Everything goes through the services; past events are made by moving a distribution's
or a bulk order's dates back once its orders are in, as the days would have.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from coops.core.demo import DemoContext
from coops.directory.models import Actor, ActorKind, ActorStatus, Label, LegalForm
from coops.directory.seed import siret_for
from coops.directory.services.actors import actor_create
from coops.groups.services import group_module_enable

from .models import (
    BulkOrder,
    ContractStatus,
    Distribution,
    DistributionStatus,
    OrderLine,
    OrderPayment,
    ProductType,
    Unit,
)
from .services.bulk import (
    bulk_order_close,
    bulk_order_create,
    bulk_order_open,
    bulk_request_set,
    need_post,
    need_vote,
)
from .services.catalog import VariantInput, product_save
from .services.contracts import (
    OptionSpec,
    contract_deliveries_link,
    contract_orders_generate,
    contract_save,
    contract_transition,
)
from .services.distributions import SlotSpec, distribution_save, distribution_transition, offers_set
from .services.orders import order_place
from .services.pickup import hub_producer_add, pickup_point_save
from .services.recurrences import recurrence_save, recurrences_generate
from .services.settlement import distribution_settle, order_payment_record
from .services.shifts import shift_create, shift_signup
from .services.subscriptions import instalment_record, subscription_create
from .services.weights import line_weigh
from .taxonomy import product_types_sync

HUB = "amap-des-weppes"
D = Decimal

# producer key in ctx.extra["actors"] is looked up by name; owner key acts for it.
# (product, description, DFC type, organic, [(variant, unit, size, price, vat, stock,
#   variable weight estimate)])
CATALOGS: dict[str, list] = {
    "Ferme Vandamme": [
        ("Carottes des sables", "Carottes de plein champ, lavées.", "carrot", True,
         [("1 kg", Unit.KILOGRAM, "1", "2.40", "5.5", "40", None)]),
        ("Poireaux", "Poireaux d'hiver, botte de trois.", "leek", True,
         [("Botte", Unit.BUNCH, "1", "2.80", "5.5", "25", None)]),
        ("Pommes de terre Charlotte", "Chair ferme, idéales vapeur.", "potato", True,
         [("2,5 kg", Unit.KILOGRAM, "2.5", "5.50", "5.5", "30", None)]),
        ("Potimarron", "Courge Uchiki Kuri, prix au kilo, pesée à la distribution.",
         "uchiki-kuri-squash", True,
         [("Pièce", Unit.PIECE, "1", "2.90", "5.5", "20", "1.3")]),
        ("Mâche", "Mâche nantaise, sachet de 150 g.", "corn-salad", True,
         [("Sachet 150 g", Unit.GRAM, "150", "2.20", "5.5", "15", None)]),
        ("Panier de légumes de saison", "Le panier du contrat d'hiver.", "vegetable", True,
         [("Petit panier", Unit.PIECE, "1", "12.00", "5.5", None, None),
          ("Grand panier", Unit.PIECE, "1", "18.00", "5.5", None, None)]),
    ],
    "Ferme des Pâtures": [
        ("Œufs plein air", "Poules élevées en plein air à Radinghem-en-Weppes.", "egg", True,
         [("Boîte de 6", Unit.PIECE, "6", "2.60", "5.5", "30", None),
          ("Plateau de 30", Unit.PIECE, "30", "11.50", "5.5", "6", None)]),
        ("Poulet fermier", "Poulet prêt à cuire, prix au kilo.", "chicken", True,
         [("Pièce", Unit.PIECE, "1", "11.50", "5.5", "8", "1.8")]),
        ("Yaourt nature au lait entier", "Lot de 4 pots de 125 g.", "natural-yogurt", True,
         [("4 × 125 g", Unit.PIECE, "4", "2.40", "5.5", None, None)]),
    ],
    "Le Levain de Wazemmes": [
        ("Pain de campagne au levain", "Farine T80 bio, cuit au feu de bois.", "bread", True,
         [("1 kg", Unit.KILOGRAM, "1", "5.20", "5.5", None, None),
          ("500 g", Unit.GRAM, "500", "2.90", "5.5", None, None)]),
        ("Brioche au beurre", "Brioche tressée, 400 g.", "viennoiserie-", False,
         [("400 g", Unit.GRAM, "400", "6.50", "5.5", "10", None)]),
    ],
    "Les Vergers du Mont Noir": [
        ("Jus de pomme", "Pur jus de pommes du Mont Noir, non filtré.", "fruit-juice", True,
         [("1 L", Unit.LITRE, "1", "3.40", "5.5", "60", None),
          ("Bag-in-box 3 L", Unit.LITRE, "3", "8.90", "5.5", "12", None)]),
        ("Pommes Belle de Boskoop", "Acidulées, parfaites en tarte.", "apples", True,
         [("1 kg", Unit.KILOGRAM, "1", "2.80", "5.5", "50", None)]),
    ],
}  # fmt: skip

# buyer: [(product name, variant, quantity)], payment
OPEN_ORDERS = [
    ("lea", [("Carottes des sables", "1 kg", 2), ("Œufs plein air", "Boîte de 6", 1),
             ("Pain de campagne au levain", "1 kg", 1)], OrderPayment.BALANCE),
    ("claire", [("Potimarron", "Pièce", 1), ("Jus de pomme", "1 L", 2),
                ("Brioche au beurre", "400 g", 1)], OrderPayment.ON_SITE),
    ("nadia", [("Poireaux", "Botte", 1), ("Poulet fermier", "Pièce", 1),
               ("Mâche", "Sachet 150 g", 1)], OrderPayment.BALANCE),
    ("chloe", [("Pommes Belle de Boskoop", "1 kg", 2), ("Yaourt nature au lait entier",
               "4 × 125 g", 2)], OrderPayment.ON_SITE),
    ("sarah", [("Pommes de terre Charlotte", "2,5 kg", 1), ("Œufs plein air",
               "Plateau de 30", 1)], OrderPayment.BALANCE),
]  # fmt: skip

PAST_ORDERS = [
    ("lea", [("Potimarron", "Pièce", 2), ("Jus de pomme", "1 L", 1)], OrderPayment.BALANCE),
    ("claire", [("Poulet fermier", "Pièce", 1), ("Carottes des sables", "1 kg", 1)],
     OrderPayment.ON_SITE),
    ("sarah", [("Pain de campagne au levain", "500 g", 2), ("Mâche", "Sachet 150 g", 1)],
     OrderPayment.BALANCE),
]  # fmt: skip
PAST_WEIGHTS = {("lea", "Potimarron"): "2.74", ("claire", "Poulet fermier"): "1.92"}

NEEDS = [
    ("chloe", "Riz complet bio", "5", Unit.KILOGRAM, "month", ["sarah", "nadia", "lea"]),
    ("claire", "Huile d'olive vierge extra", "1", Unit.LITRE, "month", ["lea"]),
    ("nadia", "Farine de blé T80", "3", Unit.KILOGRAM, "month", ["bernard"]),
    ("sarah", "Savon de Marseille", None, "", "year", []),
]

# (name, unit, unit size, case size, unit price, tiers)
BULK_ARTICLES = [
    ("Riz complet de Camargue bio", Unit.KILOGRAM, "1", 6, "3.20",
     [{"min_units": 24, "unit_price": "2.95"}]),
    ("Lentilles vertes bio", Unit.KILOGRAM, "1", 5, "4.10", []),
    ("Huile d'olive vierge extra", Unit.LITRE, "1", 6, "11.50", []),
]  # fmt: skip
# member: {article index: (quantity, tolerance)}
BULK_REQUESTS = [
    ("chloe", {0: (5, 2), 1: (2, 0)}),
    ("sarah", {0: (3, 1), 2: (1, 1)}),
    ("nadia", {0: (2, 0), 1: (1, 1), 2: (2, 0)}),
    ("lea", {0: (1, 2)}),
]


def _new_producer(ctx: DemoContext) -> Actor:
    """The egg and poultry farm of the hub, signed up in the directory by its farmer."""
    return actor_create(
        acting_user=ctx.users["pierre"],
        name="Ferme des Pâtures",
        kind=ActorKind.PRODUCER,
        legal_form=LegalForm.AGRICULTURAL_COOP,
        description=(
            "Œufs de poules plein air, volailles fermières et yaourts au lait entier, "
            "en vente directe dans les Weppes."
        ),
        street="12 rue du Bas Chemin",
        postcode="59320",
        city="Radinghem-en-Weppes",
        latitude=Decimal("50.623400"),
        longitude=Decimal("2.899700"),
        email="contact@ferme-des-patures.example.org",
        status=ActorStatus.PUBLISHED,
        siret=siret_for(1, 2026_11_24),
        labels=list(Label.objects.filter(slug="agriculture-biologique")),
        owners=[ctx.users["pierre"]],
    )


def _catalogs(ctx: DemoContext, actors: dict[str, Actor]) -> dict[tuple[str, str], object]:
    types = {t.code: t for t in ProductType.objects.all()}
    organic = Label.objects.filter(slug="agriculture-biologique").first()
    variants = {}
    for producer_name, products in CATALOGS.items():
        producer = actors[producer_name]
        owner = producer.owners.first() or ctx.users["admin"]
        for name, description, code, bio, rows in products:
            product = product_save(
                producer=producer,
                fields={"name": name, "description": description, "product_type": types.get(code)},
                variants=[
                    VariantInput(
                        fields={
                            "name": vname,
                            "unit": unit,
                            "unit_size": D(size),
                            "price": D(price),
                            "vat_rate": D(vat),
                            "variable_weight": weight is not None,
                            "estimated_weight": D(weight) if weight else None,
                        },
                        stock=D(stock) if stock is not None else None,
                    )
                    for vname, unit, size, price, vat, stock, weight in rows
                ],
                labels=[organic] if bio and organic else [],
                acting_user=owner,
            )
            for variant in product.variants.all():
                variants[(name, variant.name)] = variant
    return variants


def _at(day, hour: int, minute: int, zone) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _order(ctx, distribution, variants, offers, who, items, payment):
    return order_place(
        distribution=distribution,
        slot=distribution.slots.order_by("pk").first(),
        quantities={offers[variants[(p, v)].pk].pk: D(q) for p, v, q in items},
        payment=payment,
        acting_user=ctx.users[who],
    )


def _distribution(ctx, group, organiser, title, day, points, variants, fee):
    zone = group.zone
    now_local = timezone.now().astimezone(zone)
    distribution = distribution_save(
        group=group,
        acting_user=organiser,
        title=title,
        opens_at=now_local - timedelta(days=1),
        closes_at=_at(day - timedelta(days=1), 20, 0, zone),
        delivery_date=day,
        hub_fee_percent=D(fee),
        notes="Pensez à vos sacs et à vos boîtes à œufs.",
        slots=[SlotSpec(point=p, start=start, end=end) for p, start, end in points],
    )
    offers_set(
        distribution=distribution,
        prices={
            v.pk: None for (p, _n), v in variants.items() if p != "Panier de légumes de saison"
        },
        acting_user=organiser,
    )
    distribution = distribution_transition(
        distribution=distribution, to=DistributionStatus.OPEN, acting_user=organiser
    )
    return distribution, {o.variant_id: o for o in distribution.offers.all()}


def load_shortcircuit(ctx: DemoContext) -> None:
    product_types_sync()
    group = ctx.groups[HUB]
    organiser = ctx.users["martine"]
    group_module_enable(group=group, module="shortcircuit", acting_user=ctx.users["karim"])
    _new_producer(ctx)
    actors = {a.name: a for a in Actor.objects.filter(name__in=list(CATALOGS))}
    variants = _catalogs(ctx, actors)
    for producer in actors.values():
        hub_producer_add(group=group, producer=producer, acting_user=organiser)

    hall = pickup_point_save(
        group=group,
        acting_user=organiser,
        name="Salle des fêtes de Wavrin",
        address="Rue du Général de Gaulle",
        postcode="59136",
        city="Wavrin",
        instructions="Entrée par la cour, à gauche de la mairie.",
        opening_slots=[{"weekday": 3, "start": "18:00", "end": "19:30"}],
    )
    farm = pickup_point_save(
        group=group,
        acting_user=organiser,
        name="À la ferme Vandamme",
        address="Chemin du Marais",
        postcode="59136",
        city="Wavrin",
        instructions="Sonnez au hangar.",
        opening_slots=[{"weekday": 5, "start": "10:00", "end": "12:00"}],
    )

    zone = group.zone
    today = group.today()
    # The special distribution open now, delivered in four days at both points.
    special_day = today + timedelta(days=4)
    special, offers = _distribution(
        ctx,
        group,
        organiser,
        "Marché de l'Avent des producteurs",
        special_day,
        [(hall, time(18), time(19, 30)), (farm, time(10), time(12))],
        variants,
        "3",
    )
    for who, items, payment in OPEN_ORDERS:
        _order(ctx, special, variants, offers, who, items, payment)
    setup = shift_create(
        distribution=special,
        acting_user=organiser,
        title="Installation et accueil",
        starts_at=_at(special_day, 17, 30, zone),
        ends_at=_at(special_day, 19, 0, zone),
        needed=3,
    )
    store = shift_create(
        distribution=special,
        acting_user=organiser,
        title="Rangement et invendus",
        starts_at=_at(special_day, 19, 0, zone),
        ends_at=_at(special_day, 20, 0, zone),
        needed=2,
    )
    for who, shift in (("claire", setup), ("chloe", setup), ("sarah", store)):
        shift_signup(shift=shift, acting_user=ctx.users[who])

    # Last week's distribution: delivered, weighed, paid on site, settled.
    past_day = today + timedelta(days=3)
    past, past_offers = _distribution(
        ctx, group, organiser, "Distribution du jeudi", past_day,
        [(hall, time(18), time(19, 30))], variants, "0",
    )  # fmt: skip
    orders = [_order(ctx, past, variants, past_offers, *row) for row in PAST_ORDERS]
    week = timedelta(days=10)
    Distribution.objects.filter(pk=past.pk).update(
        opens_at=past.opens_at - week - timedelta(days=3),
        closes_at=past.closes_at - week,
        delivery_date=past.delivery_date - week,
    )
    for slot in past.slots.all():
        type(slot).objects.filter(pk=slot.pk).update(
            starts_at=slot.starts_at - week, ends_at=slot.ends_at - week
        )
    past.refresh_from_db()
    past = distribution_transition(
        distribution=past, to=DistributionStatus.CLOSED, acting_user=organiser
    )
    for (who, product), weight in PAST_WEIGHTS.items():
        line = OrderLine.objects.get(order__distribution=past, order__buyer=ctx.users[who],
                                     product_name=product)  # fmt: skip
        line_weigh(line=line, actual_weight=D(weight), acting_user=organiser)
    past = distribution_transition(
        distribution=past, to=DistributionStatus.DELIVERED, acting_user=organiser
    )
    for order in orders:
        order.refresh_from_db()
        if order.payment == OrderPayment.ON_SITE:
            order_payment_record(
                order=order,
                method="cash",
                amount=order.total,
                received_on=past.delivery_date,
                acting_user=organiser,
            )
    distribution_settle(distribution=past, acting_user=organiser)

    # Thursdays ahead, from the recurrence.
    recurrence_save(
        group=group,
        acting_user=organiser,
        pickup_point=hall,
        title="Distribution du jeudi",
        weekday=3,
        start_time=time(18),
        end_time=time(19, 30),
        opens_days_before=7,
        closes_hours_before=48,
        weeks_ahead=4,
        volunteers_needed=2,
        starts_on=today + timedelta(days=8),
    )
    generated = recurrences_generate(today=today, acting_user=organiser)
    weekly = {v.pk: None for (p, _n), v in variants.items() if p != "Panier de légumes de saison"}
    for thursday in Distribution.objects.filter(recurrence__isnull=False, offers__isnull=True):
        offers_set(distribution=thursday, prices=weekly, acting_user=organiser)

    contract = _contract(ctx, group, organiser, actors["Ferme Vandamme"], hall, variants, today)
    _group_purchases(ctx, group, organiser)
    ctx.log(
        f"short circuits: {len(variants)} variants from {len(actors)} producers, "
        f"{len(OPEN_ORDERS)} orders in an open distribution, one settled, {generated} "
        f"distributions generated ahead, {contract.subscriptions.count()} season subscriptions"
    )


def _contract(ctx, group, organiser, vandamme, hall, variants, today):
    first = today + timedelta(days=(3 - today.weekday()) % 7 + 7)
    contract = contract_save(
        group=group,
        acting_user=organiser,
        producer=vandamme,
        title="Contrat légumes d'hiver",
        description=(
            "Un panier de légumes de saison chaque jeudi, de décembre à mars. Le grand panier "
            "nourrit une famille de quatre."
        ),
        kind="fixed",
        starts_on=first,
        ends_on=first + timedelta(weeks=15),
        weekday=3,
        pickup_point=hall,
        options=[
            OptionSpec(
                name="Petit panier",
                price_per_delivery=D("12.00"),
                description="3 à 4 légumes, pour 1 à 2 personnes",
                variant=variants[("Panier de légumes de saison", "Petit panier")],
            ),
            OptionSpec(
                name="Grand panier",
                price_per_delivery=D("18.00"),
                description="5 à 6 légumes, pour une famille",
                variant=variants[("Panier de légumes de saison", "Grand panier")],
            ),
        ],
        max_absences=3,
        absence_notice_days=7,
        instalment_choices=[1, 4, 8],
    )
    contract = contract_transition(
        contract=contract, status=ContractStatus.OPEN, acting_user=organiser
    )
    small, large = list(contract.options.order_by("position", "pk"))
    deliveries = list(contract.deliveries.order_by("date"))
    lea = subscription_create(
        contract=contract, option=large, quantity=1, instalments=4,
        acting_user=ctx.users["lea"], co_subscriber=ctx.users["claire"],
        cheque_numbers=["0004131", "0004132", "0004133", "0004134"], bank="Crédit Coopératif",
    )  # fmt: skip
    subscription_create(
        contract=contract, option=small, quantity=1, instalments=8,
        acting_user=ctx.users["nadia"], absences=deliveries[3:5], bank="La Banque Postale",
    )  # fmt: skip
    subscription_create(
        contract=contract, option=small, quantity=1, instalments=1,
        acting_user=ctx.users["sarah"], absences=deliveries[6:7],
    )  # fmt: skip
    first_cheque = lea.instalment_rows.order_by("number").first()
    instalment_record(
        instalment=first_cheque,
        acting_user=organiser,
        cheque_number=first_cheque.cheque_number,
        bank="Crédit Coopératif",
        received_on=today,
        cash_on=today + timedelta(days=2),
    )
    # The first delivery is linked now; the tick links and fills each next one a week ahead.
    contract_deliveries_link(contract=contract, until=first, acting_user=organiser)
    contract_orders_generate(delivery=contract.deliveries.order_by("date").first(),
                             acting_user=organiser)  # fmt: skip
    return contract


def _group_purchases(ctx, group, organiser):
    for author, title, quantity, unit, period, supporters in NEEDS:
        need = need_post(
            group=group,
            acting_user=ctx.users[author],
            title=title,
            quantity=D(quantity) if quantity else None,
            unit=unit,
            period=period,
        )
        for who in supporters:
            need_vote(need=need, acting_user=ctx.users[who])

    def articles():
        return [
            {"name": n, "unit": u, "unit_size": D(s), "case_size": c, "unit_price": D(p),
             "price_tiers": t}
            for n, u, s, c, p, t in BULK_ARTICLES
        ]  # fmt: skip

    zone = group.zone
    now_local = timezone.now().astimezone(zone)
    closed = bulk_order_create(
        group=group,
        acting_user=organiser,
        title="Épicerie sèche d'octobre",
        supplier_name="Moulin de la Lys",
        closes_at=now_local + timedelta(days=1),
        minimum_total=D("150"),
        articles=articles(),
    )
    current = bulk_order_create(
        group=group,
        acting_user=organiser,
        title="Épicerie sèche de décembre",
        supplier_name="Moulin de la Lys",
        closes_at=now_local + timedelta(days=9),
        minimum_total=D("150"),
        notes="Livraison à la salle des fêtes le jeudi suivant la clôture.",
        articles=articles(),
    )
    for bulk in (closed, current):
        bulk = bulk_order_open(bulk_order=bulk, acting_user=organiser)
        items = list(bulk.articles.order_by("pk"))
        for who, asks in BULK_REQUESTS:
            for index, (quantity, tolerance) in asks.items():
                bulk_request_set(
                    article=items[index],
                    acting_user=ctx.users[who],
                    quantity=quantity,
                    tolerance=tolerance,
                )
    BulkOrder.objects.filter(pk=closed.pk).update(closes_at=now_local - timedelta(days=20))
    closed.refresh_from_db()
    bulk_order_close(bulk_order=closed, acting_user=organiser)
