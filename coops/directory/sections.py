"""Extra sections of the actor page, registered by higher apps.

The directory must not import the apps built on it (charter, governance…), so they add
to the actor page by registering a section in their AppConfig.ready()::

    register_actor_section(
        "charter",
        "charter/actor_section.html",
        context=lambda actor, request: {"signature": ...} or None,
        order=10,
    )

`context(actor, request)` returns the template's context, or None to leave the section
out for this actor. Sections are shown in `order`, then by name. The template receives
its context plus `actor`; it renders a whole <section> with its own heading (h2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

ContextFn = Callable[[Any, HttpRequest], dict | None]


@dataclass(frozen=True, slots=True)
class ActorSection:
    name: str
    template: str
    context: ContextFn | None
    order: int


@dataclass(frozen=True, slots=True)
class RenderedSection:
    name: str
    template: str
    context: dict


# Filled once at start-up by AppConfig.ready(); never mutated while serving requests.
_SECTIONS: dict[str, ActorSection] = {}


def register_actor_section(
    name: str, template: str, context: ContextFn | None = None, order: int = 100
) -> ActorSection:
    """Add a section to every actor page. Registering the same name twice with another
    template or function is a configuration error; the same registration is a no-op."""
    section = ActorSection(name=name, template=template, context=context, order=order)
    existing = _SECTIONS.get(name)
    if existing is not None and existing != section:
        raise ImproperlyConfigured(f"actor section {name!r} is registered twice")
    _SECTIONS[name] = section
    return section


def unregister_actor_section(name: str) -> None:
    """For tests that register a section of their own."""
    _SECTIONS.pop(name, None)


def registered_sections() -> list[ActorSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name))


def actor_sections(actor, request: HttpRequest) -> list[RenderedSection]:
    """The sections to show on `actor`'s page for this request, in order."""
    rendered = []
    for section in registered_sections():
        extra = section.context(actor, request) if section.context else {}
        if extra is None:
            continue
        rendered.append(RenderedSection(section.name, section.template, {"actor": actor, **extra}))
    return rendered
