"""Sign-in sheets (listy obecności): A4 PDF pages to print and sign at a session.

One set of pages per session: the sheet's heading (cycle title, county, the session's
number, kind, date and venue), then a table of the cycle's attendees in Polish
alphabetical order with a numbered row each and an empty signature column. A long name
or organisation wraps inside its column (a word longer than the column is broken between
characters); a table longer than a page continues on the next with its header repeated,
and every page's footer says which session and page it is, so loose pages go back in
order. Made with reportlab's platypus, in the certificates' font (DejaVu Sans: every
Polish letter).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .certificate_pdf import BOLD, MM, PAGE_HEIGHT, PAGE_WIDTH, REGULAR, register_fonts
from .models import Attendee, Session, WorkshopCycle

MARGIN = 15 * MM
WIDTH = PAGE_WIDTH - 2 * MARGIN
# Number, name, organisation, signature: the signature takes what the others leave.
COLUMNS = (10 * MM, 62 * MM, 48 * MM, WIDTH - 120 * MM)
SPARE_ROWS = 5


def _spare(listed: int) -> range:
    return range(listed + 1, listed + SPARE_ROWS + 1)


def _style(name: str, *, font: str = REGULAR, size: float = 10, **extra) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=size * 1.25, splitLongWords=1, **extra
    )


TITLE = _style("title", font=BOLD, size=16, spaceAfter=2 * MM)
CYCLE = _style("cycle", font=BOLD, size=11, spaceAfter=1 * MM)
META = _style("meta", size=10, spaceAfter=1 * MM)
HEAD = _style("head", font=BOLD, size=9)
CELL = _style("cell", size=10)
SMALL = _style("small", size=8, textColor=colors.HexColor("#444444"))


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


class _Footer(Flowable):
    """Takes no space; sets the footer that the following pages print."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text
        self.width = self.height = 0

    def draw(self):
        self.canv._signin_footer = self.text


def _draw_footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(REGULAR, 8)
    text = getattr(canvas, "_signin_footer", "")
    page = _("page %(number)d") % {"number": canvas.getPageNumber()}
    canvas.drawString(MARGIN, MARGIN / 2, text[:120])
    canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN / 2, page)
    canvas.restoreState()


def _heading(cycle: WorkshopCycle, session: Session) -> list[Flowable]:
    parts = [
        _("Session %(number)s") % {"number": session.roman},
        session.get_kind_display(),
        str(session.dates),
    ]
    if session.venue:
        parts.append(session.venue)
    return [
        _Footer(f"{cycle.county} · {_('session %(number)s') % {'number': session.roman}}"),
        _p(_("Sign-in sheet"), TITLE),
        _p(f"„{cycle.title}”", CYCLE),
        _p(f"{cycle.county} · {cycle.programme.name}", META),
        _p(" · ".join(parts), META),
    ]


def _table(attendees: Sequence[Attendee]) -> Table:
    rows = [
        [
            _p(pgettext("sign-in sheet", "No."), HEAD),
            _p(_("Full name"), HEAD),
            _p(_("Organisation"), HEAD),
            _p(_("Signature"), HEAD),
        ]
    ]
    # Numbers as plain strings and empty cells as "": a Paragraph only where text may
    # wrap (a sheet of 250 attendees × 6 sessions is 1,500 rows).
    for number, attendee in enumerate(attendees, start=1):
        organisation = attendee.organisation_name
        rows.append(
            [
                str(number),
                _p(attendee.full_name, CELL),
                _p(organisation, SMALL) if organisation else "",
                "",
            ]
        )
    # Spare rows for people not on the list (they are added to the register later).
    rows += [[str(number), "", "", ""] for number in _spare(len(attendees))]
    table = Table(rows, colWidths=COLUMNS, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("FONT", (0, 1), (0, -1), REGULAR, 10),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                # Room for a signature: at least 11 mm a row.
                ("TOPPADDING", (0, 1), (-1, -1), 3.3 * MM),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 3.3 * MM),
            ]
        )
    )
    return table


def signin_sheets_pdf(
    *,
    cycle: WorkshopCycle,
    sessions: Sequence[Session],
    attendees: Sequence[Attendee],
    language: str = "pl",
) -> bytes:
    """The sign-in sheets of ``sessions`` (one page set each) listing ``attendees`` in
    the order given (``Attendee.objects.alphabetical()``)."""
    register_fonts()
    buffer = io.BytesIO()
    frame = Frame(MARGIN, MARGIN, WIDTH, PAGE_HEIGHT - 2 * MARGIN, id="body")
    doc = BaseDocTemplate(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        pageTemplates=[PageTemplate(id="sheet", frames=[frame], onPageEnd=_draw_footer)],
        author="Portal Partnerstwa Lokalnego",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
    )
    story: list[Flowable] = []
    with translation.override(language):
        doc.title = _("Sign-in sheets")
        for index, session in enumerate(sessions):
            if index:
                story.append(PageBreak())
            story += [*_heading(cycle, session), Spacer(1, 3 * MM), _table(attendees)]
        doc.build(story)
    return buffer.getvalue()
