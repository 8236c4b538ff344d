"""The minutes (HTML, Markdown, PDF) and the calendar file of an assembly."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime

import pytest
from django.utils import translation
from fpdf import FPDF

from coops.groups.tests.factories import MembershipFactory

from .. import minutes_pdf as pdf_module
from ..ics import CANCEL, REQUEST, assembly_ics, assembly_uid
from ..minutes import minutes_filename, minutes_markdown, minutes_of
from ..minutes_pdf import minutes_pdf
from ..models import AgendaItemStatus, Attendance, Method, ProposalOption, ProposalStatus
from .assembly_helpers import governance_on, register
from .factories import AgendaItemFactory, AssemblyFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _registered():
    register()


@pytest.fixture
def world(personas):
    return governance_on(personas)


STARTS = datetime(2025, 3, 14, 17, 30, tzinfo=UTC)  # 18:30 in Paris


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def held(world):
    """A closed assembly: the organiser chaired, Élodie present holding Bruno's proxy,
    the admin excused, Zoé absent; two items, one decided by a vote."""
    g = world.group
    world.organiser.display_name = "Amélie Chair"
    world.organiser.save()
    world.member.display_name = "Bruno Membre"
    world.member.save()
    world.admin.display_name = "Élodie Lefèvre"
    world.admin.save()
    zoe = MembershipFactory(group=g, user__display_name="Zoé Absente").user
    a = AssemblyFactory(
        group=g,
        title="Assemblée générale 2025",
        starts_at=STARTS,
        ends_at=STARTS.replace(hour=19, minute=30),
        agenda_closes_at=STARTS.replace(day=7),
        status="closed",
        started_at=STARTS,
        closed_at=STARTS.replace(hour=19, minute=45),
        place="Salle Léo-Lagrange, Wavrin",
        quorum_percent=50,
        organiser=world.organiser,
        minutes_notes="Séance levée à 20 h 45.",
    )
    Attendance.objects.create(assembly=a, user=world.organiser, status="present")
    Attendance.objects.create(assembly=a, user=world.admin, status="present")
    Attendance.objects.create(
        assembly=a, user=world.member, status="represented", proxy_holder=world.admin
    )
    Attendance.objects.create(assembly=a, user=zoe, status="absent")
    proposal = ProposalFactory(
        group=g,
        title="Prendre le pain au fournil des Weppes",
        method=Method.MAJORITY,
        status=ProposalStatus.ADOPTED,
        outcome={
            "adopted": True,
            "counts": {"ballots": 3, "positions": {"yes": 2, "no": 1, "abstain": 0}},
            "participants": 3,
            "eligible": 4,
            "winners": [],
        },
        outcome_summary="Adopted: 2 yes, 1 no.",
    )
    AgendaItemFactory(
        assembly=a,
        title="Fournisseur de pain",
        position=0,
        status=AgendaItemStatus.DISCUSSED,
        notes="Échange sur les prix.",
        outcome="Nouveau fournisseur dès avril.",
        proposal=proposal,
        proposed_by=world.member,
    )
    AgendaItemFactory(assembly=a, title="Retiré", position=1, status="withdrawn")
    AgendaItemFactory(assembly=a, title="Local", position=2, status="deferred")
    world.assembly = a
    return world


def test_minutes_data(held, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        m = minutes_of(held.assembly)
    assert m.present == ["Amélie Chair", "Élodie Lefèvre"]
    assert m.represented == [("Bruno Membre", "Élodie Lefèvre")]
    assert (m.excused, m.absent) == ([], ["Zoé Absente"])
    q = m.quorum
    assert (q.present, q.represented, q.members, q.reached) == (2, 1, 4, True)
    assert [i.title for i in m.items] == ["Fournisseur de pain", "Local"]
    vote = m.items[0].vote
    assert (vote.participants, vote.eligible, vote.summary) == (3, 4, "Adopted: 2 yes, 1 no.")
    assert m.draft


def test_markdown(held, english):
    text = minutes_markdown(minutes_of(held.assembly))
    assert text == (
        "# Minutes of the assembly “Assemblée générale 2025” of AMAP des Weppes\n"
        "\n"
        "- Date: March 14, 2025, from 6:30 p.m. to 8:45 p.m. (Europe/Paris)\n"
        "- Place: Salle Léo-Lagrange, Wavrin\n"
        "- Chair: Amélie Chair\n"
        "- Draft minutes, not yet approved.\n"
        "\n"
        "## Attendance\n"
        "\n"
        "- **Present**: Amélie Chair, Élodie Lefèvre\n"
        "- **Represented**: Bruno Membre by Élodie Lefèvre\n"
        "- **Absent**: Zoé Absente\n"
        "\n"
        "3 of 4 members present or represented (75 %). Quorum of 50 % reached.\n"
        "\n"
        "## Agenda\n"
        "\n"
        "### 1. Fournisseur de pain\n"
        "\n"
        "*Discussed*\n"
        "\n"
        "**Notes**\n"
        "\n"
        "Échange sur les prix.\n"
        "\n"
        "- Vote: Prendre le pain au fournil des Weppes — Simple majority — Adopted\n"
        "- 3 of 4 voters answered.\n"
        "- Yes: 2, No: 1, Abstain: 0\n"
        "- Adopted: 2 yes, 1 no.\n"
        "\n"
        "**Outcome**: Nouveau fournisseur dès avril.\n"
        "\n"
        "### 2. Local\n"
        "\n"
        "*Moved to the next assembly*\n"
        "\n"
        "## General notes\n"
        "\n"
        "Séance levée à 20 h 45.\n"
    )


def test_option_votes_name_the_winner(held):
    proposal = ProposalFactory(group=held.group, method=Method.SCHULZE, status="adopted")
    mardi = ProposalOption.objects.create(proposal=proposal, label="Mardi soir", position=0)
    ProposalOption.objects.create(proposal=proposal, label="Jeudi midi", position=1)
    proposal.outcome = {"winners": [str(mardi.pk)], "participants": 2, "eligible": 4}
    proposal.save()
    AgendaItemFactory(assembly=held.assembly, title="Jour de distribution", proposal=proposal)
    vote = minutes_of(held.assembly).items[-1].vote
    assert vote.winners == ["Mardi soir"]


def _pdf_text(data: bytes) -> str:
    """The text drawn in an fpdf2 PDF, decoded through its ToUnicode map."""
    streams = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            streams.append(raw)
    glyphs: dict[bytes, str] = {}
    for s in streams:
        for gid, code in re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]{4})>", s):
            glyphs[bytes.fromhex(gid.decode())] = chr(int(code, 16))
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    out = []
    for s in streams:
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", s, re.S):
            raw = re.sub(rb"\\(.)", lambda m: escapes.get(m[1], m[1]), literal, flags=re.S)
            out.append("".join(glyphs.get(raw[i : i + 2], "?") for i in range(0, len(raw), 2)))
    return " ".join(out)


def test_pdf_renders_french(held, monkeypatch):
    # One style, so one font subset and one ToUnicode map to decode the text with.
    monkeypatch.setattr(
        pdf_module._MinutesPDF,
        "set_font",
        lambda self, family=None, style="", size=0: FPDF.set_font(self, family, "", size),
    )
    data = minutes_pdf(minutes_of(held.assembly))
    assert data.startswith(b"%PDF-")
    assert b"DejaVuSans" in data
    text = _pdf_text(data)
    for words in ("Assemblée", "Élodie", "Lefèvre", "Léo-Lagrange", "dès", "Échange", "Zoé"):
        assert words in text


def test_pdf_without_the_font_falls_back_to_latin1(held, monkeypatch):
    monkeypatch.setattr(pdf_module, "font_dir", lambda: None)
    data = minutes_pdf(minutes_of(held.assembly))
    assert data.startswith(b"%PDF-")
    assert b"DejaVu" not in data
    assert b"Helvetica" in data


def test_filename(held):
    assert minutes_filename(held.assembly, "pdf") == "minutes-amap-des-weppes-2025-03-14.pdf"


# --- The calendar file ------------------------------------------------------------------------


def test_ics(held, english):
    held.assembly.description = "Ordre du jour en ligne."
    held.assembly.online_url = "https://visio.example.org/ag"
    text = assembly_ics(held.assembly, method=REQUEST, attendee=held.member).decode()
    lines = text.replace("\r\n ", "").split("\r\n")
    assert "METHOD:REQUEST" in lines
    assert f"UID:{assembly_uid(held.assembly)}" in lines
    assert "DTSTART:20250314T173000Z" in lines
    assert "DTEND:20250314T193000Z" in lines
    assert "SUMMARY:Assemblée générale 2025 · AMAP des Weppes" in lines
    assert "LOCATION:Salle Léo-Lagrange\\, Wavrin\\, https://visio.example.org/ag" in lines
    url = f"http://127.0.0.1:8000/g/amap-des-weppes/m/governance/assemblies/{held.assembly.pk}/"
    assert f"URL:{url}" in lines
    description = next(x for x in lines if x.startswith("DESCRIPTION:"))
    assert description == (
        "DESCRIPTION:Ordre du jour en ligne.\\n\\nAgenda and proposals of items: "
        f"{url}\\n\\nOnline link: https://visio.example.org/ag"
    )
    assert "STATUS:CONFIRMED" in lines
    assert any(x.startswith("ATTENDEE;") and held.member.email in x for x in lines)
    cancel = assembly_ics(held.assembly, method=CANCEL).decode()
    assert "METHOD:CANCEL" in cancel and "STATUS:CANCELLED" in cancel
    assert f"UID:{assembly_uid(held.assembly)}" in cancel
