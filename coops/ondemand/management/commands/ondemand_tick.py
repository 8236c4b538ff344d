"""The dispatch clock: expire the offers nobody answered in time, passing each job to
its next candidate, then offer again the jobs still waiting for a worker.

Safe to run as often as you like. Cron, every minute::

    * * * * *  cd /srv/coops && .venv/bin/python manage.py ondemand_tick

The worker and dispatch pages do the same for their federation when they load, so
dispatch moves on even without cron; the tick covers federations nobody is looking at.
"""

from django.core.management.base import BaseCommand

from coops.ondemand.services.dispatch import offers_expire_due, waiting_jobs_dispatch


class Command(BaseCommand):
    help = (
        "On-demand dispatch clock (cron: every minute, '* * * * * manage.py ondemand_tick'): "
        "expire offers past their answer time and offer each job to its next candidate, "
        "then offer again the jobs waiting for a worker, in every federation."
    )

    def handle(self, *args, **options):
        expired = offers_expire_due()
        offered = waiting_jobs_dispatch()
        self.stdout.write(
            f"ondemand_tick: {expired} offers expired, {offered} waiting jobs offered"
        )
