"""Extra parts of the submission form, registered by higher apps.

The directory must not import the apps built on it (charter, governance…), so one that
asks something more of whoever submits an actor registers a part in its
AppConfig.ready()::

    register_submission_part(
        "charter",
        form_factory=charter_part_form,   # (data, *, prefix, user) -> Form | None
        template="charter/_submission_part.html",
        save=charter_part_save,           # (*, actor, user, form) -> Any
        order=10,
        complete_data=charter_part_data,  # (form) -> dict, optional
    )

`form_factory` builds the part's form, bound to `data` when given, with `prefix` (the
part's name) so its fields never clash with the actor's; it returns None when the part
does not apply now (the charter has no published version yet). The form is validated
with the rest of the submission; `save` runs inside `actor_submit`'s transaction once
the actor exists (its submitter is already one of its owners), so a part that fails
leaves nothing written at all. The template renders a whole <fieldset> with its legend
and receives `form` and `part`. `complete_data(form)` returns the data of someone who
fills the part in completely: the demo submits through it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured

FormFactory = Callable[..., forms.Form | None]
SaveFn = Callable[..., Any]
CompleteDataFn = Callable[[forms.Form], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class SubmissionPart:
    name: str
    form_factory: FormFactory
    template: str
    save: SaveFn
    order: int
    complete_data: CompleteDataFn | None = None


@dataclass(frozen=True, slots=True)
class BoundPart:
    """A registered part with its form for one request."""

    part: SubmissionPart
    form: forms.Form

    @property
    def name(self) -> str:
        return self.part.name

    @property
    def template(self) -> str:
        return self.part.template


# Filled once at start-up by AppConfig.ready(); never mutated while serving requests.
_PARTS: dict[str, SubmissionPart] = {}


def register_submission_part(
    name: str,
    form_factory: FormFactory,
    template: str,
    save: SaveFn,
    order: int = 100,
    complete_data: CompleteDataFn | None = None,
) -> SubmissionPart:
    """Add a part to the submission form. Registering the same name twice with other
    functions is a configuration error; the same registration again is a no-op."""
    if not name.isidentifier():
        raise ImproperlyConfigured(f"submission part name {name!r} must be an identifier")
    part = SubmissionPart(name, form_factory, template, save, order, complete_data)
    existing = _PARTS.get(name)
    if existing is not None and existing != part:
        raise ImproperlyConfigured(f"submission part {name!r} is registered twice")
    _PARTS[name] = part
    return part


def unregister_submission_part(name: str) -> None:
    """For tests that register a part of their own."""
    _PARTS.pop(name, None)


def registered_parts() -> list[SubmissionPart]:
    return sorted(_PARTS.values(), key=lambda p: (p.order, p.name))


def submission_forms(*, user: Any, data: Mapping[str, Any] | None = None) -> list[BoundPart]:
    """The parts that apply now, each with its form (bound to `data` when given)."""
    bound = []
    for part in registered_parts():
        form = part.form_factory(data, prefix=part.name, user=user)
        if form is not None:
            bound.append(BoundPart(part, form))
    return bound


def complete_data(parts: list[BoundPart]) -> dict[str, Any]:
    """The data of someone filling every part in completely (parts without a
    `complete_data` function add nothing)."""
    data: dict[str, Any] = {}
    for bound in parts:
        if bound.part.complete_data is not None:
            data.update(bound.part.complete_data(bound.form))
    return data
