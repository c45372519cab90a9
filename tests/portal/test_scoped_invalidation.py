"""Invalidation by scope (``partnership.caching``): each write path evicts the pages whose
content it can change, and other counties' pages stay cached.

Each test caches the pages of Płock county (its county page, its 2017 cycle, an idea of
that cycle and one of its siblings) and those of Łosice county (the same), writes through
one path in Płock, and checks that the Płock pages the write changes come fresh (a miss,
with the new content) while Łosice's are still served from the cache (a hit). Aggregate
pages (home, catalogue, API lists) show a write within ``PUBLIC_AGGREGATE_MAX_AGE``
seconds: the tests move the cache's clock. Every test runs on the local-memory cache and
on a Redis server (``shared_cache`` from ``test_write_invalidation``).
"""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.test import Client

from partnership import caching
from partnership.redis_cache import RedisCache
from programmes.models import PartnershipAgreement
from projects.models import ProjectIdea, Status
from projects.services import project_idea_set_status
from reports import services as report_services
from reports.services import ReportFilters, cached_report
from tests.conftest import staff_login
from tests.htmlforms import admin_change_form
from tests.portal.test_write_invalidation import (  # noqa: F401 - the fixture runs each test twice
    REDIS_URL,
    cached_text,
    fresh_text,
    page_url,
    shared_cache,
)
from workshops.attendance import attendance_register_save
from workshops.certificates import certificate_revoke, certificates_issue
from workshops.figures import cycle_figures_refresh
from workshops.importing import attendees_import
from workshops.models import Attendance, Attendee, Session, WorkshopCycle
from workshops.privacy import attendee_anonymise

pytestmark = pytest.mark.django_db

PLOCK_CYCLE, LOSICE_CYCLE = "wlosg-2017-plocki", "wlosg-2017-losicki"
HOME = page_url("portal:home")


@pytest.fixture
def cycle():
    return WorkshopCycle.objects.select_related("county", "programme").get(slug=PLOCK_CYCLE)


def idea_slugs(cycle_slug: str) -> list[str]:
    return list(
        ProjectIdea.objects.filter(cycle__slug=cycle_slug)
        .order_by("slug")
        .values_list("slug", flat=True)[:2]
    )


def pages_of(county: str, cycle_slug: str) -> dict[str, str]:
    idea, sibling = idea_slugs(cycle_slug)
    return {
        "county": page_url("portal:county_detail", slug=county),
        "cycle": page_url("workshops:cycle_detail", slug=cycle_slug),
        "idea": page_url("projects:detail", slug=idea),
        "sibling": page_url("projects:detail", slug=sibling),
    }


@pytest.fixture
def visitor():
    return Client()


@pytest.fixture
def plock(visitor):
    pages = pages_of("plocki", PLOCK_CYCLE)
    for address in pages.values():
        cached_text(visitor, address)
    return pages


@pytest.fixture
def losice(visitor):
    """Łosice county's pages and the home page, cached: a Płock write leaves them so."""
    pages = pages_of("losicki", LOSICE_CYCLE) | {"home": HOME}
    for address in pages.values():
        cached_text(visitor, address)
    return pages


def plock_but(name: str, pages: dict[str, str]) -> dict[str, str]:
    return {other: address for other, address in pages.items() if other != name}


def assert_still_cached(visitor, pages: dict[str, str]) -> None:
    for name, address in pages.items():
        assert visitor.get(address)["X-Cache"] == "hit", f"{name} ({address}) was evicted"


def assert_fresh(visitor, pages: dict[str, str], *names: str) -> None:
    for name in names:
        fresh_text(visitor, pages[name])


def later(seconds: float):
    """The cache's clock ``seconds`` ahead (the aggregate pages' period passes)."""
    now = caching._now()
    return mock.patch.object(caching, "_now", return_value=now + seconds)


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


# -- The staff screens' services -----------------------------------------------------------


def test_import(visitor, cycle, plock, losice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attendees_import(cycle=cycle, rows=[{"row": 2, "full_name": "Ola Nowa", "sessions": [1]}])
    assert "<dt>Registered attendees</dt><dd>1</dd>" in fresh_text(visitor, plock["cycle"])
    # The county's page shows no registration: it stays cached, with the ideas' pages.
    assert_still_cached(visitor, plock_but("cycle", plock) | losice)


def test_attendance_save(
    visitor, cycle, attendees, plock, losice, django_capture_on_commit_callbacks
):
    anna, session = attendees[0], cycle.sessions.order_by("ordinal").first()
    with django_capture_on_commit_callbacks(execute=True):
        attendance_register_save(cycle=cycle, shown={(anna.pk, session.pk): True}, ticked=set())
    assert_fresh(visitor, plock, "cycle")
    assert_still_cached(visitor, plock_but("cycle", plock) | losice)


def test_certificates(visitor, cycle, attendees, plock, losice, django_capture_on_commit_callbacks):
    cycle.certificate_min_sessions = 1
    WorkshopCycle.objects.filter(pk=cycle.pk).update(certificate_min_sessions=1)
    with django_capture_on_commit_callbacks(execute=True):
        issued = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP w Płocku")
    assert "<dt>Certificates issued</dt><dd>2</dd>" in fresh_text(visitor, plock["cycle"])
    assert_still_cached(visitor, plock_but("cycle", plock) | losice)
    cached_text(visitor, plock["cycle"])
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=issued[0], reason="Błąd w nazwisku")
    assert "<dt>Certificates issued</dt><dd>1</dd>" in fresh_text(visitor, plock["cycle"])
    assert_still_cached(visitor, losice)


def test_erasure(visitor, attendees, plock, losice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attendee_anonymise(attendee=attendees[0])
    assert_fresh(visitor, plock, "cycle")
    assert_still_cached(visitor, losice)


def test_status_change(visitor, plock, losice, django_capture_on_commit_callbacks):
    idea = ProjectIdea.objects.get(slug=idea_slugs(PLOCK_CYCLE)[0])
    adopted = ProjectIdea.objects.adopted().count()
    with django_capture_on_commit_callbacks(execute=True):
        project_idea_set_status(
            project=idea, status=Status.COMPLETED, date_start=datetime.date(2026, 6, 1)
        )
    assert "Completed" in fresh_text(visitor, plock["idea"])
    # Its cycle's, its county's and its sibling's pages list it with its status.
    assert_fresh(visitor, plock, "cycle", "county", "sibling")
    assert_still_cached(visitor, losice)  # the home page too, for now
    with later(caching.aggregate_max_age()):
        assert f'<span class="figure">{adopted}</span>' in fresh_text(visitor, HOME)
        assert visitor.get(HOME)["X-Cache"] == "hit"


# -- The admin -------------------------------------------------------------------------------


@pytest.fixture
def admin(admin_user):
    client = Client()
    staff_login(client, admin_user)
    return client


def test_admin_single_save_of_an_attendee(
    visitor, admin, attendees, plock, losice, django_capture_on_commit_callbacks
):
    address, form = admin_change_form(admin, attendees[0])
    form["organisation_name"] = "Starostwo Powiatowe w Płocku"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(address, form.data()).status_code == 302
    assert_fresh(visitor, plock, "cycle")
    assert_still_cached(visitor, plock_but("cycle", plock) | losice)


def test_admin_bulk_delete_of_attendees(
    visitor, admin, attendees, plock, losice, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    assert "<dt>Registered attendees</dt><dd>2</dd>" in cached_text(visitor, plock["cycle"])
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
    assert "none registered" in fresh_text(visitor, plock["cycle"])
    assert_still_cached(visitor, losice)


def test_admin_cycle_edit_reaches_its_ideas(
    visitor, admin, cycle, plock, losice, django_capture_on_commit_callbacks
):
    address, form = admin_change_form(admin, cycle)
    form["title"] = "Tytuł zmieniony w panelu"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(address, form.data()).status_code == 302
    assert "Tytuł zmieniony w panelu" in fresh_text(visitor, plock["cycle"])
    assert "Tytuł zmieniony w panelu" in fresh_text(visitor, plock["idea"])
    assert_fresh(visitor, plock, "county", "sibling")
    assert_still_cached(visitor, losice)


def test_admin_session_edit(visitor, admin, plock, losice, django_capture_on_commit_callbacks):
    session = Session.objects.get(cycle__slug=PLOCK_CYCLE, ordinal=6)
    address, form = admin_change_form(admin, session)
    form["venue"] = "Sala Zmieniona"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(address, form.data()).status_code == 302
    assert "Sala Zmieniona" in fresh_text(visitor, plock["cycle"])
    assert "Sala Zmieniona" in fresh_text(visitor, plock["county"])  # its sessions table
    assert_still_cached(visitor, losice)


def test_admin_status_entry_added(
    visitor, admin, plock, losice, django_capture_on_commit_callbacks
):
    idea = ProjectIdea.objects.get(slug=idea_slugs(PLOCK_CYCLE)[0])
    from django.urls import reverse

    from tests.htmlforms import BrowserForm

    add = reverse("admin:projects_statuschange_add")
    form = BrowserForm(admin.get(add).content.decode())
    form["project"], form["status"], form["date_start"] = idea.pk, Status.COMPLETED, "2026-06-01"
    form["date_precision"] = "day"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(add, form.data()).status_code == 302
    assert "Completed" in fresh_text(visitor, plock["idea"])
    assert_still_cached(visitor, losice)


def test_structural_and_reference_changes_invalidate_everything(
    visitor, admin, cycle, plock, losice, django_capture_on_commit_callbacks
):
    # A new address: the old one must stop answering, and every map changes.
    address, form = admin_change_form(admin, cycle)
    form["slug"] = "wlosg-2017-plocki-nowy"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(address, form.data()).status_code == 302
    assert visitor.get(plock["cycle"]).status_code == 404
    assert_fresh(visitor, losice, "county", "cycle", "home")
    # Reference data (an agreement) may show anywhere.
    for address in losice.values():
        cached_text(visitor, address)
    agreement = PartnershipAgreement.objects.get(slug="2003-11-18-porozumienie-powiat-plocki")
    address, form = admin_change_form(admin, agreement)
    form["place"] = "Płock, ratusz"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(address, form.data()).status_code == 302
    assert_fresh(visitor, losice, "county", "idea", "home")


# -- Rollback, refusal, the aggregate period ---------------------------------------------------


def test_a_rolled_back_write_evicts_nothing(
    visitor, cycle, plock, losice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Exception):  # noqa: B017 - any refusal rolls back
            attendees_import(cycle=cycle, rows=[{"row": 2, "full_name": "=SUM(A1)"}])
    assert callbacks == []
    assert_still_cached(visitor, plock | losice)


def test_a_write_that_names_nothing_is_refused():
    with pytest.raises(ValueError, match="Say what changed"):
        caching.public_data_changed()


def test_aggregates_are_rebuilt_at_most_once_a_period(
    visitor, cycle, attendees, django_capture_on_commit_callbacks
):
    aggregates = {
        "home": HOME,
        "counties": page_url("portal:county_list"),
        "api": page_url("api:cycle-list"),
    }
    for address in aggregates.values():
        cached_text(visitor, address)
    anna, session = attendees[0], cycle.sessions.order_by("ordinal").first()

    def write(ticked):
        shown = {(anna.pk, session.pk): not ticked}
        cells = {(anna.pk, session.pk)} if ticked else set()
        with django_capture_on_commit_callbacks(execute=True):
            attendance_register_save(cycle=cycle, shown=shown, ticked=cells)

    write(ticked=False)
    assert_still_cached(visitor, aggregates)
    period = caching.aggregate_max_age()
    with later(period):
        assert_fresh(visitor, aggregates, *aggregates)
        write(ticked=True)  # a write just after the rebuild waits for the next period
        assert_still_cached(visitor, aggregates)
    with later(2 * period):
        assert_fresh(visitor, aggregates, *aggregates)
        assert_still_cached(visitor, aggregates)  # nothing changed since: kept


def test_the_catalogue_follows_writes_to_ideas_only(
    visitor, cycle, attendees, django_capture_on_commit_callbacks
):
    """The catalogue and the API's ideas show no attendance: the staff's daily writes to
    the register, imports and certificates leave them cached; a status change shows."""
    pages = {
        "catalogue": page_url("projects:list") + "?status=selected",
        "api": page_url("api:project-list"),
    }
    for address in pages.values():
        cached_text(visitor, address)
    anna, session = attendees[0], cycle.sessions.order_by("ordinal").first()
    with django_capture_on_commit_callbacks(execute=True):
        attendance_register_save(cycle=cycle, shown={(anna.pk, session.pk): True}, ticked=set())
    period = caching.aggregate_max_age()
    with later(period):
        assert_still_cached(visitor, pages)
    idea = ProjectIdea.objects.get(slug=idea_slugs(PLOCK_CYCLE)[0])
    assert idea.title in cached_text(visitor, pages["catalogue"])
    with django_capture_on_commit_callbacks(execute=True):
        project_idea_set_status(
            project=idea, status=Status.COMPLETED, date_start=datetime.date(2026, 6, 1)
        )
    assert_still_cached(visitor, pages)  # within the period
    with later(2 * period):
        assert idea.title not in fresh_text(visitor, pages["catalogue"])
        assert '"status": "completed"' in fresh_text(visitor, pages["api"]).replace('":"', '": "')


def test_with_no_period_aggregates_follow_each_write(
    visitor, cycle, attendees, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_AGGREGATE_MAX_AGE = 0
    cached_text(visitor, HOME)
    anna, session = attendees[0], cycle.sessions.order_by("ordinal").first()
    with django_capture_on_commit_callbacks(execute=True):
        attendance_register_save(cycle=cycle, shown={(anna.pk, session.pk): True}, ticked=set())
    fresh_text(visitor, HOME)
    assert visitor.get(HOME)["X-Cache"] == "hit"


# -- Reports -----------------------------------------------------------------------------------


def test_reports_of_other_counties_stay_cached(
    cycle, attendees, django_capture_on_commit_callbacks
):
    plock, losice = (cycle.county.pk,), (WorkshopCycle.objects.get(slug=LOSICE_CYCLE).county_id,)
    before = {
        counties: cached_report(filters=ReportFilters(), counties=counties).total
        for counties in (plock, losice, None)
    }
    anna, session = attendees[0], cycle.sessions.order_by("ordinal").first()
    with django_capture_on_commit_callbacks(execute=True):
        attendance_register_save(cycle=cycle, shown={(anna.pk, session.pk): True}, ticked=set())
    with mock.patch.object(
        report_services, "compute_report", wraps=report_services.compute_report
    ) as computed:
        assert cached_report(filters=ReportFilters(), counties=losice).total == before[losice]
        assert computed.call_count == 0
        for counties in (plock, None):
            after = cached_report(filters=ReportFilters(), counties=counties).total
            assert after.registered_attendance == before[counties].registered_attendance - 1
        assert computed.call_count == 2


# -- Two app servers sharing one Redis -----------------------------------------------------------


@pytest.mark.parametrize("shared_cache", ["redis"], indirect=True)
def test_two_servers_sharing_redis(
    visitor, cycle, attendees, monkeypatch, django_capture_on_commit_callbacks
):
    """Two clients of one Redis, as two app servers have (run on Redis only)."""
    assert isinstance(caching.cache, RedisCache)
    prefix = caching.cache.key_prefix  # removed after the test by ``shared_cache``
    servers = {name: RedisCache(REDIS_URL, {"KEY_PREFIX": prefix}) for name in "AB"}

    def on(name):
        monkeypatch.setattr(caching, "cache", servers[name])

    on("B")
    plock, losice = pages_of("plocki", PLOCK_CYCLE), pages_of("losicki", LOSICE_CYCLE)
    for address in [*plock.values(), *losice.values()]:
        cached_text(visitor, address)
    on("A")  # a clerk's save through server A
    anna, session = attendees[0], cycle.sessions.order_by("ordinal").first()
    with django_capture_on_commit_callbacks(execute=True):
        attendance_register_save(cycle=cycle, shown={(anna.pk, session.pk): True}, ticked=set())
    on("B")
    assert_fresh(visitor, plock, "cycle")
    assert_still_cached(visitor, plock_but("cycle", plock) | losice)
    for server in servers.values():
        server.close()


def test_an_evicted_version_never_brings_an_old_page_back(
    visitor, cycle, attendees, plock, django_capture_on_commit_callbacks
):
    """A version missing from the cache (evicted under memory pressure) is replaced by a
    new random one, not by a default that the pages from before a write were cached under."""
    assert "<dt>Registered attendees</dt><dd>2</dd>" in cached_text(visitor, plock["cycle"])
    with django_capture_on_commit_callbacks(execute=True):
        attendees_import(cycle=cycle, rows=[{"row": 2, "full_name": "Ola Nowa", "sessions": [1]}])
    cached_text(visitor, plock["cycle"])
    caching.cache.delete(f"{caching.SCOPE_PREFIX}cycle:{PLOCK_CYCLE}")
    response = visitor.get(plock["cycle"])
    assert response["X-Cache"] == "miss"
    assert "<dt>Registered attendees</dt><dd>3</dd>" in response.content.decode()


def test_with_the_cache_off_every_page_is_built(visitor, monkeypatch):
    """``CACHE_BACKEND=dummy`` (the benchmark's uncached server): no version is ever
    stored, and every page still answers, built each time."""
    from django.core.cache.backends.dummy import DummyCache

    monkeypatch.setattr(caching, "cache", DummyCache("dummy", {}))
    for address in [HOME, *pages_of("plocki", PLOCK_CYCLE).values()]:
        first, second = visitor.get(address), visitor.get(address)
        assert first.status_code == second.status_code == 200
        assert first["X-Cache"] == second["X-Cache"] == "miss"
