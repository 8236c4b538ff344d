"""Imports of open data into the directory: CSV, GeoJSON and GoGoCarto JSON exports.

parsers.py reads a file into rows, mapping.py says which column fills which field,
rows.py validates one row into an actor's values, scan.py decides what each row becomes
(and writes it), jobs.py holds the services a view or the `directory_import` command
calls: create, dry run, queue, run, cancel.
"""

from .jobs import (
    TRANSITIONS,
    can_move,
    clean_mapping,
    error_rows,
    import_job_cancel,
    import_job_create,
    import_job_preview,
    import_job_queue,
    import_job_run,
)
from .parsers import ImportFileError
from .scan import Outcome

__all__ = [
    "TRANSITIONS",
    "ImportFileError",
    "Outcome",
    "can_move",
    "clean_mapping",
    "error_rows",
    "import_job_cancel",
    "import_job_create",
    "import_job_preview",
    "import_job_queue",
    "import_job_run",
]
