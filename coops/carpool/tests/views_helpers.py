"""Helpers of the carpool page tests: URLs, the personas who may act, and a snapshot of
everything a refused request must leave untouched."""

from __future__ import annotations

from django.urls import reverse

from conftest import PERSONAS
from coops.core.models import Event
from coops.groups.tests.helpers import fr, page

from ..models import Booking, Ride, Trip

MEMBERS = ("member", "organiser", "admin", "driver", "passenger")
EVERYONE = [*PERSONAS, "driver", "passenger"]


def url(group, name: str, **kwargs) -> str:
    return reverse(f"groups:carpool:{name}", kwargs={"slug": group.slug, **kwargs})


def login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def snapshot() -> tuple:
    return (
        list(Ride.objects.order_by("pk").values_list("pk", "status")),
        list(Trip.objects.order_by("pk").values_list("pk", "seats_left", "completed_at")),
        list(Booking.objects.order_by("pk").values_list("pk", "status", "seats")),
        Event.objects.count(),
    )


def denied(who: str, response, message: str) -> None:
    if who == "anonymous":
        login_redirect(response)
        return
    assert response.status_code == 403
    assert fr(message) in page(response)
