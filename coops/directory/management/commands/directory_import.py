"""`manage.py directory_import FILE --source NAME`: import a CSV, GeoJSON or GoGoCarto
export into the directory through the same services as the import pages (dry run,
then batches), printing the counts and the problems found row by row."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from coops.directory.models import ActorKind, ActorStatus, ImportFormat, ImportStatus
from coops.directory.services.imports import (
    error_rows,
    import_job_create,
    import_job_preview,
    import_job_queue,
    import_job_run,
)

COUNT_NAMES = ("new", "updated", "unchanged", "duplicate", "invalid", "warnings")


class Command(BaseCommand):
    help = (
        "Import a CSV, GeoJSON or GoGoCarto JSON export into the directory. Rows are keyed "
        "by (source, identifier): running it again updates instead of duplicating."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--source", required=True, help="short name of the data source")
        parser.add_argument(
            "--format",
            choices=[f.value for f in ImportFormat],
            default="",
            help="file format (default: from the file name and content)",
        )
        parser.add_argument("--taxonomy", help="GoGoCarto taxonomy.json naming the categories")
        parser.add_argument("--licence", default="ODbL-1.0", help="licence of the data")
        parser.add_argument(
            "--kind",
            choices=ActorKind.values,
            default="",
            help="kind of actor for rows that give none",
        )
        parser.add_argument("--publish", action="store_true", help="publish the new entries")
        parser.add_argument("--dry-run", action="store_true", help="only show what would happen")
        parser.add_argument("--errors", type=int, default=20, help="problems to list (default 20)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        started = time.monotonic()
        try:
            job = self._create(path, options)
            mapping = None
            if options["kind"]:
                mapping = {**job.mapping, "default_kind": options["kind"]}
            job = import_job_preview(job=job, acting_user=None, mapping=mapping)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if job.encoding != "utf-8":
            self.stdout.write(f"Read as {job.encoding} (the file is not UTF-8).")
        self._counts("Dry run", job.preview["counts"], time.monotonic() - started)
        if options["dry_run"]:
            self._errors(job, options["errors"])
            return
        job = import_job_queue(job=job, acting_user=None, enqueue=False)
        started = time.monotonic()
        job = import_job_run(job=job, progress=self._progress)
        self.stderr.write("")
        self._counts("Import", job.counts, time.monotonic() - started)
        self._errors(job, options["errors"])
        if job.status != ImportStatus.DONE:
            raise CommandError(job.message or job.get_status_display())

    def _create(self, path: Path, options):
        taxonomy = None
        try:
            with path.open("rb") as handle:
                upload = File(handle, name=path.name)
                if options["taxonomy"]:
                    taxonomy = File(Path(options["taxonomy"]).open("rb"))  # noqa: SIM115
                return import_job_create(
                    acting_user=None,
                    upload=upload,
                    source=options["source"],
                    format=options["format"],
                    status_on_import=(
                        ActorStatus.PUBLISHED if options["publish"] else ActorStatus.PENDING
                    ),
                    licence=options["licence"],
                    taxonomy=taxonomy,
                )
        finally:
            if taxonomy is not None:
                taxonomy.close()

    def _progress(self, processed: int, total: int) -> None:
        percent = processed * 100 // total if total else 100
        bar = "#" * (percent // 5)
        self.stderr.write(f"\r[{bar:<20}] {processed}/{total} rows ({percent} %)", ending="")
        self.stderr.flush()

    def _counts(self, title: str, counts: dict, seconds: float) -> None:
        parts = ", ".join(f"{counts.get(name, 0)} {name}" for name in COUNT_NAMES)
        self.stdout.write(f"{title}: {parts} ({seconds:.1f} s)")

    def _errors(self, job, limit: int) -> None:
        errors = error_rows(job)
        total = errors.count()
        for error in errors[:limit]:
            where = f"row {error.row_number}" + (f" [{error.source_id}]" if error.source_id else "")
            field = f" {error.field}" if error.field else ""
            value = f" «{error.value}»" if error.value else ""
            self.stdout.write(f"  {where}{field}{value}: {error.message}")
        if total > limit:
            self.stdout.write(f"  … and {total - limit} more problems.")
