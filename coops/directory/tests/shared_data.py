"""Real files from other projects, for import tests: the team's ../shared/data/ next to
the checkout, or wherever COOPS_SHARED_DATA points (they are not part of this repository).
Tests that read them are skipped, with the reason, when the folder is not there."""

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(
    os.environ.get("COOPS_SHARED_DATA") or Path(__file__).resolve().parents[4] / "shared" / "data"
)
ELEMENTS = SHARED_DATA / "gogocarto_elements.json"
TAXONOMY = SHARED_DATA / "gogocarto_taxonomy.json"

requires_shared_data = pytest.mark.skipif(
    not (ELEMENTS.is_file() and TAXONOMY.is_file()),
    reason=f"the GoGoCarto samples are not in {SHARED_DATA} (set COOPS_SHARED_DATA)",
)
