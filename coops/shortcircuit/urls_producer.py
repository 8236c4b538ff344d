"""The producer space, outside any group: /circuits/… A producer's catalog serves every
hub that sells for it."""

from .urls_parts import catalog, producer_sales

app_name = "producer"
urlpatterns = [*catalog.urlpatterns, *producer_sales.urlpatterns]
