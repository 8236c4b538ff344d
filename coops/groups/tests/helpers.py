"""Small helpers for the groups tests."""

import html

from django.utils import translation
from django.utils.translation import gettext


def fr(msgid: str, **params) -> str:
    """The French text a person reads for `msgid` (every test user speaks French)."""
    with translation.override("fr"):
        text = gettext(msgid)
    return text % params if params else text


def pfr(context: str, msgid: str, **params) -> str:
    """The French text for a message with a context (pgettext)."""
    with translation.override("fr"):
        text = translation.pgettext(context, msgid)
    return text % params if params else text


def nfr(singular: str, plural: str, n: int, **params) -> str:
    """The French text for a plural message with count `n`."""
    with translation.override("fr"):
        text = translation.ngettext(singular, plural, n)
    return text % params if params else text


def page(response) -> str:
    """The response's HTML with entities decoded, as a reader sees the text."""
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]
