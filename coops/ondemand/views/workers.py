"""Pages: workers."""

urlpatterns: list = []
