"""Anonymous public pages are cached, and a change through the admin or a service
invalidates them (every write path: tests/portal/test_write_invalidation.py)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from programmes.models import PartnershipAgreement, Programme, ProgrammeEvent, Source
from projects.models import ProjectIdea, Status
from projects.services import project_idea_set_status
from tests.conftest import staff_login
from tests.htmlforms import BrowserForm, admin_change_form
from tests.records import PLOCK_2017, PROGRAMME_2017
from workshops.models import Session, WorkshopCycle

pytestmark = pytest.mark.django_db


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


PUBLIC_PAGES = [
    url("portal:home"),
    url("portal:home", "pl"),
    url("portal:county_list"),
    url("portal:county_detail", slug="plocki"),
    url("portal:programme_list"),
    url("portal:programme_detail", slug=PROGRAMME_2017),
    url("portal:event_detail", slug="2005-05-17-spotkanie-w-serpelicach"),
    url("portal:source_list"),
    url("portal:source_detail", slug="001-da457f450f78d650"),
    url("workshops:cycle_list"),
    url("workshops:cycle_detail", slug=PLOCK_2017),
    "/sitemap.xml",
]


@pytest.mark.parametrize("address", PUBLIC_PAGES)
def test_second_anonymous_request_is_served_from_the_cache(client, address):
    first = client.get(address)
    assert first.status_code == 200 and first["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(address)
    assert second["X-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content


def test_languages_and_query_strings_are_cached_apart(client):
    english = client.get(url("portal:county_list"))
    polish = client.get(url("portal:county_list", "pl"))
    assert polish["X-Cache"] == "miss"
    assert english.content != polish.content
    filtered = client.get(url("portal:county_list") + "?took_part=1")
    assert filtered["X-Cache"] == "miss"
    assert filtered.content != english.content


def test_logged_in_requests_are_not_cached(client):
    user = get_user_model().objects.create_user("editor", password="x")  # noqa: S106
    staff_login(client, user)
    assert "X-Cache" not in client.get(url("portal:home"))
    assert "X-Cache" not in client.get(url("portal:home"))


def test_not_found_is_not_cached(client):
    address = url("portal:county_detail", slug="nowhere")
    assert client.get(address).status_code == 404
    assert "X-Cache" not in client.get(address)


@pytest.fixture
def admin(admin_user):
    from django.test import Client

    client = Client()
    staff_login(client, admin_user)
    return client


def _assert_change_shows(client, address, before: str, change, after: str, on_commit):
    assert before in client.get(address).content.decode()
    assert client.get(address)["X-Cache"] == "hit"
    with on_commit(execute=True):
        change()
    response = client.get(address)
    assert response["X-Cache"] == "miss"
    assert after in response.content.decode()


def _admin_saves(admin, obj, **changes):
    """Save ``obj`` through its admin change form with ``changes`` made."""

    def change():
        address, form = admin_change_form(admin, obj)
        for name, value in changes.items():
            form[name] = value
        assert admin.post(address, form.data()).status_code == 302

    return change


def test_editing_a_cycle_invalidates_pages(client, admin, django_capture_on_commit_callbacks):
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    _assert_change_shows(
        client,
        url("workshops:cycle_detail", slug=cycle.slug),
        cycle.title,
        _admin_saves(admin, cycle, title="Nowy tytuł cyklu"),
        "Nowy tytuł cyklu",
        django_capture_on_commit_callbacks,
    )
    # Other pages cached before the change are not served either.
    assert (
        "Nowy tytuł cyklu"
        in client.get(url("portal:county_detail", slug="plocki")).content.decode()
    )


def test_editing_a_session_invalidates_the_cycle_page(
    client, admin, django_capture_on_commit_callbacks
):
    session = Session.objects.get(cycle__slug=PLOCK_2017, ordinal=6)
    _assert_change_shows(
        client,
        url("workshops:cycle_detail", slug=PLOCK_2017),
        "Hotel TiM",
        _admin_saves(admin, session, venue="Sala Zmieniona"),
        "Sala Zmieniona",
        django_capture_on_commit_callbacks,
    )


def test_adopting_a_project_invalidates_the_home_page(
    client, settings, django_capture_on_commit_callbacks
):
    # The home page counts every county: it shows a write within PUBLIC_AGGREGATE_MAX_AGE
    # seconds (tests/test_scoped_invalidation.py); with none, at once.
    settings.PUBLIC_AGGREGATE_MAX_AGE = 0
    idea = (
        ProjectIdea.objects.exclude(status__in=[Status.SELECTED, Status.COMPLETED])
        .filter(cycle__isnull=False)
        .first()
    )
    adopted = ProjectIdea.objects.adopted().count()
    _assert_change_shows(
        client,
        url("portal:home"),
        f'<span class="figure">{adopted}</span>',
        lambda: project_idea_set_status(
            project=idea, status=Status.SELECTED, date_start=datetime.date(2026, 3, 1)
        ),
        f'<span class="figure">{adopted + 1}</span>',
        django_capture_on_commit_callbacks,
    )


def test_deleting_and_m2m_changes_invalidate_pages(
    client, admin, django_capture_on_commit_callbacks
):
    programme = Programme.objects.get(slug=PROGRAMME_2017)
    address = url("portal:programme_detail", slug=programme.slug)
    source = Source.objects.get(slug="004-eb775dcf153606b9")
    sources = [str(pk) for pk in programme.sources.values_list("pk", flat=True)]
    _assert_change_shows(
        client,
        address,
        programme.name,
        _admin_saves(admin, programme, sources=[*sources, str(source.pk)]),
        source.title,
        django_capture_on_commit_callbacks,
    )

    event = ProgrammeEvent.objects.get(slug="szkolenie-pracownikow-pup-w-plocku")
    home = url("portal:home")
    assert event.title in client.get(home).content.decode()
    delete = reverse("admin:programmes_programmeevent_delete", args=[event.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(delete, {"post": "yes"}).status_code == 302
    response = client.get(home)
    assert response["X-Cache"] == "miss" and event.title not in response.content.decode()


def test_agreement_change_invalidates_the_county_page(
    client, admin, django_capture_on_commit_callbacks
):
    agreement = PartnershipAgreement.objects.get(slug="2003-11-18-porozumienie-powiat-plocki")
    _assert_change_shows(
        client,
        url("portal:county_detail", slug="plocki"),
        agreement.title,
        _admin_saves(admin, agreement, place="Płock, ratusz"),
        "Płock, ratusz",
        django_capture_on_commit_callbacks,
    )


def test_registering_an_attendee_invalidates_the_count(
    client, admin, django_capture_on_commit_callbacks
):
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    address = url("workshops:cycle_detail", slug=PLOCK_2017)

    def register():
        add = reverse("admin:workshops_attendee_add")
        form = BrowserForm(admin.get(add).content.decode())
        form["cycle"], form["full_name"] = cycle.pk, "Ktoś Zapisany"
        assert admin.post(add, form.data()).status_code == 302

    _assert_change_shows(
        client,
        address,
        "<dt>Registered attendees</dt><dd>none registered",
        register,
        "<dt>Registered attendees</dt><dd>1</dd>",
        django_capture_on_commit_callbacks,
    )
    assert "Ktoś Zapisany" not in client.get(address).content.decode()
