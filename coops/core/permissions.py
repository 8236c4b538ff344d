"""One permission entry point: `can(user, action, obj)` over named rules.

Apps register rules with a human message, e.g.::

    @rule("group.manage_members", _("Only the group's organisers can manage its members."))
    def _manage(user, group): ...

Views call `require(user, action, obj)` which raises PermissionDenied with that message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied

Predicate = Callable[[Any, Any], bool]


@dataclass(frozen=True, slots=True)
class Rule:
    action: str
    predicate: Predicate
    message: str
    allow_anonymous: bool


_RULES: dict[str, Rule] = {}


def rule(
    action: str, message: str, *, allow_anonymous: bool = False
) -> Callable[[Predicate], Predicate]:
    """Register `predicate(user, obj) -> bool` as the rule for `action`."""

    def register(predicate: Predicate) -> Predicate:
        if action in _RULES and _RULES[action].predicate is not predicate:
            raise ImproperlyConfigured(f"permission rule {action!r} is registered twice")
        _RULES[action] = Rule(action, predicate, message, allow_anonymous)
        return predicate

    return register


def get_rule(action: str) -> Rule:
    try:
        return _RULES[action]
    except KeyError:
        raise ImproperlyConfigured(f"no permission rule named {action!r}") from None


def can(user: Any, action: str, obj: Any = None) -> bool:
    """True when `user` may do `action` on `obj`. Unknown actions raise, never allow."""
    r = get_rule(action)
    if user is None or not getattr(user, "is_authenticated", False):
        return r.allow_anonymous and bool(r.predicate(user, obj))
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(r.predicate(user, obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied carrying the rule's human message unless `can()` allows."""
    if not can(user, action, obj):
        raise PermissionDenied(get_rule(action).message)


def registered_actions() -> list[str]:
    return sorted(_RULES)
