from django.core.management.base import BaseCommand, CommandError

from coops.directory import places
from coops.directory.seed import seed_actors


class Command(BaseCommand):
    help = (
        "Generate N realistic directory actors spread over French towns (for the demo and "
        "benchmarks). Re-running with the same --seed skips the actors that exist."
    )

    def add_arguments(self, parser):
        parser.add_argument("--actors", type=int, required=True, help="how many actors")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--batch", type=int, default=5000, help="rows per transaction")
        parser.add_argument(
            "--departments",
            default="",
            help="comma-separated department codes to limit the towns to (e.g. 59,62)",
        )

    def handle(self, *args, actors: int, seed: int, batch: int, departments: str, **options):
        if actors < 0 or batch < 1:
            raise CommandError("--actors must be 0 or more and --batch at least 1.")
        chosen = {d.strip() for d in departments.split(",") if d.strip()} or None
        verbose = options["verbosity"] > 1
        try:
            result = seed_actors(
                count=actors,
                seed=seed,
                batch_size=batch,
                departments=chosen,
                log=(lambda line: self.stdout.write(f"  {line}")) if verbose else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if result.created:
            places.reorder()  # PostgreSQL: the new actors' places in place order
        self.stdout.write(
            f"{result.created} actors created, {result.skipped} already there, "
            f"in {result.seconds:.1f} s"
        )
