"""Demo: the Métropole lilloise local group shares rides. A daily commute from Roubaix
to Lille on weekdays, a ride to the Cité scientifique, an evening ride to Tourcoing and
a free solidarity ride to the CHU for people without a car. Camille's seat is accepted,
Sarah waits for Nadia's answer. Everything goes through the services."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from coops.core.demo import DemoContext
from coops.groups.services import group_module_enable

from .models import Ride
from .places import place_resolve
from .services import booking_accept, booking_request, ride_publish

GROUP = "groupe-local-metropole-lilloise"
PARIS = ZoneInfo("Europe/Paris")


def _day(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate(timezone=PARIS) + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _next_monday():
    day = timezone.localdate(timezone=PARIS) + timedelta(days=1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def load_carpool(ctx: DemoContext) -> None:
    group = ctx.groups[GROUP]
    if Ride.objects.filter(group=group).exists():  # loaded already
        ctx.log("carpool: already loaded")
        return
    u = ctx.users
    group_module_enable(group=group, module="carpool", acting_user=u["nadia"])
    commute = ride_publish(
        group=group,
        acting_user=u["nadia"],
        origin=place_resolve("Roubaix"),
        destination=place_resolve("Lille"),
        waypoints=[place_resolve("Croix")],
        weekdays=[0, 1, 2, 3, 4],
        departure_time=time(7, 45),
        margin_minutes=15,
        seats=3,
        contribution_per_km=Decimal("0.08"),
        notes="Départ métro Eurotéléport, arrivée gare Lille-Flandres vers 8 h 20.",
    )
    campus = ride_publish(
        group=group,
        acting_user=u["claire"],
        origin=place_resolve("Lille"),
        destination=place_resolve("Villeneuve-d'Ascq"),
        waypoints=[place_resolve("Mons-en-Barœul")],
        departure_at=_day(1, 8, 30),
        margin_minutes=15,
        seats=2,
        contribution_per_km=Decimal("0.10"),
        notes="Je vais à la Cité scientifique ; dépose possible au métro Triolo.",
    )
    ride_publish(
        group=group,
        acting_user=u["youssef"],
        origin=place_resolve("Lille"),
        destination=place_resolve("Tourcoing"),
        departure_at=_day(2, 18, 15),
        margin_minutes=30,
        seats=3,
        contribution_per_km=Decimal("0.07"),
        notes="Retour de l'atelier vélo, coffre libre pour un vélo plié.",
    )
    ride_publish(
        group=group,
        acting_user=u["lea"],
        origin=place_resolve("Wavrin"),
        destination=place_resolve("Lille"),
        departure_at=_day(3, 9, 0),
        margin_minutes=30,
        seats=3,
        solidarity=True,
        notes="Trajet solidaire vers le CHU de Lille (consultations du matin), gratuit, "
        "pour les personnes sans voiture. Retour possible vers 12 h.",
    )
    seat = booking_request(
        ride=campus,
        acting_user=u["camille"],
        seats=1,
        pickup=place_resolve("Lille"),
        dropoff=place_resolve("Villeneuve-d'Ascq"),
        message="Je serai devant la gare Lille-Flandres.",
    )
    booking_accept(booking=seat, acting_user=u["claire"])
    booking_request(
        ride=commute,
        acting_user=u["sarah"],
        seats=1,
        day=_next_monday(),
        pickup=place_resolve("Croix"),
        dropoff=place_resolve("Lille"),
        message="Bonjour, je travaille près de la gare, merci !",
    )
    ctx.log(f"carpool: {Ride.objects.filter(group=group).count()} rides, 2 bookings")
