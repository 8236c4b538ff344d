"""The registry of notification kinds.

Apps (this one for group events, later governance, ledger…) register the kinds they
send from an AppConfig.ready()::

    register_kind("group.join_requested", _("Requests to join a group"),
                  _("Someone asks to join a group you organise."))

The preferences page lists every registered kind; `notify()` refuses unknown kinds so a
typo never creates notifications nobody can switch off.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from .models import Frequency


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    description: str
    default: Frequency


# Filled at start-up by AppConfig.ready(), never mutated while serving.
_KINDS: dict[str, Kind] = {}


def register_kind(
    name: str, label: str, description: str = "", default: Frequency = Frequency.IMMEDIATE
) -> Kind:
    """Declare a kind of notification. Registering the same kind again is a no-op."""
    if not name or len(name) > 60:
        raise ImproperlyConfigured(f"notification kind {name!r} must have 1 to 60 characters")
    kind = Kind(name=name, label=label, description=description, default=Frequency(default))
    existing = _KINDS.get(name)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"notification kind {name!r} is registered twice")
    _KINDS[name] = kind
    return kind


def get_kind(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise ImproperlyConfigured(f"no notification kind named {name!r}") from None


def all_kinds() -> list[Kind]:
    """Registered kinds, in registration order (apps register related kinds together)."""
    return list(_KINDS.values())
