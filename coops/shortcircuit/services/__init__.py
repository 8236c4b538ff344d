"""Writes of the short-circuit app, one module per part; import from here."""

from .orders import accepting_orders, balance_available, order_cancel, order_place

__all__ = ["accepting_orders", "balance_available", "order_cancel", "order_place"]
