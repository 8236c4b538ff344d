"""The group module registry.

A module is a tool a group can turn on (short circuits, agenda, forum…). An app
declares it once, in its AppConfig.ready()::

    from coops.groups.modules import Module, register_module

    register_module(Module(
        name="shortcircuit", label=_("Short circuits"),
        urls="coops.shortcircuit.urls", roles={"producer": _("Producer")},
        description=_("Producers' catalogs and distributions"),
        kinds=("food_hub", "local"),  # optional: the group kinds it suits
    ))

- Pages. ``urls`` names a module with a plain ``urlpatterns`` list (no ``app_name``
  needed). coops.groups.urls mounts it at /g/<group-slug>/m/<name>/ when the URLconf
  loads (after every ready()), behind a wrapper that answers 404 unless the group
  exists, the visitor may see it and the group has the module turned on. The view
  receives the group as ``request.group`` and does not get the slug argument. Reverse
  with ``reverse("groups:<name>:<url name>", kwargs={"slug": group.slug, ...})``;
  name the module's home page "index" and the group page links to it.
- On by default: ``on_by_default=True`` turns it on for every new group of a suitable kind.
- Turning on and off: ``coops.groups.services.group_module_enable/disable`` (group
  administrators, from the group's settings page). Only registered names are accepted.
- Roles: ``roles`` maps role names to labels; organisers grant them to active members
  with ``services.module_role_grant`` while the module is on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import wraps

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
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
    # Turned on when a group (of a suitable kind) is created; administrators may turn it off.
    on_by_default: bool = False

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


def default_modules(kind: str) -> list[Module]:
    """The modules a new group of `kind` starts with."""
    return [m for m in all_modules() if m.on_by_default and (not m.kinds or kind in m.kinds)]


def module_choices() -> list[tuple[str, str]]:
    return [(m.name, str(m.label)) for m in all_modules()]


def in_group_zone(view: Callable) -> Callable:
    """Run a module's view in its group's time zone (``request.group``): forms read the
    times people type, and templates print times, as the group's members live them."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with timezone.override(request.group.zone):
            return view(request, *args, **kwargs)

    return wrapped
