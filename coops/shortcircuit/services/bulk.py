"""Group purchasing by the case: needs and their +1s, bulk orders, members' requests,
and closing (the Foodsoft allocation of allocation.py).

Guarantees:
- a bulk order goes draft → open → closed (BULK_TRANSITIONS); requests are taken only
  while it is open and before `closes_at` by the server's clock;
- requests and closing take the bulk order's row lock, so closing sees every request
  made before it and none after;
- closing is idempotent: a closed order is returned untouched;
- each request stores `allocated` and, in `explanation`, the JSON of the numbers that
  explain it (allocation.explanation_data). Pages and notifications write it in the
  reader's language at display time (selectors.bulk.explain), never stored as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record

from ..allocation import Ask, allocate, explanation_data
from ..kinds import BULK_ALLOCATED
from ..models import BulkArticle, BulkOrder, BulkRequest, BulkStatus, Need, NeedVote
from ._base import lock_objects

BULK_TRANSITIONS: dict[str, set[str]] = {
    BulkStatus.DRAFT: {BulkStatus.OPEN, BulkStatus.CANCELLED},
    BulkStatus.OPEN: {BulkStatus.CLOSED, BulkStatus.CANCELLED},
    BulkStatus.CLOSED: set(),
    BulkStatus.CANCELLED: set(),
}


def can_move(current: str, target: str) -> bool:
    return target in BULK_TRANSITIONS.get(current, set())


# --- needs -----------------------------------------------------------------------------------


@transaction.atomic
def need_post(
    *,
    group,
    acting_user,
    title: str,
    quantity: Decimal | None = None,
    unit: str = "",
    period: str = "month",
    note: str = "",
) -> Need:
    """Post a need; its author counts as its first +1."""
    need = Need(
        group=group,
        author=acting_user,
        title=title,
        quantity=quantity,
        unit=unit,
        period=period,
        note=note,
    )
    need.full_clean()
    need.save()
    event_record(actor=acting_user, verb="shortcircuit.need_post", target=need, after=title)
    return need


@transaction.atomic
def need_vote(*, need: Need, acting_user, quantity: Decimal | None = None) -> NeedVote:
    """+1 someone else's open need (again: change one's quantity)."""
    if need.author_id == acting_user.pk:
        raise ValidationError(_("You posted this need: it already counts you."))
    if need.closed:
        raise ValidationError(_("This need is already met."))
    if quantity is not None and quantity <= 0:
        raise ValidationError(_("Give a quantity above zero, or none."))
    vote, created = NeedVote.objects.update_or_create(
        need=need, user=acting_user, defaults={"quantity": quantity}
    )
    event_record(
        actor=acting_user,
        verb="shortcircuit.need_vote",
        target=need,
        after={"quantity": quantity, "new": created},
    )
    return vote


@transaction.atomic
def need_unvote(*, need: Need, acting_user) -> None:
    """Withdraw one's +1 (nothing happens when there is none)."""
    deleted, _rows = NeedVote.objects.filter(need=need, user=acting_user).delete()
    if deleted:
        event_record(actor=acting_user, verb="shortcircuit.need_unvote", target=need)


@transaction.atomic
def need_close(*, need: Need, acting_user) -> Need:
    """Mark a need met (organisers)."""
    if not need.closed:
        Need.objects.filter(pk=need.pk).update(closed=True, updated_at=timezone.now())
        need.closed = True
        event_record(actor=acting_user, verb="shortcircuit.need_close", target=need)
    return need


# --- bulk orders -----------------------------------------------------------------------------


TIER = re.compile(r"\s*(\d+)\s*:\s*(\d+(?:[.,]\d{1,2})?)\s*(?:[;,]|$)")


def parse_tiers(text: str) -> list[dict]:
    """ "24:2.10; 48:1,95" → [{"min_units": 24, "unit_price": "2.10"}, …] in the order
    given (`check_tiers` validates); tiers are separated by ";" or ","."""
    tiers, position, text = [], 0, text.strip()
    while position < len(text):
        match = TIER.match(text, position)
        if match is None or match.end() == position:
            raise ValidationError(
                _("Write each price tier as units:price, e.g. 24:2.10; 48:1.95."), code="tiers"
            )
        units, price = match.groups()
        tiers.append({"min_units": int(units), "unit_price": str(Decimal(price.replace(",", ".")))})
        position = match.end()
    return tiers


def check_tiers(base: Decimal, tiers: Sequence[Mapping]) -> list[dict]:
    """Tiers must start above one unit, grow in volume and fall in price below `base`."""
    clean = []
    last_units, last_price = 1, base
    for tier in tiers:
        units, price = int(tier["min_units"]), Decimal(str(tier["unit_price"]))
        if units <= last_units or price >= last_price or price < 0:
            raise ValidationError(
                _(
                    "Price tiers must go up in volume (from 2 units) and down in price, "
                    "each below the base price."
                ),
                code="tiers",
            )
        clean.append({"min_units": units, "unit_price": str(price)})
        last_units, last_price = units, price
    return clean


@transaction.atomic
def bulk_order_create(
    *,
    group,
    acting_user,
    title: str,
    closes_at: datetime,
    supplier_name: str = "",
    supplier=None,
    minimum_total: Decimal | None = None,
    currency: str = "EUR",
    notes: str = "",
    articles: Sequence[Mapping] = (),
) -> BulkOrder:
    """A draft bulk order with its articles (see `bulk_article_add`)."""
    if not supplier_name and supplier is not None:
        supplier_name = supplier.name
    if not supplier_name:
        raise ValidationError(_("Name the supplier."), code="supplier_name")
    order = BulkOrder(
        group=group,
        title=title,
        supplier_name=supplier_name,
        supplier=supplier,
        closes_at=closes_at,
        minimum_total=minimum_total,
        currency=currency,
        notes=notes,
        created_by=acting_user,
    )
    order.full_clean()
    order.save()
    for fields in articles:
        _article_save(order, **fields)
    event_record(
        actor=acting_user,
        verb="shortcircuit.bulk_create",
        target=order,
        after={"title": title, "articles": len(articles)},
    )
    return order


def _article_save(
    order: BulkOrder,
    *,
    name: str,
    case_size: int,
    unit_price: Decimal,
    unit: str = "kg",
    unit_size: Decimal = Decimal("1"),
    price_tiers: Sequence[Mapping] = (),
    need: Need | None = None,
) -> BulkArticle:
    if need is not None and need.group_id != order.group_id:
        raise ValidationError(_("This need belongs to another group."))
    article = BulkArticle(
        bulk_order=order,
        name=name,
        unit=unit,
        unit_size=unit_size,
        case_size=case_size,
        unit_price=unit_price,
        price_tiers=check_tiers(unit_price, price_tiers),
        need=need,
    )
    article.full_clean()
    article.save()
    return article


@transaction.atomic
def bulk_article_add(*, bulk_order: BulkOrder, acting_user, **fields) -> BulkArticle:
    """Add an article while the order is a draft or open (its price cannot change later)."""
    order = lock_objects(BulkOrder, bulk_order.pk)
    if order.status not in (BulkStatus.DRAFT, BulkStatus.OPEN):
        raise ValidationError(_("This bulk order is closed."))
    article = _article_save(order, **fields)
    event_record(
        actor=acting_user, verb="shortcircuit.bulk_article_add", target=order, after=article.name
    )
    return article


@transaction.atomic
def bulk_order_open(*, bulk_order: BulkOrder, acting_user) -> BulkOrder:
    """Open a draft for requests: it needs an article and a closing time to come."""
    order = lock_objects(BulkOrder, bulk_order.pk)
    if not can_move(order.status, BulkStatus.OPEN):
        raise ValidationError(_("Only a draft bulk order can be opened."))
    if not order.articles.exists():
        raise ValidationError(_("Add at least one article before opening."))
    if order.closes_at <= timezone.now():
        raise ValidationError(_("The closing time has already passed."))
    before = order.status
    order.status = BulkStatus.OPEN
    order.save(update_fields=["status", "updated_at"])
    event_record(
        actor=acting_user,
        verb="shortcircuit.bulk_open",
        target=order,
        before=before,
        after=order.status,
    )
    return order


def _check_open(order: BulkOrder) -> None:
    if order.status != BulkStatus.OPEN or timezone.now() >= order.closes_at:
        raise ValidationError(_("Requests for this bulk order are closed."))


@transaction.atomic
def bulk_request_set(
    *, article: BulkArticle, acting_user, quantity: int, tolerance: int = 0
) -> BulkRequest:
    """Ask for (or change) a quantity and a tolerance of an article, in units. A request
    keeps its place in the queue: the time it was first made."""
    _check_open(lock_objects(BulkOrder, article.bulk_order_id))
    if quantity < 1:
        raise ValidationError(_("Ask for at least one unit."), code="quantity")
    if tolerance < 0:
        raise ValidationError(_("The tolerance cannot be negative."), code="tolerance")
    request, created = BulkRequest.objects.update_or_create(
        article=article,
        member=acting_user,
        defaults={"quantity": quantity, "tolerance": tolerance},
        create_defaults={
            "quantity": quantity,
            "tolerance": tolerance,
            "requested_at": timezone.now(),
        },
    )
    event_record(
        actor=acting_user,
        verb="shortcircuit.bulk_request",
        target=request,
        after={"quantity": quantity, "tolerance": tolerance, "new": created},
    )
    return request


@transaction.atomic
def bulk_request_withdraw(*, article: BulkArticle, acting_user) -> None:
    """Withdraw one's request for an article while requests are open."""
    _check_open(lock_objects(BulkOrder, article.bulk_order_id))
    deleted, _rows = BulkRequest.objects.filter(article=article, member=acting_user).delete()
    if deleted:
        event_record(actor=acting_user, verb="shortcircuit.bulk_withdraw", target=article)


def bulk_order_close(*, bulk_order: BulkOrder, acting_user) -> BulkOrder:
    """Close an open bulk order and allocate every article (Foodsoft rule), under the
    order's row lock. Closing a closed order does nothing. Each member is notified of
    their quantities after commit."""
    _close(bulk_order.pk, acting_user)
    return BulkOrder.objects.get(pk=bulk_order.pk)


@transaction.atomic
def _close(pk: int, acting_user) -> bool:
    """Close and allocate; False when the order was already closed."""
    order = lock_objects(BulkOrder, pk)
    if order.status == BulkStatus.CLOSED:
        return False
    if not can_move(order.status, BulkStatus.CLOSED):
        raise ValidationError(_("Only an open bulk order can be closed."))
    cases = {}
    for article in order.articles.prefetch_related("requests"):
        cases[article.pk] = _allocate_article(article)
    order.status = BulkStatus.CLOSED
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at", "updated_at"])
    event_record(
        actor=acting_user,
        verb="shortcircuit.bulk_close",
        target=order,
        before=BulkStatus.OPEN,
        after={"status": order.status, "cases": cases},
    )
    transaction.on_commit(partial(_notify_allocations, order.pk))
    return True


def _allocate_article(article: BulkArticle) -> int:
    requests = list(article.requests.all())
    result = allocate(
        article.case_size,
        [Ask(r.pk, r.quantity, r.tolerance, at=r.requested_at) for r in requests],
    )
    for r in requests:
        share = result.share(r.pk)
        r.allocated = share.allocated
        r.explanation = json.dumps(explanation_data(result, share))
    BulkRequest.objects.bulk_update(requests, ["allocated", "explanation"])
    BulkArticle.objects.filter(pk=article.pk).update(cases_ordered=result.cases)
    return result.cases


def _notify_allocations(order_pk: int) -> None:
    from coops.notifications.services import notify

    from ..selectors.bulk import allocation_lines

    order = BulkOrder.objects.select_related("group").get(pk=order_pk)
    url = reverse("groups:shortcircuit:bulk", kwargs={"slug": order.group.slug, "pk": order.pk})
    by_member: dict[int, list[BulkRequest]] = {}
    for r in BulkRequest.objects.filter(article__bulk_order=order).select_related("article"):
        by_member.setdefault(r.member_id, []).append(r)
    for member_id, requests in by_member.items():
        notify(
            recipients=[member_id],
            kind=BULK_ALLOCATED,
            title=lambda user: _("Group purchase “%(title)s” is closed") % {"title": order.title},
            body=lambda user, requests=requests: "\n".join(allocation_lines(requests)),
            url=url,
            group=order.group,
        )


def bulk_orders_close_due(*, now: datetime | None = None) -> int:
    """Close every open bulk order whose closing time has passed (for the tick
    command). Returns how many were closed."""
    now = now or timezone.now()
    due = BulkOrder.objects.filter(status=BulkStatus.OPEN, closes_at__lte=now)
    return sum(_close(pk, None) for pk in list(due.values_list("pk", flat=True)))
