"""The buyer's cart, kept in their session per distribution (offer id → quantity).

Guarantees:
- nothing here touches the database's stock or orders: the cart is a draft that
  `order_place` validates again, under its locks, when the buyer places the order;
- a quantity kept in the cart is a positive multiple of the variant's step, of an
  offer of this distribution, not above what is left (counting what the buyer's own
  placed order already holds, which a change gives back);
- when the buyer already ordered in the distribution and has no cart for it yet, the
  cart starts from that order's lines ("modify my order").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..models import Distribution, Offer, Order, OrderStatus
from ..pricing import on_step
from .orders import check_accepting

SESSION_KEY = "shortcircuit_carts"

Quantities = dict[int, Decimal]


def buyer_order(*, distribution: Distribution, user: Any) -> Order | None:
    """The buyer's placed shop order in `distribution` (not a contract's), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Order.objects.filter(
        distribution=distribution,
        buyer=user,
        status=OrderStatus.PLACED,
        subscription__isnull=True,
    ).first()


def _order_quantities(order: Order | None) -> Quantities:
    if order is None:
        return {}
    return {line.offer_id: line.quantity for line in order.lines.all() if line.offer_id}


def cart_quantities(*, session, distribution: Distribution, user: Any) -> Quantities:
    """What the buyer's cart holds in `distribution`."""
    carts = session.get(SESSION_KEY, {})
    stored = carts.get(str(distribution.pk))
    if stored is None:
        return _order_quantities(buyer_order(distribution=distribution, user=user))
    return {int(pk): Decimal(q) for pk, q in stored.items()}


def _store(session, distribution: Distribution, quantities: Quantities) -> None:
    carts = dict(session.get(SESSION_KEY, {}))
    carts[str(distribution.pk)] = {str(pk): str(q) for pk, q in quantities.items()}
    session[SESSION_KEY] = carts
    session.modified = True


def _offer(distribution: Distribution, offer_id: int) -> Offer:
    offer = (
        Offer.objects.select_related("variant__product")
        .filter(
            distribution=distribution,
            pk=offer_id,
            variant__active=True,
            variant__product__active=True,
        )
        .first()
    )
    if offer is None:
        raise ValidationError(_("This product is not on sale in this distribution."))
    return offer


def _check_quantity(offer: Offer, quantity: Decimal, order: Order | None) -> None:
    variant = offer.variant
    if not on_step(quantity, variant.step):
        raise ValidationError(
            _("%(product)s: order a positive multiple of %(step)s.")
            % {"product": str(variant), "step": number_format(variant.step.normalize())}
        )
    if variant.stock is None:
        return
    held = Decimal(0)
    if order is not None:
        held = sum((li.quantity for li in order.lines.all() if li.variant_id == variant.pk), held)
    if quantity > variant.stock + held:
        raise ValidationError(
            _("%(product)s: only %(left)s left.")
            % {"product": str(variant), "left": number_format((variant.stock + held).normalize())}
        )


def cart_put(
    *, session, distribution: Distribution, offer_id: int, quantity: Decimal, user: Any,
    add: bool = False,
) -> Quantities:  # fmt: skip
    """Set (or, with `add`, increase) the cart's quantity of an offer; return the cart."""
    check_accepting(distribution)
    offer = _offer(distribution, offer_id)
    quantities = cart_quantities(session=session, distribution=distribution, user=user)
    wanted = quantity + quantities.get(offer.pk, Decimal(0)) if add else quantity
    _check_quantity(offer, wanted, buyer_order(distribution=distribution, user=user))
    quantities[offer.pk] = wanted
    _store(session, distribution, quantities)
    return quantities


def cart_remove(*, session, distribution: Distribution, offer_id: int, user: Any) -> Quantities:
    """Drop an offer from the cart; return the cart."""
    quantities = cart_quantities(session=session, distribution=distribution, user=user)
    quantities.pop(offer_id, None)
    _store(session, distribution, quantities)
    return quantities


def cart_from_order(*, session, order: Order) -> Quantities:
    """Start the cart of the order's distribution again from the order's lines."""
    quantities = _order_quantities(order)
    _store(session, order.distribution, quantities)
    return quantities


def cart_clear(*, session, distribution: Distribution) -> None:
    """Forget the cart of `distribution` (after the order is placed)."""
    carts = dict(session.get(SESSION_KEY, {}))
    if carts.pop(str(distribution.pk), None) is not None:
        session[SESSION_KEY] = carts
        session.modified = True
