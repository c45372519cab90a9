"""The API's queries do not grow with the records: every list (a page of all its records)
and every record (with all it holds) in the same number of queries at 5 and at 500 rows,
within a bound per endpoint."""

from __future__ import annotations

import datetime

import pytest

from programmes.models import (
    AgreementParty,
    AgreementSignatory,
    County,
    EventSpeaker,
    Organisation,
    PartnershipAgreement,
    Person,
    Programme,
    ProgrammeEvent,
    Source,
    Voivodeship,
)
from projects.models import ProjectIdea, StatusChange, Theme
from tests.helpers import count_queries
from workshops.models import Attendance, Attendee, CycleRole, Session, WorkshopCycle

pytestmark = pytest.mark.django_db

API = "/api/v1/"
PROGRAMME = "api-rows"
VOIVODESHIP = "50"
DAY = datetime.date(2015, 5, 5)

# Endpoint -> the most queries it may take (a list's page of up to 500 records, or a
# record with hundreds of related ones).
BOUNDS = {
    "projects list": 9,
    "cycles list": 3,
    "sessions list": 3,
    "events list": 5,
    "agreements list": 6,
    "counties list": 2,
    "editions list": 3,
    "themes list": 2,
    "sources list": 2,
    "project": 8,
    "cycle": 7,
    "session": 2,
    "event": 8,
    "agreement": 5,
    "county": 1,
    "edition": 2,
    "theme": 1,
    "source": 1,
}


def endpoints(n: int) -> dict[str, str]:
    size = f"page_size={n}"
    return {
        "projects list": f"{API}projects/?programme={PROGRAMME}&{size}",
        "cycles list": f"{API}cycles/?programme={PROGRAMME}&{size}",
        "sessions list": f"{API}sessions/?cycle={PROGRAMME}-0&{size}",
        "events list": f"{API}events/?programme={PROGRAMME}&{size}",
        "agreements list": f"{API}agreements/?programme={PROGRAMME}&{size}",
        "counties list": f"{API}counties/?voivodeship={VOIVODESHIP}&{size}",
        "editions list": f"{API}editions/?{size}",
        "themes list": f"{API}themes/?{size}",
        "sources list": f"{API}sources/?{size}",
        "project": f"{API}projects/{PROGRAMME}-idea-0/",
        "cycle": f"{API}cycles/{PROGRAMME}-0/",
        "session": f"{API}cycles/{PROGRAMME}-0/sessions/1/",
        "event": f"{API}events/{PROGRAMME}-event-0/",
        "agreement": f"{API}agreements/{PROGRAMME}-agreement-0/",
        "county": f"{API}counties/5000/",
        "edition": f"{API}editions/{PROGRAMME}/",
        "theme": f"{API}themes/{PROGRAMME}-theme-0/",
        "source": f"{API}sources/{PROGRAMME}-source-0/",
    }


def add_rows(start: int, stop: int) -> None:
    """Rows ``start`` to ``stop`` of every kind; the first record of each kind holds all
    the related rows (sessions, ideas, themes, parties, speakers, roles…)."""
    new = range(start, stop)
    voivodeship = Voivodeship.objects.get_or_create(
        code=VOIVODESHIP, defaults={"name": "testowe", "slug": "testowe"}
    )[0]
    counties = County.objects.bulk_create(
        County(code=str(5000 + i), voivodeship=voivodeship, name=f"t{i}", slug=f"t-{i}")
        for i in new
    )
    county = County.objects.get(code="5000")
    programme = Programme.objects.get_or_create(slug=PROGRAMME, defaults={"name": "Testowa"})[0]
    Programme.objects.bulk_create(Programme(slug=f"{PROGRAMME}-{i}", name=f"E{i}") for i in new)
    sources = Source.objects.bulk_create(
        Source(slug=f"{PROGRAMME}-source-{i}", title=f"Źródło {i}") for i in new
    )
    themes = Theme.objects.bulk_create(
        Theme(slug=f"{PROGRAMME}-theme-{i}", name_pl=f"t{i}", name_en=f"t{i}") for i in new
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(slug=f"{PROGRAMME}-org-{i}", name=f"O{i}", sector="ngo") for i in new
    )
    people = Person.objects.bulk_create(
        Person(slug=f"{PROGRAMME}-person-{i}", full_name=f"Osoba {i}") for i in new
    )
    WorkshopCycle.objects.bulk_create(
        WorkshopCycle(
            slug=f"{PROGRAMME}-{i}",
            programme=programme,
            county=counties[0] if start == 0 and i == 0 else county,
            title=f"Cykl {i}",
            date_start=DAY,
            date_end=DAY,
        )
        for i in new
    )
    cycle = WorkshopCycle.objects.get(slug=f"{PROGRAMME}-0")
    sessions = Session.objects.bulk_create(
        Session(cycle=cycle, ordinal=i + 1, date_start=DAY, date_end=DAY, attendance=10)
        for i in new
    )
    attendee = Attendee.objects.get_or_create(cycle=cycle, full_name="Ktoś")[0]
    Attendance.objects.bulk_create(Attendance(attendee=attendee, session=s) for s in sessions)
    CycleRole.objects.bulk_create(
        CycleRole(cycle=cycle, role="expert", person=person, position=i + 1)
        for i, person in zip(new, people, strict=True)
    )
    ideas = ProjectIdea.objects.bulk_create(
        ProjectIdea(
            slug=f"{PROGRAMME}-idea-{i}",
            title=f"Pomysł {i}",
            cycle=cycle,
            session=sessions[0],
            county=county,
            status="selected",
        )
        for i in new
    )
    idea = ProjectIdea.objects.get(slug=f"{PROGRAMME}-idea-0")
    idea.themes.add(*themes)
    idea.partners.add(*organisations)
    idea.sources.add(*sources)
    ProjectIdea.themes.through.objects.bulk_create(
        ProjectIdea.themes.through(projectidea=other, theme_id=themes[0].pk) for other in ideas[1:]
    )
    if start == 0:
        for status in ("proposed", "selected"):
            StatusChange.objects.create(project=idea, status=status, date_start=DAY, date_end=DAY)
    events = ProgrammeEvent.objects.bulk_create(
        ProgrammeEvent(
            slug=f"{PROGRAMME}-event-{i}",
            kind="training",
            title=f"Wydarzenie {i}",
            programme=programme,
            county=county,
        )
        for i in new
    )
    event = ProgrammeEvent.objects.get(slug=f"{PROGRAMME}-event-0")
    EventSpeaker.objects.bulk_create(
        EventSpeaker(event=event, person=person, organisation=organisations[0], position=i)
        for i, person in zip(new, people, strict=True)
    )
    if start == 0:
        ProjectIdea.objects.filter(pk=ideas[0].pk).update(event=events[0])
    agreements = PartnershipAgreement.objects.bulk_create(
        PartnershipAgreement(
            slug=f"{PROGRAMME}-agreement-{i}",
            title=f"Porozumienie {i}",
            programme=programme,
            county=county,
        )
        for i in new
    )
    agreement = PartnershipAgreement.objects.get(slug=f"{PROGRAMME}-agreement-0")
    cycle.agreements.add(*agreements)
    parties = AgreementParty.objects.bulk_create(
        AgreementParty(agreement=agreement, organisation=organisation, position=i)
        for i, organisation in zip(new, organisations, strict=True)
    )
    AgreementSignatory.objects.bulk_create(
        AgreementSignatory(party=party, person=person, function="Starosta")
        for party, person in zip(parties, people, strict=True)
    )


def test_queries_do_not_grow_with_the_rows(client, settings, report):
    settings.API_ANON_RATE = "100000/m"
    add_rows(0, 5)
    few = {
        name: count_queries(client, address, fresh=True) for name, address in endpoints(5).items()
    }
    add_rows(5, 500)
    many = {
        name: count_queries(client, address, fresh=True) for name, address in endpoints(500).items()
    }
    # The lists did list the rows, and the first records hold them.
    assert client.get(endpoints(500)["projects list"]).json()["count"] == 500
    assert len(client.get(endpoints(500)["cycle"]).json()["sessions"]) == 500
    assert len(client.get(endpoints(500)["agreement"]).json()["parties"]) == 500
    assert few == many
    over = {name: (n, BOUNDS[name]) for name, n in many.items() if n > BOUNDS[name]}
    assert over == {}
    report(
        [
            "API queries at 5 and 500 rows: "
            + ", ".join(f"{name} {n}" for name, n in sorted(many.items()))
        ]
    )
