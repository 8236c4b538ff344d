"""Governance pages, mounted per group at /g/<slug>/m/governance/ (see groups.modules)."""

from django.urls import path

from .views import assemblies, delegation, home, proposals, register

urlpatterns = [
    path("", home.index, name="index"),
    *assemblies.urlpatterns,
    *proposals.urlpatterns,
    *delegation.urlpatterns,
    *register.urlpatterns,
]
