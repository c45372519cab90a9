import logging
import os
from collections import Counter

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, settings

from tests.records import PLOCK, PLOCK_2017

# Hypothesis profiles for the fuzz tests (tests/security/test_fuzz*.py): "ci" (the default) keeps
# them to about a minute on one core; HYPOTHESIS_PROFILE=thorough tries many more inputs.
_FUZZ_SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=40, **_FUZZ_SETTINGS)
settings.register_profile("thorough", max_examples=1000, **_FUZZ_SETTINGS)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Figures some tests report at the end of the run (fuzz inputs tried, axe-core summaries),
# gathered from the xdist workers too.
_REPORT = pytest.StashKey[dict]()


def pytest_configure(config):
    config.stash[_REPORT] = {
        "inputs": Counter(),
        "server_errors": 0,
        "lines": [],
        "api_cases": Counter(),  # Schemathesis: generated cases per API operation
    }


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the figures to the controller
        report = session.config.stash[_REPORT]
        workeroutput["portal_report"] = {
            **report,
            "inputs": dict(report["inputs"]),
            "api_cases": dict(report["api_cases"]),
        }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    received = getattr(node, "workeroutput", {}).get("portal_report")
    if received:
        report = node.config.stash[_REPORT]
        report["inputs"].update(received["inputs"])
        report["api_cases"].update(received.get("api_cases", {}))
        report["server_errors"] += received["server_errors"]
        report["lines"].extend(received["lines"])


def pytest_terminal_summary(terminalreporter, config):
    report = config.stash[_REPORT]
    if not report["inputs"] and not report["lines"] and not report["api_cases"]:
        return
    terminalreporter.section("fuzz and accessibility figures")
    if report["inputs"]:
        terminalreporter.write_line(
            f"fuzz: {sum(report['inputs'].values())} inputs tried in "
            f"{len(report['inputs'])} tests, {report['server_errors']} × 5xx "
            f"(hypothesis profile {settings.get_current_profile_name()})"
        )
    if report["api_cases"]:
        terminalreporter.write_line(
            f"schemathesis: {sum(report['api_cases'].values())} generated cases over "
            f"{len(report['api_cases'])} API operations (positive and negative), each answer "
            "checked: no 5xx, documented status, content type, headers and body schema"
        )
    for line in report["lines"]:
        terminalreporter.write_line(line)


@pytest.fixture
def fuzz_tally(request):
    """Count one input tried by this test (and a 5xx answer, if it was one)."""
    report = request.config.stash[_REPORT]

    def tally(status: int = 0) -> None:
        report["inputs"][request.node.nodeid] += 1
        if status >= 500:
            report["server_errors"] += 1

    return tally


@pytest.fixture
def api_case_tally(request):
    """Count one Schemathesis case of an API operation (``"GET /api/v1/…"``)."""
    cases = request.config.stash[_REPORT]["api_cases"]

    def tally(operation: str) -> None:
        cases[operation] += 1

    return tally


@pytest.fixture
def report(request):
    """Add lines to the figures printed at the end of the run."""
    return request.config.stash[_REPORT]["lines"].extend


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the Mazovian records loaded once per session."""
    with django_db_blocker.unblock():
        call_command("loadrecords", verbosity=0)


@pytest.fixture
def national_units(db):
    """The 16 voivodeships and 380 counties of the TERC register (``programmes/data``)
    beside the Mazovian records: for coordinators of another voivodeship."""
    from django.conf import settings

    from portal.synthetic import reference_units_ensure, terc_read

    path = settings.BASE_DIR / "programmes" / "data" / "terc2025_wojewodztwa_powiaty.csv"
    reference_units_ensure(register=terc_read(path=path))


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (test data rolls back without signals)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Uploaded files (certificate template images) go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Polish: a request under /en/ leaves English active in the
    thread, which would otherwise leak into whichever test runs next on the worker."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


def county_staff_user(username: str, county_code: str = PLOCK):
    """A county staff member working for one county (Płock, 1419, unless told)."""
    from tests.factories import CountyStaffFactory

    return CountyStaffFactory(username=username, counties=[county_code])


def verified_login(client, user):
    """Log ``user`` in as ``force_login`` does, with the second factor given: a confirmed
    authenticator (TOTP device) recorded in the session as django-otp's ``login`` does.
    Superusers, administrators and coordinators reach no staff page without it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def staff_login(client, user):
    """Log ``user`` in as they end up after the login form: with the second factor given
    when their role needs one (``accounts.twofactor``), without it otherwise."""
    from accounts.twofactor import second_factor_required

    if second_factor_required(user):
        return verified_login(client, user)
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's ``admin_client`` (a client of its own, not ``client``), with the
    second factor a superuser needs."""
    from django.test import Client

    return verified_login(Client(), admin_user)


@pytest.fixture
def staff_client(client):
    """A client logged in as a county staff member of Płock county (code 1419)."""
    client.force_login(county_staff_user("anna.plock"))
    return client


@pytest.fixture
def coordinator_client(client):
    """A client logged in, with the second factor, as the voivodeship's coordinator."""
    from tests.factories import CoordinatorFactory

    return verified_login(client, CoordinatorFactory(username="koordynator"))


@pytest.fixture
def second_staff_client():
    """Another Płock clerk in a browser of their own, for two people working at once."""
    from django.test import Client

    other = Client()
    other.force_login(county_staff_user("bartek.plock"))
    return other


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free local port, with Django's SMTP backend
    pointed at it; the fixture's value is the ``Inbox`` of what arrived."""
    from aiosmtpd.controller import Controller

    from tests.mailserver import Inbox, free_port

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's chatter
    yield inbox
    controller.stop()


@pytest.fixture
def run_tasks():
    """Run the background worker (``manage.py db_worker --batch``) over the queued tasks."""
    from tests.mailserver import run_worker

    return run_worker


@pytest.fixture
def frozen_rate_windows():
    """The per-address limits count in fixed windows (a minute, a quarter of an hour); a test
    that makes sixty requests must not see its count restart because a loaded CI machine's
    clock crossed a window's end meanwhile. django-ratelimit's clock stands still instead."""
    import time
    from unittest import mock

    now = time.time()
    with mock.patch("django_ratelimit.core.time") as clock:
        clock.time.return_value = now
        yield


@pytest.fixture
def english():
    """Messages and labels made outside a request in English, whatever the Polish catalogue
    says; a module asks for it with ``pytestmark = pytest.mark.usefixtures("english")``."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def certificate_min_sessions():
    """The sessions the ``cycle`` fixture asks for a certificate; None keeps the records'
    value. A module overrides it with a fixture of the same name returning its number."""
    return None


@pytest.fixture
def cycle(certificate_min_sessions):
    """The 2017 workshop cycle of Płock county (``PLOCK_2017``), from the records."""
    from workshops.models import WorkshopCycle

    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    if certificate_min_sessions is not None:
        cycle.certificate_min_sessions = certificate_min_sessions
        cycle.save()
    return cycle
