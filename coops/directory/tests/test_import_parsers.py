"""Reading import files (parsers), proposing mappings (mapping) and validating rows (rows)."""

import json
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from coops.directory import opendata
from coops.directory.models import ActorKind, GeocodeStatus, ImportFormat, LegalForm, Sector
from coops.directory.services.imports.mapping import (
    EXPORT_COLUMNS,
    default_fields,
    match_categories,
    name_words,
)
from coops.directory.services.imports.parsers import (
    ROW_ERROR,
    ImportFileError,
    decode,
    detect_format,
    gogocarto_categories,
    inspect,
    read_rows,
    unneutralise,
)
from coops.directory.services.imports.rows import RowReader, normalise_telephone
from coops.directory.taxonomy import _sector_rows, load_taxonomy, read_taxonomy
from coops.directory.tests.shared_data import ELEMENTS, TAXONOMY, requires_shared_data


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (msgids); French is the site's default."""
    with translation.override("en"):
        yield


def rows_of(data: bytes, fmt: str) -> list:
    return list(read_rows(data, fmt)[2])


# --- Formats and encodings ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("annuaire.csv", b"name;city\n", ImportFormat.CSV),
        ("annuaire.TXT", b"{}", ImportFormat.CSV),
        ("carte.geojson", b"name", ImportFormat.GEOJSON),
        ("export.json", b'\xef\xbb\xbf {"type": "FeatureCollection", "features": []}', "geojson"),
        ("elements.json", b'{"ontology": "gogofull", "data": []}', ImportFormat.GOGOCARTO),
        ("elements", b"[{}]", ImportFormat.GOGOCARTO),
        ("sans-extension", b"nom,ville\n", ImportFormat.CSV),
    ],
)
def test_the_format_comes_from_the_name_then_the_content(name, data, fmt):
    assert detect_format(name, data) == fmt


def test_utf8_with_or_without_bom_and_windows_1252_are_read():
    assert decode("Épicerie".encode()) == ("Épicerie", "utf-8")
    assert decode("\ufeffÉpicerie".encode()) == ("Épicerie", "utf-8")
    assert decode("Épicerie – œuf".encode("cp1252")) == ("Épicerie – œuf", "cp1252")
    assert decode(b"caf\xe9 \x81") == ("café \x81", "latin-1")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04rest-of-a-zip", "save it as CSV (UTF-8) first"),
        (b"\xd0\xcf\x11\xe0old-excel", "save it as CSV (UTF-8) first"),
        (b"name;city\nA\x00;B\n", "binary data (NUL bytes)"),
    ],
)
def test_spreadsheets_and_binary_files_are_refused_clearly(data, message):
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        inspect(data, ImportFormat.CSV)


def test_empty_files_and_header_only_files_are_refused():
    with pytest.raises(ImportFileError, match=r"^The file is empty\.$"):
        inspect(b"  \n", ImportFormat.CSV)
    with pytest.raises(ImportFileError, match=r"^The file has no rows to import\.$"):
        inspect(b"name;city\r\n", ImportFormat.CSV)


# --- CSV ----------------------------------------------------------------------------------


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_the_csv_separator_is_found_from_the_header(separator):
    data = separator.join(["name", "city", "description"]) + "\n"
    data += separator.join(['"Vélo, Cité"', "Arras", '"a; b"']) + "\n"

    assert rows_of(data.encode(), ImportFormat.CSV) == [
        (2, {"name": "Vélo, Cité", "city": "Arras", "description": "a; b"})
    ]


def test_csv_rows_are_numbered_as_in_a_spreadsheet():
    data = 'name;description\nA;un\n\n;\nB;"deux\nlignes"\nC;trois;extra\nD\n'

    assert rows_of(data.encode(), ImportFormat.CSV) == [
        (2, {"name": "A", "description": "un"}),
        (5, {"name": "B", "description": "deux\nlignes"}),
        (6, {"name": "C", "description": "trois"}),
        (7, {"name": "D", "description": ""}),
    ]


def test_headers_are_made_unique_and_named_when_empty():
    info = inspect(b"name;name;;city\nA;B;C;D\n", ImportFormat.CSV)

    assert info.columns == ["name", "name (2)", "column 3", "city"]
    assert info.examples == {"name": "A", "name (2)": "B", "column 3": "C", "city": "D"}
    assert (info.total_rows, info.encoding) == (1, "utf-8")


def test_formula_cells_lose_the_apostrophe_of_the_export():
    data = (
        "name;telephone;description;website\n"
        "'=HYPERLINK(\"x\");'+33 3 20 00 00 00;'-5 % sur tout;l'atelier\n"
        "'@home;''quote;'plain;'\ttab\n"
    )

    assert rows_of(data.encode(), ImportFormat.CSV) == [
        (
            2,
            {
                "name": '=HYPERLINK("x")',
                "telephone": "+33 3 20 00 00 00",
                "description": "-5 % sur tout",
                "website": "l'atelier",
            },
        ),
        (3, {"name": "@home", "telephone": "'quote", "description": "'plain", "website": "\ttab"}),
    ]


@given(st.text(max_size=30))
def test_unneutralise_reverses_the_exports_neutralise(text):
    assert unneutralise(opendata.neutralise(text)) == text


def test_a_broken_csv_quote_is_reported_with_its_row():
    data = b'name;city\nA;"Lille\n'
    # An unclosed quote swallows the rest of the file: csv reads one last row.
    assert rows_of(data, ImportFormat.CSV) == [(2, {"name": "A", "city": "Lille\n"})]


# --- JSON: GeoJSON and GoGoCarto ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'{"type": "FeatureCollection", "features": [}',
            r"^The file is not valid JSON \(line 1, column 44\): Expecting value\.$",
        ),
        (b'{"data": [1, 2,]', r"not valid JSON \(line 1, column 16\)"),
        (b"[" * 100_000 + b"]" * 100_000, r"nested too deeply|not valid JSON"),
    ],
)
def test_broken_json_is_reported_with_its_position(data, message):
    with pytest.raises(ImportFileError, match=message):
        inspect(data, ImportFormat.GOGOCARTO)


def test_geojson_must_be_a_feature_collection():
    with pytest.raises(ImportFileError, match="not a GeoJSON FeatureCollection"):
        inspect(b'{"type": "Feature"}', ImportFormat.GEOJSON)
    with pytest.raises(ImportFileError, match='no "features" list'):
        inspect(b'{"type": "FeatureCollection"}', ImportFormat.GEOJSON)


def test_geojson_features_give_their_properties_and_point():
    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": "velo-cite",
                    "geometry": {"type": "Point", "coordinates": [2.7775, 50.291]},
                    "properties": {
                        "name": "Vélo Cité",
                        "sectors": ["atelier-velo"],
                        "address": {"city": "Arras"},
                    },
                },
                {"type": "Feature", "geometry": None, "properties": {"name": "Sans lieu"}},
                {
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": []},
                    "properties": None,
                },
                "not a feature",
            ],
        }
    ).encode()

    assert rows_of(data, ImportFormat.GEOJSON) == [
        (
            1,
            {
                "name": "Vélo Cité",
                "sectors": ["atelier-velo"],
                "address.city": "Arras",
                "id": "velo-cite",
                "geometry.type": "Point",
                "geometry.longitude": 2.7775,
                "geometry.latitude": 50.291,
            },
        ),
        (2, {"name": "Sans lieu"}),
        (3, {"geometry.type": "Polygon"}),
        (4, {ROW_ERROR: "Item 4 is not an object."}),
    ]


@requires_shared_data
def test_the_real_gogocarto_export_reads_as_twelve_rows():
    info = inspect(ELEMENTS.read_bytes(), ImportFormat.GOGOCARTO)
    rows = rows_of(ELEMENTS.read_bytes(), ImportFormat.GOGOCARTO)

    assert (info.total_rows, info.encoding) == (12, "utf-8")
    assert info.columns == [
        "id", "status", "moderationState", "name", "geo.latitude", "geo.longitude",
        "address.streetAddress", "address.addressLocality", "address.postalCode",
        "address.addressCountry", "commitment", "description", "descriptionMore", "telephone",
        "website", "openHoursMoreInfos", "sourceKey", "email", "optionValues",
    ]  # fmt: skip
    assert rows[0] == (
        1,
        {
            "id": "10kw",
            "status": 1,
            "moderationState": 0,
            "name": "La Ruche de Chenay",
            "geo.latitude": 46.3252,
            "geo.longitude": -0.0339,
            "address.streetAddress": "5 rue Edmond Proust",
            "address.addressLocality": "Chenay",
            "address.postalCode": "79120",
            "address.addressCountry": "FR",
            "commitment": "",
            "description": "Tous produits alimentaires locaux",
            "descriptionMore": None,
            "telephone": "967556221",
            "website": "https://laruchequiditoui.fr/fr/assemblies/8148/collections",
            "openHoursMoreInfos": "Distribution chaque jeudi de 18h à 19h",
            "sourceKey": "Colibris",
            "email": "hidden",
            "optionValues": [10429, 10427],
        },
    )
    assert [number for number, _fields in rows] == list(range(1, 13))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"ontology": "gogocompact", "data": [[1, "a"]]}', "compact GoGoCarto export"),
        (b'{"ontology": "gogofull", "data": {"a": 1}}', "not a GoGoCarto export"),
        (b'"just a string"', "not a GoGoCarto export"),
    ],
)
def test_other_json_is_not_taken_for_a_gogocarto_export(data, message):
    with pytest.raises(ImportFileError, match=message):
        inspect(data, ImportFormat.GOGOCARTO)


@requires_shared_data
def test_the_real_gogocarto_taxonomy_names_its_eight_categories():
    assert gogocarto_categories(TAXONOMY.read_bytes()) == {
        "10427": "Agriculture & Alimentation",
        "10517": "Voyages",
        "10473": "Education & Formation",
        "10452": "Habitat",
        "10485": "Mobilité",
        "10495": "Sortie & Culture",
        "10507": "Mode & Beauté",
        "10525": "Economie & Finance",
    }
    with pytest.raises(ImportFileError, match="has no categories"):
        gogocarto_categories('{"name": "Catégories", "options": []}'.encode())


# --- Mapping ----------------------------------------------------------------------------------


def test_the_exports_columns_map_to_themselves():
    fields = default_fields(ImportFormat.CSV, list(EXPORT_COLUMNS))

    assert fields == {
        "source_id": "source_id",
        "origin": "source",
        "name": "name",
        "description": ["description"],
        "kind": "kind",
        "legal_form": "legal_form",
        "siret": "siret",
        "sectors": "sectors",
        "skills": "skills",
        "labels": "labels",
        "tags": "tags",
        "street": "street",
        "postcode": "postcode",
        "city": "city",
        "country": "country",
        "latitude": "latitude",
        "longitude": "longitude",
        "geocode_status": "geocode_status",
        "email": "email",
        "telephone": "telephone",
        "website": "website",
        "opening_hours": "opening_hours",
        "licence": "licence",
    }
    assert tuple(EXPORT_COLUMNS) == opendata.CSV_COLUMNS


def test_usual_french_headers_are_recognised():
    columns = ["Nom", "Adresse", "Code postal", "Ville", "N° SIRET", "Téléphone", "Courriel",
               "Site web", "Forme juridique", "Horaires", "Remarque"]  # fmt: skip

    assert default_fields(ImportFormat.CSV, columns) == {
        "name": "Nom",
        "street": "Adresse",
        "postcode": "Code postal",
        "city": "Ville",
        "siret": "N° SIRET",
        "telephone": "Téléphone",
        "email": "Courriel",
        "website": "Site web",
        "legal_form": "Forme juridique",
        "opening_hours": "Horaires",
    }


def test_geojson_takes_its_coordinates_from_the_geometry():
    fields = default_fields(
        ImportFormat.GEOJSON,
        ["name", "latitude", "longitude", "geometry.latitude", "geometry.longitude"],
    )

    assert (fields["latitude"], fields["longitude"]) == ("geometry.latitude", "geometry.longitude")


@requires_shared_data
def test_gogocarto_categories_match_our_sectors_by_their_words():
    sectors = [Sector(**fields) for fields, _parent in _sector_rows(read_taxonomy()["sectors"])]

    assert name_words("Agriculture & Alimentation") == name_words("Alimentation et agriculture")
    assert match_categories(gogocarto_categories(TAXONOMY.read_bytes()), sectors) == {
        "10427": "alimentation",
        "10517": "",
        "10473": "education",
        "10452": "habitat",
        "10485": "mobilite",
        "10495": "",
        "10507": "",
        "10525": "",
    }


# --- Rows ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("967556221", "09 67 55 62 21"),
        ("545831572", "05 45 83 15 72"),
        ("05 45 25 05 30", "05 45 25 05 30"),
        ("+33 3 20 00 00 00", "+33 3 20 00 00 00"),
        (" 0320000000 ", "0320000000"),
        ("", ""),
    ],
)
def test_telephones_get_back_a_lost_leading_zero_only(given, stored):
    assert normalise_telephone(given) == stored


IMPOSSIBLE = (
    "Impossible coordinates: the latitude must be between -90 and 90, the longitude between "
    "-180 and 180. Row not imported."
)
CSV_FIELDS = {column: column for column in EXPORT_COLUMNS if column not in ("url", "updated_at")}
CSV_FIELDS |= {"origin": "source", "description": ["description"]}
CSV_FIELDS.pop("source")


@pytest.fixture
def reader(db):
    load_taxonomy()
    return RowReader(
        fmt=ImportFormat.CSV,
        mapping={"fields": CSV_FIELDS, "default_kind": ActorKind.ASSOCIATION},
        source="tableur",
        licence="ODbL-1.0",
    )


def problems(row) -> list[tuple[str, str, str, bool]]:
    return [(i.field, i.value, i.message, i.fatal) for i in row.issues]


def test_a_complete_row_becomes_actor_fields(reader):
    row = reader.read(
        2,
        {
            "name": " Vélo Cité ",
            "description": "Atelier\nparticipatif",
            "kind": "Services",
            "legal_form": "SCIC SAS",
            "siret": "732 829 320 00074",
            "sectors": "atelier-velo | Réemploi et recyclage",
            "skills": "mecanique-velo",
            "labels": "",
            "tags": "tiers-lieu, zéro déchet",
            "street": "12 rue Gambetta",
            "postcode": "62000",
            "city": "Arras",
            "country": "France",
            "latitude": "50,291",
            "longitude": "2.7775",
            "geocode_status": "address",
            "email": "Contact@Velo-Cite.example.org",
            "telephone": "03 21 00 00 00",
            "website": "velo-cite.example.org",
            "opening_hours": "Tu-Sa 09:00-18:00",
            "licence": "",
            "source": "",
            "source_id": "",
        },
    )

    assert problems(row) == []
    assert (row.source, row.key) == ("tableur", "siret:73282932000074")
    assert row.fields == {
        "name": "Vélo Cité",
        "description": "Atelier\nparticipatif",
        "kind": ActorKind.SERVICE,
        "legal_form": LegalForm.SCIC,
        "siret": "73282932000074",
        "street": "12 rue Gambetta",
        "country": "FR",
        "city": "Arras",
        "postcode": "62000",
        "latitude": Decimal("50.291000"),
        "longitude": Decimal("2.777500"),
        "geocode_status": GeocodeStatus.ADDRESS,
        "email": "contact@velo-cite.example.org",
        "telephone": "03 21 00 00 00",
        "website": "https://velo-cite.example.org",
        "opening_hours": "Tu-Sa 09:00-18:00",
        "licence": "ODbL-1.0",
    }
    assert row.terms == {
        "sectors": ["atelier-velo", "reemploi-recyclage"],
        "skills": ["mecanique-velo"],
        "labels": [],
        "tags": ["tiers-lieu", "zero-dechet"],
    }


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            {"siret": "12345678901234"},
            [
                (
                    "siret",
                    "12345678901234",
                    "Not a valid SIRET (14 digits whose check digit must match): row not imported.",
                    True,
                )
            ],
        ),
        (
            {"siret": "1,23457E+13"},
            [
                (
                    "siret",
                    "1,23457E+13",
                    "Not a valid SIRET (14 digits whose check digit must match): row not imported.",
                    True,
                )
            ],
        ),
        (
            {"siret": "732829320"},
            [
                (
                    "siret",
                    "732829320",
                    "This is a SIREN (9 digits), not a SIRET (14 digits): imported without it.",
                    False,
                )
            ],
        ),
        (
            {"latitude": "95", "longitude": "3"},
            [
                (
                    "latitude",
                    "95, 3",
                    IMPOSSIBLE,
                    True,
                )
            ],
        ),
        (
            {"latitude": "50.6", "longitude": "200"},
            [
                (
                    "longitude",
                    "50.6, 200",
                    IMPOSSIBLE,
                    True,
                )
            ],
        ),
        (
            {"latitude": "0", "longitude": "0.0"},
            [
                (
                    "latitude",
                    "0, 0",
                    "0, 0 is not a real place: the entry is placed from its address instead.",
                    False,
                )
            ],
        ),
        (
            {"latitude": "nord", "longitude": "3"},
            [
                (
                    "latitude",
                    "nord",
                    "Coordinates must be two numbers (latitude, longitude): row not imported.",
                    True,
                )
            ],
        ),
        (
            {"sectors": "maraichage|jardinage-lunaire"},
            [("sectors", "jardinage-lunaire", "Unknown sectors: left out.", False)],
        ),
        (
            {"email": "pas-un-email"},
            [("email", "pas-un-email", "Not an email address: left out.", False)],
        ),
        ({"website": "ftp//x"}, [("website", "ftp//x", "Not a web address: left out.", False)]),
        ({"name": ""}, [("name", "", "The name is missing: row not imported.", True)]),
        (
            {"kind": "vaisseau spatial"},
            [
                (
                    "kind",
                    "vaisseau spatial",
                    "Unknown kind of actor: imported as “Association or collective”.",
                    False,
                )
            ],
        ),
        ({"legal_form": "SPQR"}, [("legal_form", "SPQR", "Unknown legal form: left out.", False)]),
        (
            {"postcode": "2100"},
            [("postcode", "2100", "Postcode read as 02100 (its leading 0 was lost).", False)],
        ),
        ({"country": "Narnia"}, [("country", "Narnia", "Unknown country: France assumed.", False)]),
    ],
)
def test_each_problem_is_reported_on_its_field(reader, cells, expected):
    row = reader.read(7, {"name": "Ferme des Prés", "city": "Lille", **cells})

    assert problems(row) == expected
    assert row.invalid == any(fatal for *_rest, fatal in expected)


def test_a_siren_or_a_bad_email_is_left_out_and_the_row_kept(reader):
    row = reader.read(3, {"name": "Ferme", "siret": "732829320", "email": "x@", "kind": "ferme"})

    assert (row.invalid, row.fields["siret"], row.fields["email"]) == (False, "", "")
    assert row.fields["kind"] == ActorKind.PRODUCER


def test_legal_forms_and_kinds_are_read_from_labels_and_usual_words(reader):
    def read(legal_form, kind):
        row = reader.read(2, {"name": "X", "legal_form": legal_form, "kind": kind})
        return row.fields["legal_form"], row.fields["kind"]

    assert read("scop", "producer") == (LegalForm.SCOP, ActorKind.PRODUCER)
    assert read("SCOP SARL", "Producteur") == (LegalForm.SCOP, ActorKind.PRODUCER)
    assert read("Association loi 1901", "Association ou collectif") == (
        LegalForm.ASSOCIATION,
        ActorKind.ASSOCIATION,
    )
    assert read("CUMA", "Commerce ou marché") == (LegalForm.AGRICULTURAL_COOP, ActorKind.SHOP)
    assert read("SAS", "") == (LegalForm.COMPANY, ActorKind.ASSOCIATION)
    assert read("Auto-entrepreneur", "Independent worker") == (
        LegalForm.INDEPENDENT,
        ActorKind.INDEPENDENT,
    )


def test_a_row_keeps_the_identity_its_file_gives(reader):
    exported = reader.read(2, {"name": "A", "source": "gogocarto", "source_id": "10kw"})
    own = reader.read(3, {"name": "B", "source": "", "source_id": "b-1"})
    named = reader.read(4, {"name": "Épicerie du Coin", "postcode": "59000"})

    assert (exported.source, exported.key) == ("gogocarto", "10kw")
    assert (own.source, own.key) == ("tableur", "b-1")
    assert (named.source, named.key) == ("tableur", "name:epicerie du coin@59000")


def test_too_long_values_fail_the_row_before_the_database_does(reader):
    row = reader.read(9, {"name": "A" * 201, "street": "r" * 256})

    assert [(i.field, i.fatal) for i in row.issues] == [("name", True), ("street", True)]


def test_gogocarto_refused_or_deleted_elements_are_not_imported(db):
    load_taxonomy()
    gogo = RowReader(
        fmt=ImportFormat.GOGOCARTO,
        mapping={"fields": {"name": "name", "source_id": "id"}},
        source="gogocarto",
        licence="",
    )

    assert gogo.read(1, {"name": "A", "id": "a", "status": -4}).invalid
    assert not gogo.read(2, {"name": "B", "id": "b", "status": -1}).invalid
    assert problems(gogo.read(3, {ROW_ERROR: "Item 3 is not an object."})) == [
        ("", "", "Item 3 is not an object.", True)
    ]
