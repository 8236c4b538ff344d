"""Pages of the "ledger" group module, mounted at /g/<slug>/m/ledger/ (see
coops.groups.modules). Reverse as ``groups:ledger:<name>`` with the group's slug."""

from django.urls import include, path

from . import views

urlpatterns = [
    *views.urlpatterns,
    path("dues/", include("coops.ledger.dues.urls")),
]
