"""The producer space, outside any group: /circuits/producteurs/… A producer's catalog
serves every hub that sells for it."""

from .urls_parts import catalog

app_name = "producer"
urlpatterns = [*catalog.urlpatterns]
