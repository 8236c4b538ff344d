"""Demo import (registered as the "directory_imports" step, after moderation).

A partner network's spreadsheet (data/demo_import.csv: twenty invented third places and
co-operatives of Hauts-de-France, with French column names, one invalid SIRET and one
unknown sector) goes through the real import: upload, dry run, run. The imports page
then shows a finished job with its counts and its error report.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files import File

from coops.core.demo import DemoContext

from .models import ActorStatus
from .services.imports import (
    import_job_create,
    import_job_preview,
    import_job_queue,
    import_job_run,
)

DEMO_IMPORT_CSV = Path(__file__).resolve().parent / "data" / "demo_import.csv"
DEMO_SOURCE = "tiers-lieux-hdf"


def load_imports(ctx: DemoContext) -> None:
    moderator = ctx.users.get("helene") or ctx.users["admin"]
    with DEMO_IMPORT_CSV.open("rb") as handle:
        job = import_job_create(
            acting_user=moderator,
            upload=File(handle, name="reseau-tiers-lieux-hdf.csv"),
            source=DEMO_SOURCE,
            status_on_import=ActorStatus.PUBLISHED,
            licence="ODbL-1.0",
        )
    job = import_job_preview(job=job, acting_user=moderator)
    job = import_job_queue(job=job, acting_user=moderator, enqueue=False)
    job = import_job_run(job=job, acting_user=moderator)
    counts = job.counts
    ctx.extra["import_job"] = job
    ctx.log(
        f"directory imports: {counts['new']} entries imported from a partner's CSV, "
        f"{counts['invalid']} invalid row reported"
    )
