import re

from django.contrib.auth import SESSION_KEY


def squash(html: str) -> str:
    """Drop the whitespace around tags so assertions read like the rendered page."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", html)


def signed_in_id(client) -> str | None:
    """The id of the user the test client's session is signed in as, or None."""
    return client.session.get(SESSION_KEY)
