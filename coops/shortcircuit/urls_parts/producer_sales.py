"""The producer's sales per distribution and delivery notes, in the producer space."""

from django.urls import path

from ..views import producer_sales

urlpatterns: list = [
    path("<int:producer>/sales/", producer_sales.sales, name="sales"),
    path(
        "<int:producer>/sales/<int:distribution>/",
        producer_sales.delivery_note,
        name="delivery_note",
    ),
]
