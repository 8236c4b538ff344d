"""Dues (cotisations): plans, per-member dues per period, settlement through the
ledger, reminders. `setup()` is called from LedgerConfig.ready().

Public API for other apps: `coops.ledger.dues.selectors.member_is_up_to_date`.
The daily job is `manage.py dues_run` (generation of the current periods, then
reminders).
"""


def setup() -> None:
    """Register the dues transaction kind, notification kind, personal data and demo step."""
    from django.utils.translation import gettext_lazy as _

    from coops.accounts.personal_data import register_personal_data
    from coops.core.demo import register_demo_step
    from coops.notifications.kinds import register_kind as register_notification_kind

    from .. import kinds
    from . import personal_data
    from .demo import load_dues
    from .reminders import KIND as REMINDER_KIND
    from .services import DUES_KIND

    kinds.register_kind(DUES_KIND, _("Dues"))
    register_notification_kind(
        REMINDER_KIND,
        _("Dues reminders"),
        _("Your dues for a period are issued, and once more if they become overdue."),
    )
    register_personal_data("ledger_dues", export=personal_data.export, erase=personal_data.erase)
    register_demo_step("dues", load_dues, order=31)
