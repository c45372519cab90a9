"""An issued certificate is a public document: nothing rewrites or deletes it.

Refused by the model (``save``, ``delete``, the queryset's ``delete``) and, for writes that
bypass the model (``QuerySet.update``, raw SQL), by database triggers — on SQLite and on
PostgreSQL alike (run the file with ``DATABASE_URL`` pointing at each).
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal.synthetic import synthetic_data_delete
from programmes.models import Programme
from tests.records import PLOCK_2017, PROGRAMME_2017
from workshops.certificates import certificate_revoke, certificates_issue
from workshops.models import (
    Attendance,
    Attendee,
    Certificate,
    IssuedCertificateError,
    WorkshopCycle,
)
from workshops.privacy import attendee_anonymise

pytestmark = pytest.mark.django_db

ISSUED_FIELDS = ["attendee_id", "cycle_id", "number", "verification_code", "issued_on"]


@pytest.fixture
def certificate_min_sessions():
    """The ``cycle`` fixture's (Płock 2017) sessions needed for a certificate."""
    return 1


def register(cycle, name):
    attendee = Attendee.objects.create(cycle=cycle, full_name=name)
    Attendance.objects.create(attendee=attendee, session=cycle.sessions.get(ordinal=1))
    return attendee


@pytest.fixture
def issued(cycle):
    """Two certificates of the Płock 2017 cycle, 1419/2017/001 and 002."""
    register(cycle, "Anna Nowak")
    register(cycle, "Bartosz Kowal")
    return certificates_issue(cycle=cycle, issued_by="Dyrektor PUP w Płocku")


def stored(certificate):
    return Certificate.objects.filter(pk=certificate.pk).values().get()


def refused_by_the_database(statement):
    """Run ``statement`` in its own savepoint; the database must refuse it."""
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        statement()
    assert not isinstance(error.value, IssuedCertificateError), "the model refused, not the DB"
    return str(error.value)


# -- The model ---------------------------------------------------------------------------


def test_deleting_a_certificate_is_refused(issued):
    first = issued[0]
    with pytest.raises(IssuedCertificateError, match="nie można usunąć"):
        first.delete()
    with pytest.raises(IssuedCertificateError):
        Certificate.objects.filter(cycle=first.cycle).delete()
    with pytest.raises(IssuedCertificateError):
        Certificate.objects.all().delete()
    assert Certificate.objects.filter(cycle=first.cycle).count() == 2


def test_saving_a_changed_holder_or_date_is_refused(issued, cycle):
    first = Certificate.objects.get(pk=issued[0].pk)
    before = stored(first)
    first.attendee = issued[1].attendee
    first.issued_on = datetime.date(1999, 1, 1)
    with pytest.raises(IssuedCertificateError, match="1419/2017/001"):
        first.save()
    first.refresh_from_db()
    first.number = "1419/2017/999"
    with pytest.raises(IssuedCertificateError):
        first.save(update_fields=["number"])
    assert stored(first) == before


def test_a_revocation_cannot_be_undone_or_rewritten(issued):
    first = certificate_revoke(certificate=issued[0], reason="Na wniosek")
    first.revoked_at = None
    with pytest.raises(IssuedCertificateError, match="nie można cofnąć"):
        first.save()
    first = Certificate.objects.get(pk=first.pk)
    first.revocation_reason = "Inny powód"
    with pytest.raises(IssuedCertificateError):
        first.save(update_fields=["revocation_reason"])
    assert stored(first)["revocation_reason"] == "Na wniosek"
    assert stored(first)["revoked_at"] is not None


def test_saving_an_unchanged_certificate_is_allowed(issued):
    first = Certificate.objects.get(pk=issued[0].pk)
    first.save()
    certificate_revoke(certificate=first, reason="Błąd w nazwisku")
    first.save()
    assert not Certificate.objects.get(pk=first.pk).is_valid


# -- The database (writes that bypass the model) ------------------------------------------


def test_bulk_update_of_holder_and_date_is_refused_by_the_database(issued):
    first, second = issued
    before = stored(first)
    message = refused_by_the_database(
        lambda: Certificate.objects.filter(pk=first.pk).update(
            attendee=second.attendee, issued_on=datetime.date(1999, 1, 1)
        )
    )
    assert "cannot change" in message
    assert stored(first) == before


@pytest.mark.parametrize(
    "change",
    [
        {"number": "1419/2026/005"},
        {"verification_code": "odgadniety-kod"},
        {"issued_by": "Ktoś inny"},
        {"issued_on": datetime.date(1999, 1, 1)},
        # What it keeps of its template and its holder's sessions (migration 0008).
        {"logo": "certificate-templates/inne-logo.png"},
        {"signature": "certificate-templates/inny-podpis.png"},
        {"sessions_attended": [{"ordinal": 9, "date": "1999-01-01"}]},
    ],
    ids=lambda change: next(iter(change)),
)
def test_each_issued_field_is_fixed_in_the_database(issued, change):
    first = issued[0]
    before = stored(first)
    refused_by_the_database(lambda: Certificate.objects.filter(pk=first.pk).update(**change))
    assert stored(first) == before


def test_the_database_refuses_undoing_a_revocation(issued):
    first = issued[0]
    Certificate.objects.filter(pk=first.pk).update(
        revoked_at=timezone.now(), revocation_reason="Na wniosek"
    )
    before = stored(first)
    for change in ({"revoked_at": None}, {"revocation_reason": "Inny"}, {"revoked_at": None}):
        message = refused_by_the_database(
            lambda change=change: Certificate.objects.filter(pk=first.pk).update(**change)
        )
        assert "revocation" in message
    assert stored(first) == before


def test_the_database_allows_other_columns_and_same_values(issued):
    first = issued[0]
    Certificate.objects.filter(pk=first.pk).update(
        updated_at=timezone.now(), issued_by=first.issued_by, number=first.number
    )
    assert stored(first)["number"] == "1419/2017/001"


def test_the_database_refuses_deleting_a_certificate(issued):
    first = issued[0]
    queryset = Certificate.objects.filter(pk=first.pk)
    message = refused_by_the_database(lambda: queryset._raw_delete(queryset.db))
    assert "cannot be deleted" in message

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM workshops_certificate")

    refused_by_the_database(raw_sql)
    assert Certificate.objects.count() == 2


def test_synthetic_certificates_are_removed_with_their_generated_data(issued):
    programme = Programme.objects.get(slug=PROGRAMME_2017)
    synthetic = Programme.objects.create(slug="syntetyczny", name="Syntetyczny", is_synthetic=True)
    cycle = WorkshopCycle.objects.create(
        slug="syntetyczny-cykl", title="Cykl", programme=synthetic, county=issued[0].cycle.county
    )
    attendee = Attendee.objects.create(cycle=cycle, full_name="Uczestnik syntetyczny")
    Certificate.objects.create(
        attendee=attendee, cycle=cycle, number="X/1", issued_on=datetime.date(2017, 1, 1)
    )
    synthetic_data_delete(batch_size=100, log=lambda line: None)
    assert not Certificate.objects.filter(number="X/1").exists()
    assert Certificate.objects.filter(cycle__programme=programme).count() == 2


# -- Emptying the whole database (flush, as after each transactional test) ---------------


@pytest.mark.parametrize("first_table", ["workshops_certificate", "workshops_attendee"])
def test_flush_empties_a_database_holding_certificates(issued, monkeypatch, first_table):
    """Django flushes the tables in an order that changes between processes (a set):
    the flush must pass whichever table comes first, and leave the guard in place."""
    introspection = connection.introspection
    tables = introspection.django_table_names(only_existing=True, include_views=False)
    ordered = [first_table, *(t for t in tables if t != first_table)]
    monkeypatch.setattr(introspection, "django_table_names", lambda **kwargs: ordered)
    connection.check_constraints()  # PostgreSQL: no pending FK checks before TRUNCATE
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert not Certificate.objects.exists()
    assert not Attendee.objects.exists()
    monkeypatch.undo()
    call_command("loadrecords", verbosity=0)
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    cycle.certificate_min_sessions = 1
    cycle.save()
    register(cycle, "Cezary Nowy")
    [again] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    queryset = Certificate.objects.filter(pk=again.pk)
    refused_by_the_database(lambda: queryset._raw_delete(queryset.db))


# -- The admin -------------------------------------------------------------------------------


def change_url(certificate, view="change"):
    return reverse(f"admin:workshops_certificate_{view}", args=[certificate.pk])


@pytest.fixture(params=["superuser", "county staff"])
def any_staff(request, admin_client, staff_client):
    return admin_client if request.param == "superuser" else staff_client


def test_the_admin_page_shows_a_certificate_read_only_with_its_screens(any_staff, issued):
    first = issued[0]
    response = any_staff.get(change_url(first))
    assert response.status_code == 200
    assert not response.context["adminform"].form.fields
    assert not response.context["has_change_permission"]
    assert not response.context["has_delete_permission"]
    page = response.content.decode()
    assert "1419/2017/001" in page
    assert 'name="_save"' not in page
    assert change_url(first, "delete") not in page
    screen = reverse("admin:workshops_workshopcycle_certificates", args=[first.cycle_id])
    assert f'href="{screen}#certificate-{first.pk}"' in page
    assert f'id="certificate-{first.pk}"' in any_staff.get(screen).content.decode()


def test_posting_the_admin_form_changes_nothing(any_staff, issued):
    first, second = issued
    before = stored(first)
    response = any_staff.post(
        change_url(first),
        {
            "attendee": second.attendee_id,
            "cycle": first.cycle_id,
            "number": "1419/2026/005",
            "issued_on": "1999-01-01",
            "issued_by": "x" * 118,
            "revoked_at": "",
            "revocation_reason": "",
        },
    )
    assert response.status_code == 403
    assert stored(first) == before


def test_no_one_deletes_a_certificate_in_the_admin(any_staff, issued):
    first = issued[0]
    assert any_staff.get(change_url(first, "delete")).status_code == 403
    assert any_staff.post(change_url(first, "delete"), {"post": "yes"}).status_code == 403
    changelist = reverse("admin:workshops_certificate_changelist")
    response = any_staff.get(changelist)
    assert "delete_selected" not in response.content.decode()
    any_staff.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [first.pk], "post": "yes"},
    )
    assert Certificate.objects.filter(pk=first.pk).exists()


def test_the_history_cannot_revert_a_certificate(any_staff, issued):
    first = issued[0]
    issued_version = first.history.earliest()
    certificate_revoke(certificate=first, reason="Na wniosek")
    url = reverse("admin:workshops_certificate_simple_history", args=[first.pk, issued_version.pk])
    page = any_staff.get(url)
    assert page.status_code == 200
    assert "_save" not in page.content.decode()
    assert any_staff.post(url, {}).status_code == 403
    assert stored(first)["revoked_at"] is not None


# -- Numbers are never given twice --------------------------------------------------------


def test_numbers_continue_after_a_revocation_and_an_erasure(cycle, client):
    holders = [register(cycle, f"Uczestnik {i}") for i in range(5)]
    first_five = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    assert [c.number for c in first_five] == [f"1419/2017/00{i}" for i in range(1, 6)]
    revoked = certificate_revoke(certificate=first_five[1], reason="Błąd w nazwisku")
    erased = first_five[4]
    attendee_anonymise(attendee=holders[4])
    register(cycle, "Uczestnik spóźniony")

    again = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")

    # The revoked holder gets a new certificate, the latecomer one; the erased holder keeps
    # theirs; no number is taken twice.
    assert sorted(c.number for c in again) == ["1419/2017/006", "1419/2017/007"]
    numbers = list(Certificate.objects.filter(cycle=cycle).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 7
    for certificate, verdict in ((erased, "jest ważny"), (revoked, "został unieważniony")):
        page = client.get(
            reverse("workshops:certificate_verify", kwargs={"code": certificate.verification_code})
        )
        assert page.status_code == 200
        assert verdict in page.content.decode()
    erased_page = client.get(
        reverse("workshops:certificate_verify", kwargs={"code": erased.verification_code})
    ).content.decode()
    assert "Uczestnik 4" not in erased_page
    assert "Dane osobowe posiadacza zostały usunięte" in erased_page
