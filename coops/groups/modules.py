"""The group module registry.

An app declares a module in its AppConfig.ready()::

    register_module(Module(
        name="shortcircuit", label=_("Short circuits"),
        urls="coops.shortcircuit.urls", roles={"producer": _("Producer")},
        description=_("Producers' catalogs and distributions"),
    ))

Its URLs are mounted under /g/<group-slug>/<name>/ and reached only for groups that
turn the module on; its roles can be given to members of those groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

# Filled at start-up by AppConfig.ready(), never mutated while serving.
_MODULES: dict[str, Module] = {}


@dataclass(frozen=True)
class Module:
    name: str
    label: str | Promise
    description: str | Promise = ""
    urls: str | None = None
    roles: Mapping[str, str | Promise] = field(default_factory=dict)
    icon: str = ""
    # Group kinds it suits; empty means every kind.
    kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name != self.name.lower():
            raise ImproperlyConfigured(f"module name {self.name!r} must be a lowercase identifier")


def register_module(module: Module) -> Module:
    existing = _MODULES.get(module.name)
    if existing is not None and existing != module:
        raise ImproperlyConfigured(f"group module {module.name!r} is registered twice")
    _MODULES[module.name] = module
    return module


def get_module(name: str) -> Module:
    try:
        return _MODULES[name]
    except KeyError:
        raise LookupError(f"no group module named {name!r}") from None


def all_modules() -> list[Module]:
    return sorted(_MODULES.values(), key=lambda m: m.name)


def module_choices() -> list[tuple[str, str]]:
    return [(m.name, str(m.label)) for m in all_modules()]
