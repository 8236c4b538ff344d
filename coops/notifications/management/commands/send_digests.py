from django.core.management.base import BaseCommand

from coops.notifications.tasks import send_daily_digests


class Command(BaseCommand):
    help = (
        "Queue the daily digest of notifications: each user who chose a daily digest gets "
        "one email listing what they have not been emailed yet. Run it once a day from cron "
        "or a systemd timer, e.g. `0 7 * * * cd /srv/coops && .venv/bin/python manage.py "
        "send_digests`. Running it twice sends nothing twice."
    )

    def handle(self, *args, **options):
        result = send_daily_digests.enqueue()
        self.stdout.write(f"Daily digests queued (task {result.id}).")
