"""The Mazovian records, as loaded from fixtures/ into an empty test database.

One assertion per fact of the source articles (fixtures/sources.yaml, docs/data.md), so
that a fixture edit that loses or distorts a fact fails a test that names it.
"""

import datetime
import json

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command

from programmes.facts import DatePrecision, Precision
from programmes.models import (
    AgreementSignatory,
    County,
    Municipality,
    PartnershipAgreement,
    Programme,
    ProgrammeEvent,
    Source,
    Voivodeship,
)
from projects.models import ProjectIdea, Status
from tests.records import (
    LOSICE,
    LOSICE_2017,
    PLOCK,
    PLOCK_2003,
    PLOCK_2017,
    PROGRAMME_2003,
    PROGRAMME_2017,
)
from workshops.models import Attendance, Attendee, Certificate, CycleRole, Session, WorkshopCycle

pytestmark = pytest.mark.django_db

D = datetime.date
SEED_000 = "000-44a3fd30084d80a4"
SEED_001 = "001-da457f450f78d650"
SEED_002 = "002-00598d97bf5542ff"
SEED_003 = "003-440399db2bdf33c2"
SEED_004 = "004-eb775dcf153606b9"

WLOG_COUNTIES = {
    "1410": "łosicki",
    "1402": "ciechanowski",
    "1419": "płocki",
    "1430": "szydłowiecki",
    "1428": "sochaczewski",
    "1407": "kozienicki",
    "1416": "ostrowski",
    "1413": "mławski",
    "1422": "przasnyski",
    "1432": "warszawski zachodni",
    "1406": "grójecki",
    "1418": "piaseczyński",
    "1412": "miński",
    "1426": "siedlecki",
    "1429": "sokołowski",
    "1437": "żuromiński",
}

PLOCK_PROJECTS = {
    "Promuj! Pomagaj! Nie przeszkadzaj!": "Forum Dialogu Społecznego",
    "Dojrzali wspaniali – międzypokoleniowe działania lokalne": "Klubu Seniora",
    "Wisłą na szerokie wody przedsiębiorczości – centrum doradcze": "walorów turystycznych Wisły",
    "Skarby Powiatu Płockiego": "pod wspólną marką",
    "Ekologiczne smaki Mazowsza Północnego – mikroprzedsiębiorstwo": "owoce leśne i grzyby",
    "Płockie PL. Regionalne Centrum Promocyjno-doradczo-konsultingowe": "15 punktów",
    "Dowozik – dowiozę Cię tam gdzie chcesz": "centrum dyspozycji transportem",
}

LOSICE_PROJECTS = [
    "Utworzenie lokalnej organizacji turystycznej „LOT” nad Bugiem",
    "Luzolandia – Łosickie Centrum Rozrywki, Sportu i Rekreacji",
    "Farma słoneczna – budowa farmy słonecznej na terenie gminy Łosice",
    "„PARASOL” – całodobowy dom opieki społecznej",
    "Żłobek – utworzenie żłobków na terenie powiatu łosickiego",
]


def signatories(agreement):
    return [
        (s.party.organisation.name, s.person.full_name, s.function)
        for s in AgreementSignatory.objects.filter(party__agreement=agreement).order_by(
            "party__position", "position"
        )
    ]


# -- Reference data -------------------------------------------------------------------


def test_voivodeships_named_in_the_records():
    assert dict(Voivodeship.objects.values_list("code", "name")) == {
        "10": "łódzkie",
        "14": "mazowieckie",
        "20": "podlaskie",
    }


def test_all_42_mazovian_counties_with_terc_codes():
    assert County.objects.in_voivodeship("14").count() == 42


def test_five_cities_with_county_rights():
    cities = County.objects.filter(kind=County.Kind.CITY)
    assert set(cities.values_list("code", flat=True)) == {"1461", "1462", "1463", "1464", "1465"}


def test_code_1431_is_unused():
    assert not County.objects.filter(code="1431").exists()


def test_gminy_of_powiat_plocki_and_losicki():
    assert Municipality.objects.filter(county__code=PLOCK).count() == 15
    assert Municipality.objects.filter(county__code=LOSICE).count() == 6


def test_municipality_codes_follow_teryt():
    drobin = Municipality.objects.get(code="1419053")
    assert (drobin.name, drobin.kind) == ("Drobin", Municipality.Kind.URBAN_RURAL)


# -- Sources ----------------------------------------------------------------------------


def test_five_source_documents():
    assert Source.objects.count() == 5


def test_2017_article_by_jolanta_wanielista_published_14_march_2018():
    source = Source.objects.get(slug=SEED_001)
    assert (source.title, source.author, source.date_start) == (
        "Partnerstwo lokalne realizowane w województwie mazowieckim w roku 2017",
        "Jolanta Wanielista",
        D(2018, 3, 14),
    )


def test_2003_2010_article_by_pawel_sektas_published_14_march_2018():
    source = Source.objects.get(slug=SEED_003)
    assert (source.title, source.author, source.date_start) == (
        "Partnerstwo lokalne realizowane w województwie mazowieckim w latach 2003-2010",
        "Paweł Sęktas",
        D(2018, 3, 14),
    )


def test_undated_sources_have_no_invented_date():
    undated = Source.objects.filter(slug__in=[SEED_000, SEED_002, SEED_004])
    assert [s.dates.known for s in undated] == [False, False, False]


def test_ocr_source_title_spelled_correctly():
    assert "Urzędów Pracy" in Source.objects.get(slug=SEED_004).title


# -- 2003 agreement and the 2003–2010 edition ------------------------------------------


def test_agreement_of_18_november_2003_in_warsaw():
    agreement = PartnershipAgreement.objects.get(slug="2003-11-18-porozumienie-powiat-plocki")
    assert (agreement.date_start, agreement.dates.is_exact_day, agreement.place) == (
        D(2003, 11, 18),
        True,
        "Warszawa",
    )


def test_agreement_title():
    agreement = PartnershipAgreement.objects.get(slug="2003-11-18-porozumienie-powiat-plocki")
    assert agreement.title == "Porozumienie w zakresie Wdrażania Modelu Partnerstwa Lokalnego"


def test_agreement_parties_and_four_signatories_with_functions():
    agreement = PartnershipAgreement.objects.get(slug="2003-11-18-porozumienie-powiat-plocki")
    assert signatories(agreement) == [
        ("Województwo Mazowieckie", "Adam Struzik", "Marszałek Województwa Mazowieckiego"),
        (
            "Województwo Mazowieckie",
            "Tomasz Sieradz",
            "Członek Zarządu Województwa Mazowieckiego",
        ),
        ("Powiat Płocki", "Michał Boszko", "Starosta Powiatu Płockiego"),
        ("Powiat Płocki", "Jan Ciastek", "Wicestarosta Powiatu Płockiego"),
    ]


def test_agreement_concerns_powiat_plocki_in_the_2003_2010_edition():
    agreement = PartnershipAgreement.objects.get(slug="2003-11-18-porozumienie-powiat-plocki")
    assert (agreement.county.code, agreement.programme.slug) == (PLOCK, PROGRAMME_2003)


def test_implementing_institute_in_katowice():
    institute = Programme.objects.get(slug=PROGRAMME_2003).implementing_institution
    assert (institute.name, institute.seat, institute.other_names) == (
        "Instytut Współpracy i Partnerstwa Lokalnego w Katowicach",
        "Katowice",
        "Instytut Partnerstwa Lokalnego w Katowicach",
    )


def test_two_pup_plock_employees_trained_by_the_institute():
    training = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.TRAINING)
    assert (training.organiser.slug, training.attendance, training.attendance_precision) == (
        "instytut-wspolpracy-i-partnerstwa-lokalnego",
        2,
        Precision.EXACT,
    )
    assert "Powiatowego Urzędu Pracy w Płocku" in training.audience


def test_training_date_is_unknown_not_invented():
    assert not ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.TRAINING).dates.known


def test_presentation_of_16_february_2005_at_the_starostwo_in_plock():
    event = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.PRESENTATION)
    assert (event.date_start, event.place) == (D(2005, 2, 16), "Starostwo Powiatowe w Płocku")


def test_presentation_speakers_and_their_functions():
    event = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.PRESENTATION)
    assert [(s.person.full_name, s.function) for s in event.speakers.all()] == [
        (
            "Jadwiga Olszowska-Urban",
            "Prezes Instytutu Współpracy i Partnerstwa Lokalnego w Katowicach",
        ),
        ("Aleksandra Otrębska", "pracownik Instytutu"),
    ]


def test_presentation_started_the_promotion_in_the_county():
    event = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.PRESENTATION)
    assert "zapoczątkowało promocję" in event.outcomes


def test_promotional_meetings_in_every_gmina_of_powiat_plocki():
    event = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.PROMOTION)
    assert set(event.municipalities.values_list("code", flat=True)) == set(
        Municipality.objects.filter(county__code=PLOCK).values_list("code", flat=True)
    )


def test_promotional_meetings_organised_by_pup_plock():
    event = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.PROMOTION)
    assert event.organiser.name == "Powiatowy Urząd Pracy w Płocku"


def test_more_than_1000_invitations():
    event = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.PROMOTION)
    assert (event.invitations.value, event.invitations.precision) == (1000, Precision.MORE_THAN)


def test_about_30_percent_of_invited_attended():
    event = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.PROMOTION)
    share = event.attendance_share_figure
    assert (share.value, share.precision, event.attendance) == (30, Precision.APPROXIMATE, None)


def test_first_edition_period_2003_2010_known_to_the_year():
    programme = Programme.objects.get(slug=PROGRAMME_2003)
    assert (programme.date_start.year, programme.date_end.year, programme.date_precision) == (
        2003,
        2010,
        DatePrecision.YEAR,
    )


def test_first_edition_five_workshop_scheme():
    programme = Programme.objects.get(slug=PROGRAMME_2003)
    assert programme.sessions_per_cycle == 5
    assert "pięć Warsztatów Lokalnego Ożywienia Gospodarczego" in programme.scheme


def test_first_edition_ran_in_the_sixteen_counties():
    cycles = WorkshopCycle.objects.filter(programme__slug=PROGRAMME_2003)
    assert {c.county.code: c.county.name for c in cycles} == WLOG_COUNTIES


def test_first_edition_cycles_honest_about_what_is_unknown():
    cycles = WorkshopCycle.objects.filter(programme__slug=PROGRAMME_2003)
    assert {
        (c.sessions_planned, c.sessions_held, c.date_precision, c.title_is_descriptive)
        for c in cycles
    } == {(5, None, DatePrecision.YEAR, True)}
    assert not Session.objects.filter(cycle__in=cycles).exists()


def test_plock_workshops_planned_for_the_following_year_in_2005():
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2003)
    assert "w przyszłym roku" in cycle.description


# -- Serpelice, 17 May 2005 -------------------------------------------------------------


def test_serpelice_meeting_17_may_2005():
    event = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.INTERREGIONAL)
    assert (event.date_start, event.place) == (D(2005, 5, 17), "Serpelice")


def test_serpelice_organised_by_the_siedlce_branch_of_wup():
    organiser = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.INTERREGIONAL).organiser
    assert (organiser.name, organiser.parent.name) == (
        "Siedlecka Filia Wojewódzkiego Urzędu Pracy w Warszawie",
        "Wojewódzki Urząd Pracy w Warszawie",
    )


def test_serpelice_three_voivodeships():
    event = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.INTERREGIONAL)
    assert set(event.voivodeships.values_list("name", flat=True)) == {
        "mazowieckie",
        "łódzkie",
        "podlaskie",
    }


def test_serpelice_planned_esf_project():
    idea = ProjectIdea.objects.get(event__kind=ProgrammeEvent.Kind.INTERREGIONAL)
    assert "Działanie 1.1 SPO RZL" in idea.title
    assert idea.status == Status.PROPOSED
    assert idea.voivodeships.count() == 3


@pytest.mark.parametrize(
    "topic",
    [
        "LOG",
        "tworzenia klubów integracji zawodowej – szybkie reagowanie",
        "public relations",
        "nauczanie on-line",
        "spółdzielnie socjalne, grupy producenckie, klastry",
    ],
)
def test_serpelice_training_topics(topic):
    idea = ProjectIdea.objects.get(event__kind=ProgrammeEvent.Kind.INTERREGIONAL)
    assert topic in idea.description


def test_serpelice_participants_of_the_planned_project():
    idea = ProjectIdea.objects.get(event__kind=ProgrammeEvent.Kind.INTERREGIONAL)
    assert "pracowników GCI" in idea.goals
    assert "związków zawodowych" in idea.goals


# -- 2017 cycles --------------------------------------------------------------------------


def test_2017_edition_name_and_six_session_scheme():
    programme = Programme.objects.get(slug=PROGRAMME_2017)
    assert (programme.name, programme.sessions_per_cycle) == (
        "Warsztaty Lokalnego Ożywienia Społeczno-Gospodarczego",
        6,
    )


def test_2017_cycles_in_plocki_and_losicki():
    cycles = WorkshopCycle.objects.filter(programme__slug=PROGRAMME_2017)
    assert set(cycles.values_list("county__code", flat=True)) == {PLOCK, LOSICE}


@pytest.mark.parametrize(("slug", "county"), [(PLOCK_2017, "płockim"), (LOSICE_2017, "łosickim")])
def test_2017_cycle_titles(slug, county):
    assert WorkshopCycle.objects.get(slug=slug).title == (
        "Budowanie partnerstwa lokalnego na rzecz ożywienia społeczno-gospodarczego i "
        f"aktywizacji rynku pracy w powiecie {county}"
    )


@pytest.mark.parametrize(
    ("slug", "functions"),
    [
        (
            PLOCK_2017,
            ["Starosta Powiatu Płockiego", "Dyrektor Powiatowego Urzędu Pracy w Płocku"],
        ),
        (
            LOSICE_2017,
            ["Starosta Powiatu Łosickiego", "Dyrektor Powiatowego Urzędu Pracy w Łosicach"],
        ),
    ],
)
def test_2017_cycle_initiators(slug, functions):
    roles = CycleRole.objects.filter(cycle__slug=slug, role=CycleRole.Role.INITIATOR)
    assert [r.function for r in roles] == functions


def test_plock_2017_period_25_may_to_7_december():
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    assert (cycle.date_start, cycle.date_end, cycle.date_precision) == (
        D(2017, 5, 25),
        D(2017, 12, 7),
        DatePrecision.DAY,
    )


def test_losice_2017_period_known_only_as_may_to_december():
    cycle = WorkshopCycle.objects.get(slug=LOSICE_2017)
    assert (cycle.date_start, cycle.date_end, cycle.date_precision) == (
        D(2017, 5, 1),
        D(2017, 12, 31),
        DatePrecision.MONTH,
    )


@pytest.mark.parametrize("slug", [PLOCK_2017, LOSICE_2017])
def test_2017_cycles_six_conferences_held(slug):
    cycle = WorkshopCycle.objects.get(slug=slug)
    assert (cycle.sessions_planned, cycle.sessions_held, cycle.sessions.count()) == (6, 6, 6)


@pytest.mark.parametrize(("slug", "about"), [(PLOCK_2017, 100), (LOSICE_2017, 200)])
def test_2017_participants_approximately_per_conference(slug, about):
    sessions = Session.objects.filter(cycle__slug=slug)
    assert {(s.attendance, s.attendance_precision) for s in sessions} == {
        (about, Precision.APPROXIMATE)
    }


def test_plock_closing_conference_7_december_2017_at_hotel_tim_cekanow():
    session = Session.objects.get(cycle__slug=PLOCK_2017, ordinal=6)
    assert (session.kind, session.date_start, session.venue) == (
        Session.Kind.CLOSING,
        D(2017, 12, 7),
        "Hotel TiM, Cekanów",
    )


def test_plock_first_conference_on_25_may_2017():
    assert Session.objects.get(cycle__slug=PLOCK_2017, ordinal=1).date_start == D(2017, 5, 25)


def test_unknown_session_dates_stay_unknown():
    losice = Session.objects.filter(cycle__slug=LOSICE_2017, date_start__isnull=True)
    plock = Session.objects.filter(cycle__slug=PLOCK_2017, date_start__isnull=True)
    assert (losice.count(), sorted(plock.values_list("ordinal", flat=True))) == (6, [2, 3, 4, 5])


def test_certificates_handed_out_by_vice_starost_councillors_and_pup_director():
    roles = CycleRole.objects.filter(
        cycle__slug=PLOCK_2017, role=CycleRole.Role.CERTIFICATES, session__ordinal=6
    )
    assert [(r.person.full_name if r.person else None, r.function) for r in roles] == [
        ("Iwona Sierocka", "Wicestarosta Powiatu Płockiego"),
        (None, "Radni Powiatu"),
        ("Małgorzata Bombalicka", "Dyrektor Powiatowego Urzędu Pracy w Płocku"),
    ]


def test_certificates_went_to_all_participants_of_the_plock_cycle():
    assert "Certyfikaty otrzymali wszyscy uczestnicy cyklu" in (
        WorkshopCycle.objects.get(slug=PLOCK_2017).description
    )


def test_expert_at_the_plock_closing_conference():
    role = CycleRole.objects.get(cycle__slug=PLOCK_2017, role=CycleRole.Role.EXPERT)
    assert (role.person.full_name, role.function) == (
        "Jadwiga Olszowska-Urban",
        "Ekspert Partnerstwa Lokalnego",
    )


def test_losice_agreement_between_73_partners():
    agreement = PartnershipAgreement.objects.get(county__code=LOSICE)
    assert (agreement.partners.value, agreement.partners.precision) == (73, Precision.EXACT)
    assert [cycle.slug for cycle in agreement.cycles.all()] == [LOSICE_2017]


def test_losice_agreement_date_not_invented():
    agreement = PartnershipAgreement.objects.get(county__code=LOSICE)
    assert not agreement.dates.is_exact_day


@pytest.mark.parametrize(
    ("slug", "url"),
    [
        (PLOCK_2017, "https://www.youtube.com/watch?v=K9r1gC61Q2c"),
        (LOSICE_2017, "https://www.youtube.com/watch?v=qa_Wc8djUvk"),
    ],
)
def test_promotional_videos(slug, url):
    assert WorkshopCycle.objects.get(slug=slug).video_url == url


# -- Project ideas ----------------------------------------------------------------------


def test_seven_plock_projects_selected_for_implementation():
    ideas = ProjectIdea.objects.filter(cycle__slug=PLOCK_2017)
    assert {i.title: i.status for i in ideas} == dict.fromkeys(PLOCK_PROJECTS, Status.SELECTED)


@pytest.mark.parametrize(("title", "goal"), PLOCK_PROJECTS.items())
def test_plock_project_goals(title, goal):
    assert goal in ProjectIdea.objects.get(title=title).goals


def test_plock_projects_selected_on_7_december_2017():
    ideas = ProjectIdea.objects.filter(cycle__slug=PLOCK_2017)
    dates = {i.status_history.get(status=Status.SELECTED).date_start for i in ideas}
    assert dates == {D(2017, 12, 7)}


def test_five_losice_projects_proposed():
    ideas = ProjectIdea.objects.filter(cycle__slug=LOSICE_2017)
    assert sorted(ideas.values_list("title", flat=True)) == sorted(LOSICE_PROJECTS)
    assert set(ideas.values_list("status", flat=True)) == {Status.PROPOSED}


def test_solar_farm_in_gmina_losice():
    idea = ProjectIdea.objects.get(slug="farma-sloneczna")
    assert list(idea.municipalities.values_list("code", "name")) == [("1410023", "Łosice")]


def test_plockie_pl_covers_every_gmina_of_the_county():
    assert ProjectIdea.objects.get(slug="plockie-pl").municipalities.count() == 15


def test_status_is_the_latest_history_entry():
    for idea in ProjectIdea.objects.prefetch_related("status_history"):
        latest = sorted(idea.status_history.all(), key=lambda c: (c.date_start, c.pk))[-1]
        assert idea.status == latest.status, idea.slug


# -- Whole-dataset properties -------------------------------------------------------------


def test_no_attendees_loaded():
    assert (Attendee.objects.count(), Attendance.objects.count(), Certificate.objects.count()) == (
        0,
        0,
        0,
    )


SOURCED_MODELS = [
    "programmes.Organisation",
    "programmes.Person",
    "programmes.Programme",
    "programmes.PartnershipAgreement",
    "programmes.ProgrammeEvent",
    "workshops.WorkshopCycle",
    "workshops.Session",
    "projects.ProjectIdea",
    "projects.StatusChange",
]


@pytest.mark.parametrize("label", SOURCED_MODELS)
def test_every_record_cites_a_source(label):
    model = apps.get_model(label)
    assert model.objects.exists()
    assert not model.objects.filter(sources__isnull=True).exists()


OCR_ARTEFACTS = ["tódz", "Urzed", "dziat", "wojewddz", "é", "Wojewodzk", "spot-"]


def test_no_ocr_artefacts_in_any_record():
    dump = serializers.serialize(
        "json",
        [obj for label in SOURCED_MODELS for obj in apps.get_model(label).objects.all()],
        ensure_ascii=False,
    )
    assert [a for a in OCR_ARTEFACTS if a in dump] == []


# Kept counts recomputed on every load (``workshops.figures``, ``projects.facets``): new
# rows, new ids, the same content, compared in their own order without their ids.
KEPT_ROWS = {
    "workshops.cyclesectorfigures",
    "workshops.sessionperiodfigures",
    "projects.ideafacetrow",
    "projects.ideathemetotal",
}


def _dump():
    models = [
        m for m in apps.get_models() if m._meta.app_label in {"programmes", "workshops", "projects"}
    ]
    objects = [
        obj
        for m in models
        for obj in (
            m.objects.all() if m._meta.label_lower in KEPT_ROWS else m.objects.order_by("pk")
        )
    ]
    rows = json.loads(serializers.serialize("json", objects))
    for row in rows:
        if row["model"] in KEPT_ROWS:
            del row["pk"]
    return json.dumps(rows, sort_keys=True)


def test_loading_the_records_twice_changes_nothing():
    before = _dump()
    call_command("loadrecords", verbosity=0)
    assert _dump() == before
