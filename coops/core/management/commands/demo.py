from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from coops.core.demo import DEMO_PASSWORD, DemoContext, demo_steps
from coops.core.models import Event

MARKER = "demo.loaded"


class Command(BaseCommand):
    help = "Load the demo territory (idempotent). --reset empties the database first."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="flush the database and load it again"
        )

    def handle(self, *args, reset: bool = False, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo territory is never loaded in production.")
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        if Event.objects.filter(verb=MARKER).exists():
            self.stdout.write(
                "The demo territory is already loaded (make clean-demo to start over)."
            )
            self._print_logins(Event.objects.filter(verb=MARKER).latest("created_at").data)
            return
        ctx = DemoContext(log=lambda line: self.stdout.write(f"  {line}"))
        # Texts the services write (agenda items, outcomes…) are in the site's language,
        # as when the territory's organisers use it.
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            for step in demo_steps():
                self.stdout.write(f"demo: {step.name}")
                step.load(ctx)
            from coops.core.audit import event_record

            data = {"logins": [list(x) for x in ctx.logins]}
            event_record(actor=None, verb=MARKER, **data)
        self._print_logins(data)

    def _print_logins(self, data: dict) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password: {DEMO_PASSWORD})"))
        for who, email, role in data.get("logins", []):
            self.stdout.write(f"  {email:<40} {who} — {role}")
        self.stdout.write("\nOpen http://127.0.0.1:8000/\n")
