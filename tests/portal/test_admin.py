"""The admin: every registered model's pages open for a superuser, lists do not grow
their query count with their rows, and a project idea's status follows its history.

The smoke tests iterate over ``admin.site._registry``, so a model registered later is
covered without touching this file (its records must hold at least one object, or the
``objects`` fixture must create one).
"""

import datetime
import itertools

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from programmes.models import (
    AgreementParty,
    AgreementSignatory,
    County,
    EventSpeaker,
    Municipality,
    Organisation,
    PartnershipAgreement,
    Person,
    Programme,
    ProgrammeEvent,
    Sector,
)
from projects.models import ProjectIdea, Status, StatusChange, Theme
from tests.records import PLOCK, PLOCK_2017
from workshops.models import Attendance, Attendee, Certificate, CycleRole, Session, WorkshopCycle

pytestmark = pytest.mark.django_db

D = datetime.date
REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
CHANGELIST_MAX_QUERIES = 12
BATCHES = itertools.count()  # keeps identifiers unique when factories run twice


def params(condition=lambda model_admin: True):
    return [
        pytest.param(model, model_admin, id=model._meta.label)
        for model, model_admin in REGISTERED
        if condition(model_admin)
    ]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def cycle_with_sessions():
    return WorkshopCycle.objects.get(slug=PLOCK_2017)


def register_attendees(n, prefix="Test"):
    """``n`` attendees of one cycle, each at its first session and holding a certificate."""
    batch = next(BATCHES)
    cycle = cycle_with_sessions()
    session = cycle.sessions.order_by("ordinal").first()
    attendees = Attendee.objects.bulk_create(
        Attendee(cycle=cycle, full_name=f"{prefix} Uczestnik {i:03}", email=f"u{i}@example.org")
        for i in range(n)
    )
    Attendance.objects.bulk_create(Attendance(attendee=a, session=session) for a in attendees)
    Certificate.objects.bulk_create(
        Certificate(
            attendee=a,
            cycle=cycle,
            number=f"{prefix}/{batch}/{i:03}",
            issued_on=D(2017, 12, 1),
            issued_by="Dyrektor PUP",
        )
        for i, a in enumerate(attendees)
    )
    return attendees


@pytest.fixture
def admin_user(django_user_model):
    """A superuser without a password: ``admin_client`` logs in with ``force_login``, and
    hashing a password for every test would cost most of the suite's time."""
    return django_user_model.objects.create_superuser("admin", "admin@example.org", None)


@pytest.fixture
def objects(admin_user, django_user_model):
    """Records the fixtures do not hold: personal data is never part of them."""
    register_attendees(1, prefix="Smoke")
    # A failed-login counter of django-axes (its admin list is where a lockout is lifted).
    AccessAttempt.objects.create(
        username="smoke", ip_address="192.0.2.1", user_agent="pytest", failures_since_start=1
    )
    # A queued background task (django-tasks) and a set of recovery codes (django-otp).
    from accounts.twofactor import recovery_codes_replace
    from workshops.tasks import cycle_completed_notify

    cycle_completed_notify.enqueue(cycle_id=cycle_with_sessions().pk)
    recovery_codes_replace(user=django_user_model.objects.get(username="admin"))
    # A certificate template (its images are optional).
    from programmes.models import County
    from workshops.models import CertificateTemplate

    CertificateTemplate.objects.create(county=County.objects.get(code="1419"))


def existing(model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"No {model._meta.label} to open: create one in the `objects` fixture."
    return obj


# --------------------------------------------------------------------------------------
# Smoke: every page of every registered model
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "model_admin"), params())
def test_changelist_add_and_change_pages_open(admin_client, objects, model, model_admin):
    obj = existing(model)
    pages = [url(model, "changelist"), url(model, "change", obj.pk)]
    if hasattr(model_admin, "history_view"):
        pages.append(url(model, "history", obj.pk))
    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
    # Some records are only created through a service (certificates: the cycle's screen).
    expected_add = 200 if model_admin.has_add_permission(FakeRequest()) else 403
    assert admin_client.get(url(model, "add")).status_code == expected_add


class FakeRequest:
    """Enough of a superuser's request for ``has_add_permission``."""

    class user:  # noqa: N801 - mimics request.user
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(perm, obj=None):
            return True


def search_term(obj, search_fields):
    """A value the object holds in one of the admin's search fields."""
    for field in search_fields:
        value = obj
        for part in field.lstrip("^=@").split("__"):
            value = getattr(value, part, None)
        if value and '"' not in str(value) and "'" not in str(value):
            return str(value)
    pytest.fail(f"{obj!r} has no value in any of {search_fields}")


@pytest.mark.parametrize(("model", "model_admin"), params(lambda a: a.search_fields))
def test_changelist_search_finds_an_object(admin_client, objects, model, model_admin):
    obj = existing(model)
    response = admin_client.get(
        url(model, "changelist"), {"q": search_term(obj, model_admin.search_fields)}
    )
    assert response.status_code == 200
    assert obj in response.context["cl"].result_list


@pytest.mark.parametrize(("model", "model_admin"), params(lambda a: a.list_filter))
def test_changelist_filter_applies(admin_client, objects, model, model_admin):
    changelist = url(model, "changelist")
    cl = admin_client.get(changelist).context["cl"]
    assert cl.filter_specs, "no filter has any choice on the records"
    choice = next(c for c in cl.filter_specs[0].choices(cl) if not c["selected"])
    response = admin_client.get(changelist + choice["query_string"])
    assert response.status_code == 200  # an invalid lookup would redirect with ?e=1
    assert response.context["cl"].result_count <= cl.result_count


def test_anonymous_users_are_sent_to_the_login_page(client):
    for page in [reverse("admin:index"), url(ProjectIdea, "changelist"), url(Attendee, "add")]:
        response = client.get(page)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_the_site_is_called_local_partnership_portal():
    with translation.override("en"):
        assert str(admin.site.site_header) == "Local Partnership Portal"
        assert str(admin.site.site_title) == "Local Partnership Portal"
        assert str(admin.site.index_title) == "Local Partnership Portal"


# --------------------------------------------------------------------------------------
# Query counts: a changelist costs the same with a few rows and with many
# --------------------------------------------------------------------------------------


def more_organisations(n):
    batch = next(BATCHES)
    county = County.objects.get(code=PLOCK)
    parent = Organisation.objects.order_by("pk").first()
    return Organisation.objects.bulk_create(
        Organisation(
            slug=f"test-org-{batch}-{i}",
            name=f"Organizacja {i}",
            sector=Sector.NGO,
            county=county,
            voivodeship=county.voivodeship,
            parent=parent,
        )
        for i in range(n)
    )


def more_people(n):
    batch = next(BATCHES)
    return Person.objects.bulk_create(
        Person(slug=f"test-person-{batch}-{i}", full_name=f"Osoba {i}") for i in range(n)
    )


def more_municipalities(n):
    batch = next(BATCHES)
    county = County.objects.get(code=PLOCK)
    Municipality.objects.bulk_create(
        # Seven digits, however many batches ran before in this process.
        Municipality(code=f"99{batch % 100:02}{i:03}", county=county, name=f"Gmina {i}", kind="2")
        for i in range(n)
    )


def more_programmes(n):
    batch = next(BATCHES)
    operator = Organisation.objects.order_by("pk").first()
    Programme.objects.bulk_create(
        Programme(
            slug=f"test-programme-{batch}-{i}",
            name=f"Edycja {i}",
            operator=operator,
            implementing_institution=operator,
            date_start=D(2003 + i % 10, 1, 1),
            date_end=D(2003 + i % 10, 12, 31),
            date_precision="year",
        )
        for i in range(n)
    )


def more_agreements(n):
    batch = next(BATCHES)
    programme = Programme.objects.order_by("pk").first()
    county = County.objects.get(code=PLOCK)
    return PartnershipAgreement.objects.bulk_create(
        PartnershipAgreement(
            slug=f"test-agreement-{batch}-{i}",
            title=f"Porozumienie {i}",
            programme=programme,
            county=county,
            date_start=D(2005, 1 + i % 12, 1),
            date_end=D(2005, 1 + i % 12, 28),
            date_precision="month",
            partner_count=i,
            partner_count_precision="approx",
        )
        for i in range(n)
    )


def more_parties(n):
    agreement = more_agreements(1)[0]
    return AgreementParty.objects.bulk_create(
        AgreementParty(agreement=agreement, organisation=org, position=i)
        for i, org in enumerate(more_organisations(n))
    )


def more_signatories(n):
    people = more_people(n)
    AgreementSignatory.objects.bulk_create(
        AgreementSignatory(party=party, person=person, function="wójt")
        for party, person in zip(more_parties(n), people, strict=True)
    )


def more_events(n):
    batch = next(BATCHES)
    programme = Programme.objects.order_by("pk").first()
    county = County.objects.get(code=PLOCK)
    organiser = Organisation.objects.order_by("pk").first()
    return ProgrammeEvent.objects.bulk_create(
        ProgrammeEvent(
            slug=f"test-event-{batch}-{i}",
            kind=ProgrammeEvent.Kind.PROMOTION,
            title=f"Spotkanie {i}",
            programme=programme,
            county=county,
            organiser=organiser,
            date_start=D(2006, 3, 1),
            date_end=D(2006, 3, 1),
            invitations_sent=1000,
            invitations_sent_precision="more_than",
            attendance=100,
            attendance_precision="approx",
        )
        for i in range(n)
    )


def more_speakers(n):
    event = more_events(1)[0]
    organisation = Organisation.objects.order_by("pk").first()
    EventSpeaker.objects.bulk_create(
        EventSpeaker(event=event, person=person, organisation=organisation, position=i)
        for i, person in enumerate(more_people(n))
    )


def more_cycles(n):
    batch = next(BATCHES)
    programme = Programme.objects.order_by("pk").first()
    return WorkshopCycle.objects.bulk_create(
        WorkshopCycle(
            slug=f"test-cycle-{batch}-{i}",
            title=f"Cykl {i}",
            programme=programme,
            county=County.objects.order_by("code")[i % 40],
            date_start=D(2008, 1, 1),
            date_end=D(2008, 12, 31),
            date_precision="year",
        )
        for i in range(n)
    )


def more_sessions(n):
    cycle = more_cycles(1)[0]
    Session.objects.bulk_create(
        Session(cycle=cycle, ordinal=i + 1, attendance=40, attendance_precision="approx")
        for i in range(n)
    )


def more_roles(n):
    cycle = more_cycles(1)[0]
    session = Session.objects.create(cycle=cycle, ordinal=1)
    organisation = Organisation.objects.order_by("pk").first()
    CycleRole.objects.bulk_create(
        CycleRole(
            cycle=cycle,
            session=session,
            role=CycleRole.Role.EXPERT,
            person=person,
            organisation=organisation,
            position=i + 1,
        )
        for i, person in enumerate(more_people(n))
    )


def more_ideas(n):
    batch = next(BATCHES)
    cycle = cycle_with_sessions()
    event = ProgrammeEvent.objects.order_by("pk").first()
    ideas = ProjectIdea.objects.bulk_create(
        ProjectIdea(
            slug=f"test-idea-{batch}-{i}",
            title=f"Pomysł {i}",
            cycle=cycle if i % 2 else None,
            event=None if i % 2 else event,
            county=cycle.county,
            status=Status.SELECTED,
        )
        for i in range(n)
    )
    themes = list(Theme.objects.all()[:2])
    ProjectIdea.themes.through.objects.bulk_create(
        ProjectIdea.themes.through(projectidea=idea, theme=theme)
        for idea in ideas
        for theme in themes
    )
    StatusChange.objects.bulk_create(
        StatusChange(project=idea, status=Status.SELECTED, date_start=D(2017, 6, 1))
        for idea in ideas
    )


MORE_ROWS = {
    Organisation: more_organisations,
    Person: more_people,
    Municipality: more_municipalities,
    Programme: more_programmes,
    PartnershipAgreement: more_agreements,
    AgreementParty: more_parties,
    AgreementSignatory: more_signatories,
    ProgrammeEvent: more_events,
    EventSpeaker: more_speakers,
    WorkshopCycle: more_cycles,
    Session: more_sessions,
    CycleRole: more_roles,
    Attendee: lambda n: register_attendees(n, prefix="Many"),
    Attendance: lambda n: register_attendees(n, prefix="Many"),
    Certificate: lambda n: register_attendees(n, prefix="Many"),
    ProjectIdea: more_ideas,
    StatusChange: more_ideas,
}


def changelist_queries(admin_client, model):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


@pytest.mark.parametrize(("model", "model_admin"), params())
def test_changelist_query_count_is_bounded(
    admin_client, objects, model, model_admin, django_assert_max_num_queries
):
    admin_client.get(url(model, "changelist"))  # warm the session and caches
    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        admin_client.get(url(model, "changelist"))


@pytest.mark.parametrize("model", list(MORE_ROWS), ids=lambda model: model._meta.label)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, objects, model):
    admin_client.get(url(model, "changelist"))  # warm the session and caches
    few_queries, few_rows = changelist_queries(admin_client, model)
    MORE_ROWS[model](50)
    many_queries, many_rows = changelist_queries(admin_client, model)
    assert many_rows >= few_rows + 50
    assert many_queries == few_queries


# --------------------------------------------------------------------------------------
# What the pages show
# --------------------------------------------------------------------------------------


def test_lists_show_dates_and_figures_as_the_records_know_them(admin_client):
    (event,) = more_events(1)
    content = admin_client.get(url(ProgrammeEvent, "changelist")).content.decode()
    with translation.override("pl"):
        shown = [str(event.dates), str(event.invitations), str(event.attendance_figure)]
    for text in shown:
        assert escape(text) in content


def form_fields(response):
    return set(response.context["adminform"].form.fields)


def test_record_keeping_fields_are_read_only(admin_client, objects):
    certificate = existing(Certificate)
    response = admin_client.get(url(Certificate, "change", certificate.pk))
    # An issued certificate is read-only, every field of it: issuing, revoking (with a
    # reason) and re-issuing go through the certificate services.
    assert form_fields(response) == set()
    assert {"number", "attendee", "issued_on", "issued_by", "revoked_at"} <= set(
        response.context["adminform"].readonly_fields
    )

    attendee = existing(Attendee)
    response = admin_client.get(url(Attendee, "change", attendee.pk))
    assert "anonymised_at" not in form_fields(response)
    assert "anonymised_at" in response.context["adminform"].readonly_fields

    idea = existing(ProjectIdea)
    assert "status" not in form_fields(admin_client.get(url(ProjectIdea, "change", idea.pk)))


def test_agreement_parties_link_to_their_page_with_signatories(admin_client):
    party = existing(AgreementParty)
    response = admin_client.get(url(PartnershipAgreement, "change", party.agreement_id))
    assert url(AgreementParty, "change", party.pk) in response.content.decode()
    response = admin_client.get(url(AgreementParty, "change", party.pk))
    inlines = [formset.opts.model for formset in response.context["inline_admin_formsets"]]
    assert inlines == [AgreementSignatory]


def test_attendance_inline_offers_only_the_attendees_cycle_sessions(admin_client, objects):
    attendee = existing(Attendee)
    response = admin_client.get(url(Attendee, "change", attendee.pk))
    (formset,) = response.context["inline_admin_formsets"]
    sessions = formset.formset.empty_form.fields["session"].queryset
    assert set(sessions) == set(attendee.cycle.sessions.all())


# --------------------------------------------------------------------------------------
# A project idea's status follows its history
# --------------------------------------------------------------------------------------


def history_rows(rows, prefix="status_history"):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, (status, start, end, precision) in enumerate(rows):
        data |= {
            f"{prefix}-{i}-status": status,
            f"{prefix}-{i}-date_start": start,
            f"{prefix}-{i}-date_end": end,
            f"{prefix}-{i}-date_precision": precision,
            f"{prefix}-{i}-note": "",
        }
    return data


def form_errors(response):
    if response.status_code != 200 or not response.context:
        return None
    errors = [response.context["adminform"].form.errors]
    errors += [f.formset.errors for f in response.context["inline_admin_formsets"]]
    errors += [f.formset.non_form_errors() for f in response.context["inline_admin_formsets"]]
    return errors


def add_idea(admin_client, rows, **extra):
    cycle = cycle_with_sessions()
    data = {"slug": "admin-idea", "title": "Pomysł z panelu", "cycle": cycle.pk, **extra}
    response = admin_client.post(url(ProjectIdea, "add"), data | history_rows(rows))
    assert response.status_code == 302, form_errors(response)
    return ProjectIdea.objects.get(slug="admin-idea")


def test_saving_an_idea_sets_its_status_from_the_history_inline(admin_client):
    rows = [
        ("selected", "2017-06-01", "2017-06-30", "month"),
        ("proposed", "2017-03-15", "2017-03-15", "day"),
    ]
    idea = add_idea(admin_client, rows, status=Status.COMPLETED)  # read-only: ignored
    assert idea.status == Status.SELECTED
    assert idea.status_history.count() == 2


def test_an_idea_saved_without_history_is_proposed(admin_client):
    assert add_idea(admin_client, []).status == Status.PROPOSED


def test_editing_the_history_on_its_own_page_keeps_the_status_in_step(admin_client):
    idea = add_idea(admin_client, [("proposed", "2017-03-15", "2017-03-15", "day")])
    response = admin_client.post(
        url(StatusChange, "add"),
        {
            "project": idea.pk,
            "status": Status.IN_PROGRESS,
            "date_start": "2018-01-01",
            "date_end": "2018-12-31",
            "date_precision": "year",
            "note": "",
        },
    )
    assert response.status_code == 302, form_errors(response)
    idea.refresh_from_db()
    assert idea.status == Status.IN_PROGRESS

    latest = idea.status_history.get(status=Status.IN_PROGRESS)
    response = admin_client.post(url(StatusChange, "delete", latest.pk), {"post": "yes"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Status.PROPOSED


def test_deleting_history_in_bulk_keeps_every_status_in_step(admin_client):
    idea = add_idea(
        admin_client,
        [
            ("proposed", "2017-03-15", "2017-03-15", "day"),
            ("not_pursued", "2018-01-01", "2018-12-31", "year"),
        ],
    )
    assert idea.status == Status.NOT_PURSUED
    entry = idea.status_history.get(status=Status.NOT_PURSUED)
    response = admin_client.post(
        url(StatusChange, "changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Status.PROPOSED


def test_the_history_inline_refuses_a_status_twice(admin_client):
    cycle = cycle_with_sessions()
    rows = [
        ("selected", "2017-06-01", "2017-06-30", "month"),
        ("selected", "2017-07-01", "2017-07-31", "month"),
    ]
    data = {"slug": "admin-idea", "title": "Pomysł z panelu", "cycle": cycle.pk}
    response = admin_client.post(url(ProjectIdea, "add"), data | history_rows(rows))
    assert response.status_code == 200
    assert not ProjectIdea.objects.filter(slug="admin-idea").exists()
    (history,) = response.context["inline_admin_formsets"]
    assert history.formset.non_form_errors() or any(history.formset.errors)
