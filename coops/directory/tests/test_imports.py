"""Imports of open data: the services (dry run, batches, idempotence, failures), the
export round trip, the pages (with their authorisation matrix), the command and the demo."""

import csv
import io
import json
import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from conftest import PERSONAS
from coops.accounts.tests.factories import UserFactory
from coops.core.demo import DemoContext, demo_steps
from coops.core.models import Event
from coops.directory import opendata
from coops.directory.demo_imports import DEMO_SOURCE, load_imports
from coops.directory.import_forms import ImportMappingForm
from coops.directory.models import (
    Actor,
    ActorKind,
    ActorStatus,
    GeocodeStatus,
    ImportJob,
    ImportRowError,
    ImportStatus,
    Label,
    LegalForm,
    Sector,
    Skill,
    Tag,
)
from coops.directory.seed import siret_for
from coops.directory.selectors.export import with_terms
from coops.directory.services import actor_create, actor_reindex
from coops.directory.services.imports import (
    TRANSITIONS,
    can_move,
    error_rows,
    import_job_cancel,
    import_job_create,
    import_job_preview,
    import_job_queue,
    import_job_run,
)
from coops.directory.services.imports import scan as scan_module
from coops.directory.services.imports.mapping import EXPORT_COLUMNS
from coops.directory.taxonomy import load_taxonomy
from coops.directory.tests.factories import ActorFactory
from coops.directory.tests.shared_data import ELEMENTS, TAXONOMY, requires_shared_data

pytestmark = pytest.mark.django_db


SIRETS = [siret_for(i, 4242) for i in range(10)]


@pytest.fixture(autouse=True)
def taxonomy(db):
    load_taxonomy()


@pytest.fixture(autouse=True)
def english(_default_language):
    """Messages are asserted in English (their msgids); the pages are read by users
    whose language is English."""
    translation.activate("en")


@pytest.fixture
def moderator(db):
    return UserFactory(display_name="Hélène Carpentier", is_staff=True, language="en")


def upload(name: str, content: bytes | str, encoding: str = "utf-8") -> SimpleUploadedFile:
    data = content.encode(encoding) if isinstance(content, str) else content
    return SimpleUploadedFile(name, data)


def export_csv(rows: list[dict], *, separator: str = ";", bom: bool = True) -> str:
    """A file in the directory's CSV export format (missing cells empty)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([row.get(column, "") for column in EXPORT_COLUMNS])
    return ("\ufeff" if bom else "") + out.getvalue()


def create(content, *, name="annuaire.csv", source="tableur", user=None, **kwargs) -> ImportJob:
    return import_job_create(
        acting_user=user, upload=upload(name, content), source=source, **kwargs
    )


def run(job: ImportJob, user=None, **kwargs) -> ImportJob:
    job = import_job_queue(job=job, acting_user=user, enqueue=False)
    return import_job_run(job=job, acting_user=user, **kwargs)


def gogocarto_job(user=None, *, elements: bytes | None = None, taxonomy=True) -> ImportJob:
    return import_job_create(
        acting_user=user,
        upload=upload("elements.json", elements or ELEMENTS.read_bytes()),
        source="gogocarto",
        taxonomy=upload("taxonomy.json", TAXONOMY.read_bytes()) if taxonomy else None,
    )


def problems(job: ImportJob) -> list[tuple]:
    return [(e.row_number, e.source_id, e.field, e.value, e.message) for e in error_rows(job)]


COUNTS = dict.fromkeys(("new", "updated", "unchanged", "duplicate", "invalid", "warnings"), 0)
MISSING = "Categories missing from the taxonomy file: left out."
UNMATCHED = "Categories with no matching sector (see the mapping): left out."

# Counted by hand from ../shared/data/gogocarto_elements.json: its taxonomy names 8 top
# categories, of which 4 match our sectors (Agriculture & Alimentation, Education &
# Formation, Habitat, Mobilité); every element also lists option ids the file lacks.
GOGOCARTO_PROBLEMS = [
    (1, "10kw", "sectors", "10429", MISSING),
    (2, "zw9", "sectors", "10496, 10498, 10430", MISSING),
    (2, "zw9", "sectors", "Sortie & Culture", UNMATCHED),
    (3, "104K", "sectors", "10512, 10513, 10514, 10500, 10496", MISSING),
    (3, "104K", "sectors", "Mode & Beauté, Sortie & Culture", UNMATCHED),
    (4, "10CF", "sectors", "10429", MISSING),
    (5, "100D", "sectors", "10496, 10515, 10512, 10514, 10497, 10504, 10429, 10506, 10501",
     MISSING),
    (5, "100D", "sectors", "Mode & Beauté, Sortie & Culture", UNMATCHED),
    (6, "107E", "sectors", "10429", MISSING),
    (7, "10jA", "sectors", "10479, 10480", MISSING),
    (8, "10kH", "sectors", "10498, 10496, 10451, 10434, 10432", MISSING),
    (8, "10kH", "sectors", "Sortie & Culture", UNMATCHED),
    (9, "10hI", "sectors", "10429", MISSING),
    (10, "10hX", "sectors", "10481, 10480, 10479, 10483, 10469", MISSING),
    (11, "10i0", "sectors", "10479, 10480", MISSING),
    (12, "10iu", "sectors", "10433, 10432, 10435, 10430", MISSING),
]  # fmt: skip
GOGOCARTO_SECTORS = {
    "La Ruche de Chenay": ["alimentation"],
    "Cuisines du monde": ["alimentation"],
    "Graine d'écolo": [],
    "Bio C'bon Angoulême": ["alimentation"],
    "Kuné": ["alimentation"],
    "Le marché de Léopold Angoulême": ["alimentation"],
    "Association la ferme d'yvonne": ["education"],
    "Des Racines pour Grandir": ["alimentation"],
    "Biocoop de Cognac Chateaubernard": ["alimentation"],
    "Les Jardins Respectueux": ["education", "habitat"],
    "ANLP (Antenne Nature Loisirs Patrimoine": ["education"],
    "Les délices du potager": ["alimentation"],
}


# --- The real GoGoCarto export ---------------------------------------------------------------


@requires_shared_data
def test_the_real_gogocarto_export_previews_exactly(moderator):
    job = gogocarto_job(moderator)

    assert (job.status, job.format, job.encoding, job.total_rows) == (
        ImportStatus.UPLOADED,
        "gogocarto",
        "utf-8",
        12,
    )
    assert re.fullmatch(r"directory/imports/[0-9a-f]{24}-elements\.json", job.file.name)
    assert job.filename == "elements.json"
    assert job.mapping["categories"] == {
        "10427": "alimentation", "10517": "", "10473": "education", "10452": "habitat",
        "10485": "mobilite", "10495": "", "10507": "", "10525": "",
    }  # fmt: skip

    job = import_job_preview(job=job, acting_user=moderator)

    assert job.status == ImportStatus.PREVIEWED
    assert job.preview["counts"] == COUNTS | {"new": 12, "warnings": 12, "total": 12}
    assert problems(job) == GOGOCARTO_PROBLEMS
    assert job.errors.filter(dry_run=False).count() == 0
    assert len(job.preview["sample"]) == 10
    assert job.preview["sample"][0] == {
        "row": 1,
        "outcome": "new",
        "name": "La Ruche de Chenay",
        "kind": "Association or collective",
        "legal_form": "",
        "siret": "",
        "address": "5 rue Edmond Proust, 79120 Chenay",
        "coordinates": "46.325200, -0.033900",
        "sectors": ["Alimentation et agriculture"],
        "email": "",
        "telephone": "09 67 55 62 21",
        "website": "https://laruchequiditoui.fr/fr/assemblies/8148/collections",
    }
    assert Actor.objects.count() == 0


@requires_shared_data
def test_the_real_gogocarto_export_imports_its_twelve_places(moderator):
    job = import_job_preview(job=gogocarto_job(moderator), acting_user=moderator)
    job = run(job, moderator)

    assert (job.status, job.processed_rows, job.progress_percent) == (ImportStatus.DONE, 12, 100)
    assert job.counts == COUNTS | {"new": 12, "warnings": 12}
    assert job.message == "Import finished: 12 created, 0 updated, 0 unchanged."
    actors = Actor.objects.order_by("source_id")
    assert actors.count() == 12
    assert {a.name: sorted(s.slug for s in a.sectors.all()) for a in actors} == GOGOCARTO_SECTORS
    assert set(actors.values_list("source", "status", "kind", "licence")) == {
        ("gogocarto", ActorStatus.PENDING, ActorKind.ASSOCIATION, "ODbL-1.0")
    }
    ruche = Actor.objects.get(source_id="10kw")
    assert (ruche.street, ruche.postcode, ruche.city, ruche.department, ruche.country) == (
        "5 rue Edmond Proust",
        "79120",
        "Chenay",
        "79",
        "FR",
    )
    assert (ruche.latitude, ruche.longitude, ruche.geocode_status) == (
        Decimal("46.325200"),
        Decimal("-0.033900"),
        GeocodeStatus.MANUAL,
    )
    assert (ruche.telephone, ruche.email) == ("09 67 55 62 21", "")
    assert ruche.opening_hours == "Distribution chaque jeudi de 18h à 19h"
    assert "alimentation et agriculture" in ruche.search_text
    traiteur = Actor.objects.get(source_id="zw9")
    assert traiteur.description == (
        "Un traiteur.\n\nPréparation de cocktails, repas, plateaux et buffets.\n\n"
        "Une entreprise d'insertion par l'activité professionnelle."
    )
    assert Actor.objects.get(source_id="10CF").opening_hours == (
        "Lundi-Samedi : 10h-20h; Dimanche : 10h-13h"
    )
    assert Actor.objects.get(source_id="10hI").telephone == ""
    assert problems(job) == GOGOCARTO_PROBLEMS


@requires_shared_data
def test_importing_the_same_export_again_creates_nothing(moderator):
    run(import_job_preview(job=gogocarto_job(moderator), acting_user=moderator), moderator)
    before = dict(Actor.objects.values_list("source_id", "updated_at"))

    again = import_job_preview(job=gogocarto_job(moderator), acting_user=moderator)
    assert again.preview["counts"] == COUNTS | {"unchanged": 12, "warnings": 12, "total": 12}
    again = run(again, moderator)

    assert again.counts == COUNTS | {"unchanged": 12, "warnings": 12}
    assert Actor.objects.count() == 12
    assert dict(Actor.objects.values_list("source_id", "updated_at")) == before


@requires_shared_data
def test_a_changed_element_updates_its_actor_and_nothing_else(moderator):
    run(import_job_preview(job=gogocarto_job(moderator), acting_user=moderator), moderator)
    Actor.objects.filter(source_id="10kw").update(status=ActorStatus.PUBLISHED)
    document = json.loads(ELEMENTS.read_text(encoding="utf-8"))
    document["data"][0]["name"] = "La Ruche de Chenay (Deux-Sèvres)"
    document["data"][0]["telephone"] = "05 49 00 00 00"
    document["data"][0]["optionValues"] = [10427, 10452]

    job = gogocarto_job(moderator, elements=json.dumps(document).encode())
    job = import_job_preview(job=job, acting_user=moderator)
    assert job.preview["counts"] == COUNTS | {
        "updated": 1,
        "unchanged": 11,
        "warnings": 11,
        "total": 12,
    }
    assert job.preview["sample"][0]["outcome"] == "updated"
    job = run(job, moderator)

    ruche = Actor.objects.get(source_id="10kw")
    assert (ruche.name, ruche.telephone, ruche.status) == (
        "La Ruche de Chenay (Deux-Sèvres)",
        "05 49 00 00 00",
        ActorStatus.PUBLISHED,
    )
    assert ruche.slug == "la-ruche-de-chenay"
    assert sorted(s.slug for s in ruche.sectors.all()) == ["alimentation", "habitat"]
    assert ruche.search_text.startswith("la ruche de chenay (deux-sevres)")
    assert job.counts == COUNTS | {"updated": 1, "unchanged": 11, "warnings": 11}


@requires_shared_data
def test_without_its_taxonomy_every_category_is_reported(moderator):
    job = import_job_preview(job=gogocarto_job(moderator, taxonomy=False), acting_user=moderator)

    assert job.preview["counts"] == COUNTS | {"new": 12, "warnings": 12, "total": 12}
    assert problems(job)[0] == (1, "10kw", "sectors", "10429, 10427", MISSING)
    assert all(row["sectors"] == [] for row in job.preview["sample"])


@requires_shared_data
def test_the_mapping_chosen_for_categories_is_used(moderator):
    job = gogocarto_job(moderator)
    mapping = {
        "fields": job.mapping["fields"],
        "default_kind": ActorKind.SHOP,
        "categories": {"10495": "culture", "10507": "textile-seconde-main"},
    }
    job = import_job_preview(job=job, acting_user=moderator, mapping=mapping)

    assert job.mapping["categories"]["10495"] == "culture"
    assert job.mapping["categories"]["10427"] == "alimentation"
    assert job.preview["sample"][2]["sectors"] == ["Textile de seconde main", "Culture"]
    assert job.preview["sample"][2]["kind"] == "Shop or market"
    assert (3, "104K", "sectors", "Mode & Beauté, Sortie & Culture", UNMATCHED) not in problems(job)


@requires_shared_data
def test_a_mapping_pointing_to_a_missing_column_is_refused(moderator):
    job = gogocarto_job(moderator)

    with pytest.raises(ValidationError, match="no column “Nom”"):
        import_job_preview(job=job, acting_user=moderator, mapping={"fields": {"name": "Nom"}})
    with pytest.raises(ValidationError, match="Choose the column that holds the name"):
        import_job_preview(job=job, acting_user=moderator, mapping={"fields": {"city": "name"}})
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED


# --- Bad input never crashes -------------------------------------------------------------------


def test_a_latin_1_csv_is_read_and_its_encoding_recorded(moderator):
    content = (
        "name;city;postcode;description\r\n"
        "Épicerie coopérative de Wazemmes;Lille;59000;Café, thé, œufs – en vrac\r\n"
    )
    job = create(content.encode("cp1252"), user=moderator)

    assert job.encoding == "cp1252"
    job = run(import_job_preview(job=job, acting_user=moderator), moderator)
    actor = Actor.objects.get()
    assert (actor.name, actor.description) == (
        "Épicerie coopérative de Wazemmes",
        "Café, thé, œufs – en vrac",
    )
    assert (actor.geocode_status, actor.latitude) == (
        GeocodeStatus.MUNICIPALITY,
        Decimal("50.629200"),
    )


def test_broken_json_is_refused_with_its_position_and_stores_nothing(moderator):
    with pytest.raises(ValidationError) as caught:
        create(b'{"data": [{"name": "A"} {"name": "B"}]}', name="export.json", user=moderator)

    assert caught.value.message_dict == {
        "file": ["The file is not valid JSON (line 1, column 25): Expecting ',' delimiter."]
    }
    assert ImportJob.objects.count() == 0
    stored = default_storage.listdir("directory/imports")[1]
    assert not [name for name in stored if name.endswith("-export.json")]


def test_an_oversize_file_is_refused_before_it_is_read(moderator, settings):
    settings.DIRECTORY_IMPORT_MAX_BYTES = 1_048_576
    content = export_csv([{"name": "A" * 100}] * 11_000)

    with pytest.raises(ValidationError) as caught:
        create(content, user=moderator)

    assert caught.value.message_dict == {
        "file": [
            "The file is too big (1.3 MB): imports take files up to 1 MB. "
            "Split it into several files."
        ]
    }
    assert ImportJob.objects.count() == 0


def test_formula_cells_of_the_export_come_back_as_written(moderator):
    content = export_csv(
        [
            {
                "name": "'=Coop",
                "description": "'-20 % pour les membres",
                "telephone": "'+33 3 20 00 00 00",
                "kind": "shop",
                "city": "Lille",
            }
        ]
    )
    run(import_job_preview(job=create(content), acting_user=moderator), moderator)

    actor = Actor.objects.get()
    assert (actor.name, actor.description, actor.telephone) == (
        "=Coop",
        "-20 % pour les membres",
        "+33 3 20 00 00 00",
    )


def test_each_bad_row_is_reported_with_its_number_and_nothing_of_it_written(moderator):
    content = export_csv(
        [
            {"name": "Ferme A", "city": "Lille", "latitude": "50.63", "longitude": "3.06",
             "sectors": "maraichage", "source_id": "a"},
            {"name": "Ferme B", "city": "Lille", "siret": "12345678901234", "source_id": "b"},
            {"name": "Ferme C", "city": "Lille", "latitude": "95", "longitude": "3.06",
             "source_id": "c"},
            {"name": "Ferme D", "city": "Lille", "postcode": "59000", "latitude": "0",
             "longitude": "0", "source_id": "d"},
            {"name": "Ferme E", "city": "Lille", "sectors": "maraichage|jardinage-lunaire",
             "latitude": "50.64", "longitude": "3.07", "source_id": "e"},
        ]
    )  # fmt: skip
    job = import_job_preview(job=create(content), acting_user=moderator)
    expected = [
        (3, "b", "siret", "12345678901234",
         "Not a valid SIRET (14 digits whose check digit must match): row not imported."),
        (4, "c", "latitude", "95, 3.06",
         "Impossible coordinates: the latitude must be between -90 and 90, the longitude "
         "between -180 and 180. Row not imported."),
        (5, "d", "latitude", "0, 0",
         "0, 0 is not a real place: the entry is placed from its address instead."),
        (6, "e", "sectors", "jardinage-lunaire", "Unknown sectors: left out."),
    ]  # fmt: skip

    assert job.preview["counts"] == COUNTS | {"new": 3, "invalid": 2, "warnings": 2, "total": 5}
    assert problems(job) == expected
    job = run(job, moderator)

    assert problems(job) == expected
    assert sorted(Actor.objects.values_list("source_id", flat=True)) == ["a", "d", "e"]
    placed = Actor.objects.get(source_id="d")
    assert (placed.latitude, placed.longitude, placed.geocode_status) == (
        Decimal("50.629200"),
        Decimal("3.057300"),
        GeocodeStatus.MUNICIPALITY,
    )
    assert [s.slug for s in Actor.objects.get(source_id="e").sectors.all()] == ["maraichage"]


def test_duplicates_of_existing_entries_and_within_the_file_are_left_out(moderator):
    ActorFactory(
        name="Épicerie du Coin",
        siret=SIRETS[0],
        latitude=Decimal("50.629200"),
        longitude=Decimal("3.057300"),
    )
    content = export_csv(
        [
            {"name": "Autre nom", "siret": SIRETS[0], "source_id": "1", "city": "Lille"},
            {"name": "EPICERIE DU COIN", "latitude": "50.6300", "longitude": "3.0580",
             "source_id": "2"},
            {"name": "Épicerie du coin", "latitude": "50.6750", "longitude": "3.0580",
             "source_id": "3"},
            {"name": "Boulangerie", "source_id": "x1", "city": "Lille"},
            {"name": "Boulangerie bis", "source_id": "x1", "city": "Lille"},
            {"name": "Atelier", "siret": SIRETS[1], "source_id": "7", "city": "Lille"},
            {"name": "Atelier (2)", "siret": SIRETS[1], "source_id": "8", "city": "Lille"},
        ]
    )  # fmt: skip
    job = import_job_preview(job=create(content), acting_user=moderator)

    assert job.preview["counts"] == COUNTS | {"new": 3, "duplicate": 4, "total": 7}
    assert problems(job) == [
        (2, "1", "siret", SIRETS[0],
         "Same SIRET as “Épicerie du Coin”, already in the directory: row not imported."),
        (3, "2", "name", "EPICERIE DU COIN",
         "“Épicerie du Coin” is already in the directory at the same place: row not imported."),
        (6, "x1", "source_id", "x1",
         "Same identifier as row 5 of this file: row not imported."),
        (8, "8", "siret", SIRETS[1],
         "Same SIRET as row 7 of this file: row not imported."),
    ]  # fmt: skip
    run(job, moderator)
    assert sorted(Actor.objects.filter(source="tableur").values_list("source_id", flat=True)) == [
        "3",
        "7",
        "x1",
    ]


def test_rows_without_an_identifier_are_recognised_on_the_next_import(moderator):
    content = "nom,ville,code postal,siret\nLa Fabrique,Lille,59000,\nLe Fournil,Arras,62000,%s\n"
    content %= SIRETS[2]
    run(import_job_preview(job=create(content), acting_user=moderator), moderator)

    again = import_job_preview(job=create(content), acting_user=moderator)

    assert again.preview["counts"] == COUNTS | {"unchanged": 2, "total": 2}
    assert sorted(Actor.objects.values_list("source_id", flat=True)) == [
        "name:la fabrique@59000",
        f"siret:{SIRETS[2]}",
    ]


def test_a_new_address_without_coordinates_places_the_entry_again(moderator):
    first = export_csv(
        [{"name": "Atelier", "city": "Lille", "postcode": "59000", "source_id": "1"}]
    )
    run(import_job_preview(job=create(first), acting_user=moderator), moderator)
    moved = export_csv(
        [{"name": "Atelier", "city": "Arras", "postcode": "62000", "source_id": "1"}]
    )

    job = run(import_job_preview(job=create(moved), acting_user=moderator), moderator)

    actor = Actor.objects.get()
    assert job.counts == COUNTS | {"updated": 1}
    assert (actor.city, actor.department, actor.latitude, actor.geocode_status) == (
        "Arras",
        "62",
        Decimal("50.291000"),
        GeocodeStatus.MUNICIPALITY,
    )


# --- Batches, failures, progress, cancelling ---------------------------------------------------


FIVE_ROWS = export_csv(
    [{"name": f"Coopérative {n}", "city": "Lille", "source_id": str(n)} for n in range(1, 6)]
)


def test_a_batch_failing_while_writing_leaves_nothing_of_it(moderator, settings, monkeypatch):
    settings.DIRECTORY_IMPORT_BATCH_SIZE = 2
    job = import_job_preview(job=create(FIVE_ROWS), acting_user=moderator)
    real_create = scan_module.actor_create
    calls = []

    def failing_create(**kwargs):
        calls.append(kwargs["name"])
        if len(calls) == 4:  # rows 2 and 3 (batch 1) are in; row 4 of batch 2 is written
            raise RuntimeError("disque plein")
        return real_create(**kwargs)

    monkeypatch.setattr(scan_module, "actor_create", failing_create)
    job = run(job, moderator)

    assert calls == ["Coopérative 1", "Coopérative 2", "Coopérative 3", "Coopérative 4"]
    assert sorted(Actor.objects.values_list("source_id", flat=True)) == ["1", "2"]
    assert (job.status, job.processed_rows) == (ImportStatus.FAILED, 2)
    assert job.counts == COUNTS | {"new": 2}
    message = (
        "Writing row 5 failed (RuntimeError): rows 4 to 5 were not imported (nothing of that "
        "batch was written). The rows before them are imported; running the import again is "
        "safe."
    )
    assert job.message == message
    assert problems(job) == [(5, "", "", "disque plein", message)]

    monkeypatch.setattr(scan_module, "actor_create", real_create)
    job = run(job, moderator)

    assert (job.status, job.counts) == (ImportStatus.DONE, COUNTS | {"new": 3, "unchanged": 2})
    assert Actor.objects.count() == 5
    assert problems(job) == []


def test_progress_is_written_after_each_batch(moderator, settings):
    settings.DIRECTORY_IMPORT_BATCH_SIZE = 2
    job = import_job_preview(job=create(FIVE_ROWS), acting_user=moderator)
    seen = []

    def progress(processed, total):
        stored = ImportJob.objects.get(pk=job.pk)
        seen.append((processed, total, stored.processed_rows, stored.progress_percent))

    job = run(job, moderator, progress=progress)

    assert seen == [(2, 5, 2, 40), (4, 5, 4, 80), (5, 5, 5, 100)]
    assert job.status == ImportStatus.DONE


def test_cancelling_a_running_import_stops_it_before_the_next_batch(moderator, settings):
    settings.DIRECTORY_IMPORT_BATCH_SIZE = 2
    job = import_job_preview(job=create(FIVE_ROWS), acting_user=moderator)

    def cancel_after_the_first_batch(processed, total):
        if processed == 2:
            import_job_cancel(job=ImportJob.objects.get(pk=job.pk), acting_user=moderator)

    job = run(job, moderator, progress=cancel_after_the_first_batch)

    assert (job.status, job.processed_rows, job.counts["new"]) == (ImportStatus.CANCELLED, 2, 2)
    assert Actor.objects.count() == 2


def test_a_cancelled_queued_job_is_not_run(moderator):
    job = import_job_preview(job=create(FIVE_ROWS), acting_user=moderator)
    job = import_job_queue(job=job, acting_user=moderator, enqueue=False)
    import_job_cancel(job=job, acting_user=moderator)

    job = import_job_run(job=job, acting_user=moderator)

    assert (job.status, Actor.objects.count()) == (ImportStatus.CANCELLED, 0)
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        import_job_cancel(job=job, acting_user=moderator)


def test_an_import_runs_only_after_its_dry_run(moderator):
    job = create(FIVE_ROWS)

    with pytest.raises(ValidationError, match="after its dry run"):
        import_job_queue(job=job, acting_user=moderator)
    done = run(import_job_preview(job=job, acting_user=moderator), moderator)
    with pytest.raises(ValidationError, match="already started"):
        import_job_preview(job=done, acting_user=moderator)
    with pytest.raises(ValidationError, match="after its dry run"):
        import_job_queue(job=done, acting_user=moderator)


def test_the_allowed_moves_between_states():
    allowed = {(a, b) for a in ImportStatus for b in ImportStatus if can_move(a, b)}

    assert allowed == {
        ("uploaded", "previewed"), ("uploaded", "cancelled"),
        ("previewed", "previewed"), ("previewed", "queued"), ("previewed", "cancelled"),
        ("queued", "running"), ("queued", "cancelled"),
        ("running", "done"), ("running", "failed"), ("running", "cancelled"),
        ("failed", "queued"),
    }  # fmt: skip
    assert set(TRANSITIONS) == set(ImportStatus.values)


def test_the_task_runs_after_commit_and_one_event_per_step_is_written(
    moderator, django_capture_on_commit_callbacks
):
    job = import_job_preview(job=create(FIVE_ROWS, user=moderator), acting_user=moderator)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_job_queue(job=job, acting_user=moderator)

    job.refresh_from_db()
    assert (len(callbacks), job.status, job.counts["new"]) == (1, ImportStatus.DONE, 5)
    verbs = list(
        Event.objects.filter(target_id=str(job.pk), verb__startswith="directory.import")
        .order_by("id")
        .values_list("verb", "actor")
    )
    assert verbs == [
        ("directory.import_created", moderator.pk),
        ("directory.import_queued", moderator.pk),
        ("directory.import_finished", moderator.pk),
    ]
    assert Event.objects.filter(verb="directory.actor_created", actor=moderator).count() == 5


# --- The export round trip ---------------------------------------------------------------------


@pytest.fixture
def directory_to_export(moderator):
    sectors = {s.slug: s for s in Sector.objects.all()}
    common = {"acting_user": moderator, "status": ActorStatus.PUBLISHED}
    actor_create(
        name="Vélo Cité",
        kind=ActorKind.SERVICE,
        legal_form=LegalForm.SCIC,
        siret=SIRETS[3],
        description="Atelier vélo.\n\n=Réparez vous-même ; -10 % le samedi",
        street="12 rue Gambetta",
        postcode="62000",
        city="Arras",
        latitude=Decimal("50.291000"),
        longitude=Decimal("2.777500"),
        email="contact@velo-cite.example.org",
        telephone="+33 3 21 00 00 00",
        website="https://velo-cite.example.org",
        opening_hours="Tu-Sa 09:00-18:00",
        sectors=[sectors["atelier-velo"]],
        **common,
    )
    actor_create(
        name="La Ruche de Chenay",
        kind=ActorKind.SHOP,
        city="Chenay",
        postcode="79120",
        latitude=Decimal("46.325200"),
        longitude=Decimal("-0.033900"),
        source="gogocarto",
        source_id="10kw",
        licence="CC-BY-4.0",
        sectors=[sectors["alimentation"], sectors["amap"]],
        **common,
    )
    actor_create(
        name="Ferme perdue",
        kind=ActorKind.PRODUCER,
        city="Trifouilly-les-Oies",
        postcode="99999",
        **common,
    )
    actor = actor_create(name="Café des Amis", kind=ActorKind.ASSOCIATION, city="Lille", **common)
    actor.skills.set(Skill.objects.filter(slug__in=["cuisine", "comptabilite"]))
    actor.labels.set(Label.objects.filter(slug="commerce-equitable"))
    actor.tags.set(Tag.objects.filter(slug__in=["tiers-lieu", "vrac"]))
    actor_reindex(actor=actor)


def _export_rows(stream) -> list[dict]:
    text = "".join(stream)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    for row in rows:
        del row["url"], row["updated_at"]
    return sorted(rows, key=lambda row: row["name"])


def _published():
    return with_terms(Actor.objects.published().order_by("name"), chunk_size=500)


def _terms():
    return {
        a.name: [
            sorted(getattr(a, n).values_list("slug", flat=True)) for n in opendata.LIST_COLUMNS
        ]
        for a in Actor.objects.all()
    }


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_export_then_import_into_an_empty_directory_gives_the_same_actors(
    moderator, directory_to_export, fmt
):
    if fmt == "csv":
        data = "".join(opendata.csv_stream(_published())).encode()
        name = "annuaire.csv"
    else:
        data = "".join(opendata.geojson_stream(_published())).encode()
        name = "annuaire.geojson"
    before_rows = _export_rows(opendata.csv_stream(_published()))
    before_terms = _terms()
    Actor.objects.all().delete()

    job = create(data, name=name, source="autre-instance", status_on_import="published")
    job = import_job_preview(job=job, acting_user=moderator)
    assert job.preview["counts"] == COUNTS | {"new": 4, "total": 4}
    job = run(job, moderator)

    assert job.counts == COUNTS | {"new": 4}
    assert _export_rows(opendata.csv_stream(_published())) == before_rows
    assert _terms() == before_terms
    again = import_job_preview(job=create(data, name=name), acting_user=moderator)
    assert again.preview["counts"] == COUNTS | {"unchanged": 4, "total": 4}


# --- Pages: who may do what ------------------------------------------------------------------


MODERATORS = ["staff_moderator", "permission_moderator"]


@pytest.fixture
def people(personas):
    staff = UserFactory(is_staff=True, language="en")
    granted = UserFactory(language="en")
    granted.user_permissions.add(
        Permission.objects.get(content_type__app_label="directory", codename="moderate_actor")
    )
    personas.staff_moderator = staff
    personas.permission_moderator = granted
    for who in PERSONAS[1:]:
        user = getattr(personas, who)
        user.language = "en"
        user.save(update_fields=["language"])
    return personas


def client_for(people, who) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(getattr(people, who))
    return client


@pytest.fixture
def previewed_job(moderator):
    return import_job_preview(job=create(FIVE_ROWS, user=moderator), acting_user=moderator)


def _state():
    return (
        list(ImportJob.objects.order_by("pk").values_list("pk", "status", "mapping", "preview")),
        ImportRowError.objects.count(),
        Actor.objects.count(),
    )


def _endpoints(job):
    base = f"/annuaire/imports/{job.pk}"
    return [
        ("get", "/annuaire/imports/", None),
        ("get", "/annuaire/imports/nouveau/", None),
        ("post", "/annuaire/imports/nouveau/", "upload"),
        ("get", f"{base}/", None),
        ("post", f"{base}/essai/", {"field_name": "name", "default_kind": "shop"}),
        ("post", f"{base}/lancer/", {}),
        ("post", f"{base}/annuler/", {}),
        ("get", f"{base}/progression/", None),
        ("get", f"{base}/erreurs.csv", None),
    ]


def _call(client, method, url, data):
    if data == "upload":
        data = {
            "file": upload("autre.csv", FIVE_ROWS),
            "source": "autre",
            "status_on_import": "pending",
            "licence": "ODbL-1.0",
        }
    return getattr(client, method)(url, data) if data is not None else client.get(url)


@pytest.mark.parametrize("who", [p for p in PERSONAS if p != "anonymous"])
def test_people_who_do_not_moderate_get_403_and_change_nothing(people, previewed_job, who):
    before = _state()
    for method, url, data in _endpoints(previewed_job):
        response = _call(client_for(people, who), method, url, data)

        assert response.status_code == 403, url
        assert escape("Only the directory's moderators can import data.") in (
            response.content.decode()
        )
    assert _state() == before


def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(people, previewed_job):
    before = _state()
    for method, url, data in _endpoints(previewed_job):
        response = _call(Client(), method, url, data)

        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('account_login')}?next={quote(url)}"
    assert _state() == before


@pytest.mark.parametrize("who", MODERATORS)
def test_moderators_may_use_every_import_page(people, previewed_job, who, settings):
    settings.TASKS_IMMEDIATE = True
    expected = {"get": 200, "post": 302}
    for method, url, data in _endpoints(previewed_job):
        response = _call(client_for(people, who), method, url, data)

        assert response.status_code == expected[method], url


def test_the_list_page_links_to_imports_for_moderators_only(people):
    assert (
        'data-testid="imports-link"'
        in client_for(people, "staff_moderator").get("/annuaire/").content.decode()
    )
    for who in PERSONAS:
        html = client_for(people, who).get("/annuaire/").content.decode()
        assert 'data-testid="imports-link"' not in html


# --- Pages: what they show -------------------------------------------------------------------


@requires_shared_data
def test_uploading_shows_the_mapping_prefilled(people):
    client = client_for(people, "staff_moderator")
    response = client.post(
        "/annuaire/imports/nouveau/",
        {
            "file": upload("elements.json", ELEMENTS.read_bytes()),
            "taxonomy": upload("taxonomy.json", TAXONOMY.read_bytes()),
            "source": "gogocarto-charente",
            "status_on_import": "pending",
            "licence": "ODbL-1.0",
        },
    )
    job = ImportJob.objects.get()

    assert response.status_code == 302
    assert response["Location"] == f"/annuaire/imports/{job.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert '<option value="name" selected>name — « La Ruche de Chenay »</option>' in html
    assert '<option value="geo.latitude" selected>' in html
    assert re.search(r'value="descriptionMore" id="id_field_description_\d+" checked', html)
    assert not re.search(r'value="sourceKey" id="id_field_description_\d+" checked', html)
    assert '<label for="id_category_10495">Sortie &amp; Culture</label>' in html
    assert '<option value="alimentation" selected>Alimentation et agriculture</option>' in html

    form = ImportMappingForm(job=job)
    data = {name: form[name].initial for name in form.fields if form[name].initial}
    data["field_description"] = ["commitment", "description", "descriptionMore"]  # page order
    response = client.post(f"/annuaire/imports/{job.pk}/essai/", data)
    job.refresh_from_db()

    assert response["Location"] == f"/annuaire/imports/{job.pk}/#preview"
    assert job.mapping["fields"]["description"] == ["description", "descriptionMore", "commitment"]
    assert job.preview["counts"] == COUNTS | {"new": 12, "warnings": 12, "total": 12}


def test_an_unreadable_upload_is_explained_on_the_form(people):
    response = client_for(people, "staff_moderator").post(
        "/annuaire/imports/nouveau/",
        {
            "file": upload("export.json", b'{"data": [}'),
            "source": "x",
            "status_on_import": "pending",
            "licence": "ODbL-1.0",
        },
    )

    assert response.status_code == 200
    assert "The file is not valid JSON (line 1, column 11)" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_dry_run_then_import_from_the_pages(people, settings, django_capture_on_commit_callbacks):
    client = client_for(people, "staff_moderator")
    content = export_csv(
        [
            {"name": "Épicerie", "city": "Lille", "source_id": "1"},
            {"name": "Mauvais", "city": "Lille", "email": "=HYPERLINK(1)", "siret": "123",
             "source_id": "2"},
        ]
    )  # fmt: skip
    job = create(content, user=people.staff_moderator)
    url = f"/annuaire/imports/{job.pk}/"

    response = client.post(
        f"{url}essai/",
        {"field_name": "name", "field_city": "city", "field_source_id": "source_id",
         "field_email": "email", "field_siret": "siret", "default_kind": "shop"},
    )  # fmt: skip
    assert response["Location"] == f"{url}#preview"
    html = client.get(url).content.decode()
    assert 'data-testid="preview-counts"' in html
    assert "<dt>New entries</dt><dd>1</dd>" in html
    assert "<dt>Invalid rows (not imported)</dt><dd>1</dd>" in html
    assert "Shop or market" in html
    assert "2 problems found" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}lancer/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    html = client.get(url).content.decode()
    assert 'data-testid="result-counts"' in html
    assert "Import finished: 1 created, 0 updated, 0 unchanged." in html
    assert 'hx-trigger="every 2s"' not in html

    report = client.get(f"{url}erreurs.csv")
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    assert report.content.decode() == (
        "\ufeffRow;Identifier at the source;Field;Value;Problem\r\n"
        "3;2;SIRET;123;Not a valid SIRET (14 digits whose check digit must match): "
        "row not imported.\r\n"
        "3;2;Email;'=hyperlink(1);Not an email address: left out.\r\n"
    )


def test_the_progress_bar_polls_while_running_and_reloads_when_done(people, previewed_job):
    client = client_for(people, "staff_moderator")
    ImportJob.objects.filter(pk=previewed_job.pk).update(
        status=ImportStatus.RUNNING, processed_rows=2
    )
    url = f"/annuaire/imports/{previewed_job.pk}/progression/"

    html = client.get(url).content.decode()
    assert f'hx-get="{url}" hx-trigger="every 2s" hx-swap="outerHTML"' in html
    assert '<progress id="import-progress-bar" max="100" value="40">40 %</progress>' in html
    assert "2 of 5 rows (40 %)" in html
    page = client.get(f"/annuaire/imports/{previewed_job.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page

    ImportJob.objects.filter(pk=previewed_job.pk).update(status=ImportStatus.DONE, processed_rows=5)
    done = client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert 'hx-trigger="every 2s"' not in done.content.decode()


def test_the_jobs_list_shows_each_import(people, previewed_job):
    html = client_for(people, "staff_moderator").get("/annuaire/imports/").content.decode()

    assert f'<a href="/annuaire/imports/{previewed_job.pk}/">annuaire.csv</a>' in html
    assert "Dry run done: confirm" in html


# --- The command and the demo --------------------------------------------------------------------


@requires_shared_data
def test_the_command_previews_then_imports_the_gogocarto_export(capsys):
    call_command(
        "directory_import", str(ELEMENTS), "--source", "gogocarto", "--taxonomy", str(TAXONOMY),
        "--dry-run", "--errors", "2",
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "Dry run: 12 new, 0 updated, 0 unchanged, 0 duplicate, 0 invalid, 12 warnings" in out
    assert "  row 1 [10kw] sectors «10429»: " in out
    assert "… and 14 more problems." in out
    assert Actor.objects.count() == 0

    call_command("directory_import", str(ELEMENTS), "--source", "gogocarto", "--publish")
    out = capsys.readouterr().out
    assert "Import: 12 new, 0 updated, 0 unchanged, 0 duplicate, 0 invalid, 12 warnings" in out
    assert Actor.objects.filter(status=ActorStatus.PUBLISHED).count() == 12


def test_the_command_explains_an_unreadable_file(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"data": [', encoding="utf-8")

    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("directory_import", str(broken), "--source", "x")
    with pytest.raises(CommandError, match="No such file"):
        call_command("directory_import", str(tmp_path / "absent.csv"), "--source", "x")


def test_the_demo_step_leaves_a_finished_import_with_its_report(db):
    from coops.accounts.demo import load_people

    ctx = DemoContext(log=lambda line: None)
    load_people(ctx)
    load_imports(ctx)
    job = ctx.extra["import_job"]

    orders = {step.name: step.order for step in demo_steps()}
    assert orders["directory_moderation"] < orders["directory_imports"] == 58
    assert (job.status, job.source, job.total_rows) == (ImportStatus.DONE, DEMO_SOURCE, 20)
    assert job.counts == COUNTS | {"new": 19, "invalid": 1, "warnings": 1}
    assert [(e.row_number, e.field, e.value) for e in error_rows(job)] == [
        (11, "sectors", "Permaculture urbaine"),
        (20, "siret", "12345678900000"),
    ]
    imported = Actor.objects.filter(source=DEMO_SOURCE)
    assert imported.count() == 19
    assert set(imported.values_list("status", flat=True)) == {ActorStatus.PUBLISHED}
    creche = imported.get(source_id="TL-017")
    assert (creche.city, creche.geocode_status) == ("Croix", GeocodeStatus.MUNICIPALITY)
    lys = imported.get(source_id="TL-002")
    assert (lys.kind, lys.legal_form) == (ActorKind.CRAFT, LegalForm.SCOP)
    assert sorted(s.slug for s in lys.sectors.all()) == ["materiaux-reemploi", "menuiserie"]


def test_a_file_gone_from_storage_fails_the_job_with_a_message(moderator):
    job = import_job_preview(job=create(FIVE_ROWS), acting_user=moderator)
    default_storage.delete(job.file.name)

    job = run(job, moderator)

    assert (job.status, job.message) == (
        ImportStatus.FAILED,
        "The uploaded file can no longer be read: upload it again.",
    )
    assert Actor.objects.count() == 0
    fresh = create(FIVE_ROWS)
    default_storage.delete(fresh.file.name)
    with pytest.raises(ValidationError, match="can no longer be read"):
        import_job_preview(job=fresh, acting_user=moderator)


def test_a_long_file_name_and_a_long_source_name(moderator):
    name = "export-" + "tres-long-" * 20 + ".csv"
    job = create(FIVE_ROWS, name=name)

    assert job.filename == name
    assert len(job.file.name) <= 100 and job.file.name.endswith(".csv")
    with pytest.raises(ValidationError) as caught:
        create(FIVE_ROWS, source="s" * 61)
    assert list(caught.value.message_dict) == ["source"]
