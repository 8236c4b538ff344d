"""Charter selectors: versions, commitments by category, the diff on a worked example,
and an actor's signature status."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coops.accounts.tests.factories import UserFactory
from coops.charter import selectors
from coops.charter.models import Category
from coops.charter.selectors import Segment, text_diff
from coops.directory.tests.factories import ActorFactory

from .factories import THREE, draft, published, sign

pytestmark = pytest.mark.django_db

OLD_PREAMBLE = "Nous coopérons pour vivre mieux.\n\nChaque membre signe."
NEW_PREAMBLE = "Nous coopérons pour vivre mieux ensemble.\n\nChaque membre signe chaque année."

OLD = [
    ("salaires", Category.SOCIAL, "Des salaires justes", "Écart de salaires limité."),
    ("energie", Category.ENVIRONMENTAL, "Moins d'énergie", "Un objectif chaque année."),
    ("achats", Category.ENVIRONMENTAL, "Des achats locaux", "Au plus près."),
    ("une-voix", Category.SOCIAL, "Une personne, une voix", "Chacun vote."),
]
NEW = [
    ("salaires", Category.SOCIAL, "Des salaires justes et publics", "Écart de salaires limité."),
    ("energie", Category.ENVIRONMENTAL, "Moins d'énergie", "Un objectif chaque année."),
    ("une-voix", Category.GOVERNANCE, "Une personne, une voix", "Chaque membre vote."),
    ("entraide", Category.GOVERNANCE, "Coopérer entre nous", "Partager nos savoir-faire."),
]


def test_text_diff_works_word_by_word():
    assert text_diff(OLD_PREAMBLE, NEW_PREAMBLE) == [
        Segment("equal", "Nous coopérons pour vivre mieux"),
        Segment("insert", " ensemble"),
        Segment("equal", ".\n\nChaque membre signe"),
        Segment("insert", " chaque année"),
        Segment("equal", "."),
    ]


def test_text_diff_of_a_replaced_word_deletes_then_inserts():
    assert text_diff("Un écart limité.", "Un écart publié.") == [
        Segment("equal", "Un écart "),
        Segment("delete", "limité"),
        Segment("insert", "publié"),
        Segment("equal", "."),
    ]


def test_text_diff_folds_changes_split_by_short_words_into_one():
    assert text_diff(
        "Rémunérer chaque travail à un niveau juste", "Limiter l'écart et le publier"
    ) == [
        Segment("delete", "Rémunérer chaque travail à un niveau juste"),
        Segment("insert", "Limiter l'écart et le publier"),
    ]
    assert text_diff(
        "La plus basse reste limitée et connue de tous.",
        "La plus basse ne dépasse pas 1 à 5, et elle est publiée.",
    ) == [
        Segment("equal", "La plus basse "),
        Segment("delete", "reste limitée et connue de tous"),
        Segment("insert", "ne dépasse pas 1 à 5, et elle est publiée"),
        Segment("equal", "."),
    ]


def test_text_diff_of_identical_or_empty_texts():
    assert text_diff("Même texte.", "Même texte.") == [Segment("equal", "Même texte.")]
    assert text_diff("", "") == []
    assert text_diff("", "Nouveau") == [Segment("insert", "Nouveau")]


def test_version_diff_on_a_worked_example():
    old = published(preamble=OLD_PREAMBLE, commitments=OLD)
    new = published(preamble=NEW_PREAMBLE, commitments=NEW)
    diff = selectors.version_diff(old=old, new=new)
    assert diff.title_changed is False
    assert diff.preamble_changed is True
    assert diff.preamble == text_diff(OLD_PREAMBLE, NEW_PREAMBLE)
    assert [c.key for c in diff.added] == ["entraide"]
    assert [c.key for c in diff.removed] == ["achats"]
    assert [c.key for c in diff.unchanged] == ["energie"]
    assert [(c.after.key, c.fields, c.category_changed) for c in diff.changed] == [
        ("salaires", ["title"], False),
        ("une-voix", ["category", "explanation"], True),
    ]
    salaires, une_voix = diff.changed
    assert salaires.before.version == old and salaires.after.version == new
    assert salaires.title == [
        Segment("equal", "Des salaires justes"),
        Segment("insert", " et publics"),
    ]
    assert une_voix.explanation == [
        Segment("delete", "Chacun"),
        Segment("insert", "Chaque membre"),
        Segment("equal", " vote."),
    ]
    assert diff.is_empty is False


def test_version_diff_of_a_copy_is_empty():
    old = published()
    new = published(title="Charte du réseau")
    diff = selectors.version_diff(old=old, new=new)
    assert diff.is_empty is True
    assert (diff.added, diff.removed, diff.changed) == ([], [], [])
    assert [c.key for c in diff.unchanged] == ["salaires", "energie", "une-voix"]


def test_version_diff_notices_a_new_title():
    old = published(title="Charte")
    new = published(title="Charte commune")
    diff = selectors.version_diff(old=old, new=new)
    assert (diff.title_changed, diff.is_empty) == (True, False)


def test_current_version_and_its_commitments_by_category():
    assert selectors.current_version() is None
    published(commitments=OLD)
    v2 = published(commitments=list(reversed(THREE)))
    draft()  # a newer draft is never current
    current = selectors.current_version()
    assert current == v2
    with CaptureQueriesContext(connection) as queries:
        groups = selectors.commitments_by_category(current)
        assert current.is_current is True
    assert len(queries) == 0
    assert [(g.category, g.label, [c.key for c in g.commitments]) for g in groups] == [
        ("social", "Social", ["salaires"]),
        ("environmental", "Environnemental", ["energie"]),
        ("governance", "Gouvernance", ["une-voix"]),
    ]


def test_categories_without_commitments_are_left_out():
    version = published(commitments=THREE[:1])
    assert [g.category for g in selectors.commitments_by_category(version)] == ["social"]


def test_published_and_previous_versions():
    v1 = published()
    v2 = published()
    draft()
    assert selectors.published_version(number=2) == v2
    assert selectors.published_version(number=3) is None
    assert selectors.previous_version(version=v2) == v1
    assert selectors.previous_version(version=v1) is None


def test_version_history_counts_without_a_query_per_row():
    actor = ActorFactory()
    staff = UserFactory(is_staff=True)
    v1 = published(by=staff, commitments=THREE[:2])
    sign(actor, v1, staff)
    sign(ActorFactory(), v1, staff)
    v2 = published(by=staff)
    sign(actor, v2, staff)
    draft()
    with CaptureQueriesContext(connection) as queries:
        history = selectors.version_history()
        rows = [(v.number, v.commitment_count, v.signature_count, v.is_current) for v in history]
    assert len(queries) == 1
    assert rows == [(2, 3, 1, True), (1, 2, 2, False)]


def test_draft_versions_newest_first():
    published()
    first, second = draft(title="Premier"), draft(title="Second")
    assert selectors.draft_versions() == [second, first]


def test_signature_of_an_actor():
    staff = UserFactory(is_staff=True)
    actor = ActorFactory()
    assert selectors.signature_of(actor) is None
    v1 = published(by=staff)
    first = sign(actor, v1, staff)
    status = selectors.signature_of(actor)
    assert (status.signature, status.version, status.is_current, status.current) == (
        first,
        v1,
        True,
        v1,
    )
    v2 = published(by=staff)
    status = selectors.signature_of(actor)
    assert (status.signature, status.is_current, status.current) == (first, False, v2)
    second = sign(actor, v2, staff)
    status = selectors.signature_of(actor, current=v2)
    assert (status.signature, status.version, status.is_current) == (second, v2, True)


def test_signatures_by_a_user():
    staff = UserFactory(is_staff=True)
    version = published(by=staff)
    mine = sign(ActorFactory(), version, staff)
    sign(ActorFactory(), version, UserFactory(is_staff=True))
    assert selectors.signatures_by(user=staff) == [mine]
