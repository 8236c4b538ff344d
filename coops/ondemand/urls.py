"""On-demand pages, mounted per group at /g/<slug>/m/ondemand/ (see groups.modules)."""

from .views import dashboards, dispatch, jobs, rules, workers

urlpatterns = [
    *rules.urlpatterns,
    *jobs.urlpatterns,
    *workers.urlpatterns,
    *dispatch.urlpatterns,
    *dashboards.urlpatterns,
]
