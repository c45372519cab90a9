"""Certificates e-mailed to their holders: queued by the request, sent by the worker
(``manage.py db_worker``) through a real SMTP server the test starts (aiosmtpd)."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from workshops.certificates import certificate_revoke
from workshops.mailing import certificate_mail, certificates_mail, deliveries_retry
from workshops.models import (
    Attendance,
    Attendee,
    Certificate,
    CertificateDelivery,
)
from workshops.privacy import attendee_anonymise
from workshops.tasks import certificate_delivery_send

pytestmark = pytest.mark.django_db

Status = CertificateDelivery.Status


@pytest.fixture
def certificate_min_sessions():
    """The ``cycle`` fixture's (Płock 2017) sessions needed for a certificate."""
    return 1


def holder(cycle, name, email="", consent=False, number=None):
    attendee = Attendee.objects.create(
        cycle=cycle, full_name=name, email=email, email_consent=consent
    )
    Attendance.objects.create(attendee=attendee, session=cycle.sessions.get(ordinal=1))
    count = Certificate.objects.filter(cycle=cycle).count()
    return Certificate.objects.create(
        attendee=attendee,
        cycle=cycle,
        number=number or f"1419/2017/{count + 1:03d}",
        issued_on=datetime.date(2017, 12, 7),
        issued_by="Dyrektor PUP w Płocku",
    )


@pytest.fixture
def holders(cycle):
    return {
        "ala": holder(cycle, "Ala Łączna", "ala@example.org", consent=True),
        "zofia": holder(cycle, "Zofia Żółć", "zofia@example.org", consent=True),
        "no_consent": holder(cycle, "Bolek Bezzgody", "bolek@example.org"),
        "no_email": holder(cycle, "Celina Bezadresu", consent=True),
    }


def screen(cycle):
    return reverse("admin:workshops_workshopcycle_certificates", args=[cycle.pk])


def send_all(client, cycle):
    return client.post(
        reverse("admin:workshops_workshopcycle_certificates_email", args=[cycle.pk]),
        {"action": "all"},
    )


def test_whole_cycle_queued_by_the_request_and_sent_by_the_worker(
    staff_client, cycle, holders, smtp_server, run_tasks, settings
):
    settings.PORTAL_BASE_URL = "https://partnerstwo.example.org"
    response = send_all(staff_client, cycle)
    assert response.status_code == 302
    # Nothing is sent within the request: two deliveries and two tasks wait.
    assert smtp_server.messages == []
    assert CertificateDelivery.objects.filter(status=Status.QUEUED).count() == 2
    tasks = DBTaskResult.objects.filter(task_path="workshops.tasks.certificate_delivery_send")
    assert tasks.count() == 2
    # The task table holds a delivery id, never an address or a name.
    assert {tuple(t.args_kwargs["kwargs"]) for t in tasks} == {("delivery_id",)}

    run_tasks()

    assert sorted(r for m in smtp_server.messages for r in m.rcpt_tos) == [
        "ala@example.org",
        "zofia@example.org",
    ]
    [received] = smtp_server.to("zofia@example.org")
    certificate = holders["zofia"]
    assert certificate.number in received.subject
    assert cycle.title in received.subject
    verify = reverse("workshops:certificate_verify", args=[certificate.verification_code])
    assert f"https://partnerstwo.example.org{verify}" in received.text
    [(filename, content_type, pdf)] = received.attachments
    assert filename == "certyfikat-1419-2017-002.pdf"
    assert content_type == "application/pdf"
    assert pdf.startswith(b"%PDF")
    page_text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert certificate.number in page_text
    assert "Zofia Żółć" in page_text
    assert set(CertificateDelivery.objects.values_list("status", flat=True)) == {Status.SENT}
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2

    page = staff_client.get(screen(cycle)).content.decode()
    assert 'id="mail-progress"' in page
    assert "Wysłano: 2 z 2" in page


def test_who_gets_one_needs_an_address_and_consent(staff_client, cycle, holders):
    send_all(staff_client, cycle)
    assert set(CertificateDelivery.objects.values_list("certificate", flat=True)) == {
        holders["ala"].pk,
        holders["zofia"].pk,
    }
    page = staff_client.get(screen(cycle)).content.decode()
    # The two others are counted and told to be printed.
    assert "2 osoby nie podały adresu e-mail lub nie zgodziły się na e-mail" in page


def test_failure_listed_with_the_servers_answer_and_retried(
    staff_client, cycle, holders, smtp_server, run_tasks
):
    smtp_server.refuse.add("ala@example.org")
    send_all(staff_client, cycle)
    run_tasks()
    failed = CertificateDelivery.objects.get(certificate=holders["ala"])
    assert failed.status == Status.FAILED
    assert failed.attempts == 1
    assert "550" in failed.error
    assert "ala@example.org" not in failed.error  # the address is on the record already
    page = staff_client.get(screen(cycle)).content.decode()
    assert 'id="mail-failures"' in page
    assert "Rejected" in page or "rejected" in page
    assert 'id="mail-retry-all"' in page

    smtp_server.refuse.clear()
    response = staff_client.post(
        reverse("admin:workshops_certificate_email", args=[holders["ala"].pk]),
        {"action": "retry"},
    )
    assert response.status_code == 302
    run_tasks()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == (Status.SENT, 2, "")
    assert len(smtp_server.to("ala@example.org")) == 1
    assert len(smtp_server.to("zofia@example.org")) == 1  # not sent twice by the retry


def test_a_sent_certificate_is_never_sent_twice_by_a_retry(
    staff_client, cycle, holders, smtp_server, run_tasks
):
    send_all(staff_client, cycle)
    run_tasks()
    delivery = CertificateDelivery.objects.get(certificate=holders["ala"])
    # The same task run again (a duplicate in the queue), a retry, "send to all" again:
    assert certificate_delivery_send.call(delivery_id=delivery.pk) == "not queued"
    assert deliveries_retry(deliveries=CertificateDelivery.objects.all()) == 0
    with pytest.raises(ValidationError):
        certificates_mail(cycle=cycle, requested_by=None)
    run_tasks()
    assert len(smtp_server.messages) == 2
    response = send_all(staff_client, cycle)
    assert response.status_code == 302
    assert len(smtp_server.messages) == 2


def test_revoked_or_erased_while_waiting_is_not_sent(
    staff_client, cycle, holders, smtp_server, run_tasks
):
    send_all(staff_client, cycle)
    certificate_revoke(certificate=holders["ala"], reason="Błąd w nazwisku")
    attendee_anonymise(attendee=holders["zofia"].attendee)
    run_tasks()
    assert smtp_server.messages == []
    skipped = dict(CertificateDelivery.objects.values_list("certificate", "status"))
    assert skipped == {holders["ala"].pk: Status.SKIPPED, holders["zofia"].pk: Status.SKIPPED}


def test_one_certificate_sent_and_sent_again_on_request(
    staff_client, cycle, holders, smtp_server, run_tasks
):
    url = reverse("admin:workshops_certificate_email", args=[holders["ala"].pk])
    assert staff_client.post(url, {"action": "send"}).status_code == 302
    # A second click before the worker ran queues nothing more.
    staff_client.post(url, {"action": "send"})
    assert CertificateDelivery.objects.count() == 1
    run_tasks()
    assert staff_client.post(url, {"action": "send"}).status_code == 302
    run_tasks()
    assert len(smtp_server.to("ala@example.org")) == 2
    assert smtp_server.to("zofia@example.org") == []


@pytest.mark.parametrize("who", ["no_consent", "no_email"])
def test_one_certificate_refused_without_address_or_consent(staff_client, holders, who):
    url = reverse("admin:workshops_certificate_email", args=[holders[who].pk])
    response = staff_client.post(url, {"action": "send"}, follow=True)
    assert not CertificateDelivery.objects.exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])
    with pytest.raises(ValidationError):
        certificate_mail(certificate=holders[who], requested_by=None)


def test_a_get_sends_nothing(staff_client, cycle, holders):
    response = staff_client.get(
        reverse("admin:workshops_workshopcycle_certificates_email", args=[cycle.pk])
    )
    assert response.status_code == 302
    assert not CertificateDelivery.objects.exists()


def test_a_mail_server_that_is_down_is_a_failure_to_retry(
    staff_client, cycle, holders, settings, run_tasks
):
    from tests.mailserver import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    send_all(staff_client, cycle)
    run_tasks()
    errors = list(CertificateDelivery.objects.values_list("status", "error"))
    assert {status for status, _ in errors} == {Status.FAILED}
    assert all(re.search(r"ConnectionRefused|refused", error) for _, error in errors)


def test_the_screen_does_not_grow_its_queries_with_the_certificates(
    staff_client, cycle, holders, run_tasks
):
    send_all(staff_client, cycle)
    run_tasks()
    staff_client.get(screen(cycle))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(screen(cycle)).status_code == 200
        return len(queries)

    few = count()
    for n in range(10):
        holder(cycle, f"Dodatkowy {n}", f"d{n}@example.org", consent=True)
    send_all(staff_client, cycle)
    assert count() == few


def test_coordinators_see_the_progress_but_send_nothing(client, cycle, holders):
    from accounts.roles import COORDINATOR
    from tests.conftest import verified_login
    from tests.factories import make_user

    user = make_user("koordynatorka", COORDINATOR)  # Mazowieckie's
    verified_login(client, user)
    page = client.get(screen(cycle)).content.decode()
    assert 'id="mailing"' in page
    assert 'id="mail-all"' not in page
    assert send_all(client, cycle).status_code == 403
    assert not CertificateDelivery.objects.exists()
