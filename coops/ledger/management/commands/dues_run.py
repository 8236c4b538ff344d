"""The daily dues job: generate the current period's dues of every active plan, then
send the reminders that are due (issued, overdue), each at most once.

Safe to run as often as you like: generation and reminders are idempotent. Cron::

    15 6 * * *  cd /srv/coops && .venv/bin/python manage.py dues_run
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coops.groups.models import GroupModule
from coops.ledger.dues.models import DuesPlan
from coops.ledger.dues.reminders import counts_of, dues_send_reminders
from coops.ledger.dues.services import dues_generate


class Command(BaseCommand):
    help = (
        "Daily dues job (cron: once a day, e.g. '15 6 * * * manage.py dues_run'): generate "
        "the current period's dues for every active plan of groups with the ledger module "
        "on, then send the dues reminders that are due (when issued, when overdue), each "
        "once. Idempotent. Prints what it did."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=date.fromisoformat,
            help="run as if today were this day (YYYY-MM-DD); default: each group's today",
        )

    def handle(self, *args, date: date | None = None, **options):
        enabled = GroupModule.objects.filter(module="ledger").values("group_id")
        plans = (
            DuesPlan.objects.filter(is_active=True, group_id__in=enabled)
            .select_related("group")
            .order_by("group__slug", "name")
        )
        generated = skipped = issued = overdue = 0
        for plan in plans:
            if (date or plan.group.today()) < plan.start_date:
                continue  # not started yet
            try:
                created = dues_generate(plan=plan, on=date, today=date)
            except ValidationError as exc:
                skipped += 1
                self.stderr.write(f"{plan.group.slug} · {plan.name}: {' '.join(exc.messages)}")
                continue
            generated += len(created)
            sent = counts_of(created)
            issued, overdue = issued + sent.issued, overdue + sent.overdue
            if created:
                self.stdout.write(
                    f"{plan.group.slug} · {plan.name} · {created[0].period_label}: "
                    f"{len(created)} dues generated"
                )
        later = dues_send_reminders(on=date)
        issued, overdue = issued + later.issued, overdue + later.overdue
        self.stdout.write(
            f"dues_run: {plans.count()} active plan(s), {generated} dues generated, "
            f"{issued} issued reminder(s) and {overdue} overdue reminder(s) sent"
        )
        if skipped:
            raise CommandError(f"{skipped} plan(s) could not be generated")
