"""reports pages of the short-circuit module: a distribution's reports for organisers."""

from django.urls import path

from ..views import reports

urlpatterns: list = [
    path("distributions/<int:pk>/reports/", reports.reports_index, name="reports"),
    path("distributions/<int:pk>/reports/<slug:kind>/", reports.report, name="report"),
]
