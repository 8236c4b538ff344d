"""Charge last month's demurrage, once. Safe to run every day from cron: the first run
in a month charges the month before, later runs find it done and charge nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from coops.currency.models import Currency, DemurrageRun
from coops.currency.services import demurrage_apply, previous_month


class Command(BaseCommand):
    help = (
        "Apply the demurrage of every currency that has one, for the previous month in "
        "its group's time zone (or --period YYYY-MM). Each month is charged once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="the month to charge, as YYYY-MM")
        parser.add_argument("--currency", help="only this currency code")

    def handle(self, *args, period: str | None = None, currency: str | None = None, **options):
        month = None
        if period:
            try:
                month = datetime.strptime(period, "%Y-%m").date()  # noqa: DTZ007 (a month, no time)
            except ValueError:
                raise CommandError("--period is a month written YYYY-MM, e.g. 2026-10") from None
        currencies = Currency.objects.filter(demurrage_rate__gt=0).select_related("group")
        if currency:
            currencies = currencies.filter(code=currency.upper())
            if not currencies.exists():
                raise CommandError(f"no currency {currency.upper()} with a demurrage rate")
        for item in currencies.order_by("code"):
            today = timezone.localdate(timezone=ZoneInfo(item.group.time_zone))
            target = month or previous_month(today)
            label = f"{item.code} {target:%Y-%m}"
            if DemurrageRun.objects.filter(currency=item, period=target).exists():
                self.stdout.write(f"{label}: already applied, nothing charged")
                continue
            run = demurrage_apply(currency=item, period=target)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{label}: {run.accounts_charged} account(s) charged "
                    f"{item.to_decimal(run.total)} {item.code} at {run.rate} % above "
                    f"{item.to_decimal(run.free_base)} {item.code}, "
                    "into the solidarity fund"
                )
            )
