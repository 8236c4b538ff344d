"""Fixtures for the API tests: personal tokens and clients that use them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from coops.accounts.models import ApiToken
from coops.accounts.services import api_token_create


def make_token(user, **state) -> str:
    """Create a token for `user` as the profile page does; return the secret it shows once.

    `state` (revoked_at=…, an expires_at in the past…) is then written straight to the row,
    for states the service rightly refuses to create.
    """
    token, secret = api_token_create(user=user, name="script", acting_user=user)
    if state:
        ApiToken.objects.filter(pk=token.pk).update(**state)
    return secret


@pytest.fixture
def token_for() -> Callable[..., str]:
    return make_token


@pytest.fixture
def bearer_client() -> Callable[[str], Client]:
    """A client sending `Authorization: Bearer <key>` on every request."""

    def build(key: str) -> Client:
        return Client(headers={"Authorization": f"Bearer {key}"})

    return build
