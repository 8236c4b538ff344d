"""The life of an import job: upload → (mapping, dry run) → queued → running → done.

Guarantees:
- A file that cannot be read (too big, broken JSON, not a FeatureCollection, binary…)
  never becomes a job: `import_job_create` raises ValidationError with a sentence the
  person can act on. Latin-1/Windows-1252 CSV is read and the encoding recorded.
- The dry run writes no actor: it stores the counts (new, updated, unchanged, duplicate,
  invalid, rows with warnings), ten sample rows and one error row per problem found.
- The real run goes by batches (DIRECTORY_IMPORT_BATCH_SIZE rows; by default 500, or
  100 on SQLite, where a transaction holds the one write lock), each in its own
  transaction with its error rows and the progress counter: a batch commits whole or
  not at all. Invalid and duplicate rows are reported and skipped, they do not fail a
  batch. A batch that fails while writing (a database error, a bug) is rolled back and
  reported, and the job stops there as FAILED: the batches before it stay, and running
  the job again is safe (rows already imported come back "unchanged").
- Idempotence: an actor is keyed by (source, identifier at the source): the row's own
  pair when the file gives both (a directory's export keeps the identity each actor was
  first imported with), else the job's source and the row's identifier (or its SIRET,
  or its name and postcode when it has none). A row whose key exists updates that actor
  (only what changed; never its status, owners or group), so importing the same file
  twice creates nothing the second time.
- One audit event per step of the job (created, queued, finished, cancelled), not per
  row; creating an actor still records its own `directory.actor_created` event.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coops.core.audit import event_record

from ...models import (
    ActorKind,
    ActorStatus,
    ImportJob,
    ImportRowError,
    ImportStatus,
    Sector,
)
from .mapping import FIELDS, default_mapping, match_categories
from .parsers import ImportFileError, detect_format, gogocarto_categories, inspect
from .scan import SAMPLE_SIZE, Decision, Outcome, Scan, empty_counts

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_BATCH_SIZE = 500
SQLITE_BATCH_SIZE = 100  # a batch holds SQLite's write lock: keep it around a second
TAXONOMY_MAX_BYTES = 2 * 1024 * 1024

# The allowed moves between states; every status change goes through one of these.
TRANSITIONS: dict[str, set[str]] = {
    ImportStatus.UPLOADED: {ImportStatus.PREVIEWED, ImportStatus.CANCELLED},
    ImportStatus.PREVIEWED: {ImportStatus.PREVIEWED, ImportStatus.QUEUED, ImportStatus.CANCELLED},
    ImportStatus.QUEUED: {ImportStatus.RUNNING, ImportStatus.CANCELLED},
    ImportStatus.RUNNING: {ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED},
    ImportStatus.FAILED: {ImportStatus.QUEUED},
    ImportStatus.CANCELLED: set(),
    ImportStatus.DONE: set(),
}


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())


def _from_states(target: str) -> list[str]:
    return [state for state, targets in TRANSITIONS.items() if target in targets]


def max_bytes() -> int:
    return int(getattr(settings, "DIRECTORY_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def batch_size() -> int:
    default = SQLITE_BATCH_SIZE if connection.vendor == "sqlite" else DEFAULT_BATCH_SIZE
    return max(1, int(getattr(settings, "DIRECTORY_IMPORT_BATCH_SIZE", default)))


def _size_error(size: int, limit: int) -> ValidationError:
    return ValidationError(
        _(
            "The file is too big (%(size)s MB): imports take files up to %(limit)s MB. "
            "Split it into several files."
        )
        % {"size": f"{size / 1_048_576:.1f}", "limit": f"{limit / 1_048_576:.0f}"}
    )


def _read_upload(upload: Any, limit: int) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _size_error(size, limit)
    data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    if len(data) > limit:
        raise _size_error(len(data), limit)
    return data


# --- Create ------------------------------------------------------------------------------


def import_job_create(
    *,
    acting_user: Any,
    upload: Any,
    source: str,
    format: str = "",
    status_on_import: str = ActorStatus.PENDING,
    licence: str = "ODbL-1.0",
    taxonomy: Any = None,
) -> ImportJob:
    """Store an uploaded file as a new job after reading it whole once: its format
    (from the name or the content unless given), encoding, columns and number of rows,
    and the proposed mapping. A GoGoCarto taxonomy file, when given, names the
    categories and proposes the sector each one goes to. Raises ValidationError (keyed
    by "file", "taxonomy" or "source") when anything cannot be used; nothing is stored
    then."""
    source = " ".join((source or "").split())
    if not source:
        raise ValidationError({"source": _("Name the source of the data.")})
    filename = PurePath(getattr(upload, "name", "") or "import").name
    try:
        data = _read_upload(upload, max_bytes())
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    fmt = format or detect_format(filename, data)
    try:
        info = inspect(data, fmt)
    except ImportFileError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    mapping = default_mapping(fmt, info.columns, info.examples)
    if taxonomy is not None:
        try:
            names = gogocarto_categories(_read_upload(taxonomy, TAXONOMY_MAX_BYTES))
        except (ImportFileError, ValidationError) as exc:
            message = str(exc) if isinstance(exc, ImportFileError) else exc.messages
            raise ValidationError({"taxonomy": message}) from exc
        mapping["category_names"] = names
        mapping["categories"] = match_categories(names, Sector.objects.all())
    with transaction.atomic():
        job = ImportJob(
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            source=source,
            format=fmt,
            filename=filename[:255],
            encoding=info.encoding,
            mapping=mapping,
            status_on_import=status_on_import,
            licence=licence,
            total_rows=info.total_rows,
        )
        job.full_clean(exclude=["created_by", "file"])  # no user from the command line
        # An unguessable name: the file holds people's contact details.
        job.file.save(f"{secrets.token_hex(12)}-{filename}", ContentFile(data), save=False)
        job.save()
        event_record(
            actor=acting_user,
            verb="directory.import_created",
            target=job,
            source=job.source,
            format=job.format,
            filename=job.filename,
            encoding=job.encoding,
            rows=job.total_rows,
        )
    return job


# --- Mapping and dry run -----------------------------------------------------------------


def clean_mapping(job: ImportJob, chosen: dict[str, Any]) -> dict[str, Any]:
    """The job's mapping with the person's choices: fields to columns the file has,
    the default kind and the category → sector table. Raises ValidationError."""
    columns = set(job.mapping.get("columns", []))
    fields: dict[str, Any] = {}
    for spec in FIELDS:
        value = chosen.get("fields", {}).get(spec.name)
        paths = [p for p in (value if isinstance(value, list) else [value]) if p]
        unknown = [p for p in paths if p not in columns]
        if unknown:
            raise ValidationError(
                _("The file has no column “%(column)s”.") % {"column": unknown[0]}
            )
        if paths:
            fields[spec.name] = paths if spec.several else paths[0]
    if not fields.get("name"):
        raise ValidationError(_("Choose the column that holds the name."))
    kind = chosen.get("default_kind", job.mapping.get("default_kind", ActorKind.ASSOCIATION))
    if kind not in ActorKind.values:
        raise ValidationError(_("Choose a kind of actor."))
    categories = dict(job.mapping.get("categories", {}))
    slugs = set(Sector.objects.values_list("slug", flat=True))
    for key, slug in chosen.get("categories", {}).items():
        if str(key) not in categories:
            continue
        if slug and slug not in slugs:
            raise ValidationError(_("Unknown sector “%(slug)s”.") % {"slug": slug})
        categories[str(key)] = slug or ""
    return {**job.mapping, "fields": fields, "default_kind": kind, "categories": categories}


def import_job_preview(
    *, job: ImportJob, acting_user: Any, mapping: dict[str, Any] | None = None
) -> ImportJob:
    """Dry run: with the given mapping (stored), read every row and decide what it
    would become, without writing any actor. Stores the counts and ten sample rows in
    `job.preview`, and the problems found as error rows marked `dry_run`. Raises
    ValidationError when the job is past its dry run or the mapping is unusable."""
    if job.status not in _from_states(ImportStatus.PREVIEWED):
        raise ValidationError(_("This import has already started: its dry run is over."))
    if mapping is not None:
        job.mapping = clean_mapping(job, mapping)
    try:
        scan = Scan(job)
    except ImportFileError as exc:
        raise ValidationError(str(exc)) from exc
    except OSError as exc:
        raise ValidationError(_file_gone()) from exc
    counts = empty_counts() | {"total": scan.total}
    sample: list[dict[str, Any]] = []
    errors: list[ImportRowError] = []
    for batch in scan.batches(batch_size()):
        decisions = scan.decide(batch)
        _count(counts, decisions)
        errors += scan.errors(decisions, dry_run=True)
        for decision in decisions:
            if len(sample) < SAMPLE_SIZE and decision.outcome != Outcome.INVALID:
                sample.append(scan.sample(decision))
    with transaction.atomic():
        moved = ImportJob.objects.filter(
            pk=job.pk, status__in=_from_states(ImportStatus.PREVIEWED)
        ).update(
            mapping=job.mapping,
            preview={"counts": counts, "sample": sample, "at": timezone.now().isoformat()},
            total_rows=scan.total,
            status=ImportStatus.PREVIEWED,
            updated_at=timezone.now(),
        )
        if not moved:
            raise ValidationError(_("This import has already started: its dry run is over."))
        ImportRowError.objects.filter(job=job, dry_run=True).delete()
        ImportRowError.objects.bulk_create(errors, batch_size=1000)
    job.refresh_from_db()
    return job


def _file_gone() -> str:
    return _("The uploaded file can no longer be read: upload it again.")


def _count(counts: dict[str, int], decisions: list[Decision]) -> None:
    for decision in decisions:
        counts[decision.outcome.value] += 1
        if decision.outcome != Outcome.INVALID and decision.row.issues:
            counts["warnings"] += 1


# --- Queue, run, cancel -------------------------------------------------------------------


def import_job_queue(*, job: ImportJob, acting_user: Any, enqueue: bool = True) -> ImportJob:
    """Confirm a dry-run job (or retry a failed one): it is queued for the task worker
    (`run_import`, enqueued after commit). Raises ValidationError from another state."""
    with transaction.atomic():
        moved = ImportJob.objects.filter(
            pk=job.pk, status__in=_from_states(ImportStatus.QUEUED)
        ).update(
            status=ImportStatus.QUEUED,
            processed_rows=0,
            counts={},
            message="",
            started_at=None,
            finished_at=None,
            updated_at=timezone.now(),
        )
        if not moved:
            raise ValidationError(_("Only an import after its dry run (or a failed one) can run."))
        ImportRowError.objects.filter(job=job, dry_run=False).delete()
        job.refresh_from_db()
        event_record(actor=acting_user, verb="directory.import_queued", target=job)
        if enqueue:
            from ...tasks import run_import

            user_id = acting_user.pk if getattr(acting_user, "is_authenticated", False) else None
            transaction.on_commit(lambda: run_import.enqueue(job_id=job.pk, user_id=user_id))
    return job


def import_job_cancel(*, job: ImportJob, acting_user: Any) -> ImportJob:
    """Cancel a job that has not finished. A running job stops before its next batch;
    the batches already committed stay. Raises ValidationError when it is over."""
    with transaction.atomic():
        moved = ImportJob.objects.filter(
            pk=job.pk, status__in=_from_states(ImportStatus.CANCELLED)
        ).update(status=ImportStatus.CANCELLED, finished_at=timezone.now())
        if not moved:
            raise ValidationError(_("This import is over: it cannot be cancelled."))
        job.refresh_from_db()
        event_record(
            actor=acting_user,
            verb="directory.import_cancelled",
            target=job,
            processed_rows=job.processed_rows,
        )
    return job


def import_job_run(
    *,
    job: ImportJob,
    acting_user: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportJob:
    """Run a queued job batch by batch (see the module's guarantees). Claims the job
    first, so a second worker given the same job does nothing. Never raises for bad
    data or a failed batch: the job ends DONE, FAILED or CANCELLED with its counts and
    message. Calls `progress(processed, total)` after each batch."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), processed_rows=0, counts={}
    )
    job.refresh_from_db()
    if not claimed:
        return job
    try:
        scan = Scan(job)
    except ImportFileError as exc:
        return _finish(job, acting_user, ImportStatus.FAILED, empty_counts(), str(exc))
    except OSError:
        logger.exception("import %s: the file cannot be read", job.pk)
        return _finish(job, acting_user, ImportStatus.FAILED, empty_counts(), _file_gone())
    counts = empty_counts()
    processed = 0
    for batch in scan.batches(batch_size()):
        if ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CANCELLED).exists():
            return _finish(job, acting_user, ImportStatus.CANCELLED, counts, "")
        batch_counts = dict.fromkeys(counts, 0)
        failing_row = batch[0][0]
        try:
            with transaction.atomic():
                decisions = scan.decide(batch)
                for decision in decisions:
                    failing_row = decision.row.number
                    scan.write(decision, acting_user=acting_user)
                _count(batch_counts, decisions)
                ImportRowError.objects.bulk_create(
                    scan.errors(decisions, dry_run=False), batch_size=1000
                )
                processed += len(batch)
                ImportJob.objects.filter(pk=job.pk).update(
                    processed_rows=processed,
                    counts={k: counts[k] + batch_counts[k] for k in counts},
                )
        except Exception as exc:
            logger.exception("import %s: batch starting at row %s failed", job.pk, batch[0][0])
            return _fail_batch(job, acting_user, counts, batch, failing_row, exc)
        counts = {k: counts[k] + batch_counts[k] for k in counts}
        if progress is not None:
            progress(processed, scan.total)
    message = _("Import finished: %(new)d created, %(updated)d updated, %(unchanged)d unchanged.")
    return _finish(job, acting_user, ImportStatus.DONE, counts, message % counts)


def _fail_batch(
    job: ImportJob,
    acting_user: Any,
    counts: dict[str, int],
    batch: list[tuple[int, dict[str, Any]]],
    failing_row: int,
    exc: Exception,
) -> ImportJob:
    first, last = batch[0][0], batch[-1][0]
    reason = _("Writing row %(row)d failed (%(error)s)") % {
        "row": failing_row,
        "error": type(exc).__name__,
    }
    message = _(
        "%(reason)s: rows %(first)d to %(last)d were not imported (nothing of that batch "
        "was written). The rows before them are imported; running the import again is "
        "safe."
    ) % {"reason": reason, "first": first, "last": last}
    ImportRowError.objects.create(
        job=job,
        row_number=failing_row,
        message=message[:500],
        value=str(exc)[:200],
        dry_run=False,
    )
    return _finish(job, acting_user, ImportStatus.FAILED, counts, message)


def _finish(
    job: ImportJob, acting_user: Any, status: str, counts: dict[str, int], message: str
) -> ImportJob:
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
            status=status, counts=counts, message=message, finished_at=timezone.now()
        )
        if not updated:  # cancelled meanwhile: keep that, record what was done
            ImportJob.objects.filter(pk=job.pk).update(counts=counts, finished_at=timezone.now())
        job.refresh_from_db()
        event_record(
            actor=acting_user,
            verb="directory.import_finished",
            target=job,
            status=job.status,
            counts=counts,
            processed_rows=job.processed_rows,
        )
    return job


def error_rows(job: ImportJob) -> Any:
    """The error rows a person should see now: the real run's once it started, else the
    dry run's."""
    dry_run = job.status in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED)
    return job.errors.filter(dry_run=dry_run).order_by("row_number", "id")
