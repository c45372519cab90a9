"""Every staff URL × every kind of user × read and write.

The subject records belong to powiat płocki (1419), in Mazowieckie. The kinds of user: its
county staff, another county's, Mazowieckie's coordinator, another voivodeship's
coordinator (Łódzkie), a deactivated clerk and nobody. For each cell the test asserts the
HTTP status and, for writes, that the database changed exactly when it was allowed to.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from accounts.roles import ADMINISTRATOR, COORDINATOR, COUNTY_STAFF
from programmes.models import (
    AgreementParty,
    AgreementSignatory,
    County,
    PartnershipAgreement,
    SchemeSession,
)
from projects.models import ProjectIdea, StatusChange
from tests.conftest import staff_login, verified_login
from tests.factories import make_user
from tests.htmlforms import admin_change_form
from tests.records import LODZKIE, LOSICE, LOSICE_2017, MAZOWIECKIE, PLOCK, PLOCK_2017
from workshops.import_previews import IMPORT_PREVIEW_RETENTION
from workshops.models import (
    Attendance,
    Attendee,
    Certificate,
    CertificateDelivery,
    CertificateTemplate,
    CycleRole,
    ImportPreviewUpload,
    Session,
    WorkshopCycle,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "own_staff",
    "other_staff",
    "coordinator",
    "other_coordinator",
    "administrator",
    "deactivated",
]
# A 1×1 PNG: the template's logo and signature as stored (uploads are checked elsewhere).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc000000301010018dd8db40000000049454e44ae426082"
)


@pytest.fixture
def world():
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    cycle.certificate_min_sessions = 1
    cycle.save()
    attendee = Attendee.objects.create(
        cycle=cycle, full_name="Teodor Macierz", email="teodor@example.org", email_consent=True
    )
    second = Attendee.objects.create(cycle=cycle, full_name="Urszula Macierz")
    session = cycle.sessions.get(ordinal=1)
    attendance = Attendance.objects.create(attendee=attendee, session=session)
    Attendance.objects.create(attendee=second, session=session)
    certificate = Certificate.objects.create(
        attendee=attendee,
        cycle=cycle,
        number="1419/2017/900",
        issued_on=datetime.date(2017, 12, 7),
        issued_by="Dyrektor PUP",
    )
    agreement = PartnershipAgreement.objects.get(slug="2003-11-18-porozumienie-powiat-plocki")
    idea = ProjectIdea.objects.get(slug="dowozik")
    template = CertificateTemplate(county=cycle.county)
    template.logo.save("logo.png", ContentFile(PNG), save=False)
    template.signature.save("podpis.png", ContentFile(PNG), save=False)
    template.save()
    edition = cycle.programme
    if not edition.scheme_sessions.exists():
        SchemeSession.objects.create(programme=edition, number=1, topic="Diagnoza")
    return {
        "template": template,
        "edition": edition,
        "cycle": cycle,
        "session": session,
        "attendee": attendee,
        "second": second,
        "attendance": attendance,
        "certificate": certificate,
        "agreement": agreement,
        "party": AgreementParty.objects.filter(agreement=agreement).first(),
        "signatory": AgreementSignatory.objects.filter(party__agreement=agreement).first(),
        "idea": idea,
        "status_change": StatusChange.objects.filter(project=idea).first(),
        "role": CycleRole.objects.filter(cycle=cycle).first(),
    }


@pytest.fixture
def login(client):
    users = {
        "own_staff": lambda: make_user("plock", COUNTY_STAFF, [PLOCK]),
        "other_staff": lambda: make_user("losice", COUNTY_STAFF, [LOSICE]),
        "coordinator": lambda: make_user("koordynator", COORDINATOR, voivodeships=[MAZOWIECKIE]),
        "other_coordinator": lambda: make_user("lodz", COORDINATOR, voivodeships=[LODZKIE]),
        "administrator": lambda: make_user("administrator", ADMINISTRATOR),
        "deactivated": lambda: make_user("byly", COUNTY_STAFF, [PLOCK], is_active=False),
    }

    def as_role(role):
        if role != "anonymous":
            staff_login(client, users[role]())
        return client

    return as_role


def admin_url(obj, view="change"):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


# -- Reads ---------------------------------------------------------------------------------

READS: dict[str, Callable[[dict], str]] = {
    "cycle change": lambda w: admin_url(w["cycle"]),
    "cycle history": lambda w: admin_url(w["cycle"], "history"),
    "session change": lambda w: admin_url(w["session"]),
    "cycle role change": lambda w: admin_url(w["role"]),
    "attendee change": lambda w: admin_url(w["attendee"]),
    "attendee history": lambda w: admin_url(w["attendee"], "history"),
    "attendee export": lambda w: admin_url(w["attendee"], "export"),
    "attendee erase (confirm page)": lambda w: admin_url(w["attendee"], "anonymise"),
    "attendance change": lambda w: admin_url(w["attendance"]),
    "certificate change": lambda w: admin_url(w["certificate"]),
    "certificate pdf": lambda w: admin_url(w["certificate"], "pdf"),
    "agreement change": lambda w: admin_url(w["agreement"]),
    "agreement party change": lambda w: admin_url(w["party"]),
    "signatory change": lambda w: admin_url(w["signatory"]),
    "project idea change": lambda w: admin_url(w["idea"]),
    "status change change": lambda w: admin_url(w["status_change"]),
    "attendance register": lambda w: reverse(
        "admin:workshops_workshopcycle_attendance", args=[w["cycle"].pk]
    ),
    "sign-in sheets": lambda w: reverse(
        "admin:workshops_workshopcycle_attendance_sheets", args=[w["cycle"].pk]
    ),
    "attendee list csv": lambda w: (
        reverse("admin:workshops_workshopcycle_attendance_list", args=[w["cycle"].pk])
        + "?format=csv"
    ),
    "attendee list xlsx": lambda w: (
        reverse("admin:workshops_workshopcycle_attendance_list", args=[w["cycle"].pk])
        + "?format=xlsx"
    ),
    "import screen": lambda w: reverse(
        "admin:workshops_workshopcycle_import", args=[w["cycle"].pk]
    ),
    "import template": lambda w: (
        reverse("admin:workshops_workshopcycle_import_template", args=[w["cycle"].pk])
        + "?format=csv"
    ),
    "certificates screen": lambda w: reverse(
        "admin:workshops_workshopcycle_certificates", args=[w["cycle"].pk]
    ),
    "certificates bulk pdf": lambda w: reverse(
        "admin:workshops_workshopcycle_certificates_pdf", args=[w["cycle"].pk]
    ),
    "report for the county": lambda w: (
        reverse("reports:overview") + f"?county={w['cycle'].county_id}"
    ),
    "report export for the county": lambda w: (
        reverse("reports:export", kwargs={"table": "counties", "fmt": "csv"})
        + f"?county={w['cycle'].county_id}"
    ),
    "start page": lambda w: reverse("desk:home"),
    "new cycle (guided form)": lambda w: reverse("admin:workshops_workshopcycle_new"),
    "certificate templates": lambda w: reverse("admin:workshops_certificatetemplate_changelist"),
    "certificate template change": lambda w: admin_url(w["template"]),
    "certificate template logo": lambda w: admin_url(w["template"], "logo"),
    "certificate template signature": lambda w: admin_url(w["template"], "signature"),
    "editions": lambda w: reverse("admin:programmes_programme_changelist"),
    "edition with its scheme sessions": lambda w: admin_url(w["edition"]),
}
# The report of a county the user may not see is a form error (400), not a 404.
REPORTS = {"report for the county", "report export for the county"}
# Pages not tied to one county's record: another county's staff see them too (the start
# page and the new-cycle form with their own counties; editions are the whole region's).
NOT_COUNTY_RECORDS = [
    "start page",
    "new cycle (guided form)",
    "certificate templates",
    "editions",
    "edition with its scheme sessions",
]

# Mazowieckie's coordinator reads its counties' records; the erase confirmation needs the
# change permission.
COORDINATOR_READ = {name: 200 for name in READS} | {
    "attendee erase (confirm page)": 403,
    "import screen": 403,
    "import template": 403,
    "new cycle (guided form)": 403,
}
READ_EXPECTED = {
    "anonymous": dict.fromkeys(READS, 302),
    "deactivated": dict.fromkeys(READS, 302),
    "own_staff": dict.fromkeys(READS, 200),
    "other_staff": dict.fromkeys(READS, 404)
    | dict.fromkeys(REPORTS, 400)
    | dict.fromkeys(NOT_COUNTY_RECORDS, 200),
    "coordinator": COORDINATOR_READ,
    # Another voivodeship's coordinator: Mazowieckie's records are not found for them, even
    # where a permission no coordinator holds would refuse them anyway.
    "other_coordinator": dict.fromkeys(READS, 404)
    | dict.fromkeys(REPORTS, 400)
    | {name: COORDINATOR_READ[name] for name in NOT_COUNTY_RECORDS},
    "administrator": dict.fromkeys(READS, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(READS))
def test_read(world, login, role, name):
    response = login(role).get(READS[name](world))
    assert response.status_code == READ_EXPECTED[role][name]
    if response.status_code == 302:
        assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("role", ["other_staff", "other_coordinator"])
def test_changelists_show_only_own_county_rows(world, login, role):
    client = login(role)
    for model in (WorkshopCycle, Attendee, Attendance, Certificate, ProjectIdea, Session):
        response = client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        )
        assert response.status_code == 200
        shown = {obj.pk for obj in response.context["cl"].result_list}
        assert not shown & set(
            model.objects.filter(
                pk__in=[w.pk for w in world.values() if isinstance(w, model)]
            ).values_list("pk", flat=True)
        ), model


# -- Writes --------------------------------------------------------------------------------


@dataclass
class Write:
    url: Callable[[dict], str]
    data: Callable[[dict], dict]
    changed: Callable[[dict], bool]  # did the write take effect?


def _attendee_form(w, **override):
    attendee = w["attendee"]
    data = {
        "cycle": attendee.cycle_id,
        "full_name": attendee.full_name,
        "organisation_name": "",
        "sector": "",
        "email": attendee.email,
        "phone": "",
        "consent_note": "",
        "attendances-TOTAL_FORMS": "0",
        "attendances-INITIAL_FORMS": "0",
        "attendances-MIN_NUM_FORMS": "0",
        "attendances-MAX_NUM_FORMS": "1000",
    }
    return data | override


def _import_preview_token(w) -> str:
    """A list of one new person previewed by the user logged in last (the role's user)."""
    user = User.objects.order_by("pk").last()
    if user is None:  # anonymous: nobody has previewed anything
        return "no-preview"
    row = {"row": 2, "full_name": "Wiktor Importowany", "sessions": [1], "attendee_id": None}
    return ImportPreviewUpload.objects.create(
        cycle=w["cycle"],
        user=user,
        filename="lista.csv",
        rows=[row],
        expires_at=timezone.now() + IMPORT_PREVIEW_RETENTION,
    ).token


WRITES: dict[str, Write] = {
    "rename attendee": Write(
        lambda w: admin_url(w["attendee"]),
        lambda w: _attendee_form(w, full_name="Teodor Zmieniony"),
        lambda w: Attendee.objects.filter(full_name="Teodor Zmieniony").exists(),
    ),
    "add attendee": Write(
        lambda w: reverse("admin:workshops_attendee_add"),
        lambda w: _attendee_form(w, full_name="Nowa Osoba", email=""),
        lambda w: Attendee.objects.filter(full_name="Nowa Osoba").exists(),
    ),
    "delete attendee": Write(
        lambda w: admin_url(w["second"], "delete"),
        lambda w: {"post": "yes"},
        lambda w: not Attendee.objects.filter(pk=w["second"].pk).exists(),
    ),
    "delete session": Write(
        lambda w: admin_url(w["cycle"].sessions.get(ordinal=5), "delete"),
        lambda w: {"post": "yes"},
        lambda w: not w["cycle"].sessions.filter(ordinal=5).exists(),
    ),
    "delete status change": Write(
        lambda w: admin_url(w["status_change"], "delete"),
        lambda w: {"post": "yes"},
        lambda w: not StatusChange.objects.filter(pk=w["status_change"].pk).exists(),
    ),
    "save attendance register": Write(
        lambda w: reverse("admin:workshops_workshopcycle_attendance", args=[w["cycle"].pk]),
        lambda w: {  # both shown ticked at session I, both cleared
            "session": [w["session"].pk],
            "row": [w["attendee"].pk, w["second"].pk],
            f"was{w['attendee'].pk}": str(w["session"].pk),
            f"was{w['second'].pk}": str(w["session"].pk),
        },
        lambda w: not Attendance.objects.filter(session__cycle=w["cycle"]).exists(),
    ),
    "issue certificates": Write(
        lambda w: reverse("admin:workshops_workshopcycle_certificates", args=[w["cycle"].pk]),
        lambda w: {"issued_by": "Dyrektor PUP"},
        lambda w: Certificate.objects.filter(attendee=w["second"]).exists(),
    ),
    "revoke certificate": Write(
        lambda w: admin_url(w["certificate"], "revoke"),
        lambda w: {"reason": "Test", "revoke": "1"},
        lambda w: Certificate.objects.filter(
            pk=w["certificate"].pk, revoked_at__isnull=False
        ).exists(),
    ),
    "confirm import": Write(
        lambda w: reverse("admin:workshops_workshopcycle_import_confirm", args=[w["cycle"].pk]),
        lambda w: {"token": _import_preview_token(w)},
        lambda w: Attendee.objects.filter(full_name="Wiktor Importowany").exists(),
    ),
    "e-mail the cycle's certificates": Write(
        lambda w: reverse("admin:workshops_workshopcycle_certificates_email", args=[w["cycle"].pk]),
        lambda w: {"action": "all"},
        lambda w: CertificateDelivery.objects.filter(certificate=w["certificate"]).exists(),
    ),
    "e-mail one certificate": Write(
        lambda w: admin_url(w["certificate"], "email"),
        lambda w: {"action": "send"},
        lambda w: CertificateDelivery.objects.filter(certificate=w["certificate"]).exists(),
    ),
    "erase attendee": Write(
        lambda w: admin_url(w["attendee"], "anonymise"),
        lambda w: {},
        lambda w: Attendee.objects.filter(
            pk=w["attendee"].pk, anonymised_at__isnull=False
        ).exists(),
    ),
    "create a cycle (guided form)": Write(
        lambda w: reverse("admin:workshops_workshopcycle_new"),
        lambda w: _new_cycle_form(w),
        lambda w: WorkshopCycle.objects.filter(title="Cykl z macierzy").exists(),
    ),
    "delete a certificate template": Write(
        lambda w: admin_url(w["template"], "delete"),
        lambda w: {"post": "yes"},
        lambda w: not CertificateTemplate.objects.filter(pk=w["template"].pk).exists(),
    ),
    "change an edition's scheme sessions": Write(
        lambda w: admin_url(w["edition"]),
        lambda w: _edition_form(w),
        lambda w: SchemeSession.objects.filter(topic="Temat z macierzy").exists(),
    ),
}


def _new_cycle_form(w) -> dict:
    """The guided form's last step: a 2017 Płock cycle of two sessions."""
    sessions = {
        "sessions-TOTAL_FORMS": "2",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    for n in range(2):
        sessions |= {
            f"sessions-{n}-number": str(n + 1),
            f"sessions-{n}-kind": "workshop",
            f"sessions-{n}-date": f"2017-0{n + 4}-10",
        }
    return sessions | {
        "step": "save",
        "county": w["cycle"].county_id,
        "programme": w["edition"].pk,
        "title": "Cykl z macierzy",
        "date_start": "2017-03-01",
        "date_end": "2017-11-30",
    }


def _edition_form(w) -> dict:
    """The edition's admin form as an administrator sees it, with its first scheme
    session's topic changed."""
    from django.test import Client

    admin = verified_login(Client(), make_user("redaktor", ADMINISTRATOR))
    _address, form = admin_change_form(admin, w["edition"])
    topic = next(name for name in form.values if name.endswith("-0-topic"))
    form[topic] = "Temat z macierzy"
    return form.data()


WRITE_EXPECTED = {
    "anonymous": (302, False),
    "deactivated": (302, False),
    "own_staff": (302, True),
    "other_staff": (404, False),
    "coordinator": (403, False),
    "other_coordinator": (404, False),
    "administrator": (302, True),
}
WRITE_EXCEPTIONS = {
    # Adding is not tied to an existing record: another county's staff get the form back
    # with an error (the Płock county is not among their choices) instead of a 404.
    ("add attendee", "other_staff"): (200, False),
    ("create a cycle (guided form)", "other_staff"): (200, False),
    # No record to look up: another voivodeship's coordinator, like any, may not add.
    ("add attendee", "other_coordinator"): (403, False),
    ("create a cycle (guided form)", "other_coordinator"): (403, False),
    # Editions and their scheme are the coordinators' (county staff only read them).
    ("change an edition's scheme sessions", "own_staff"): (403, False),
    ("change an edition's scheme sessions", "other_staff"): (403, False),
    ("change an edition's scheme sessions", "coordinator"): (302, True),
    ("change an edition's scheme sessions", "other_coordinator"): (302, True),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(WRITES))
def test_write(world, login, role, name):
    write = WRITES[name]
    client = login(role)
    response = client.post(write.url(world), write.data(world))
    expected = WRITE_EXCEPTIONS.get((name, role), WRITE_EXPECTED[role])
    assert (response.status_code, write.changed(world)) == expected


def test_saving_into_another_county_is_refused_with_a_message(world, login):
    client = login("own_staff")
    losice_cycle = WorkshopCycle.objects.get(slug=LOSICE_2017)
    response = client.post(
        admin_url(world["attendee"]), _attendee_form(world, cycle=losice_cycle.pk)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Attendee.objects.get(pk=world["attendee"].pk).cycle_id == world["cycle"].pk


def test_county_choice_offers_only_own_counties(world, login):
    client = login("own_staff")
    form = client.get(reverse("admin:workshops_workshopcycle_add")).context["adminform"].form
    assert set(form.fields["county"].queryset.values_list("code", flat=True)) == {PLOCK}


def test_a_permission_change_takes_effect_on_the_next_request(world, client):
    user = make_user("zmiana", COUNTY_STAFF, [PLOCK])
    staff_login(client, user)
    assert client.get(admin_url(world["attendee"])).status_code == 200
    user.staff_profile.counties.set(County.objects.filter(code=LOSICE))
    assert client.get(admin_url(world["attendee"])).status_code == 404


# -- Account pages: the second factor's screens and the password reset ----------------------

ACCOUNT_PAGES = {
    "second factor: code": lambda: reverse("accounts:otp_verify"),
    "second factor: set up": lambda: reverse("accounts:otp_setup"),
    "second factor: recovery codes": lambda: reverse("accounts:otp_recovery_codes"),
    "password reset": lambda: reverse("admin_password_reset"),
    "password reset sent": lambda: reverse("password_reset_done"),
    "password reset done": lambda: reverse("password_reset_complete"),
    "password reset link (not valid)": lambda: reverse(
        "password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-def"}
    ),
}
# The code screen sends everyone logged in on (to the set-up screen when they have no
# authenticator); the set-up screen opens for anyone logged in; the recovery codes for
# those who gave a second factor (here the coordinator); the reset pages for anyone.
_CLERK = {
    "second factor: code": 302,
    "second factor: set up": 200,
    "second factor: recovery codes": 302,
}
ACCOUNT_EXPECTED = {
    "anonymous": dict.fromkeys(_CLERK, 302),
    "deactivated": dict.fromkeys(_CLERK, 302),
    "own_staff": _CLERK,
    "other_staff": _CLERK,
    "coordinator": _CLERK | {"second factor: recovery codes": 200},
    "other_coordinator": _CLERK | {"second factor: recovery codes": 200},
    "administrator": _CLERK | {"second factor: recovery codes": 200},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(ACCOUNT_PAGES))
def test_account_pages(login, role, name):
    response = login(role).get(ACCOUNT_PAGES[name]())
    assert response.status_code == ACCOUNT_EXPECTED[role].get(name, 200)


# New recovery codes: only for someone who gave the second factor in this session.
RECOVERY_CODES_EXPECTED = {
    "anonymous": (302, False),
    "deactivated": (302, False),
    "own_staff": (302, False),
    "other_staff": (302, False),
    "coordinator": (200, True),
    "other_coordinator": (200, True),
    "administrator": (200, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_new_recovery_codes(login, role):
    response = login(role).post(reverse("accounts:otp_recovery_codes"))
    assert (response.status_code, StaticToken.objects.exists()) == RECOVERY_CODES_EXPECTED[role]


# A reset e-mail is queued for a staff member's address, never sent in the request.
def test_password_reset_queues_nothing_for_an_unknown_address(client):
    from django_tasks_db.models import DBTaskResult

    response = client.post(reverse("admin_password_reset"), {"email": "nikt@example.org"})
    assert response.status_code == 302
    assert not DBTaskResult.objects.exists()


MATRIX_CELLS = (len(READS) + len(WRITES) + len(ACCOUNT_PAGES) + 1) * len(ROLES)
