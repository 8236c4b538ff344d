"""Folding text for search: case and accents do not matter ("Vélo" finds "velo")."""

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents or ligatures: "Œufs à l'ÉTÉ" -> "oeufs a l'ete"."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("æ", "ae").replace("Æ", "AE").casefold().split())


def terms(query: str) -> list[str]:
    """The folded words of a search query, at most 8 (each one must match)."""
    return fold(query).split()[:8]
