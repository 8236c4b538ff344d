"""The producer's sales per distribution and delivery notes, in the producer space."""

urlpatterns: list = []
