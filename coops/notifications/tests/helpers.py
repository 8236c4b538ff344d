"""Small helpers shared by the notifications tests."""

import re


def unsubscribe_path(text: str) -> str:
    """The unsubscribe path found in an email body or header."""
    match = re.search(r"https?://[^/\s]+(/notifications/unsubscribe/[^/\s>]+/)", text)
    assert match, text
    return match.group(1)
