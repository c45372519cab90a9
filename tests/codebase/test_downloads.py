"""Names of downloaded files: Polish letters transliterated, never dropped."""

import pytest
from django.urls import reverse

from partnership.downloads import ascii_slug, transliterate
from tests.records import PLOCK_2017
from workshops.certificates import certificates_issue
from workshops.models import Attendance, Attendee, WorkshopCycle


@pytest.mark.parametrize(
    ("text", "ascii"),
    [
        ("płocki", "plocki"),
        ("PŁOŃSK", "PLONSK"),
        ("Zażółć gęślą jaźń", "Zazolc gesla jazn"),
        ("Łódź", "Lodz"),
        ("żyrardowski 1438", "zyrardowski 1438"),
        ("ścieżka/część", "sciezka/czesc"),
    ],
)
def test_polish_letters_are_transliterated(text, ascii):
    assert transliterate(text) == ascii


def test_slug_keeps_the_l_with_stroke():
    assert ascii_slug("płocki") == "plocki"
    assert ascii_slug("Ostrów Mazowiecka") == "ostrow-mazowiecka"


@pytest.fixture
def plock_cycle_with_certificate():
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    cycle.certificate_min_sessions = 1
    cycle.save()
    attendee = Attendee.objects.create(cycle=cycle, full_name="Łucja Żak")
    Attendance.objects.create(attendee=attendee, session=cycle.sessions.get(ordinal=1))
    [certificate] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP w Płocku")
    return cycle, certificate


@pytest.mark.django_db
def test_bulk_certificates_pdf_is_named_after_plock_with_its_l(
    staff_client, plock_cycle_with_certificate
):
    cycle, _ = plock_cycle_with_certificate
    assert cycle.county.name == "płocki"
    url = reverse("admin:workshops_workshopcycle_certificates_pdf", args=[cycle.pk])
    response = staff_client.get(url)
    assert response["Content-Disposition"] == (
        f'attachment; filename="certyfikaty-plocki-{cycle.pk}.pdf"'
    )


@pytest.mark.django_db
def test_one_certificate_pdf_is_named_after_its_whole_number(
    staff_client, plock_cycle_with_certificate
):
    _, certificate = plock_cycle_with_certificate
    response = staff_client.get(reverse("admin:workshops_certificate_pdf", args=[certificate.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="certyfikat-1419-2017-001.pdf"'
    )


@pytest.mark.django_db
def test_personal_data_export_keeps_its_name(staff_client, plock_cycle_with_certificate):
    _, certificate = plock_cycle_with_certificate
    attendee = certificate.attendee
    export = staff_client.get(reverse("admin:workshops_attendee_export", args=[attendee.pk]))
    assert export["Content-Disposition"] == (
        f'attachment; filename="dane-osobowe-{attendee.pk}.json"'
    )
