"""Pages: rules."""

urlpatterns: list = []
