"""The organisers' reports of a distribution and the producers' sales.

Every report is a `Report`: columns, then sections (a producer, a pickup slot), each
made of blocks (one per order in the packing list, else a single block) of typed rows.
The same object prints as HTML and exports as CSV (see reports_csv).

Guarantees:
- only placed orders count; cancelled orders never appear;
- volumes and amounts are summed in SQL (`values().annotate(Sum)`), lines are read with
  `values_list`, so a report runs a constant number of queries whatever its size;
- the hub's fee of a line is recomputed exactly as `pricing.line_amounts` took it
  (unit fee × quantity for fixed prices; for variable weight, the percentage of the
  line's price plus the fee per item), and the producer is due the line's total minus
  that fee;
- a producer's selectors only ever read that producer's lines, and show buyers' names
  only (never their contact details).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, F, Func, Sum, Value, When
from django.db.models.functions import Coalesce, Round
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from ..models import (
    Distribution,
    DistributionSlot,
    Order,
    OrderLine,
    OrderPayment,
    OrderStatus,
    Unit,
)

KINDS = ("producers", "pickup", "packing", "signoff")
UNITS = frozenset(Unit.values)
ZERO = Decimal("0")
CENT = Decimal("0.01")
GRAM = Decimal("0.001")
HUNDRED = Decimal("100")
EPSILON = Decimal("0.0000001")
AMOUNT = DecimalField(max_digits=16, decimal_places=2)
WEIGHT = DecimalField(max_digits=16, decimal_places=3)


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    # text | qty | kg | money | count | blank (an empty cell to write in)
    kind: str = "text"


@dataclass(slots=True)
class Block:
    heading: str = ""
    # What identifies the block in a CSV row (e.g. the order number and buyer).
    keys: tuple = ()
    rows: list[tuple] = field(default_factory=list)
    html: str = ""  # the rows rendered (reports_csv.html_report)


@dataclass(slots=True)
class Section:
    anchor: str
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    total: tuple | None = None  # a footer row, same columns
    foot: str = ""  # the footer rendered


@dataclass(slots=True)
class Report:
    kind: str
    title: str
    currency: str
    section_label: str
    columns: list[Column]
    block_labels: tuple = ()
    sections: list[Section] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def report_titles() -> dict[str, str]:
    return {
        "producers": _("Volumes per producer"),
        "pickup": _("Volumes per pickup point"),
        "packing": _("Packing list per member"),
        "signoff": _("Sign-off sheet"),
    }


# --- shared pieces ---------------------------------------------------------------------------


class _Divide(Func):
    """a / b. On SQLite, Django casts each step of an arithmetic on decimals to NUMERIC,
    which stores 10.00 and 6.00 as integers, so 60 / 106 would divide as integers (0):
    there the division is made on reals. PostgreSQL divides numerics exactly."""

    arg_joiner = " / "
    template = "(%(expressions)s)"
    output_field = AMOUNT

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(1.0 * %(expressions)s)")


def line_fee() -> Round:
    """The hub's fee of one line, rounded to the cent, in SQL (see pricing.line_amounts):
    fixed price: unit fee × quantity; variable weight: the line's total T holds the
    producer's part P plus round(P × p% + f × quantity), so the fee is
    (T × p + 100 × f × quantity) / (100 + p), within half a cent of the fee taken,
    rounded. EPSILON only matters on SQLite, whose floats hold 0.185 as 0.18499…: it
    is far smaller than the distance of an exact value to the next rounding boundary."""
    p = F("order__distribution__hub_fee_percent")
    f = F("order__distribution__hub_fee_per_item")
    weighed = _Divide(F("total") * p + Value(HUNDRED) * f * F("quantity"), Value(HUNDRED) + p)
    return Round(
        Case(
            When(estimated_weight__isnull=True, then=F("unit_fee") * F("quantity")),
            default=weighed,
            output_field=AMOUNT,
        )
        + Value(EPSILON),
        2,
        output_field=AMOUNT,
    )


def _volumes() -> dict:
    return {
        "qty": Sum("quantity"),
        "est_kg": Sum(F("estimated_weight") * F("quantity"), output_field=WEIGHT),
        "weighed_kg": Sum("actual_weight"),
    }


def _amounts() -> dict:
    return {"sales": Sum("total"), "fee": Sum(line_fee(), output_field=AMOUNT)}


def _money(value) -> Decimal:
    return (Decimal(value) if value is not None else ZERO).quantize(CENT)


def _kg(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(GRAM)


def _qty(value) -> Decimal:
    return Decimal(value).quantize(GRAM)


def unit_text(unit: str, size) -> str:
    label = Unit(unit).label if unit in UNITS else unit
    return f"{number_format(Decimal(size).normalize())} {label}"


def _unit_texts() -> Callable[[str, Any], str]:
    """`unit_text`, computed once per unit and size (a report repeats them)."""
    cache: dict[tuple, str] = {}

    def text(unit: str, size) -> str:
        key = (unit, size)
        if key not in cache:
            cache[key] = unit_text(unit, size)
        return cache[key]

    return text


def buyer_name(display_name: str, email: str, erased_at) -> str:
    """The name on the bag: what `User.public_name` shows, without reading the row."""
    if erased_at:
        return _("Former member")
    return display_name or email.split("@")[0]


def payment_labels() -> dict[str, str]:
    return {
        OrderPayment.BALANCE: _("Paid from balance"),
        OrderPayment.ON_SITE: _("To pay on site"),
        OrderPayment.CONTRACT: _("Season contract"),
    }


def slot_title(slot: DistributionSlot) -> tuple[str, str]:
    """The pickup point's name, and when (in the active time zone, the group's)."""
    starts = timezone.localtime(slot.starts_at)
    ends = timezone.localtime(slot.ends_at)
    when = _("%(day)s, %(start)s–%(end)s") % {
        "day": date_format(starts, "l j F Y"),
        "start": date_format(starts, "H:i"),
        "end": date_format(ends, "H:i"),
    }
    point = slot.pickup_point
    where = ", ".join(p for p in (point.address, f"{point.postcode} {point.city}".strip()) if p)
    return point.name, f"{when} · {where}" if where else when


def _slots(distribution: Distribution) -> list[DistributionSlot]:
    return list(
        DistributionSlot.objects.filter(distribution=distribution)
        .select_related("pickup_point")
        .order_by("starts_at", "pickup_point__name", "pk")
    )


def _placed_lines(distribution: Distribution):
    return OrderLine.objects.filter(
        order__distribution=distribution, order__status=OrderStatus.PLACED
    )


def _volume_cells(row: dict) -> tuple:
    return (
        row["product_name"],
        row["variant_name"],
        unit_text(row["unit"], row["unit_size"]),
        _qty(row["qty"]),
        _kg(row["est_kg"]),
        _kg(row["weighed_kg"]),
    )


def _volume_columns() -> list[Column]:
    return [
        Column(_("Product")),
        Column(_("Variant")),
        Column(_("Unit")),
        Column(_("Quantity"), "qty"),
        Column(_("Estimated kg"), "kg"),
        Column(_("Weighed kg"), "kg"),
    ]


def _sum_kg(values) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, ZERO) if present else None


# --- organiser reports -----------------------------------------------------------------------


def report_producers(distribution: Distribution) -> Report:
    """What each producer brings: per product and variant, the quantity, the kilograms
    of variable-weight products, the sales, the hub's fee and what the producer is due."""
    rows = (
        _placed_lines(distribution)
        .values("producer_id", "producer__name", "product_name", "variant_name", "unit")
        .annotate(unit_size=F("unit_size"), **_volumes(), **_amounts())
        .order_by("producer__name", "producer_id", "product_name", "variant_name", "unit_size")
    )
    report = Report(
        kind="producers",
        title=report_titles()["producers"],
        currency=distribution.currency,
        section_label=_("Producer"),
        columns=[
            *_volume_columns(),
            Column(_("Sales"), "money"),
            Column(_("Hub fee"), "money"),
            Column(_("Due to the producer"), "money"),
        ],
    )
    sections: dict[int, Section] = {}
    for row in rows:
        section = sections.get(row["producer_id"])
        if section is None:
            section = sections[row["producer_id"]] = Section(
                anchor=f"producer-{row['producer_id']}",
                title=row["producer__name"],
                blocks=[Block()],
            )
        sales, fee = _money(row["sales"]), _money(row["fee"])
        section.blocks[0].rows.append((*_volume_cells(row), sales, fee, sales - fee))
    for section in sections.values():
        _foot_amounts(section, money_from=6)
    report.sections = list(sections.values())
    _summarise(report, money_from=6)
    return report


def _foot_amounts(section: Section, *, money_from: int) -> None:
    rows = section.blocks[0].rows
    width = len(rows[0])
    sums = tuple(sum((r[i] for r in rows), ZERO) for i in range(money_from, width))
    section.total = (_("Total"), *([""] * (money_from - 1)), *sums)


def _summarise(report: Report, *, money_from: int) -> None:
    totals = [s.total for s in report.sections]
    report.summary = {
        "total": tuple(sum((t[i] for t in totals), ZERO) for i in range(money_from, len(totals[0])))
        if totals
        else ()
    }


def report_pickup(distribution: Distribution) -> Report:
    """Volumes per pickup slot, per producer and product."""
    rows = (
        _placed_lines(distribution)
        .values("order__slot_id", "producer__name", "product_name", "variant_name", "unit")
        .annotate(unit_size=F("unit_size"), orders=Count("order_id", distinct=True), **_volumes())
        .order_by("order__slot_id", "producer__name", "product_name", "variant_name", "unit_size")
    )
    by_slot: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_slot[row["order__slot_id"]].append(
            (row["producer__name"], *_volume_cells(row), row["orders"])
        )
    report = Report(
        kind="pickup",
        title=report_titles()["pickup"],
        currency=distribution.currency,
        section_label=_("Pickup point"),
        columns=[Column(_("Producer")), *_volume_columns(), Column(_("Orders"), "count")],
    )
    for slot in _slots(distribution):
        if slot.pk not in by_slot:
            continue
        title, subtitle = slot_title(slot)
        report.sections.append(
            Section(
                anchor=f"slot-{slot.pk}",
                title=title,
                subtitle=subtitle,
                blocks=[Block(rows=by_slot[slot.pk])],
            )
        )
    return report


def _orders(distribution: Distribution):
    return Order.objects.filter(distribution=distribution, status=OrderStatus.PLACED)


def _buyer_sorted(orders: list[tuple]) -> list[tuple]:
    """(name, …) rows by name as people read it, then by order number."""
    return sorted(orders, key=lambda o: (o[1].casefold(), o[1], o[0]))


def report_packing(distribution: Distribution) -> Report:
    """One block per order with its lines, per pickup slot, buyers sorted by name."""
    labels = payment_labels()
    orders = [
        (pk, buyer_name(display, email, erased), slot_id, payment, total, note)
        for pk, display, email, erased, slot_id, payment, total, note in _orders(
            distribution
        ).values_list(
            "pk",
            "buyer__display_name",
            "buyer__email",
            "buyer__erased_at",
            "slot_id",
            "payment",
            "total",
            "note",
        )
    ]
    units = _unit_texts()
    lines: dict[int, list[tuple]] = defaultdict(list)
    for order_id, producer, product, variant, unit, size, quantity, kg, total in (
        _placed_lines(distribution)
        .annotate(
            kg=Coalesce("actual_weight", F("estimated_weight") * F("quantity"), output_field=WEIGHT)
        )
        .order_by("order_id", "producer__name", "product_name", "variant_name", "pk")
        .values_list(
            "order_id",
            "producer__name",
            "product_name",
            "variant_name",
            "unit",
            "unit_size",
            "quantity",
            "kg",
            "total",
        )
    ):
        lines[order_id].append((producer, product, variant, units(unit, size), quantity, kg, total))
    report = Report(
        kind="packing",
        title=report_titles()["packing"],
        currency=distribution.currency,
        section_label=_("Pickup point"),
        columns=[
            Column(_("Producer")),
            Column(_("Product")),
            Column(_("Variant")),
            Column(_("Unit")),
            Column(_("Quantity"), "qty"),
            Column(_("kg"), "kg"),
            Column(_("Amount"), "money"),
        ],
        block_labels=(_("Order"), _("Buyer"), _("Payment"), _("Note")),
    )
    heading_format = _("%(buyer)s · order #%(number)s · %(payment)s")
    by_slot: dict[int, list[tuple]] = defaultdict(list)
    for order in _buyer_sorted(orders):
        by_slot[order[2]].append(order)
    for slot in _slots(distribution):
        if slot.pk not in by_slot:
            continue
        title, subtitle = slot_title(slot)
        blocks = []
        for pk, name, _slot, payment, _total, note in by_slot[slot.pk]:
            heading = heading_format % {
                "buyer": name,
                "number": pk,
                "payment": labels.get(payment, payment),
            }
            blocks.append(
                Block(
                    heading=f"{heading} · {note}" if note else heading,
                    keys=(pk, name, labels.get(payment, payment), note),
                    rows=lines.get(pk, []),
                )
            )
        report.sections.append(
            Section(anchor=f"slot-{slot.pk}", title=title, subtitle=subtitle, blocks=blocks)
        )
    return report


def report_signoff(distribution: Distribution) -> Report:
    """The sign-off sheet (émargement): a row per order, by name, per pickup slot, with
    an empty column to sign. The user model holds no telephone, so none is shown."""
    labels = payment_labels()
    orders = [
        (pk, buyer_name(display, email, erased), slot_id, items, labels.get(payment, payment), tot)
        for pk, display, email, erased, slot_id, items, payment, tot in _orders(distribution)
        .annotate(items=Count("lines"))
        .order_by()
        .values_list(
            "pk",
            "buyer__display_name",
            "buyer__email",
            "buyer__erased_at",
            "slot_id",
            "items",
            "payment",
            "total",
        )
    ]
    report = Report(
        kind="signoff",
        title=report_titles()["signoff"],
        currency=distribution.currency,
        section_label=_("Pickup point"),
        columns=[
            Column(_("Member")),
            Column(_("Order")),
            Column(_("Products"), "count"),
            Column(_("Total"), "money"),
            Column(_("Payment")),
            Column(_("Signature"), "blank"),
        ],
    )
    by_slot: dict[int, list[tuple]] = defaultdict(list)
    for pk, name, slot_id, items, payment, total in _buyer_sorted(orders):
        by_slot[slot_id].append((name, f"#{pk}", items, total, payment, ""))
    for slot in _slots(distribution):
        if slot.pk not in by_slot:
            continue
        title, subtitle = slot_title(slot)
        rows = by_slot[slot.pk]
        report.sections.append(
            Section(
                anchor=f"slot-{slot.pk}",
                title=title,
                subtitle=subtitle,
                blocks=[Block(rows=rows)],
                total=(
                    _("Total"),
                    "",
                    sum(r[2] for r in rows),
                    sum((r[3] for r in rows), ZERO),
                    "",
                    "",
                ),
            )
        )
    return report


BUILDERS = {
    "producers": report_producers,
    "pickup": report_pickup,
    "packing": report_packing,
    "signoff": report_signoff,
}


def report_build(distribution: Distribution, kind: str) -> Report:
    """The report `kind` (one of KINDS) of the distribution."""
    return BUILDERS[kind](distribution)


def distribution_summary(distribution: Distribution) -> dict:
    """Orders, buyers' total and hub fees of the distribution (two queries)."""
    orders = _orders(distribution).aggregate(count=Count("pk"), total=Sum("total"))
    amounts = _placed_lines(distribution).aggregate(
        fee=Sum(line_fee(), output_field=AMOUNT), producers=Count("producer_id", distinct=True)
    )
    total, fee = _money(orders["total"]), _money(amounts["fee"])
    return {
        "orders": orders["count"],
        "producers": amounts["producers"],
        "total": total,
        "fee": fee,
        "due": total - fee,
    }


# --- a producer's sales ----------------------------------------------------------------------


def producer_distributions(producer) -> list[dict]:
    """The distributions, across hubs, where the producer sold something, latest first,
    with the producer's own figures only."""
    rows = (
        OrderLine.objects.filter(producer=producer, order__status=OrderStatus.PLACED)
        .values(
            "order__distribution_id",
            "order__distribution__title",
            "order__distribution__delivery_date",
            "order__distribution__status",
            "order__distribution__currency",
            "order__distribution__group__name",
        )
        .annotate(orders=Count("order_id", distinct=True), **_amounts())
        .order_by("-order__distribution__delivery_date", "-order__distribution_id")
    )
    result = []
    for row in rows:
        sales, fee = _money(row["sales"]), _money(row["fee"])
        result.append(
            {
                "pk": row["order__distribution_id"],
                "title": row["order__distribution__title"],
                "delivery_date": row["order__distribution__delivery_date"],
                "status": row["order__distribution__status"],
                "currency": row["order__distribution__currency"],
                "hub": row["order__distribution__group__name"],
                "orders": row["orders"],
                "sales": sales,
                "fee": fee,
                "due": sales - fee,
            }
        )
    return result


def producer_sold_in(producer, distribution: Distribution) -> bool:
    return _placed_lines(distribution).filter(producer=producer).exists()


def report_delivery_note(producer, distribution: Distribution) -> Report:
    """What `producer` brings to the distribution, per pickup slot and product, with the
    quantities, kilograms and amounts; nothing of other producers, no buyer."""
    rows = (
        _placed_lines(distribution)
        .filter(producer=producer)
        .values("order__slot_id", "product_name", "variant_name", "unit")
        .annotate(
            unit_size=F("unit_size"),
            orders=Count("order_id", distinct=True),
            **_volumes(),
            **_amounts(),
        )
        .order_by("order__slot_id", "product_name", "variant_name", "unit_size")
    )
    by_slot: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        sales, fee = _money(row["sales"]), _money(row["fee"])
        by_slot[row["order__slot_id"]].append(
            (*_volume_cells(row), row["orders"], sales, fee, sales - fee)
        )
    report = Report(
        kind="delivery_note",
        title=_("Delivery note"),
        currency=distribution.currency,
        section_label=_("Pickup point"),
        columns=[
            *_volume_columns(),
            Column(_("Orders"), "count"),
            Column(_("Sales"), "money"),
            Column(_("Hub fee"), "money"),
            Column(_("Due to the producer"), "money"),
        ],
    )
    for slot in _slots(distribution):
        if slot.pk not in by_slot:
            continue
        title, subtitle = slot_title(slot)
        section = Section(
            anchor=f"slot-{slot.pk}",
            title=title,
            subtitle=subtitle,
            blocks=[Block(rows=by_slot[slot.pk])],
        )
        _foot_amounts(section, money_from=7)
        report.sections.append(section)
    _summarise(report, money_from=7)
    return report
