"""Carpool pages, mounted per group at /g/<slug>/m/carpool/ (see groups.modules)."""

from django.urls import path

from .views import bookings, rides, search

R = "rides/<int:pk>/"
B = "bookings/<int:pk>/"

urlpatterns = [
    path("", search.index, name="index"),
    path("rides/new/", rides.ride_create, name="ride_create"),
    path("rides/mine/", rides.rides_mine, name="rides_mine"),
    path(R, rides.ride_detail, name="ride"),
    path(R + "cancel/", rides.ride_cancel, name="ride_cancel"),
    path(R + "book/", bookings.booking_create, name="book"),
    path("trips/<int:pk>/done/", rides.trip_complete, name="trip_complete"),
    path("bookings/", bookings.booking_list, name="bookings"),
    path(B + "accept/", bookings.booking_accept, name="booking_accept"),
    path(B + "decline/", bookings.booking_decline, name="booking_decline"),
    path(B + "cancel/", bookings.booking_cancel, name="booking_cancel"),
    path(B + "confirm/", bookings.booking_settle, name="booking_settle"),
]
