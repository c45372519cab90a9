"""Issuing, numbering, revoking, re-issuing and printing certificates."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.records import LOSICE_2017
from workshops.certificates import (
    certificate_for_verification,
    certificate_reissue,
    certificate_revoke,
    certificates_for_pdf,
    certificates_issue,
    certificates_pdf,
    eligible_attendees,
    is_verification_code,
)
from workshops.models import Attendance, Attendee, Certificate, WorkshopCycle

pytestmark = pytest.mark.django_db

HOLDER = "Żaneta Łęcka-Źdźbło"


@pytest.fixture
def certificate_min_sessions():
    """The ``cycle`` fixture's (Płock 2017) sessions needed for a certificate."""
    return 4


def register(cycle, name, sessions):
    attendee = Attendee.objects.create(cycle=cycle, full_name=name)
    Attendance.objects.bulk_create(
        Attendance(attendee=attendee, session=s)
        for s in cycle.sessions.filter(ordinal__in=sessions)
    )
    return attendee


def test_only_attendees_with_enough_sessions_are_eligible(cycle):
    regular = register(cycle, HOLDER, [1, 2, 3, 4, 5])
    register(cycle, "Rzadki Gość", [1, 6])
    assert list(eligible_attendees(cycle=cycle)) == [regular]


def test_issue_numbers_per_county_and_year(cycle):
    register(cycle, "Anna Nowak", [1, 2, 3, 4])
    register(cycle, "Bartosz Kowal", [1, 2, 3, 4, 5, 6])
    issued = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP w Płocku")
    assert [c.number for c in issued] == ["1419/2017/001", "1419/2017/002"]
    assert [c.attendee.full_name for c in issued] == ["Anna Nowak", "Bartosz Kowal"]


def test_issuing_again_skips_holders_and_continues_numbering(cycle):
    register(cycle, "Anna Nowak", [1, 2, 3, 4])
    certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    late = register(cycle, "Cezary Późny", [2, 3, 4, 5])
    second = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    assert [(c.attendee, c.number) for c in second] == [(late, "1419/2017/002")]


def test_issue_refused_without_eligibility_rule():
    cycle = WorkshopCycle.objects.get(slug=LOSICE_2017)
    with pytest.raises(ValidationError):
        certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    assert not Certificate.objects.exists()


def test_issue_refused_without_issuer(cycle):
    register(cycle, "Anna Nowak", [1, 2, 3, 4])
    with pytest.raises(ValidationError):
        certificates_issue(cycle=cycle, issued_by="  ")
    assert not Certificate.objects.exists()


def test_revoke_and_reissue_recorded(cycle):
    register(cycle, HOLDER, [1, 2, 3, 4])
    [first] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    second = certificate_reissue(certificate=first, reason="Błąd w nazwisku")
    first.refresh_from_db()
    assert (first.is_valid, first.revocation_reason) == (False, "Błąd w nazwisku")
    assert (second.is_valid, second.number) == (True, "1419/2017/002")
    assert second.verification_code != first.verification_code


def test_revoke_needs_a_reason_and_a_valid_certificate(cycle):
    register(cycle, HOLDER, [1, 2, 3, 4])
    [certificate] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, reason="")
    certificate_revoke(certificate=certificate, reason="Na wniosek")
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, reason="Ponownie")


def test_verification_lookup(cycle):
    register(cycle, HOLDER, [1, 2, 3, 4])
    [certificate] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    assert certificate_for_verification(certificate.verification_code) == certificate
    assert certificate_for_verification("nie-ma-takiego-kodu") is None
    assert certificate_for_verification("x" * 5000) is None


@pytest.mark.parametrize(
    ("code", "shaped"),
    [
        ("Ab3-_x9", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("", False),
        ("-_", False),
        ("ab cd", False),
        ("ab/cd", False),
        ("ab.cd", False),
    ],
)
def test_the_lookup_form_and_the_verification_page_check_a_code_alike(client, code, shaped):
    """One check of a code's shape: the lookup form sends on exactly the codes the
    verification looks up; the others it explains (400) and the verification answers
    404 without a query."""
    assert is_verification_code(code) is shaped
    if not code:
        return
    lookup = client.get(reverse("workshops:certificate_lookup"), {"code": code})
    assert lookup.status_code == (302 if shaped else 400)
    if not shaped:
        assert certificate_for_verification(code) is None


def test_issued_codes_have_the_shape_of_a_verification_code(cycle):
    register(cycle, HOLDER, [1, 2, 3, 4])
    [certificate] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    assert is_verification_code(certificate.verification_code)
    # A NUL byte (PostgreSQL refuses it in a query) is never looked up.
    assert not is_verification_code(certificate.verification_code + "\x00")
    assert certificate_for_verification(certificate.verification_code + "\x00") is None


def test_pdf_has_the_holder_name_with_diacritics(cycle):
    register(cycle, HOLDER, [1, 2, 3, 4])
    certificates_issue(cycle=cycle, issued_by="Małgorzata Bombalicka, Dyrektor PUP w Płocku")
    pdf = certificates_pdf(
        certificates_for_pdf(cycle=cycle),
        verify_url_for=lambda c: f"https://x/{c.verification_code}",
    )
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert HOLDER in text
    assert "1419/2017/001" in text
    assert "Budowanie partnerstwa lokalnego" in text


def test_bulk_pdf_one_page_per_valid_certificate(cycle):
    for i in range(5):
        register(cycle, f"Uczestnik {i}", [1, 2, 3, 4])
    issued = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    certificate_revoke(certificate=issued[0], reason="Rezygnacja")
    pdf = certificates_pdf(certificates_for_pdf(cycle=cycle), verify_url_for=lambda c: "https://x/")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 4


def test_certificate_dates(cycle):
    register(cycle, HOLDER, [1, 2, 3, 4])
    [certificate] = certificates_issue(
        cycle=cycle, issued_by="Dyrektor PUP", issued_on=datetime.date(2017, 12, 7)
    )
    assert certificate.issued_on == datetime.date(2017, 12, 7)


def test_issue_date_in_the_future_is_refused(cycle):
    register(cycle, HOLDER, [1, 2, 3, 4])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="w przyszłości"):
        certificates_issue(cycle=cycle, issued_by="Dyrektor PUP", issued_on=tomorrow)
    assert not Certificate.objects.exists()


def test_issue_date_before_the_cycle_began_is_refused(cycle):
    register(cycle, HOLDER, [1, 2, 3, 4])
    assert cycle.date_start == datetime.date(2017, 5, 25)
    for too_early in (datetime.date(1999, 1, 1), datetime.date(2017, 5, 24)):
        with pytest.raises(ValidationError, match="przed rozpoczęciem cyklu"):
            certificates_issue(cycle=cycle, issued_by="Dyrektor PUP", issued_on=too_early)
    assert not Certificate.objects.exists()
    [certificate] = certificates_issue(
        cycle=cycle, issued_by="Dyrektor PUP", issued_on=datetime.date(2017, 5, 25)
    )
    assert certificate.issued_on == datetime.date(2017, 5, 25)


def test_issue_date_of_a_cycle_without_a_known_start(cycle):
    register(cycle, HOLDER, [1, 2, 3, 4])
    WorkshopCycle.objects.filter(pk=cycle.pk).update(date_start=None, date_end=None)
    # Nor are its sessions' (a dated session attended would bound the date from below).
    cycle.sessions.update(date_start=None, date_end=None)
    cycle.refresh_from_db()
    [certificate] = certificates_issue(
        cycle=cycle, issued_by="Dyrektor PUP", issued_on=datetime.date(2003, 1, 1)
    )
    assert certificate.issued_on == datetime.date(2003, 1, 1)


def test_reissue_date_is_checked_before_anything_is_revoked(cycle):
    register(cycle, HOLDER, [1, 2, 3, 4])
    [first] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    for wrong in (datetime.date(2017, 1, 1), timezone.localdate() + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError):
            certificate_reissue(certificate=first, reason="Błąd", issued_on=wrong)
    first.refresh_from_db()
    assert first.is_valid
    second = certificate_reissue(
        certificate=first, reason="Błąd", issued_on=datetime.date(2017, 12, 7)
    )
    assert (second.issued_on, second.issued_by) == (datetime.date(2017, 12, 7), "Dyrektor PUP")


def test_the_screen_says_why_a_cycle_not_yet_begun_gets_no_certificates(staff_client, cycle):
    register(cycle, HOLDER, [1, 2, 3, 4])
    start = timezone.localdate() + datetime.timedelta(days=30)
    WorkshopCycle.objects.filter(pk=cycle.pk).update(date_start=start, date_end=None)
    url = reverse("admin:workshops_workshopcycle_certificates", args=[cycle.pk])
    response = staff_client.post(url, {"issued_by": "Dyrektor PUP"}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("przed rozpoczęciem cyklu" in m for m in messages), messages
    assert not Certificate.objects.exists()
