"""Property-based tests (hypothesis) of the forms a county employee can post: the
attendance register, the attendee import (upload, confirmation, template download),
issuing and revoking certificates, and the report filters and exports. Whatever is
posted, the answer is never a server error, and the register never marks an attendee of
another cycle or a session of another cycle.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import AttendanceFactory, AttendeeFactory, CycleFactory, SessionFactory
from tests.records import PLOCK_2017
from tests.security.test_fuzz import encode, fetch, huge_text, nasty_text, query_strings, values
from workshops.certificates import certificates_issue
from workshops.models import Attendance, Attendee, Certificate, WorkshopCycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    """A Płock cycle of three sessions with four attendees and two certificates (instead
    of the shared fixture's cycle from the records)."""
    cycle = CycleFactory(
        slug="2025-plocki-fuzz",
        title="Cykl do testów",
        sessions_planned=3,
        certificate_min_sessions=2,
        date_start=datetime.date(2025, 3, 1),
        date_end=datetime.date(2025, 5, 30),
    )
    sessions = [
        SessionFactory(cycle=cycle, ordinal=n, date_start=datetime.date(2025, 2 + n, 1))
        for n in (1, 2, 3)
    ]
    for i, name in enumerate(["Ala Nowak", "Jan Zięba", "Ola Żak", "Piotr Łoś"]):
        attendee = AttendeeFactory(cycle=cycle, full_name=name)
        for session in sessions[: 3 - i % 2]:
            AttendanceFactory(attendee=attendee, session=session)
    certificates_issue(cycle=cycle, issued_by="Dyrektor")
    # Someone registered for another cycle, whom this cycle's register must not mark.
    AttendeeFactory(cycle=WorkshopCycle.objects.get(slug=PLOCK_2017), full_name="Obca Osoba")
    return cycle


def admin_url(name: str, pk: int) -> str:
    return reverse(f"admin:{name}", args=[pk])


def ids_and_garbage(ids: list[int]):
    return st.one_of(st.sampled_from([str(pk) for pk in ids]), values)


def out_of_bounds() -> int:
    """Attendance rows that join an attendee to a session of another cycle."""
    return Attendance.objects.exclude(session__cycle=F("attendee__cycle")).count()


@given(data=st.data())
def test_attendance_register_posts(staff_client, fuzz_tally, cycle, data):
    attendees = list(cycle.attendees.values_list("pk", flat=True))
    sessions = list(cycle.sessions.values_list("pk", flat=True))
    other = list(Attendee.objects.exclude(cycle=cycle).values_list("pk", flat=True))
    assert other
    attendee = ids_and_garbage(attendees + other)
    session = ids_and_garbage(sessions + [0, -1, 10**12])
    pairs = data.draw(
        st.lists(
            st.one_of(
                st.tuples(st.just("row"), attendee),
                st.tuples(st.just("session"), session),
                st.tuples(attendee.map(lambda a: f"was{a}"), session),
                st.tuples(attendee.map(lambda a: f"a{a}"), session),
                st.tuples(nasty_text, values),
            ),
            max_size=12,
        )
    )
    response = fetch(
        staff_client,
        fuzz_tally,
        "post",
        admin_url("workshops_workshopcycle_attendance", cycle.pk),
        form=pairs,
    )
    assert response.status_code in (200, 302)
    assert out_of_bounds() == 0
    assert not Attendance.objects.filter(attendee__in=other).exists()


uploads = st.one_of(
    st.binary(max_size=3_000),
    st.sampled_from(
        [
            "Imię i nazwisko;Sesje\r\nAla Nowak;1\r\nNowa Osoba;2, 3\r\n".encode(),
            "Imię i nazwisko,Sesje\nX\x00Y,1\n".encode(),
            b"PK\x03\x04garbage",
            "Imię i nazwisko\n".encode("utf-16"),
        ]
    ),
    st.lists(nasty_text, max_size=5).map(
        lambda cells: ("Imię i nazwisko,E-mail\n" + ",".join(cells) + "\n").encode(
            "utf-8", "surrogatepass"
        )
    ),
)
filenames = st.one_of(
    st.sampled_from(["lista.csv", "lista.xlsx", "lista.txt", "lista", ".csv"]),
    nasty_text.map(lambda name: name.encode("utf-8", "replace").decode() + ".csv"),
)


@given(content=uploads, filename=filenames, extra=st.dictionaries(nasty_text, values, max_size=3))
def test_import_uploads(staff_client, fuzz_tally, cycle, content, filename, extra):
    before = Attendee.objects.count()
    url = admin_url("workshops_workshopcycle_import", cycle.pk)
    upload = SimpleUploadedFile(filename.replace("/", "_") or "x", content)
    # The test client writes multipart fields as UTF-8: no lone surrogates there.
    fields = {
        key.encode("utf-8", "replace").decode(): value.encode("utf-8", "replace").decode()
        for key, value in extra.items()
    }
    response = fetch(staff_client, fuzz_tally, "post", url, data={**fields, "file": upload})
    assert response.status_code in (200, 302)
    assert Attendee.objects.count() == before  # a preview saves nothing


@given(
    token=values,
    consent_note=st.one_of(nasty_text, huge_text),
    template=st.one_of(st.sampled_from(["csv", "xlsx", "pdf", ""]), nasty_text),
)
def test_import_confirmation_and_template(
    staff_client, fuzz_tally, cycle, token, consent_note, template
):
    before = Attendee.objects.count()
    response = fetch(
        staff_client,
        fuzz_tally,
        "post",
        admin_url("workshops_workshopcycle_import_confirm", cycle.pk),
        form={"token": token, "consent_note": consent_note},
    )
    assert response.status_code == 302  # "the preview has expired"
    assert response["Location"] == admin_url("workshops_workshopcycle_import", cycle.pk)
    assert Attendee.objects.count() == before
    response = fetch(
        staff_client,
        fuzz_tally,
        "get",
        admin_url("workshops_workshopcycle_import_template", cycle.pk),
        QUERY_STRING=f"format={encode(template)}",
    )
    # A template, or back to the import screen for a format there is none of.
    assert response.status_code == (200 if template in ("csv", "xlsx") else 302)


@given(issued_by=st.one_of(nasty_text, huge_text), extra=st.lists(st.tuples(nasty_text, values)))
def test_certificate_issue_posts(staff_client, fuzz_tally, cycle, issued_by, extra):
    # Someone eligible, so that every post would really issue a certificate.
    newcomer = Attendee.objects.create(cycle=cycle, full_name="Nowa Osoba")
    for session in cycle.sessions.all()[:2]:
        Attendance.objects.create(attendee=newcomer, session=session)
    response = fetch(
        staff_client,
        fuzz_tally,
        "post",
        admin_url("workshops_workshopcycle_certificates", cycle.pk),
        form=[("issued_by", issued_by), *extra],
    )
    assert response.status_code in (200, 302)


@given(
    reason=st.one_of(nasty_text, huge_text),
    reissue=st.one_of(st.none(), values),
    which=st.integers(min_value=0, max_value=3),
)
def test_certificate_revoke_posts(staff_client, fuzz_tally, cycle, reason, reissue, which):
    certificates = list(Certificate.objects.filter(cycle=cycle).values_list("pk", flat=True))
    pk = [*certificates, 10**12, 0][which % (len(certificates) + 2)]
    form = {"reason": reason, "revoke": "1"}
    if reissue is not None:
        form["reissue"] = reissue
    try:
        url = admin_url("workshops_certificate_revoke", pk)
    except NoReverseMatch:
        return
    response = fetch(staff_client, fuzz_tally, "post", url, form=form)
    assert response.status_code in (302, 404)
    # Revoked or not, a certificate keeps its holder and number; valid ones stay unique.
    valid = Certificate.objects.filter(cycle=cycle, revoked_at__isnull=True)
    assert valid.values("attendee").distinct().count() == valid.count()


def reports_url(name: str, **kwargs) -> str | None:
    try:
        return reverse(f"reports:{name}", kwargs=kwargs or None)
    except NoReverseMatch:
        return None


REPORT_KEYS = ["programme", "year_from", "year_to", "county"]


@pytest.mark.skipif(reports_url("overview") is None, reason="no reports page yet")
@given(qs=query_strings(REPORT_KEYS), lang=st.sampled_from(["pl", "en"]))
def test_report_filters(staff_client, fuzz_tally, qs, lang):
    from django.utils import translation

    with translation.override(lang):
        url = reports_url("overview")
    response = fetch(staff_client, fuzz_tally, "get", url, QUERY_STRING=qs)
    assert response.status_code in (200, 400)


@pytest.mark.skipif(reports_url("overview") is None, reason="no reports page yet")
@given(
    qs=query_strings(REPORT_KEYS),
    table=st.one_of(st.sampled_from(["cycles", "counties", "sessions", "ideas"]), nasty_text),
    fmt=st.sampled_from(["csv", "xlsx", "pdf", "json"]),
)
def test_report_exports(staff_client, fuzz_tally, qs, table, fmt):
    from reports.exports import TABLES

    slug = table if table in TABLES else encode(table) or "x"
    url = reverse("reports:export", kwargs={"table": "x", "fmt": fmt}).replace("/x.", f"/{slug}.")
    response = fetch(staff_client, fuzz_tally, "get", url, QUERY_STRING=qs)
    assert response.status_code in (200, 400, 404)


# Regressions: server errors on PostgreSQL that these tests found.


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("reason", "x" * 301, "too long: at most 300 characters, this one has 301"),
        ("reason", "pomyłka\x00", "NUL"),
        ("issued_by", "x" * 201, "too long: at most 200 characters, this one has 201"),
        ("issued_by", "Dyrektor\x00", "NUL"),
    ],
)
def test_certificate_texts_too_long_or_with_nul_are_refused(
    staff_client, cycle, field, value, message
):
    from django.utils import translation

    newcomer = Attendee.objects.create(cycle=cycle, full_name="Nowa Osoba")
    for session in cycle.sessions.all()[:2]:
        Attendance.objects.create(attendee=newcomer, session=session)
    certificate = Certificate.objects.filter(cycle=cycle).first()
    with translation.override("en"):  # the English admin, /en/admin/...
        if field == "reason":
            url = admin_url("workshops_certificate_revoke", certificate.pk)
        else:
            url = admin_url("workshops_workshopcycle_certificates", cycle.pk)
    assert url.startswith("/en/")
    response = staff_client.post(url, {field: value}, follow=True)
    assert response.status_code == 200
    assert message in " ".join(str(m) for m in response.context["messages"])
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert not Certificate.objects.filter(attendee=newcomer).exists()
