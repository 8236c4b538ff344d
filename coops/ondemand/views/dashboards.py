"""Pages: dashboards."""

urlpatterns: list = []
