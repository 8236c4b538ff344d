"""The governance clock: close proposals at their deadline, remind voters 24 hours before
closing, and tell organisers when a decision reaches its review date.

Safe to run as often as you like (each reminder goes once). Cron, every five minutes::

    */5 * * * *  cd /srv/coops && .venv/bin/python manage.py governance_tick
"""

from django.core.management.base import BaseCommand

from coops.governance.services.closing import (
    decisions_review_due,
    proposals_close_due,
    proposals_remind,
)


class Command(BaseCommand):
    help = (
        "Governance clock (cron: every 5 minutes, '*/5 * * * * manage.py governance_tick'): "
        "close proposals past their deadline, remind voters who have not answered 24 hours "
        "before closing, and notify organisers of decisions due for review."
    )

    def handle(self, *args, **options):
        closed = proposals_close_due()
        reminded = proposals_remind()
        reviews = decisions_review_due()
        self.stdout.write(
            f"governance_tick: {closed} closed, {reminded} reminded, {reviews} due for review"
        )
