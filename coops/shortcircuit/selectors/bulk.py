"""Reads of group purchasing: needs ranked by how much they are wanted, a bulk order's
page (cases, tiers, each member's likely range), the purchase order for the supplier
and the distribution list. A page costs the same number of queries whatever its rows.

Needs are ranked by +1s (the author counts as one), then by the total quantity per
month: the author's quantity plus each +1's own quantity (a +1 without a quantity
counts the need's quantity), normalised across periods as a year's worth divided by
12 — per week × 52, per month × 12, per year and once × 1 (a one-off purchase counts
as a year's need). Needs in different units are compared by their numbers only.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coops.core.money import Money

from ..allocation import Allocation, Ask, Reason, allocate, likely_range, next_tier
from ..allocation import unit_price_for as tier_price
from ..models import BulkArticle, BulkOrder, BulkRequest, BulkStatus, Need, NeedPeriod, NeedVote

PER_YEAR = {NeedPeriod.WEEK: 52, NeedPeriod.MONTH: 12, NeedPeriod.YEAR: 1, NeedPeriod.ONCE: 1}
QTY = DecimalField(max_digits=16, decimal_places=3)


# --- needs -----------------------------------------------------------------------------------


def needs_ranked(*, group, user) -> QuerySet[Need]:
    """The group's open needs, most wanted first, each with `wanted` (+1s including the
    author), `per_month` (normalised total), `voted` and `my_quantity` for `user`."""
    mine = NeedVote.objects.filter(need=OuterRef("pk"), user=user)
    yearly = Case(
        *[When(period=p, then=Value(k)) for p, k in PER_YEAR.items()],
        default=Value(12),
    )
    total = Coalesce(F("quantity"), Value(Decimal("0")), output_field=QTY) + Coalesce(
        Sum(Coalesce("votes__quantity", "quantity", output_field=QTY)),
        Value(Decimal("0")),
        output_field=QTY,
    )
    return (
        Need.objects.filter(group=group, closed=False)
        .select_related("author")
        .annotate(
            wanted=Count("votes") + 1,
            per_year=ExpressionWrapper(total * yearly, output_field=QTY),
            voted=Exists(mine),
            my_quantity=Subquery(mine.values("quantity")[:1]),
        )
        .order_by("-wanted", "-per_year", "-created_at", "-pk")
    )


def per_month(need: Need) -> Decimal:
    """The normalised monthly total of an annotated need, to three decimals."""
    return (Decimal(need.per_year) / 12).quantize(Decimal("0.001"))


def needs_met(*, group, limit: int = 20) -> QuerySet[Need]:
    return Need.objects.filter(group=group, closed=True).order_by("-updated_at")[:limit]


# --- bulk orders -----------------------------------------------------------------------------


def bulk_orders_of(*, group, organiser: bool) -> QuerySet[BulkOrder]:
    """The group's bulk orders (drafts only for organisers), with their article count."""
    orders = BulkOrder.objects.filter(group=group)
    if not organiser:
        orders = orders.exclude(status=BulkStatus.DRAFT)
    return orders.annotate(
        article_count=Count("articles", distinct=True),
        member_count=Count("articles__requests__member", distinct=True),
    )


def measure(article: BulkArticle, units: int) -> str:
    """Units as what a person holds: "7 kg" for 7 units of 1 kg, "3 kg" for 6 × 0.5 kg."""
    amount = (article.unit_size * units).normalize()
    amount = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount
    return f"{number_format(amount)} {article.get_unit_display()}"


@dataclass
class ArticleState:
    article: BulkArticle
    allocation: Allocation
    unit_price: Decimal
    next_tier: dict | None
    currency: str
    my_request: BulkRequest | None = None
    my_range: tuple[int, int] | None = None

    @property
    def unit_money(self) -> Money:
        return Money(self.unit_price, self.currency)

    @property
    def amount(self) -> Money:
        return Money(self.unit_price * self.allocation.units, self.currency)

    @property
    def cases(self) -> int:
        if self.article.cases_ordered is not None:
            return self.article.cases_ordered
        return self.allocation.cases

    @property
    def my_range_text(self) -> str:
        if self.my_range is None:
            return ""
        low, high = self.my_range
        if low == high:
            return measure(self.article, low)
        return f"{measure(self.article, low)} … {measure(self.article, high)}"

    @property
    def my_explanation(self) -> str:
        if self.my_request is None or not self.my_request.explanation:
            return ""
        return explain(json.loads(self.my_request.explanation))

    @property
    def next_tier_price(self) -> Money | None:
        if self.next_tier is None:
            return None
        return Money(Decimal(self.next_tier["unit_price"]), self.currency)


@dataclass
class BulkPage:
    order: BulkOrder
    articles: list[ArticleState]
    total: Money
    minimum: Money | None
    my_total: Money

    @property
    def minimum_reached(self) -> bool:
        return self.minimum is None or self.minimum <= self.total


def _asks(requests: Iterable[BulkRequest]) -> list[Ask]:
    return [Ask(r.pk, r.quantity, r.tolerance, at=r.requested_at) for r in requests]


def _state(article: BulkArticle, currency: str, user) -> ArticleState:
    requests = list(article.requests.all())
    asks = _asks(requests)
    result = allocate(article.case_size, asks)
    state = ArticleState(
        article=article,
        allocation=result,
        unit_price=tier_price(article.unit_price, article.price_tiers, result.units),
        next_tier=next_tier(article.price_tiers, result.units),
        currency=currency,
    )
    mine = next((r for r in requests if r.member_id == getattr(user, "pk", None)), None)
    if mine is not None:
        state.my_request = mine
        if mine.allocated is not None:
            state.my_range = (mine.allocated, mine.allocated)
        else:
            state.my_range = likely_range(result, mine.pk, asks)
    return state


def bulk_page(*, bulk_order: BulkOrder, user) -> BulkPage:
    """Every article's totals, cases, missing units and current price tier, the
    supplier minimum, and `user`'s request with what they will probably get:
    at least what they get if requests closed now, at most what they would get if one
    more case were ordered with the requests as they stand (allocation.likely_range).
    Three queries whatever the number of articles and requests."""
    articles = bulk_order.articles.prefetch_related("requests")
    currency = bulk_order.currency
    states = [_state(a, currency, user) for a in articles]
    zero = Money(Decimal("0"), currency)
    total = sum((s.amount for s in states), zero)
    my_total = sum(
        (Money(s.unit_price * s.my_range[0], currency) for s in states if s.my_range is not None),
        zero,
    )
    minimum = (
        Money(bulk_order.minimum_total, currency) if bulk_order.minimum_total is not None else None
    )
    return BulkPage(bulk_order, states, total, minimum, my_total)


# --- explanations ----------------------------------------------------------------------------


def explain(data: dict) -> str:
    """A member's allocation in words, in the active language, from the numbers stored
    at closing (allocation.explanation_data)."""
    asked = _("You asked %(quantity)s + %(tolerance)s tolerance.") % data
    wanted = data["total_quantity"] + data["total_tolerance"]
    if data["cases"]:
        cases = ngettext(
            "%(cases)s case of %(case_size)s was ordered (%(units)s units for %(wanted)s "
            "asked with tolerances).",
            "%(cases)s cases of %(case_size)s were ordered (%(units)s units for %(wanted)s "
            "asked with tolerances).",
            data["cases"],
        ) % {**data, "wanted": wanted}
    else:
        cases = _("No case was ordered.")
    reason = {
        Reason.ALL: _("You get all of it: %(allocated)s."),
        Reason.QUANTITY_AND_PART: _(
            "You get %(allocated)s: your quantity, plus %(from_tolerance)s of your tolerance "
            "to complete the last case."
        ),
        Reason.QUANTITY: _(
            "You get your quantity, %(allocated)s: the cases were full without your tolerance."
        ),
        Reason.PART: _(
            "You get %(allocated)s of %(quantity)s: the units ran out, and earlier requests "
            "are served first."
        ),
        Reason.LATE: _("You get nothing: the units of the cases went to earlier requests."),
        Reason.NO_CASE: _(
            "Nothing: the requests filled only %(remainder)s of %(case_size)s units of a case "
            "and tolerances could not complete it."
        ),
    }[data["reason"]] % data
    return f"{asked} {cases} {reason}"


def allocation_lines(requests: Iterable[BulkRequest]) -> list[str]:
    """One line per request of a member (article, what they get, why), for the
    closing notification."""
    lines = []
    for r in requests:
        got = measure(r.article, r.allocated or 0)
        lines.append(
            _("%(article)s: %(got)s.") % {"article": r.article.name, "got": got}
            + (" " + explain(json.loads(r.explanation)) if r.explanation else "")
        )
    return lines


# --- purchase order and distribution list ----------------------------------------------------


@dataclass
class PurchaseLine:
    article: BulkArticle
    cases: int
    units: int
    unit_price: Money
    total: Money

    @property
    def quantity(self) -> str:
        return measure(self.article, self.units)


@dataclass
class MemberLine:
    article: BulkArticle
    units: int
    amount: Money

    @property
    def quantity(self) -> str:
        return measure(self.article, self.units)


@dataclass
class MemberList:
    member: object
    lines: list[MemberLine] = field(default_factory=list)
    total: Money | None = None


def purchase_order(*, bulk_order: BulkOrder) -> tuple[list[PurchaseLine], Money]:
    """What to order from the supplier: per article, cases × case size at the tier price
    of that volume (the allocation as it stands while open, as stored once closed)."""
    page = bulk_page(bulk_order=bulk_order, user=None)
    lines = [
        PurchaseLine(
            article=s.article,
            cases=s.cases,
            units=s.cases * s.article.case_size,
            unit_price=Money(s.unit_price, bulk_order.currency),
            total=Money(s.unit_price * s.cases * s.article.case_size, bulk_order.currency),
        )
        for s in page.articles
        if s.cases
    ]
    return lines, sum((line.total for line in lines), Money(Decimal("0"), bulk_order.currency))


def purchase_order_csv(bulk_order: BulkOrder, lines: list[PurchaseLine], total: Money) -> str:
    """The purchase order for a spreadsheet: UTF-8 with BOM, semicolon-separated."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Article"),
            _("Cases"),
            _("Units per case"),
            _("Units"),
            _("Unit"),
            _("Unit price"),
            _("Total"),
            _("Currency"),
        ]
    )
    for line in lines:
        writer.writerow(
            [
                line.article.name,
                line.cases,
                line.article.case_size,
                line.units,
                f"{number_format(line.article.unit_size.normalize())} "
                f"{line.article.get_unit_display()}",
                number_format(line.unit_price.amount, decimal_pos=2),
                number_format(line.total.amount, decimal_pos=2),
                bulk_order.currency,
            ]
        )
    writer.writerow(
        [_("Total"), "", "", "", "", "", number_format(total.amount, decimal_pos=2), total.currency]
    )
    return out.getvalue()


def distribution_list(*, bulk_order: BulkOrder) -> list[MemberList]:
    """Who gets what, member by member (by name), at the tier price of each article."""
    page = bulk_page(bulk_order=bulk_order, user=None)
    states = {s.article.pk: s for s in page.articles}
    requests = (
        BulkRequest.objects.filter(article__bulk_order=bulk_order)
        .select_related("member")
        .order_by("member__pk", "article__name", "pk")
    )
    members: dict[int, MemberList] = {}
    zero = Money(Decimal("0"), bulk_order.currency)
    for r in requests:
        state = states[r.article_id]
        share = state.allocation.share(r.pk)
        units = r.allocated if r.allocated is not None else share.allocated
        if not units:
            continue
        entry = members.setdefault(r.member_id, MemberList(member=r.member, total=zero))
        amount = Money(state.unit_price * units, bulk_order.currency)
        entry.lines.append(MemberLine(article=state.article, units=units, amount=amount))
        entry.total = entry.total + amount
    return sorted(members.values(), key=lambda m: (str(m.member.public_name).lower(), m.member.pk))
