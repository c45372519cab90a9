"""The certificate page holds every field up to its longest allowed value.

A name of 150 characters without a space, a cycle title of 300, a signatory of 200: each
line stays within the margins, nothing runs under the QR code, the page is one page, and
the QR code still decodes at 150 dpi.
"""

import dataclasses
import datetime
import io
import itertools

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from programmes.models import County, Programme
from tests.records import PLOCK
from workshops.certificate_pdf import (
    BODY,
    BOLD,
    LEADING,
    LEFT,
    LOGO_AREA,
    MM,
    PAGE_HEIGHT,
    QR_SIZE,
    QR_X,
    QR_Y,
    REGULAR,
    RIGHT,
    SIGNATURE_AREA,
    Box,
    CertificateText,
    certificate_layout,
    fit_text,
    register_fonts,
    wrap_text,
)
from workshops.certificates import certificates_pdf
from workshops.models import Attendee, Certificate, WorkshopCycle, new_verification_code

# Wide letters: the widest Latin capital, Polish letters, a wide Cyrillic one.
FILLERS = {
    "W": "W",
    "polish": "ŻółćĘśĄźŃłŁ",
    "cyrillic": "Щ",
    "words": "Partnerstwo lokalne ",
}


@pytest.fixture(autouse=True, scope="module")
def fonts():
    register_fonts()


def filled(filler: str, length: int) -> str:
    return "".join(itertools.islice(itertools.cycle(filler), length)).strip()


def max_length(model, field):
    return model._meta.get_field(field).max_length


# -- Wrapping and fitting -------------------------------------------------------------------


@pytest.mark.parametrize("filler", FILLERS.values(), ids=FILLERS.keys())
@pytest.mark.parametrize("font", [REGULAR, BOLD])
def test_every_wrapped_line_fits_its_width(filler, font):
    text = filled(filler, 300)
    width = 120 * MM
    lines = wrap_text(text, font=font, size=14, width=width)
    assert all(stringWidth(line, font, 14) <= width for line in lines)
    assert "".join(text.split()) == "".join("".join(lines).split())  # nothing lost
    assert len(lines) > 1


def test_words_are_kept_whole_when_they_fit():
    lines = wrap_text("Zażółć gęślą jaźń " * 10, font=REGULAR, size=12, width=60 * MM)
    assert all(word in {"Zażółć", "gęślą", "jaźń"} for line in lines for word in line.split())


def test_a_long_word_is_broken_between_characters_after_the_words_before_it():
    word = "W" * 80
    lines = wrap_text(f"Dyrektor {word} PUP", font=REGULAR, size=11, width=50 * MM)
    assert lines[0] == "Dyrektor"
    assert "".join(lines[1:-1]) + lines[-1].removesuffix(" PUP") == word
    assert all(stringWidth(line, REGULAR, 11) <= 50 * MM for line in lines)


def test_empty_text_is_one_empty_line():
    assert wrap_text("", font=REGULAR, size=11, width=10 * MM) == [""]


def test_a_long_field_is_set_smaller_to_fit_its_height():
    box = Box(BOLD, 22, 160 * MM, 34 * MM)
    short_size, short_lines = fit_text("Anna Nowak", box)
    assert (short_size, short_lines) == (22, ["Anna Nowak"])
    size, lines = fit_text("W" * 150, box)
    assert size < 22
    assert len(lines) * size * LEADING <= box.height
    assert all(stringWidth(line, BOLD, size) <= box.width for line in lines)


# -- The page layout -----------------------------------------------------------------------


def longest_text(filler: str) -> CertificateText:
    """A certificate with every field at its longest allowed value."""
    county_name = filled(filler, max_length(County, "name"))
    return CertificateText(
        heading="CERTYFIKAT",
        number="Nr " + filled(filler, max_length(Certificate, "number")),
        intro="Zaświadcza się, że",
        holder=filled(filler, max_length(Attendee, "full_name")),
        took_part="uczestniczył(a) w cyklu warsztatów",
        cycle=f"„{filled(filler, max_length(WorkshopCycle, 'title'))}”",
        programme=filled(filler, max_length(Programme, "name")),
        county=f"{county_name} (miasto na prawach powiatu)",
        period="Okres: 25 maja – 7 grudnia 2017",
        issued_on="Wydano dnia 30 września 2017",
        issued_by=filled(filler, max_length(Certificate, "issued_by")),
        signature="podpis",
        verify="Weryfikacja: https://partnerstwo-lokalne.example.org/certyfikaty/"
        + "x" * max_length(Certificate, "verification_code")
        + "/",
    )


def bounds(line):
    """The line's rectangle: left, bottom, right, top (ascent and descent of DejaVu)."""
    return (
        line.left,
        line.baseline - 0.24 * line.size,
        line.left + line.width,
        line.baseline + 0.93 * line.size,
    )


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("filler", FILLERS.values(), ids=FILLERS.keys())
def test_every_line_of_the_longest_certificate_stays_in_its_place(filler):
    lines = certificate_layout(longest_text(filler))
    qr = (QR_X, QR_Y, QR_X + QR_SIZE, QR_Y + QR_SIZE)
    boxes = [bounds(line) for line in lines]
    for line, box in zip(lines, boxes, strict=True):
        assert LEFT - 0.01 <= box[0] and box[2] <= RIGHT + 0.01, line.text
        assert 16 * MM < box[1] and box[3] < PAGE_HEIGHT - 16 * MM, line.text
        assert not overlap(box, qr), f"{line.text!r} runs under the QR code"
    for (a, line_a), (b, line_b) in itertools.combinations(zip(boxes, lines, strict=True), 2):
        assert not overlap(a, b), (line_a.text, line_b.text)
    # Set smaller, still legible: 7 pt is the verification address's own size.
    assert min(line.size for line in lines) >= 7
    holder_box = {field: box for field, box, _ in BODY}["holder"]
    assert fit_text(longest_text(filler).holder, holder_box)[0] >= 12


def area_box(area):
    return (area.x, area.y, area.x + area.width, area.y + area.height)


@pytest.mark.parametrize("filler", FILLERS.values(), ids=FILLERS.keys())
def test_the_longest_certificate_with_images_and_many_sessions_stays_in_place(filler):
    """With a logo, a signature image and twelve dated sessions listed, every line still
    keeps its place: off the images, off the QR code, off each other, inside the border."""
    sessions = ", ".join(f"XII ({day:02d}.12.2017)" for day in range(1, 13))
    text = dataclasses.replace(
        longest_text(filler), sessions=f"Zajęcia, w których uczestniczył(a): {sessions}"
    )
    lines = certificate_layout(text, signature_image=True)
    fixed = [
        (QR_X, QR_Y, QR_X + QR_SIZE, QR_Y + QR_SIZE),
        area_box(LOGO_AREA),
        area_box(SIGNATURE_AREA),
    ]
    for first, second in itertools.combinations(fixed, 2):
        assert not overlap(first, second)
    assert area_box(LOGO_AREA)[3] < PAGE_HEIGHT - 16 * MM
    boxes = [bounds(line) for line in lines]
    for line, box in zip(lines, boxes, strict=True):
        assert LEFT - 0.01 <= box[0] and box[2] <= RIGHT + 0.01, line.text
        assert 16 * MM < box[1] and box[3] < PAGE_HEIGHT - 16 * MM, line.text
        for image in fixed:
            assert not overlap(box, image), f"{line.text!r} runs under an image or the QR"
    for (a, line_a), (b, line_b) in itertools.combinations(zip(boxes, lines, strict=True), 2):
        assert not overlap(a, b), (line_a.text, line_b.text)
    assert min(line.size for line in lines) >= 7
    assert any("XII (12.12.2017)" in line.text for line in lines)


# -- The PDF, end to end --------------------------------------------------------------------


def longest_certificate() -> Certificate:
    county = County(code=PLOCK, name=filled("Ż", max_length(County, "name")), kind="city")
    cycle = WorkshopCycle(
        title=filled("Ł", max_length(WorkshopCycle, "title")),
        programme=Programme(name=filled("W", max_length(Programme, "name"))),
        county=county,
        date_start=datetime.date(2017, 5, 25),
        date_end=datetime.date(2017, 12, 7),
        date_precision="day",
    )
    return Certificate(
        attendee=Attendee(cycle=cycle, full_name=filled("Żółćęś", 150)),
        cycle=cycle,
        number=filled("1419/2017/", max_length(Certificate, "number")),
        issued_on=datetime.date(2017, 12, 7),
        issued_by=filled("W", max_length(Certificate, "issued_by")),
        verification_code=new_verification_code(),
    )


def test_the_longest_certificate_prints_on_one_page_with_a_readable_qr_code():
    certificate = longest_certificate()
    url = f"https://partnerstwo-lokalne.example.org/certyfikaty/{certificate.verification_code}/"
    pdf = certificates_pdf([certificate], verify_url_for=lambda c: url)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert certificate.attendee.full_name in "".join(reader.pages[0].extract_text().split())

    page = pypdfium2.PdfDocument(pdf)[0]
    text = page.get_textpage()
    qr = (QR_X, QR_Y, QR_X + QR_SIZE, QR_Y + QR_SIZE)
    for index in range(text.count_chars()):
        box = text.get_charbox(index)
        if box[2] > box[0]:  # a glyph, not a space or a line break
            assert LEFT - 1 <= box[0] and box[2] <= RIGHT + 1, text.get_text_range(index, 1)
            assert not overlap(box, qr), text.get_text_range(index, 1)
    image = page.render(scale=150 / 72).to_pil()
    assert [result.text for result in zxingcpp.read_barcodes(image)] == [url]
