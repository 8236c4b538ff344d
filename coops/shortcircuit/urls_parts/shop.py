"""shop pages of the short-circuit module: the buyer space (shop, cart, orders) and the
organisers' pages after closing (weights, on-site payments, settlement)."""

from django.urls import path

from ..views import orders, settlement, shop

urlpatterns: list = [
    path("distributions/<int:pk>/shop/", shop.shop, name="shop"),
    path("distributions/<int:pk>/cart/", shop.cart, name="cart"),
    path("distributions/<int:pk>/cart/add/", shop.cart_add, name="cart_add"),
    path("distributions/<int:pk>/cart/update/", shop.cart_update, name="cart_update"),
    path("distributions/<int:pk>/cart/remove/", shop.cart_remove, name="cart_remove"),
    path("distributions/<int:pk>/cart/place/", shop.cart_place, name="cart_place"),
    path("orders/", orders.orders_mine, name="orders_mine"),
    path("orders/<int:pk>/", orders.order_detail, name="order"),
    path("orders/<int:pk>/modify/", orders.order_modify, name="order_modify"),
    path("orders/<int:pk>/cancel/", orders.order_cancel_view, name="order_cancel"),
    path("distributions/<int:pk>/weights/", settlement.weights, name="weights"),
    path("distributions/<int:pk>/payments/", settlement.payments, name="payments"),
    path("distributions/<int:pk>/settle/", settlement.settle, name="settle"),
]
