"""What the currency app registers with lower apps: its ledger transaction kinds and
its notification kinds. Called from CurrencyConfig.ready()."""

from django.utils.translation import gettext_lazy as _

TRANSFER = "currency.transfer"
DEMURRAGE = "currency.demurrage"

PAYMENT_RECEIVED = "currency.payment_received"
PAYMENT_REQUESTED = "currency.payment_requested"
REQUEST_ANSWERED = "currency.request_answered"
DEMURRAGE_CHARGED = "currency.demurrage_charged"

NOTIFICATION_KINDS = {
    PAYMENT_RECEIVED: (
        _("Payments received in the local currency"),
        _("A member of your group pays you in its local currency."),
    ),
    PAYMENT_REQUESTED: (
        _("Payment requests"),
        _("A member of your group asks you to pay them in its local currency."),
    ),
    REQUEST_ANSWERED: (
        _("Answers to payment requests"),
        _("Your payment request is paid or refused, or a request to you is withdrawn."),
    ),
    DEMURRAGE_CHARGED: (
        _("Demurrage charged"),
        _("The monthly demurrage fee was taken from your balance."),
    ),
}


def register_kinds() -> None:
    from coops.ledger.kinds import register_kind as register_transaction_kind
    from coops.notifications.kinds import register_kind as register_notification_kind

    register_transaction_kind(TRANSFER, _("Local currency payment"))
    register_transaction_kind(DEMURRAGE, _("Demurrage"))
    for name, (label, description) in NOTIFICATION_KINDS.items():
        register_notification_kind(name, label, description)
