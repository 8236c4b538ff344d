"""What short circuits register with lower apps: ledger transaction kinds and
notification kinds. Called from ShortcircuitConfig.ready()."""

from django.utils.translation import gettext_lazy as _

SETTLEMENT = "shortcircuit.settlement"

ORDER_CONFIRMED = "shortcircuit.order_confirmed"
DISTRIBUTION_NEWS = "shortcircuit.distribution"
SHIFT_REMINDER = "shortcircuit.shift_reminder"
CONTRACT = "shortcircuit.contract"
BULK_ALLOCATED = "shortcircuit.bulk_allocated"

NOTIFICATION_KINDS = {
    ORDER_CONFIRMED: (
        _("Your orders"),
        _("When you place, change or cancel an order, and when it is settled."),
    ),
    DISTRIBUTION_NEWS: (
        _("Distributions"),
        _("When a distribution of your group opens for orders or closes."),
    ),
    SHIFT_REMINDER: (
        _("Volunteer shifts"),
        _("A reminder the day before a shift you signed up for."),
    ),
    CONTRACT: (
        _("Season contracts"),
        _("Your subscriptions, absences and instalments."),
    ),
    BULK_ALLOCATED: (
        _("Group purchases"),
        _("What you will get when a bulk order closes."),
    ),
}


def register_kinds() -> None:
    from coops.ledger.kinds import register_kind as register_transaction_kind
    from coops.notifications.kinds import register_kind as register_notification_kind

    register_transaction_kind(SETTLEMENT, _("Distribution order settled"))
    for name, (label, description) in NOTIFICATION_KINDS.items():
        register_notification_kind(name, label, description)
