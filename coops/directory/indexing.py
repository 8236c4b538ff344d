"""The text the search engines index for an actor: accent-free, lower-case, with the
names of its taxonomy terms in both languages, so "cooperative boulangere" finds
"Coopérative Boulangère" on every engine."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def fold(text: str) -> str:
    """Lower-case without accents or ligatures: "Cœur Élan" → "coeur elan"."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_text(*, name: str, description: str = "", city: str = "", legal_form: str = "",
                terms: Iterable[str] = ()) -> str:  # fmt: skip
    """The folded text to index: name first (it weighs most), then the rest."""
    parts = [name, city, legal_form, *terms, description]
    return fold(" ".join(p for p in parts if p))
