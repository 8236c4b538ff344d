"""Writes to the directory: actors (actors.py), submission and owners' edits
(submission.py), collaborative moderation (moderation.py) and imports (imports.py)."""

from .actors import (
    COORDINATE_PLACES,
    actor_create,
    actor_reindex,
    department_from_postcode,
    legal_form_words,
)

__all__ = [
    "COORDINATE_PLACES",
    "actor_create",
    "actor_reindex",
    "department_from_postcode",
    "legal_form_words",
]
