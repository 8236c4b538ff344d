"""The producer space's catalog pages, under /circuits/ (namespace "producer")."""

from django.urls import path

from ..views import catalog as views

P = "producteurs/<int:producer>/"

urlpatterns: list = [
    path("", views.home, name="home"),
    path(f"{P}produits/", views.catalog, name="catalog"),
    path(f"{P}produits/nouveau/", views.product_create, name="product_create"),
    path(f"{P}produits/<int:product>/", views.product_edit, name="product_edit"),
    path(f"{P}produits/<int:product>/supprimer/", views.product_delete, name="product_delete"),
    path(f"{P}variantes/<int:variant>/stock/", views.variant_stock, name="variant_stock"),
    path(f"{P}catalogue.csv", views.csv_export, name="csv_export"),
    path(f"{P}import-csv/", views.csv_import, name="csv_import"),
    path(f"{P}catalogue.jsonld", views.dfc_export, name="dfc_export"),
    path(f"{P}import-dfc/", views.dfc_import, name="dfc_import"),
]
