"""The demo territory is built by steps that each app registers.

In AppConfig.ready()::

    register_demo_step("groups", load_groups, order=20)

`load_groups(ctx: DemoContext)` creates its data through the app's services and
stores what later steps need in `ctx` (e.g. ``ctx.users["camille"]``,
``ctx.groups["amap-des-weppes"]``). Steps run in `order`, inside one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

DEMO_PASSWORD = "coops-demo"  # noqa: S105 (printed to the person running the demo)


@dataclass
class DemoContext:
    users: dict[str, Any] = field(default_factory=dict)
    groups: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (who, email, role)
    log: Callable[[str], None] = print


@dataclass(frozen=True)
class DemoStep:
    name: str
    load: Callable[[DemoContext], None]
    order: int


# Filled at start-up by AppConfig.ready(), never mutated while serving.
_STEPS: dict[str, DemoStep] = {}


def register_demo_step(name: str, load: Callable[[DemoContext], None], *, order: int) -> None:
    existing = _STEPS.get(name)
    if existing is not None and existing.load is not load:
        raise ImproperlyConfigured(f"demo step {name!r} is registered twice")
    _STEPS[name] = DemoStep(name, load, order)


def demo_steps() -> list[DemoStep]:
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))
