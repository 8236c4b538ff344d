"""Transaction kinds, registered by the app that posts them.

In AppConfig.ready()::

    register_kind("shortcircuit.order", _("Order"))

`transaction_post` refuses a kind nobody registered, so every movement in the
book says which app made it.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REVERSAL = "ledger.reversal"
ADJUSTMENT = "ledger.adjustment"


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise


# Filled at start-up by AppConfig.ready(), never mutated while serving.
_KINDS: dict[str, Kind] = {}


def register_kind(name: str, label: str | Promise) -> Kind:
    if "." not in name:
        raise ImproperlyConfigured(f"transaction kind {name!r} must be '<app>.<kind>'")
    existing = _KINDS.get(name)
    kind = Kind(name, label)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"transaction kind {name!r} is registered twice")
    _KINDS[name] = kind
    return kind


def get_kind(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no transaction kind named {name!r}") from None


def kind_label(name: str) -> str:
    kind = _KINDS.get(name)
    return str(kind.label) if kind else name


def register_builtin_kinds() -> None:
    register_kind(REVERSAL, _("Reversal"))
    register_kind(ADJUSTMENT, _("Adjustment"))
