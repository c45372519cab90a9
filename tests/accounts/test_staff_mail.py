"""E-mail to staff: the password reset and the coordinators' notice of a completed cycle,
queued by the request and sent by the worker through a real SMTP server; EMAIL_URL."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.roles import COORDINATOR, COUNTY_STAFF, GROUP_NAMES
from partnership.mailconfig import CONSOLE, DUMMY, SMTP, email_config
from programmes.models import County
from tests.conftest import county_staff_user, staff_login
from tests.factories import make_user
from tests.htmlforms import admin_change_form
from tests.records import LODZKIE, MAZOWIECKIE, PLOCK_2017
from workshops.models import WorkshopCycle

pytestmark = pytest.mark.django_db

PASSWORD = "Stare-haslo-Plock-2026"  # noqa: S105 - a throwaway account
NEW_PASSWORD = "Nowe-haslo-Wisla-2026"  # noqa: S105
RESET = reverse("admin_password_reset")


@pytest.fixture
def clerk():
    user = county_staff_user("ewa.reset")
    user.email = "ewa.reset@example.org"
    user.set_password(PASSWORD)
    user.save()
    return user


def reset_tasks():
    return DBTaskResult.objects.filter(task_path="accounts.password_reset.password_reset_send")


# -- Password reset ---------------------------------------------------------------------------


def test_the_login_page_offers_the_reset(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert f'href="{RESET}"' in page


def test_reset_by_e_mail_through_the_worker(client, clerk, smtp_server, run_tasks, settings):
    settings.PORTAL_BASE_URL = "https://partnerstwo.example.org"
    response = client.post(RESET, {"email": "EWA.RESET@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert smtp_server.messages == []  # not in the request
    # The queue holds the account's id, no token and no address.
    assert [task.args_kwargs for task in reset_tasks()] == [
        {"args": [], "kwargs": {"user_id": clerk.pk}}
    ]

    run_tasks()

    [received] = smtp_server.messages
    assert received.rcpt_tos == ["ewa.reset@example.org"]
    assert "Ustawienie nowego hasła" in received.subject
    link = re.search(r"https://partnerstwo\.example\.org(/admin/reset/\S+/)", received.text)
    assert link, received.text
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    set_password = form.redirect_chain[-1][0]
    response = client.post(
        set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session  # not logged in by the reset
    # The link worked once.
    again = client.get(link.group(1), follow=True)
    assert again.context["validlink"] is False


@pytest.mark.parametrize(
    "email", ["nikt@example.org", "obywatel@example.org", "nieaktywny@example.org"]
)
def test_no_e_mail_and_the_same_answer_for_anyone_else(client, clerk, email):
    User.objects.create_user("obywatel", email="obywatel@example.org", password=PASSWORD)
    User.objects.create_user(
        "nieaktywny",
        email="nieaktywny@example.org",
        password=PASSWORD,
        is_staff=True,
        is_active=False,
    )
    known = client.post(RESET, {"email": clerk.email})
    unknown = client.post(RESET, {"email": email})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert reset_tasks().count() == 1


def test_a_colleagues_mailbox_cannot_be_flooded(client, clerk, settings):
    settings.PASSWORD_RESET_EMAILS_PER_ACCOUNT = "3/h"
    for n in range(5):
        response = client.post(RESET, {"email": clerk.email}, REMOTE_ADDR=f"192.0.2.{n + 1}")
        assert response.status_code == 302
    assert reset_tasks().count() == 3


def test_requests_are_limited_per_address(client, clerk, settings):
    settings.PASSWORD_RESET_RATE = "2/h"
    for _ in range(2):
        assert client.post(RESET, {"email": "x@example.org"}).status_code == 302
    refused = client.post(RESET, {"email": clerk.email})
    assert refused.status_code == 429
    assert refused["Retry-After"].isdigit()
    assert not reset_tasks().exists()


def test_reset_tokens_stay_out_of_the_logs():
    from partnership.logfilters import redact

    assert redact('"GET /admin/reset/MTI/cd3f-0a1b2c/ HTTP/1.1" 302') == (
        '"GET /admin/reset/…/…/ HTTP/1.1" 302'
    )


# -- A county closes a cycle: the coordinators hear of it --------------------------------------


def coordinator(name, email, active=True, voivodeships=(MAZOWIECKIE,)):
    return make_user(name, COORDINATOR, voivodeships=voivodeships, email=email, is_active=active)


@pytest.fixture
def coordinators():
    """Mazowieckie's (the records'), with and without an address, active or not; and
    Łódzkie's, who hears nothing of a Mazovian county."""
    return [
        coordinator("koordynatorka", "k1@example.org"),
        coordinator("koordynator", "k2@example.org"),
        coordinator("bez.adresu", ""),
        coordinator("byly", "byly@example.org", active=False),
        coordinator("lodz", "lodz@example.org", voivodeships=(LODZKIE,)),
    ]


def set_status(client, cycle, status, **changes):
    address, form = admin_change_form(client, cycle)
    form["status"] = status
    for name, value in changes.items():
        form[name] = value
    response = client.post(address, form.data())
    assert response.status_code == 302, response.content.decode()[:2000]


def test_coordinators_e_mailed_when_a_county_completes_a_cycle(
    staff_client, coordinators, smtp_server, run_tasks
):
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    WorkshopCycle.objects.filter(pk=cycle.pk).update(status=WorkshopCycle.Status.IN_PROGRESS)
    cycle.refresh_from_db()
    set_status(staff_client, cycle, WorkshopCycle.Status.COMPLETED)
    assert smtp_server.messages == []
    run_tasks()
    assert sorted(r for m in smtp_server.messages for r in m.rcpt_tos) == [
        "k1@example.org",
        "k2@example.org",
    ]
    received = smtp_server.messages[0]
    assert "powiat płocki" in received.subject
    assert cycle.title in received.subject
    assert f"/admin/workshops/workshopcycle/{cycle.pk}/change/" in received.text
    # Saving it again, completed, tells no one again.
    set_status(staff_client, cycle, WorkshopCycle.Status.COMPLETED, title=cycle.title + " ")
    run_tasks()
    assert len(smtp_server.messages) == 2


def test_other_changes_tell_no_one(staff_client, coordinators, smtp_server, run_tasks):
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    WorkshopCycle.objects.filter(pk=cycle.pk).update(status=WorkshopCycle.Status.PLANNED)
    cycle.refresh_from_db()
    set_status(staff_client, cycle, WorkshopCycle.Status.IN_PROGRESS)
    run_tasks()
    assert smtp_server.messages == []


def test_the_recipients_are_active_coordinators_with_an_address(coordinators):
    from accounts.scoping import coordinators_to_notify

    county_staff = county_staff_user("nie.koordynator")
    county_staff.email = "plock@example.org"
    county_staff.save()
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    names = coordinators_to_notify(county=cycle.county).values_list("username", flat=True)
    assert list(names) == ["koordynatorka", "koordynator"]


def test_only_the_coordinators_of_the_county_s_voivodeship_are_told(coordinators, national_units):
    from accounts.scoping import coordinators_to_notify

    both = coordinator("oba", "oba@example.org", voivodeships=(MAZOWIECKIE, LODZKIE))
    lodz_county = County.objects.get(code="1061")  # Łódź, a city with county rights
    told = coordinators_to_notify(county=lodz_county).values_list("username", flat=True)
    assert list(told) == ["lodz", "oba"]
    plock = WorkshopCycle.objects.get(slug=PLOCK_2017).county
    told = coordinators_to_notify(county=plock).values_list("username", flat=True)
    assert list(told) == ["koordynatorka", "koordynator", both.username]


def test_a_coordinator_cannot_complete_a_cycle(client, coordinators):
    staff_login(client, coordinators[0])
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    response = client.post(
        reverse("admin:workshops_workshopcycle_change", args=[cycle.pk]), {"status": "completed"}
    )
    assert response.status_code == 403
    assert not DBTaskResult.objects.exists()


# -- EMAIL_URL ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", (CONSOLE, "localhost", 25, "", "", False, False)),
        ("console://", (CONSOLE, "localhost", 25, "", "", False, False)),
        ("dummy://", (DUMMY, "localhost", 25, "", "", False, False)),
        ("smtp://relay.local", (SMTP, "relay.local", 25, "", "", False, False)),
        (
            "smtp+tls://pup%40plock.pl:ha%3Aslo@poczta.example.org",
            (SMTP, "poczta.example.org", 587, "pup@plock.pl", "ha:slo", True, False),
        ),
        (
            "submission://u:p@mx.example.org:2525",
            (SMTP, "mx.example.org", 2525, "u", "p", True, False),
        ),
        ("smtps://u:p@mx.example.org", (SMTP, "mx.example.org", 465, "u", "p", False, True)),
    ],
)
def test_email_url(url, expected):
    config = email_config(url)
    assert (
        config.backend,
        config.host,
        config.port,
        config.user,
        config.password,
        config.use_tls,
        config.use_ssl,
    ) == expected


@pytest.mark.parametrize(
    "url", ["http://mail.example.org", "smtp://", "smtp://host:notaport", "smtp://h?timeout=0"]
)
def test_a_wrong_email_url_stops_the_start(url):
    with pytest.raises(ImproperlyConfigured):
        email_config(url)


def test_email_url_timeout():
    assert email_config("smtp://h?timeout=5").timeout == 5
    assert email_config("smtp://h").timeout == 30


def test_the_roles_hold_every_permission_after_the_migrations():
    """The role migrations skip permissions that later migrations add; the last one
    applies them, so the groups end up exactly as ``ROLE_PERMISSIONS`` says."""
    from accounts.roles import ROLE_PERMISSIONS

    for role, per_app in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=GROUP_NAMES[role])
        held = set(group.permissions.values_list("content_type__app_label", "codename"))
        wanted = {
            (app, f"{action}_{model}")
            for app, models in per_app.items()
            for model, actions in models.items()
            for action in actions
        }
        assert held == wanted, role
    staff = Group.objects.get(name=GROUP_NAMES[COUNTY_STAFF])
    assert staff.permissions.filter(codename="email_certificate").exists()
    coordinators = Group.objects.get(name=GROUP_NAMES[COORDINATOR])
    assert not coordinators.permissions.filter(codename="email_certificate").exists()
