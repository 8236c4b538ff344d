"""The daily freshness job of the directory: remind the owners of published entries not
updated for `freshness_months` (12 by default, in the admin's moderation settings) to
check them, each entry once until it is updated again.

Safe to run as often as you like. Cron::

    30 6 * * *  cd /srv/coops && .venv/bin/python manage.py directory_freshness
"""

from django.core.management.base import BaseCommand

from coops.directory.services.moderation import freshness_remind
from coops.directory.tasks import send_freshness_reminders


class Command(BaseCommand):
    help = (
        "Daily directory job (cron: once a day, e.g. '30 6 * * * manage.py "
        "directory_freshness'): remind the owners of published entries not updated for a "
        "year to check them or confirm they are still accurate. Each entry is reminded once "
        "until it is updated. With --enqueue, queue the task for the worker instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task for `make worker` instead"
        )

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            result = send_freshness_reminders.enqueue()
            self.stdout.write(f"directory_freshness: task queued ({result.id})")
            return
        sent = freshness_remind()
        self.stdout.write(f"directory_freshness: {sent} entr{'y' if sent == 1 else 'ies'} reminded")
