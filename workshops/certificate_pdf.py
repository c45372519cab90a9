"""Certificates as A4 PDF pages (reportlab), with a QR code leading to the public check.

Every field fits the page up to its longest allowed value (a 150-character name, a
300-character cycle title, a 200-character signatory): text wraps at spaces, a word longer
than a line is broken between characters, and a field that still takes more than its share
of the page is set smaller. ``certificate_layout`` places every line without drawing
anything, so a test can measure it; ``draw_certificate`` draws what it placed.

The template's images, when the certificate was issued with them, go into fixed areas that
no text enters: the issuer's logo above the heading (``LOGO_AREA``), the signature above
the signature line (``SIGNATURE_AREA``; the signatory's name then has less height). They
are read from storage by the names the certificate recorded at issue, so a later change of
the template does not change a certificate already issued.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .certificates import sessions_text
from .models import Certificate

logger = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM
LEFT, RIGHT = 25 * MM, PAGE_WIDTH - 25 * MM
QR_SIZE = 38 * MM
QR_X, QR_Y = RIGHT - QR_SIZE, 40 * MM
COLUMN_WIDTH = QR_X - 8 * MM - LEFT  # the date and signatory, left of the QR code
LEADING = 1.25  # line height, as a multiple of the font size
SMALLEST = 3.0  # the size below which no field shrinks (nothing reaches it within limits)


@dataclass(frozen=True)
class Box:
    """Where a field goes: its font, largest size, width and the height it may take."""

    font: str
    size: float
    width: float
    height: float


@dataclass(frozen=True)
class Line:
    text: str
    font: str
    size: float
    x: float  # the left edge, the centre or the right edge, as ``align`` says
    baseline: float
    align: str = "centre"

    @property
    def width(self) -> float:
        return pdfmetrics.stringWidth(self.text, self.font, self.size)

    @property
    def left(self) -> float:
        return {"left": self.x, "centre": self.x - self.width / 2}.get(
            self.align, self.x - self.width
        )


@dataclass(frozen=True)
class CertificateText:
    """What a certificate says, each field as printed (translated, formatted)."""

    heading: str
    number: str
    intro: str
    holder: str
    took_part: str
    cycle: str
    programme: str
    county: str
    period: str
    issued_on: str
    issued_by: str
    signature: str
    verify: str
    sessions: str = ""


def register_fonts() -> None:
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


# -- Fitting text ------------------------------------------------------------------------


def _break_word(word: str, *, font: str, size: float, width: float) -> list[str]:
    """A word cut between characters into pieces no wider than ``width`` (a piece's width
    is the sum of its glyphs': reportlab does not kern; 1 µpt spare for rounding)."""
    pieces, piece, piece_width = [], "", 0.0
    for char in word:
        char_width = pdfmetrics.stringWidth(char, font, size)
        if piece and piece_width + char_width > width - 1e-6:
            pieces.append(piece)
            piece, piece_width = "", 0.0
        piece += char
        piece_width += char_width
    return [*pieces, piece]


def wrap_text(text: str, *, font: str, size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width``: broken at spaces, and a word longer
    than a line broken between characters."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        *full, line = _break_word(word, font=font, size=size, width=width)
        lines.extend(full)
    return [*lines, line]


def fit_text(text: str, box: Box) -> tuple[float, list[str]]:
    """The largest size, from ``box.size`` down by half points, at which ``text`` wrapped
    to the box's width takes no more than its height; and the lines at that size."""
    size = box.size
    while True:
        lines = wrap_text(text, font=box.font, size=size, width=box.width)
        if len(lines) * size * LEADING <= box.height or size <= SMALLEST:
            return size, lines
        size -= 0.5


def place(text: str, box: Box, *, x: float, top: float, align: str = "centre"):
    """The lines of ``text`` fitted to ``box`` from ``top`` down, and where they end."""
    size, texts = fit_text(text, box)
    leading = size * LEADING
    lines = [
        Line(t, box.font, size, x, top - size - index * leading, align)
        for index, t in enumerate(texts)
    ]
    return lines, top - len(texts) * leading


# -- The page ------------------------------------------------------------------------------

WIDE = RIGHT - LEFT
# The centred body from the top: field, box (its height is the most it may take), the
# space above it. At most 170 mm in all, which ends above the date and signatory (90 mm).
BODY = (
    ("heading", Box(BOLD, 30, WIDE, 13.5 * MM), 0),
    ("number", Box(REGULAR, 12, WIDE, 10.6 * MM), 2 * MM),
    ("intro", Box(REGULAR, 12, WIDE, 10.6 * MM), 8 * MM),
    ("holder", Box(BOLD, 22, WIDE, 34 * MM), 5 * MM),
    ("took_part", Box(REGULAR, 12, WIDE, 10.6 * MM), 5 * MM),
    ("cycle", Box(BOLD, 14, WIDE, 33 * MM), 3 * MM),
    ("programme", Box(REGULAR, 11, WIDE, 14.5 * MM), 3 * MM),
    ("county", Box(REGULAR, 11, WIDE, 9.7 * MM), 0),
    ("period", Box(REGULAR, 11, WIDE, 9.7 * MM), 0),
)
BODY_TOP = 262 * MM
# Left of the QR code: the date of issue, the signatory (from 85 mm down to 55 mm), the
# signature line; under the QR code, the verification address.
ISSUED_ON = Box(REGULAR, 11, COLUMN_WIDTH, 4.9 * MM)
ISSUED_BY = Box(REGULAR, 11, COLUMN_WIDTH, 30 * MM)
SIGNATURE = Box(REGULAR, 8, COLUMN_WIDTH, 3.6 * MM)
# With a signature image, the signatory has 85 mm down to 68 mm, the image below it.
ISSUED_BY_ABOVE_SIGNATURE = Box(REGULAR, 11, COLUMN_WIDTH, 17 * MM)
VERIFY = Box(REGULAR, 7, WIDE, 6.2 * MM)
SIGNATURE_LINE_Y = 48 * MM
# The sessions attended, along the foot of the page, under the verification address.
SESSIONS = Box(REGULAR, 9, WIDE, 12.5 * MM)
SESSIONS_TOP = 31 * MM


@dataclass(frozen=True)
class Area:
    """A rectangle an image is fitted into (keeping its proportions): left, bottom, size."""

    x: float
    y: float
    width: float
    height: float


LOGO_AREA = Area(PAGE_WIDTH / 2 - 40 * MM, BODY_TOP + 3 * MM, 80 * MM, 15 * MM)
SIGNATURE_AREA = Area(LEFT, SIGNATURE_LINE_Y + 1 * MM, 70 * MM, 17 * MM)


def certificate_layout(text: CertificateText, *, signature_image: bool = False) -> list[Line]:
    """Every line of a certificate page, placed (see the boxes above)."""
    lines, top = [], BODY_TOP
    for field, box, space in BODY:
        placed, top = place(getattr(text, field), box, x=PAGE_WIDTH / 2, top=top - space)
        lines += placed
    issued_by = ISSUED_BY_ABOVE_SIGNATURE if signature_image else ISSUED_BY
    for field, box, top in (
        ("issued_on", ISSUED_ON, 90 * MM),
        ("issued_by", issued_by, 85 * MM),
        ("signature", SIGNATURE, SIGNATURE_LINE_Y - 1 * MM),
    ):
        lines += place(getattr(text, field), box, x=LEFT, top=top, align="left")[0]
    lines += place(text.verify, VERIFY, x=RIGHT, top=QR_Y - 1 * MM, align="right")[0]
    if text.sessions:
        lines += place(text.sessions, SESSIONS, x=PAGE_WIDTH / 2, top=SESSIONS_TOP)[0]
    return lines


def certificate_text(certificate: Certificate, verify_url: str) -> CertificateText:
    cycle = certificate.cycle
    return CertificateText(
        heading=_("CERTIFICATE").upper(),
        number=_("No. %(number)s") % {"number": certificate.number},
        intro=_("This is to certify that"),
        holder=certificate.attendee.full_name,
        took_part=_("took part in the workshop cycle"),
        cycle=f"„{cycle.title}”",
        programme=cycle.programme.name,
        county=str(cycle.county),
        period=_("Period: %(dates)s") % {"dates": cycle.dates},
        issued_on=_("Issued on %(date)s")
        % {"date": formats.date_format(certificate.issued_on, "DATE_FORMAT")},
        issued_by=certificate.issued_by,
        signature=_("signature"),
        verify=_("Verify: %(url)s") % {"url": verify_url},
        sessions=sessions_text(certificate.sessions_attended),
    )


def draw_qr(canvas, data: str, *, x: float, y: float, size: float) -> None:
    """A QR code (segno encodes it) drawn as one filled path, with the 4-module margin.

    About 7 ms a code, where reportlab's own QR widget takes 50 ms: it matters for a
    cycle's bulk PDF of 250 certificates.
    """
    import segno

    matrix = segno.make(data, error="m", micro=False).matrix
    quiet = 4
    module = size / (len(matrix) + 2 * quiet)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + quiet + 1) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            path.rect(x + (start + quiet) * module, top, (column - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)


class StoredImages:
    """The template images of a run of certificates, each read from storage once. An image
    that cannot be read (its file was removed from the storage) is left out and logged."""

    def __init__(self):
        self._read: dict[str, ImageReader | None] = {}

    def get(self, name: str) -> ImageReader | None:
        if not name:
            return None
        if name not in self._read:
            try:
                with default_storage.open(name, "rb") as stored:
                    self._read[name] = ImageReader(io.BytesIO(stored.read()))
            except OSError:
                logger.error("certificate image missing from storage: %s", name)
                self._read[name] = None
        return self._read[name]


def draw_image(canvas, image: ImageReader, area: Area, *, anchor: str) -> None:
    canvas.drawImage(
        image,
        area.x,
        area.y,
        width=area.width,
        height=area.height,
        preserveAspectRatio=True,
        anchor=anchor,
        mask="auto",
    )


def draw_certificate(
    canvas, certificate: Certificate, verify_url: str, images: StoredImages | None = None
) -> None:
    images = images or StoredImages()
    canvas.setLineWidth(1.5)
    canvas.rect(15 * MM, 15 * MM, PAGE_WIDTH - 30 * MM, PAGE_HEIGHT - 30 * MM)
    draw = {
        "left": canvas.drawString,
        "centre": canvas.drawCentredString,
        "right": canvas.drawRightString,
    }
    logo, signature = images.get(certificate.logo), images.get(certificate.signature)
    if logo:
        draw_image(canvas, logo, LOGO_AREA, anchor="c")
    if signature:
        draw_image(canvas, signature, SIGNATURE_AREA, anchor="sw")
    text = certificate_text(certificate, verify_url)
    for line in certificate_layout(text, signature_image=signature is not None):
        canvas.setFont(line.font, line.size)
        draw[line.align](line.x, line.baseline, line.text)
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, SIGNATURE_LINE_Y, LEFT + 70 * MM, SIGNATURE_LINE_Y)
    draw_qr(canvas, verify_url, x=QR_X, y=QR_Y, size=QR_SIZE)


def render_certificates(
    certificates: Iterable[Certificate],
    *,
    verify_url_for: Callable[[Certificate], str],
    language: str = "pl",
) -> bytes:
    """One A4 page per certificate, in one PDF. ``verify_url_for(cert)`` gives the QR URL."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    canvas.setAuthor("Portal Partnerstwa Lokalnego")
    with translation.override(language):
        canvas.setTitle(_("Certificates"))
        images = StoredImages()
        for certificate in certificates:
            draw_certificate(canvas, certificate, verify_url_for(certificate), images)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()
