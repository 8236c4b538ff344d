"""Named permission rules for the charter, registered with core.permissions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from coops.core.permissions import rule


def is_owner(user: Any, actor: Any) -> bool:
    """True when `user` is one of the people who manage `actor`."""
    if user is None or not user.is_authenticated or actor.pk is None:
        return False
    return actor.owners.filter(pk=user.pk).exists()


@rule(
    "charter.publish",
    _("Only the platform's staff can draft and publish versions of the charter."),
)
def _publish(user: Any, _obj: Any = None) -> bool:
    return bool(user.is_staff)


@rule(
    "charter.sign",
    _("Only the people who manage this actor can sign the charter on its behalf."),
)
def _sign(user: Any, actor: Any) -> bool:
    return bool(user.is_staff) or is_owner(user, actor)
