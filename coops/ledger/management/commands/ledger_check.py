from django.core.management.base import BaseCommand, CommandError

from coops.ledger.invariants import ledger_violations
from coops.ledger.models import Entry, LedgerAccount, Transaction


class Command(BaseCommand):
    help = (
        "Verify the ledger: balances sum to 0 per currency, each balance equals its "
        "entries, each transaction balances. Exits non-zero on any violation."
    )

    def handle(self, *args, **options):
        problems = ledger_violations()
        if problems:
            for line in problems:
                self.stderr.write(f"  {line}")
            raise CommandError(f"ledger_check: {len(problems)} violation(s)")
        self.stdout.write(
            self.style.SUCCESS(
                f"ledger_check: sound ({LedgerAccount.objects.count()} accounts, "
                f"{Transaction.objects.count()} transactions, {Entry.objects.count()} entries)"
            )
        )
