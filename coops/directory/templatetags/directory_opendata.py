"""Template tags of the directory's open data: the download links of a search."""

from __future__ import annotations

from django import template

from ..opendata import ODBL_URL
from ..selectors.export import export_max_rows

register = template.Library()


@register.inclusion_tag("directory/_export_links.html")
def export_links(query_string: str, total: int) -> dict:
    """Links to download the search given by `query_string` (which finds `total` actors)
    as CSV, GeoJSON and JSON-LD, with a note when a download would be cut; nothing when
    the search finds no actor."""
    max_rows = export_max_rows()
    return {
        "total": total,
        "query": f"?{query_string}" if query_string else "",
        "truncated": total > max_rows,
        "max_rows": max_rows,
        "licence_url": ODBL_URL,
    }
