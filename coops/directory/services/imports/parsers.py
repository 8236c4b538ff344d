"""Read an uploaded file into rows: CSV, GeoJSON and GoGoCarto JSON exports.

Every reader yields ``(row_number, fields)`` where `fields` maps a column name (CSV) or
a dotted property path (JSON: ``address.postalCode``, ``geometry.latitude``) to the raw
value. Row numbers are what the person sees: the spreadsheet row for CSV (the header is
row 1), the position in the list (from 1) for JSON. A row that is not an object in a
JSON file comes through as ``{ROW_ERROR: message}`` so that it is reported, not fatal.

Anything wrong with the file as a whole raises `ImportFileError` with a sentence the
person can act on; nothing here raises anything else for bad input.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ...models import ImportFormat

ROW_ERROR = "__row_error__"
EXAMPLE_CHARS = 40
# What the directory's CSV export escapes with an apostrophe (coops.directory.opendata).
_ESCAPED_START = ("=", "+", "-", "@", "\t", "\r", "'")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class ImportFileError(ValueError):
    """The file cannot be read at all; the message is meant for the person."""


@dataclass
class FileInfo:
    """What a first full read of the file found."""

    format: str
    encoding: str
    columns: list[str]
    total_rows: int
    examples: dict[str, str] = field(default_factory=dict)


# --- Formats and encodings -------------------------------------------------------------


def detect_format(filename: str, data: bytes) -> str:
    """The format from the file name, else from the content: a FeatureCollection is
    GeoJSON, other JSON is taken for a GoGoCarto export, anything else for CSV."""
    name = filename.lower()
    if name.endswith((".csv", ".tsv", ".txt")):
        return ImportFormat.CSV
    if name.endswith(".geojson"):
        return ImportFormat.GEOJSON
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith((b"{", b"[")):
        return ImportFormat.CSV
    if b"FeatureCollection" in data[:65536]:
        return ImportFormat.GEOJSON
    return ImportFormat.GOGOCARTO


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: UTF-8 (with or without a byte-order
    mark), else Windows-1252, the superset of Latin-1 that spreadsheets write."""
    _refuse_binary(data)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _refuse_binary(data: bytes) -> None:
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise ImportFileError(
            _(
                "This looks like a spreadsheet or an archive, not a text file: save it "
                "as CSV (UTF-8) first."
            )
        )
    if b"\x00" in data[:65536]:
        raise ImportFileError(
            _("The file holds binary data (NUL bytes): it is not a CSV or JSON text file.")
        )


def unneutralise(value: str) -> str:
    """Undo the apostrophe a CSV export puts before a cell that a spreadsheet would run
    as a formula (or that starts with an apostrophe itself): "'=1+1" → "=1+1",
    "'+33 3 20…" → "+33 3 20…", "''a" → "'a"; any other text unchanged."""
    if len(value) > 1 and value[0] == "'" and value[1] in _ESCAPED_START:
        return value[1:]
    return value


# --- CSV ---------------------------------------------------------------------------------


def _delimiter(header_line: str) -> str:
    """The separator of a CSV file, from its header line: the most frequent of ; , tab
    and | (the header has no quoted separators in practice; `csv.Sniffer` guesses
    wrong on short files)."""
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _unique_headers(raw: list[str]) -> list[str]:
    headers: list[str] = []
    for position, name in enumerate(raw, start=1):
        name = unneutralise(name.strip()) or _("column %(number)d") % {"number": position}
        candidate, n = name, 2
        while candidate in headers:
            candidate, n = f"{name} ({n})", n + 1
        headers.append(candidate)
    return headers


def _csv_reader(text: str) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        headers = _unique_headers(next(reader, []))
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file cannot be read: %(error)s.") % {"error": exc}
        ) from exc
    if not headers:
        raise ImportFileError(_("The file is empty."))

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        number = 1
        try:
            for cells in reader:
                number += 1
                if not any(cell.strip() for cell in cells):
                    continue
                yield (
                    number,
                    {
                        header: unneutralise(cells[i]) if i < len(cells) else ""
                        for i, header in enumerate(headers)
                    },
                )
        except csv.Error as exc:
            raise ImportFileError(
                _("The CSV file cannot be read after row %(number)d: %(error)s.")
                % {"number": number, "error": exc}
            ) from exc

    return headers, rows()


# --- JSON (GeoJSON and GoGoCarto) ----------------------------------------------------------


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            _("The file is not valid JSON (line %(line)d, column %(column)d): %(error)s.")
            % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
        ) from exc
    except RecursionError as exc:
        raise ImportFileError(_("The JSON file is nested too deeply to be read.")) from exc


def flatten(value: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted paths: {"geo": {"latitude": 1}} → {"geo.latitude": 1}.
    Lists stay values."""
    flat: dict[str, Any] = {}
    for key, item in value.items():
        path = f"{prefix}{key}"
        if isinstance(item, dict):
            flat.update(flatten(item, f"{path}."))
        else:
            flat[path] = item
    return flat


def _not_an_object(number: int) -> dict[str, Any]:
    return {ROW_ERROR: _("Item %(number)d is not an object.") % {"number": number}}


def _geojson_rows(document: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ImportFileError(
            _('This is not a GeoJSON FeatureCollection (no "type": "FeatureCollection").')
        )
    features = document.get("features")
    if not isinstance(features, list):
        raise ImportFileError(_('The GeoJSON file has no "features" list.'))
    rows = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            rows.append((number, _not_an_object(number)))
            continue
        properties = feature.get("properties")
        fields = flatten(properties) if isinstance(properties, dict) else {}
        if "id" not in fields and feature.get("id") is not None:
            fields["id"] = feature["id"]
        geometry = feature.get("geometry")
        if isinstance(geometry, dict):
            fields["geometry.type"] = geometry.get("type")
            coordinates = geometry.get("coordinates")
            if (
                geometry.get("type") == "Point"
                and isinstance(coordinates, list)
                and len(coordinates) >= 2
            ):
                fields["geometry.longitude"], fields["geometry.latitude"] = coordinates[:2]
        rows.append((number, fields))
    return rows


def _gogocarto_rows(document: Any) -> list[tuple[int, dict[str, Any]]]:
    if isinstance(document, dict):
        if document.get("ontology") == "gogocompact":
            raise ImportFileError(
                _(
                    "This is a compact GoGoCarto export: export the elements again with "
                    "the full ontology (ontology=gogofull)."
                )
            )
        elements = document.get("data")
    else:
        elements = document
    if not isinstance(elements, list):
        raise ImportFileError(
            _('This is not a GoGoCarto export: expected a list of elements or a "data" list.')
        )
    rows = []
    for number, element in enumerate(elements, start=1):
        if not isinstance(element, dict):
            rows.append((number, _not_an_object(number)))
        else:
            rows.append((number, flatten(element)))
    return rows


def gogocarto_categories(data: bytes) -> dict[str, str]:
    """The categories of a GoGoCarto taxonomy file (taxonomy.json), every level: id →
    name. Raises ImportFileError when the file is not such a taxonomy."""
    text, _encoding = decode(data)
    document = _load_json(text)
    names: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "id" in node and isinstance(node.get("name"), str):
                names[str(node["id"])] = node["name"].strip()
            for key in ("options", "subcategories", "children", "categories"):
                walk(node.get(key))

    walk(document)
    if not names:
        raise ImportFileError(
            _("This GoGoCarto taxonomy has no categories (objects with an id and a name).")
        )
    return names


# --- The one entry point ---------------------------------------------------------------


def read_rows(data: bytes, fmt: str) -> tuple[str, list[str] | None, Iterator]:
    """(encoding, CSV headers or None, iterator of (row number, fields))."""
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    text, encoding = decode(data)
    if fmt == ImportFormat.CSV:
        headers, rows = _csv_reader(text)
        return encoding, headers, rows
    document = _load_json(text)
    if fmt == ImportFormat.GEOJSON:
        return encoding, None, iter(_geojson_rows(document))
    if fmt == ImportFormat.GOGOCARTO:
        return encoding, None, iter(_gogocarto_rows(document))
    raise ImportFileError(_("Unknown file format “%(format)s”.") % {"format": fmt})


def _example(value: Any) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value[:5])
    text = " ".join(str(value).split())
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"


def inspect(data: bytes, fmt: str) -> FileInfo:
    """Read the whole file once: its encoding, its columns (CSV headers, or every
    property path found in the JSON objects, in order of appearance), an example value
    per column and the number of rows. Raises ImportFileError."""
    encoding, headers, rows = read_rows(data, fmt)
    columns: dict[str, None] = dict.fromkeys(headers or [])
    examples: dict[str, str] = {}
    total = 0
    for _number, fields in rows:
        total += 1
        for key, value in fields.items():
            if key == ROW_ERROR:
                continue
            columns.setdefault(key)
            if key not in examples and value not in (None, "", []):
                examples[key] = _example(value)
    if total == 0:
        raise ImportFileError(_("The file has no rows to import."))
    return FileInfo(
        format=fmt, encoding=encoding, columns=list(columns), total_rows=total, examples=examples
    )
