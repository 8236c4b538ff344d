"""Short-circuit pages, mounted per group at /g/<slug>/m/shortcircuit/ (see groups.modules).
Each part keeps its own `urlpatterns` list in urls_parts/."""

from .urls_parts import bulk, contracts, distributions, reports, shop

urlpatterns = [
    *distributions.urlpatterns,
    *shop.urlpatterns,
    *reports.urlpatterns,
    *contracts.urlpatterns,
    *bulk.urlpatterns,
]
