"""The charter's part of the directory's submission form.

Whoever submits an actor reads the current version of the charter and ticks each of
its commitments; the signature is recorded, for that version, in the same transaction
as the actor (see coops.directory.submission_parts). Before the first version is
published the part is left out.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .forms import SignForm


class CharterPartForm(SignForm):
    """The signing form, validated with the rest of the submission: every commitment
    must be ticked, and the version must still be the current one."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        missing = [
            commitment
            for group, _fields in self.groups
            for commitment in group.commitments
            if not data.get(self.field_name(commitment))
        ]
        if missing:
            self.mark_missing(missing)
            raise forms.ValidationError(
                _("Tick every commitment of the charter to submit the entry."),
                code="missing_commitments",
            )
        return data


def charter_part_form(data: Any, *, prefix: str, user: Any) -> CharterPartForm | None:
    version = selectors.current_version()
    if version is None:
        return None
    groups = selectors.commitments_by_category(version)
    return CharterPartForm(data, version=version, groups=groups, prefix=prefix)


def charter_part_save(*, actor: Any, user: Any, form: CharterPartForm) -> Any:
    """Sign the version the person read, for the actor they submit (they own it now)."""
    return services.charter_sign(
        actor=actor,
        version=form.charter_version,
        accepted_commitment_ids=form.accepted_ids(),
        acting_user=user,
    )


def charter_part_data(form: CharterPartForm) -> dict[str, Any]:
    """Every commitment ticked, for the version the form shows (the demo's submissions)."""
    data: dict[str, Any] = {form.add_prefix("version"): str(form.charter_version.number)}
    for _group, fields in form.groups:
        for field in fields:
            data[field.html_name] = "on"
    return data
