"""Pages: dispatch."""

urlpatterns: list = []
