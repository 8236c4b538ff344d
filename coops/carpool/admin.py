"""Staff see rides, trips and bookings. Seats and money are never edited here: the
pages go through the services (row locks, audit events, the ledger)."""

from django.contrib import admin

from coops.core.admin import ReadOnlyMixin

from .models import Booking, Ride, Trip


@admin.register(Ride)
class RideAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "group",
        "driver",
        "regular",
        "departure_at",
        "departure_time",
        "seats",
        "contribution_per_km",
        "currency",
        "solidarity",
        "status",
    ]
    list_filter = ["status", "regular", "solidarity", "currency"]
    search_fields = ["origin_label", "destination_label", "driver__email", "group__slug"]
    list_select_related = ["group", "driver"]
    date_hierarchy = "created_at"


@admin.register(Trip)
class TripAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["ride", "date", "departure_at", "seats", "seats_left", "completed_at"]
    search_fields = ["ride__origin_label", "ride__destination_label"]
    list_select_related = ["ride"]
    date_hierarchy = "date"


@admin.register(Booking)
class BookingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "trip",
        "passenger",
        "seats",
        "status",
        "contribution",
        "currency",
        "settled_at",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["passenger__email", "pickup_label", "dropoff_label"]
    list_select_related = ["trip__ride", "passenger"]
    date_hierarchy = "created_at"
