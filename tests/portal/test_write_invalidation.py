"""Every write path invalidates the cached pages and reports once it commits.

No model signal does this (bulk writes never send them): each service, the admin and each
management command calls ``partnership.caching.public_data_changed``, naming what it
changed (``tests/test_scoped_invalidation.py`` checks that other counties' pages stay
cached). A test per write
path caches the public cycle (or home) page and the coordinators' report, writes through
that path, and checks that the next anonymous request and the next report show the change.
Writes run inside ``django_capture_on_commit_callbacks(execute=True)``: the invalidation
happens when the transaction commits, as in production (and never on a rollback).
"""

from __future__ import annotations

import datetime
import uuid

import pytest
import redis
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from partnership import caching
from partnership.redis_cache import RedisCache
from programmes.models import Programme, ProgrammeEvent, Source
from projects.models import ProjectIdea, Status
from projects.services import project_idea_set_status
from reports import services as report_services
from reports.services import ReportFilters, cached_report
from tests.conftest import staff_login
from tests.helpers import REDIS_URL, redis_answers
from tests.htmlforms import admin_change_form
from tests.records import PLOCK_2017, PROGRAMME_2017
from workshops.attendance import attendance_register_save
from workshops.certificates import certificate_reissue, certificate_revoke, certificates_issue
from workshops.figures import cycle_figures_refresh
from workshops.importing import attendees_import
from workshops.models import Attendance, Attendee, Certificate, Session, WorkshopCycle
from workshops.privacy import attendee_anonymise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["local memory", "redis"])
def shared_cache(request, monkeypatch):
    """Each test runs twice: on the default cache, and on a Redis server as app servers
    in production share it (a key prefix of its own, removed afterwards)."""
    if request.param == "local memory":
        yield
        return
    if not redis_answers():
        pytest.skip(f"no Redis server answers at {REDIS_URL}")
    prefix = f"test-write-paths-{uuid.uuid4().hex}"
    shared = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    monkeypatch.setattr(caching, "cache", shared)
    monkeypatch.setattr(report_services, "cache", shared)
    yield
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    shared.close()


def page_url(name="workshops:cycle_detail", **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


CYCLE_PAGE = page_url(slug=PLOCK_2017)


@pytest.fixture
def visitor():
    return Client()


@pytest.fixture
def admin(admin_user):
    client = Client()
    staff_login(client, admin_user)
    return client


def cached_text(visitor: Client, address: str = CYCLE_PAGE) -> str:
    """The page as an anonymous visitor gets it, made sure to be in the cache."""
    visitor.get(address)
    response = visitor.get(address)
    assert response["X-Cache"] == "hit"
    return response.content.decode()


def fresh_text(visitor: Client, address: str = CYCLE_PAGE) -> str:
    response = visitor.get(address)
    assert response["X-Cache"] == "miss", "the page was served from before the write"
    return response.content.decode()


def report():
    return cached_report(filters=ReportFilters(), counties=None).total


def registered(count) -> str:
    return f"<dt>Registered attendees</dt><dd>{count}</dd>"


def certificates(count) -> str:
    return f"<dt>Certificates issued</dt><dd>{count}</dd>"


@pytest.fixture
def attendees(cycle):
    people = Attendee.objects.bulk_create(
        Attendee(cycle=cycle, full_name=name) for name in ("Anna Nowak", "Bartosz Kowal")
    )
    Attendance.objects.bulk_create(
        Attendance(attendee=a, session=s) for a in people for s in cycle.sessions.all()
    )
    cycle_figures_refresh(cycle_ids=[cycle.pk])  # written in bulk: the kept counts follow
    return people


# -- Services of the staff screens -------------------------------------------------------------


def test_attendee_import(visitor, cycle, django_capture_on_commit_callbacks):
    assert "none registered" in cached_text(visitor)
    before = report()
    with django_capture_on_commit_callbacks(execute=True):
        attendees_import(cycle=cycle, rows=[{"row": 2, "full_name": "Ola Nowa", "sessions": [1]}])
    assert registered(1) in fresh_text(visitor)
    after = report()
    assert (after.attendees, after.registered_attendance) == (
        before.attendees + 1,
        before.registered_attendance + 1,
    )


def test_attendance_register(visitor, cycle, attendees, django_capture_on_commit_callbacks):
    cached_text(visitor)
    before = report()
    anna = attendees[0]
    shown = {(anna.pk, s.pk): True for s in cycle.sessions.all()}
    with django_capture_on_commit_callbacks(execute=True):
        attendance_register_save(cycle=cycle, shown=shown, ticked=set())
    fresh_text(visitor)
    assert report().registered_attendance == before.registered_attendance - 6


def test_certificates_issue_revoke_and_reissue(
    visitor, cycle, attendees, django_capture_on_commit_callbacks
):
    cycle.certificate_min_sessions = 1
    cycle.save()
    assert "Certificates issued</dt><dd>none" in cached_text(visitor)
    before = report().certificates
    with django_capture_on_commit_callbacks(execute=True):
        issued = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP w Płocku")
    assert certificates(2) in fresh_text(visitor)
    assert report().certificates == before + 2

    cached_text(visitor)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=issued[0], reason="Błąd w nazwisku")
    assert certificates(1) in fresh_text(visitor)
    assert report().certificates == before + 1

    cached_text(visitor)
    with django_capture_on_commit_callbacks(execute=True):
        new = certificate_reissue(certificate=issued[1], reason="Zmiana nazwiska")
    fresh_text(visitor)
    assert list(Certificate.objects.valid().filter(cycle=cycle)) == [new]


def test_attendee_erasure_shows_on_the_certificate_check(
    visitor, cycle, attendees, django_capture_on_commit_callbacks
):
    cycle.certificate_min_sessions = 1
    cycle.save()
    certificate = certificates_issue(cycle=cycle, issued_by="Dyrektor")[0]
    with translation.override("en"):
        check = reverse(
            "workshops:certificate_verify", kwargs={"code": certificate.verification_code}
        )
    visitor.get(check)
    holder = certificate.attendee.full_name
    with django_capture_on_commit_callbacks(execute=True):
        attendee_anonymise(attendee=certificate.attendee)
    assert holder not in visitor.get(check).content.decode()


def test_retention_command(visitor, cycle, attendees, django_capture_on_commit_callbacks):
    cached_text(visitor)
    WorkshopCycle.objects.filter(pk=cycle.pk).update(date_end=datetime.date(2017, 12, 31))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("anonymise_attendees", "--years", "1", stdout=None)
    fresh_text(visitor)
    assert not Attendee.objects.active().filter(cycle=cycle).exists()


def test_project_status_change(visitor, settings, django_capture_on_commit_callbacks):
    settings.PUBLIC_AGGREGATE_MAX_AGE = 0  # the home page at once (no period)
    idea = ProjectIdea.objects.exclude(status__in=[Status.SELECTED, Status.COMPLETED]).first()
    home = page_url("portal:home")
    adopted = ProjectIdea.objects.adopted().count()
    assert f'<span class="figure">{adopted}</span>' in cached_text(visitor, home)
    before = report().selected
    with django_capture_on_commit_callbacks(execute=True):
        project_idea_set_status(
            project=idea, status=Status.SELECTED, date_start=datetime.date(2026, 1, 5)
        )
    assert f'<span class="figure">{adopted + 1}</span>' in fresh_text(visitor, home)
    assert report().selected == before + 1


def test_a_rolled_back_write_invalidates_nothing(
    visitor, cycle, django_capture_on_commit_callbacks
):
    cached_text(visitor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Exception):  # noqa: B017 - any refusal rolls back
            attendees_import(cycle=cycle, rows=[{"row": 2, "full_name": "=SUM(A1)"}])
    assert callbacks == []
    assert visitor.get(CYCLE_PAGE)["X-Cache"] == "hit"


# -- The admin ---------------------------------------------------------------------------------


def test_admin_change_form(visitor, admin, cycle, django_capture_on_commit_callbacks):
    cached_text(visitor)
    address, form = admin_change_form(admin, cycle)
    form["title"] = "Tytuł zmieniony w panelu"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(address, form.data()).status_code == 302
    assert "Tytuł zmieniony w panelu" in fresh_text(visitor)
    assert "Tytuł zmieniony w panelu" in fresh_text(
        visitor, page_url("portal:county_detail", slug="plocki")
    )


def test_admin_inline(visitor, admin, cycle, django_capture_on_commit_callbacks):
    cached_text(visitor)
    before = report().attendance_reported
    address, form = admin_change_form(admin, cycle)
    first = cycle.sessions.order_by("ordinal").first()
    prefix = next(name for name, values in form.values.items() if values == [str(first.pk)])
    prefix = prefix.removesuffix("-id")
    form[f"{prefix}-venue"] = "Sala Zmieniona"
    form[f"{prefix}-attendance"] = "1234"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(address, form.data()).status_code == 302
    assert "Sala Zmieniona" in fresh_text(visitor)
    assert report().attendance_reported.total != before.total


def test_admin_many_to_many(visitor, admin, django_capture_on_commit_callbacks):
    programme = Programme.objects.get(slug=PROGRAMME_2017)
    source = Source.objects.exclude(pk__in=programme.sources.all()).first()
    address = page_url("portal:programme_detail", slug=programme.slug)
    assert source.title not in cached_text(visitor, address)
    admin_address, form = admin_change_form(admin, programme)
    form["sources"] = [*form.values.get("sources", []), str(source.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(admin_address, form.data()).status_code == 302
    assert source.title in fresh_text(visitor, address)


def test_admin_delete(visitor, admin, django_capture_on_commit_callbacks):
    event = ProgrammeEvent.objects.get(slug="szkolenie-pracownikow-pup-w-plocku")
    home = page_url("portal:home")
    assert event.title in cached_text(visitor, home)
    address = reverse("admin:programmes_programmeevent_delete", args=[event.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(address, {"post": "yes"}).status_code == 302
    assert event.title not in fresh_text(visitor, home)


def test_admin_bulk_delete(visitor, admin, cycle, attendees, django_capture_on_commit_callbacks):
    assert registered(2) in cached_text(visitor)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("admin:workshops_attendee_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [a.pk for a in attendees],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    assert "none registered" in fresh_text(visitor)


def test_staff_register_screen(
    visitor, cycle, attendees, staff_client, django_capture_on_commit_callbacks
):
    cached_text(visitor)
    session = Session.objects.get(cycle=cycle, ordinal=1)
    anna = attendees[0]
    address = reverse("admin:workshops_workshopcycle_attendance", args=[cycle.pk])
    data = {"session": [session.pk], "row": [anna.pk], f"was{anna.pk}": str(session.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(address, data).status_code == 302
    fresh_text(visitor)


# -- Management commands -----------------------------------------------------------------------


def test_loadrecords(visitor, django_capture_on_commit_callbacks):
    home = page_url("portal:home")
    cached_text(visitor, home)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loadrecords", verbosity=0)
    fresh_text(visitor, home)


def test_no_model_signal_invalidates_anything(visitor, cycle, django_capture_on_commit_callbacks):
    """Writes outside the write paths (a shell, a data migration) invalidate nothing by
    themselves: the paths above say so explicitly, and a reader finds them there."""
    cached_text(visitor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        cycle.title = "Zmiana z konsoli"
        cycle.save()
        get_user_model().objects.create_user("kto-inny")
    assert callbacks == []
