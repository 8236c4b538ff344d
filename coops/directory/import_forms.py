"""Forms of the import pages: the upload, and the field mapping shown before a dry run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ActorKind, ActorStatus, ImportFormat, ImportJob, Sector
from .services.imports.jobs import max_bytes
from .services.imports.mapping import FIELDS

NOT_IMPORTED = ("", _("— not imported —"))
LEFT_OUT = ("", _("— left out —"))


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Detect from the file")), *ImportFormat.choices],
        required=False,
    )
    source = forms.CharField(
        label=_("Source name"),
        max_length=60,
        help_text=_(
            "A short name for where the data comes from (e.g. “gogocarto-charente”). "
            "Importing again under the same name updates the entries instead of "
            "duplicating them."
        ),
    )
    status_on_import = forms.ChoiceField(
        label=_("New entries are"),
        choices=[
            (ActorStatus.PENDING, _("Pending moderation")),
            (ActorStatus.PUBLISHED, _("Published at once")),
        ],
        initial=ActorStatus.PENDING,
    )
    licence = forms.CharField(
        label=_("Licence of the data"),
        max_length=60,
        initial="ODbL-1.0",
        help_text=_("Kept with each entry, e.g. ODbL-1.0 or Licence Ouverte 2.0."),
    )
    taxonomy = forms.FileField(
        label=_("GoGoCarto taxonomy (optional)"),
        required=False,
        help_text=_(
            "For a GoGoCarto export: its taxonomy.json file, which names the categories "
            "so that they can be matched with our sectors."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = max_bytes() // 1_048_576
        self.fields["file"].help_text = _(
            "A CSV file (separated by ; or ,), a GeoJSON file, or a GoGoCarto JSON export; "
            "at most %(limit)d MB."
        ) % {"limit": limit}


def _column_choices(job: ImportJob) -> list[tuple[str, str]]:
    examples = job.mapping.get("examples", {})
    choices = []
    for column in job.mapping.get("columns", []):
        example = examples.get(column)
        choices.append((column, f"{column} — « {example} »" if example else column))
    return choices


def _sector_choices() -> list[tuple[str, str]]:
    return [
        (sector.slug, ("— " * sector.depth) + sector.name)
        for sector in Sector.objects.order_by("path")
    ]


class ImportMappingForm(forms.Form):
    """For each of our fields, the column of the file that fills it (prefilled with the
    job's mapping); the kind used when a row gives none; and, when the file comes with
    a GoGoCarto taxonomy, the sector each category goes to."""

    def __init__(self, *args: Any, job: ImportJob, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # labels sit in a table's header cells
        super().__init__(*args, **kwargs)
        self.job = job
        mapping = job.mapping
        chosen = mapping.get("fields", {})
        columns = _column_choices(job)
        self.field_names: list[str] = []
        for spec in FIELDS:
            name = f"field_{spec.name}"
            initial = chosen.get(spec.name)
            if spec.several:
                self.fields[name] = forms.MultipleChoiceField(
                    label=spec.label,
                    choices=columns,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    initial=initial if isinstance(initial, list) else [initial] if initial else [],
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=spec.label,
                    choices=[NOT_IMPORTED, *columns],
                    required=spec.name == "name",
                    initial=initial or "",
                )
            self.field_names.append(name)
        self.fields["default_kind"] = forms.ChoiceField(
            label=_("Kind of actor when a row gives none"),
            choices=ActorKind.choices,
            initial=mapping.get("default_kind") or ActorKind.ASSOCIATION,
        )
        sectors = _sector_choices() if mapping.get("category_names") else []
        self.category_names: list[str] = []
        for key, category in mapping.get("category_names", {}).items():
            name = f"category_{key}"
            self.fields[name] = forms.ChoiceField(
                label=category,
                choices=[LEFT_OUT, *sectors],
                required=False,
                initial=mapping.get("categories", {}).get(key, ""),
            )
            self.category_names.append(name)

    def field_rows(self) -> list[forms.BoundField]:
        return [self[name] for name in self.field_names]

    def category_rows(self) -> list[forms.BoundField]:
        return [self[name] for name in self.category_names]

    def _in_order(self, name: str, chosen: list[str]) -> list[str]:
        """Several columns joined keep the order they had in the mapping (the form sends
        them in the file's order): GoGoCarto's description before its commitment."""
        before = self.job.mapping.get("fields", {}).get(name) or []
        before = before if isinstance(before, list) else [before]
        columns = self.job.mapping.get("columns", [])

        def position(column: str) -> tuple[int, int]:
            if column in before:
                return (0, before.index(column))
            return (1, columns.index(column) if column in columns else len(columns))

        return sorted(chosen, key=position)

    def mapping(self) -> dict[str, Any]:
        """The choices, in the shape `services.imports.clean_mapping` takes."""
        data = self.cleaned_data
        fields = {}
        for spec in FIELDS:
            value = data.get(f"field_{spec.name}")
            fields[spec.name] = self._in_order(spec.name, value or []) if spec.several else value
        return {
            "fields": fields,
            "default_kind": data["default_kind"],
            "categories": {
                name.removeprefix("category_"): data.get(name, "") for name in self.category_names
            },
        }
