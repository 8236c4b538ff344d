"""What carpooling registers with lower apps: its ledger transaction kind and its
notification kinds. Called from CarpoolConfig.ready()."""

from django.utils.translation import gettext_lazy as _

CONTRIBUTION = "carpool.contribution"

BOOKING_REQUESTED = "carpool.booking_requested"
BOOKING_ANSWERED = "carpool.booking_answered"
BOOKING_CANCELLED = "carpool.booking_cancelled"

NOTIFICATION_KINDS = {
    BOOKING_REQUESTED: (
        _("Seat requests on your rides"),
        _("A member asks for seats on a ride you offer."),
    ),
    BOOKING_ANSWERED: (
        _("Answers to your seat requests"),
        _("The driver accepts or declines your request."),
    ),
    BOOKING_CANCELLED: (
        _("Cancelled carpool bookings"),
        _("A passenger cancels a booking on your ride, or a driver cancels a ride you booked."),
    ),
}


def register_kinds() -> None:
    from coops.ledger.kinds import register_kind as register_transaction_kind
    from coops.notifications.kinds import register_kind as register_notification_kind

    register_transaction_kind(CONTRIBUTION, _("Carpool contribution"))
    for name, (label, description) in NOTIFICATION_KINDS.items():
        register_notification_kind(name, label, description)
