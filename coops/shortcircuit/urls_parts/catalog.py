"""catalog pages of the short-circuit module."""

urlpatterns: list = []
