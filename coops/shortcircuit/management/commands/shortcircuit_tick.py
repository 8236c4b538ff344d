"""Run the short circuits' periodic work (cron every 15 minutes): generate recurring
distributions, close those past their closing time, remind volunteers, generate the
season contracts' orders of the coming week and close the bulk orders that are due. Each step is
idempotent, so a missed or doubled run does no harm."""

from django.core.management.base import BaseCommand

from coops.shortcircuit.services.bulk import bulk_orders_close_due
from coops.shortcircuit.services.contracts import contracts_tick
from coops.shortcircuit.services.distributions import distributions_open_close_due
from coops.shortcircuit.services.recurrences import recurrences_generate
from coops.shortcircuit.services.shifts import shift_reminders_send


class Command(BaseCommand):
    help = (
        "Generate recurring distributions, close due ones, send shift reminders, generate "
        "season contract orders and close due bulk orders."
    )

    def handle(self, *args, **options) -> None:
        steps = [
            ("distributions generated", recurrences_generate),
            ("distributions closed", distributions_open_close_due),
            ("shift reminders sent", shift_reminders_send),
            ("season contract orders generated", contracts_tick),
            ("bulk orders closed", bulk_orders_close_due),
        ]
        for label, step in steps:
            self.stdout.write(f"{label}: {step()}")
