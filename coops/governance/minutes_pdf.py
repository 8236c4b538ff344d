"""The minutes as a PDF (fpdf2), in a Unicode TrueType font so French reads right.

The font is DejaVu Sans, looked for in `settings.GOVERNANCE_PDF_FONT_DIRS` (a list of
folders) and the usual system folders. Without it the PDF falls back to the PDF core font
Helvetica, which only has Latin-1: characters outside it are replaced.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF

from .minutes import (
    Minutes,
    attendance_lines,
    header_lines,
    minutes_title,
    quorum_line,
    vote_lines,
)

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
LATIN1 = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "—": "-",
        "–": "-",
        "…": "...",
        "œ": "oe",
        "Œ": "OE",
        "€": "EUR",
        "\u202f": " ",
    }
)


def font_dir() -> Path | None:
    """The first folder holding every DejaVu Sans file we use, or None."""
    dirs = [*getattr(settings, "GOVERNANCE_PDF_FONT_DIRS", ()), *FONT_DIRS]
    for folder in dirs:
        path = Path(folder)
        if all((path / name).is_file() for name in FONT_FILES.values()):
            return path
    return None


class _MinutesPDF(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text
        folder = font_dir()
        self.unicode = folder is not None
        if self.unicode:
            for style, name in FONT_FILES.items():
                self.add_font("DejaVu", style, str(folder / name))
            self.family = "DejaVu"
        else:
            self.family = "Helvetica"
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)

    def text_of(self, value: str) -> str:
        if self.unicode:
            return value
        return value.translate(LATIN1).encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "I", 8)
        self.cell(0, 6, self.text_of(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")

    def heading(self, value: str, size: int = 13) -> None:
        self.ln(2)
        self.set_font(self.family, "B", size)
        self.multi_cell(0, size * 0.55, self.text_of(value), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, value: str, style: str = "", size: int = 10) -> None:
        self.set_font(self.family, style, size)
        self.multi_cell(0, 5.2, self.text_of(value), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)


def minutes_pdf(m: Minutes) -> bytes:
    """The PDF file of the minutes, in the active language."""
    title = minutes_title(m)
    pdf = _MinutesPDF(footer_text=title)
    pdf.set_title(pdf.text_of(title))
    pdf.set_creator(settings.SITE_NAME)
    pdf.add_page()
    pdf.heading(title, size=16)
    for line in header_lines(m):
        pdf.para(line)
    pdf.heading(_("Attendance"))
    for heading, names in attendance_lines(m):
        pdf.para(f"{heading}: {names}")
    pdf.para(quorum_line(m.quorum), style="B")
    pdf.heading(_("Agenda"))
    if not m.items:
        pdf.para(_("No item was on the agenda."))
    for item in m.items:
        pdf.heading(f"{item.number}. {item.title}", size=11)
        pdf.para(item.status, style="I", size=9)
        if item.description:
            pdf.para(item.description)
        if item.notes:
            pdf.para(_("Notes"), style="B")
            pdf.para(item.notes)
        if item.vote:
            for line in vote_lines(item.vote):
                pdf.para(line)
        if item.outcome:
            pdf.para(_("Outcome"), style="B")
            pdf.para(item.outcome)
    if m.notes:
        pdf.heading(_("General notes"))
        pdf.para(m.notes)
    return bytes(pdf.output())
