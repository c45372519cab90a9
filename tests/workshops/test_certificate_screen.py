"""The cycle's Certificates screen before issuing: who may get a certificate and who may
not (with their sessions), who holds one; the date of issue chosen there; and the links
between a certificate, its cycle's screen and its holder's page."""

import datetime
import io

import pytest
from django.db import connection
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone
from pypdf import PdfReader

from accounts.roles import COORDINATOR
from tests.conftest import county_staff_user, staff_login
from tests.factories import make_user
from workshops.certificates import certificates_issue
from workshops.models import Attendance, Attendee, Certificate, WorkshopCycle
from workshops.privacy import attendee_anonymise

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    cycle = WorkshopCycle.objects.get(slug="wlosg-2017-plocki")
    cycle.certificate_min_sessions = 3
    cycle.save()
    return cycle


def register(cycle, name, sessions):
    attendee = Attendee.objects.create(cycle=cycle, full_name=name)
    Attendance.objects.bulk_create(
        Attendance(attendee=attendee, session=s)
        for s in cycle.sessions.filter(ordinal__in=sessions)
    )
    return attendee


def screen(cycle):
    return reverse("admin:workshops_workshopcycle_certificates", args=[cycle.pk])


def last_session_day(cycle):
    return cycle.sessions.aggregate(day=Max(Coalesce("date_end", "date_start")))["day"]


def messages_of(response):
    return " ".join(str(m) for m in response.context["messages"])


# -- Who may get a certificate -----------------------------------------------------------


def test_the_screen_lists_who_is_eligible_who_is_not_and_who_holds_one(staff_client, cycle):
    holder = register(cycle, "Anna Nowak", [1, 2, 3])
    certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    register(cycle, "Bartosz Kowal", [1, 2, 3, 4])
    register(cycle, "Cezary Rzadki", [1])
    erased = register(cycle, "Dorota Usunięta", [1, 2, 3])
    attendee_anonymise(attendee=erased)

    response = staff_client.get(screen(cycle))
    rows = [
        (a.full_name, a.sessions_attended, a.eligible, a.holds_certificate)
        for a in response.context["attendees"]
    ]
    assert rows == [
        ("Anna Nowak", 3, True, True),
        ("Bartosz Kowal", 4, True, False),
        ("Cezary Rzadki", 1, False, False),
    ]
    page = response.content.decode()
    assert "1 z 3 wymaganych" in page and "4 z 3 wymaganych" in page
    assert "nie spełnia warunku" in page and "ma certyfikat" in page
    assert "Do wydania teraz: 1 · z ważnym certyfikatem: 1 · bez prawa do certyfikatu: 1" in page
    assert "Usunięta" not in page
    assert holder.certificates.count() == 1


def test_without_a_rule_the_screen_shows_sessions_and_says_what_is_missing(staff_client, cycle):
    WorkshopCycle.objects.filter(pk=cycle.pk).update(certificate_min_sessions=None)
    register(cycle, "Anna Nowak", [1, 2])
    response = staff_client.get(screen(cycle))
    page = response.content.decode()
    assert "nie ustalono warunku" in page
    assert 'name="issued_on"' not in page


def test_query_count_does_not_grow_with_the_attendees(staff_client, cycle):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(screen(cycle)).status_code == 200
        return len(queries)

    for n in range(5):
        register(cycle, f"Uczestnik {n:03d}", [1, 2, 3])
    certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    register(cycle, "Nowy Uczestnik", [1, 2, 3])
    small = count_queries()
    for n in range(5, 80):
        register(cycle, f"Uczestnik {n:03d}", [1, 2, 3] if n % 2 else [1])
    certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    large = count_queries()
    assert large == small
    assert small <= 30


# -- The date of issue -------------------------------------------------------------------


def test_the_date_proposed_is_the_cycles_last_session(staff_client, cycle):
    register(cycle, "Anna Nowak", [1, 2, 3])
    response = staff_client.get(screen(cycle))
    day = last_session_day(cycle)
    assert day < timezone.localdate()
    assert response.context["issue_date"] == day.isoformat()
    assert f'value="{day.isoformat()}"' in response.content.decode()


def test_the_date_chosen_is_stored_and_printed(staff_client, cycle):
    register(cycle, "Anna Nowak", [1, 2, 3])
    chosen = last_session_day(cycle) + datetime.timedelta(days=3)
    response = staff_client.post(
        screen(cycle), {"issued_by": "Dyrektor PUP", "issued_on": chosen.isoformat()}
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.issued_on == chosen
    pdf = staff_client.get(reverse("admin:workshops_certificate_pdf", args=[certificate.pk]))
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert f"Wydano dnia {formats.date_format(chosen, 'DATE_FORMAT')}" in text


def test_without_a_date_the_last_session_is_the_date(staff_client, cycle):
    register(cycle, "Anna Nowak", [1, 2, 3])
    staff_client.post(screen(cycle), {"issued_by": "Dyrektor PUP"})
    assert Certificate.objects.get().issued_on == last_session_day(cycle)


@pytest.mark.parametrize(
    ("issued_on", "message"),
    [
        ("future", "w przyszłości"),
        ("2017-05-24", "przed rozpoczęciem cyklu"),
        ("before-last-attended", "przed ostatnimi zajęciami"),
        ("2017-13-01", "nie jest datą"),
        ("jutro", "nie jest datą"),
        ("2017-5-25", "nie jest datą"),
        ("2017-05-25\x00", "nie jest datą"),
    ],
)
def test_a_wrong_date_is_refused_with_a_clear_message(staff_client, cycle, issued_on, message):
    attendee = register(cycle, "Anna Nowak", [1, 2, 3, 4, 5, 6])
    if issued_on == "future":
        issued_on = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    if issued_on == "before-last-attended":
        last = attendee.attendances.aggregate(day=Max("session__date_start"))[
            "day"
        ] or last_session_day(cycle)
        issued_on = (last - datetime.timedelta(days=1)).isoformat()
    response = staff_client.post(
        screen(cycle), {"issued_by": "Dyrektor PUP", "issued_on": issued_on}, follow=True
    )
    assert response.status_code == 200
    assert message in messages_of(response)
    assert not Certificate.objects.exists()


# -- Who may use the screen -----------------------------------------------------------------


def coordinator_client(client):
    user = make_user("koordynator", COORDINATOR)  # Mazowieckie's
    return staff_login(client, user)


def test_a_coordinator_sees_the_list_but_cannot_issue(client, cycle):
    register(cycle, "Anna Nowak", [1, 2, 3])
    coordinator_client(client)
    response = client.get(screen(cycle))
    assert response.status_code == 200
    assert [a.full_name for a in response.context["attendees"]] == ["Anna Nowak"]
    assert 'name="issued_on"' not in response.content.decode()
    refused = client.post(screen(cycle), {"issued_by": "X", "issued_on": "2017-12-07"})
    assert refused.status_code == 403
    assert not Certificate.objects.exists()


def test_another_countys_clerk_and_anonymous_users_see_nothing(client, cycle):
    register(cycle, "Anna Nowak", [1, 2, 3])
    assert client.get(screen(cycle)).status_code == 302  # to the login page
    client.force_login(county_staff_user("ewa.losice", "1410"))
    assert client.get(screen(cycle)).status_code == 404
    assert client.post(screen(cycle), {"issued_by": "X"}).status_code == 404
    assert not Certificate.objects.exists()


# -- The pages around a certificate ----------------------------------------------------------


@pytest.fixture
def certificate(cycle):
    register(cycle, "Anna Nowak", [1, 2, 3])
    [certificate] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    return certificate


def test_the_verification_page_shows_the_number_and_nothing_more_personal(client, certificate):
    Attendee.objects.filter(pk=certificate.attendee_id).update(
        email="anna@example.org", phone="600100200", organisation_name="Fundacja Sekret"
    )
    url = reverse("workshops:certificate_verify", kwargs={"code": certificate.verification_code})
    page = client.get(url).content.decode()
    assert '<dd id="certificate-number">1419/2017/001</dd>' in page
    for private in ("anna@example.org", "600100200", "Fundacja Sekret", "Zajęcia"):
        assert private not in page


def test_the_certificate_page_links_to_its_cycles_screen(staff_client, certificate):
    url = reverse("admin:workshops_certificate_change", args=[certificate.pk])
    page = staff_client.get(url).content.decode()
    assert f'href="{screen(certificate.cycle)}" id="cycle-certificates-screen"' in page


def test_the_attendees_page_lists_their_certificates(staff_client, certificate):
    second = Certificate.objects.get(pk=certificate.pk)
    from workshops.certificates import certificate_reissue

    new = certificate_reissue(certificate=second, reason="Błąd w nazwisku")
    url = reverse("admin:workshops_attendee_change", args=[certificate.attendee_id])
    page = staff_client.get(url).content.decode()
    for issued, status in ((certificate, "unieważniony"), (new, "ważny")):
        change = reverse("admin:workshops_certificate_change", args=[issued.pk])
        assert f'<a href="{change}">{issued.number}</a>' in page
        assert status in page
    assert formats.date_format(new.issued_on, "DATE_FORMAT") in page


def test_another_countys_clerk_does_not_see_the_attendees_certificates(client, certificate):
    client.force_login(county_staff_user("ewa.losice", "1410"))
    url = reverse("admin:workshops_attendee_change", args=[certificate.attendee_id])
    assert client.get(url).status_code == 404
