"""distributions pages of the short-circuit module: the index and its map, the
organiser space (distributions, producers, pickup points, recurrences) and shifts."""

from django.urls import path

from ..views import distributions, organise, shifts

urlpatterns: list = [
    path("", distributions.index, name="index"),
    path("map.json", distributions.map_data, name="map_data"),
    path("organise/", organise.organise, name="organise"),
    path("organise/producers/", organise.hub_producers, name="hub_producers"),
    path("organise/producers/add/", organise.hub_producer_add_view, name="hub_producer_add"),
    path(
        "organise/producers/<int:pk>/remove/",
        organise.hub_producer_remove_view,
        name="hub_producer_remove",
    ),
    path("organise/points/new/", organise.pickup_point_create, name="pickup_point_create"),
    path("organise/points/<int:pk>/", organise.pickup_point_edit, name="pickup_point_edit"),
    path(
        "organise/points/<int:pk>/remove/",
        organise.pickup_point_remove_view,
        name="pickup_point_remove",
    ),
    path("organise/recurring/new/", organise.recurrence_create, name="recurrence_create"),
    path("organise/recurring/<int:pk>/", organise.recurrence_edit, name="recurrence_edit"),
    path(
        "organise/recurring/<int:pk>/stop/",
        organise.recurrence_deactivate_view,
        name="recurrence_deactivate",
    ),
    path(
        "organise/distributions/new/",
        distributions.distribution_create,
        name="distribution_create",
    ),
    path(
        "organise/distributions/<int:pk>/",
        distributions.distribution_detail,
        name="distribution",
    ),
    path(
        "organise/distributions/<int:pk>/edit/",
        distributions.distribution_edit,
        name="distribution_edit",
    ),
    path(
        "organise/distributions/<int:pk>/offers/",
        distributions.distribution_offers,
        name="distribution_offers",
    ),
    path(
        "organise/distributions/<int:pk>/status/",
        distributions.distribution_move,
        name="distribution_transition",
    ),
    path("organise/distributions/<int:pk>/shifts/", shifts.create, name="shift_create"),
    path("shifts/", shifts.shifts, name="shifts"),
    path("shifts/<int:pk>/sign-up/", shifts.signup, name="shift_signup"),
    path("shifts/<int:pk>/withdraw/", shifts.withdraw, name="shift_withdraw"),
    path("shifts/<int:pk>/delete/", shifts.delete, name="shift_delete"),
]
