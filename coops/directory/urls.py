"""Public pages of the directory, mounted at /annuaire/ (see coops.config.urls)."""

app_name = "directory"

urlpatterns: list = []
