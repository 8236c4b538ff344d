"""The error bodies every endpoint answers with: always ``{"detail": "..."}``."""

from ninja import Schema


class Error(Schema):
    """Any 4xx answer: a human-readable, translated message."""

    detail: str


class FieldError(Schema):
    """One invalid input: where it is (``["body", "payload", "name"]``) and what is wrong."""

    loc: list[str | int]
    msg: str


class ValidationErrorOut(Error):
    """A 422 answer: the message, plus one entry per invalid input."""

    errors: list[FieldError]
