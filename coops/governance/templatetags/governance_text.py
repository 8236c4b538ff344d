"""`{{ proposal.body|markdown }}`: a proposal's Markdown as safe HTML.

The Markdown is rendered, then cleaned by nh3 (an allow-list of tags and attributes:
no script, no style, no event handler, links get rel="noopener noreferrer"), so what a
member writes can never run in another member's browser.
"""

from __future__ import annotations

import markdown as md
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip


def render_markdown(text: str) -> SafeString:
    html = md.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    # Headings start at h2 on the page; "# Title" in a proposal becomes an h2.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # cleaned by nh3 just above


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def outcome_text(proposal) -> str:
    """`{{ proposal|outcome_text }}`: a decided proposal's outcome in the reader's language."""
    from ..selectors.tally import outcome_texts

    if not proposal.outcome and not proposal.outcome_summary:
        return ""
    return outcome_texts(proposal).summary
