"""manage.py generate_synthetic_data: national-scale synthetic data, kept apart from the
historical Mazovian records (which tests/conftest.py loads into every test database)."""

from io import StringIO

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db.models import F

from programmes.models import (
    County,
    PartnershipAgreement,
    Programme,
    ProgrammeEvent,
    Voivodeship,
)
from projects.models import ProjectIdea, StatusChange
from tests.records import LOSICE, PLOCK
from workshops.models import Attendance, Attendee, Certificate, Session, WorkshopCycle

TERC = settings.BASE_DIR / "programmes" / "data" / "terc2025_wojewodztwa_powiaty.csv"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def generate(**options):
    options.setdefault("scale", 0.002)
    options.setdefault("allow_real_records", True)
    out = StringIO()
    call_command("generate_synthetic_data", terc=TERC, stdout=out, **options)
    return out.getvalue()


def synthetic_slugs():
    return list(
        WorkshopCycle.objects.filter(programme__is_synthetic=True)
        .order_by("slug")
        .values_list("slug", flat=True)
    )


def historical_dump() -> str:
    """The historical records a synthetic run must leave exactly as they were."""
    querysets = [
        Programme.objects.filter(is_synthetic=False),
        WorkshopCycle.objects.filter(programme__is_synthetic=False),
        Session.objects.filter(cycle__programme__is_synthetic=False),
        Attendee.objects.filter(cycle__programme__is_synthetic=False),
        Certificate.objects.filter(cycle__programme__is_synthetic=False),
        ProjectIdea.objects.exclude(cycle__programme__is_synthetic=True),
        StatusChange.objects.exclude(project__cycle__programme__is_synthetic=True),
        County.objects.filter(code__startswith="14"),
        Voivodeship.objects.filter(code__in=["10", "14", "20"]),
    ]
    return "\n".join(serializers.serialize("json", qs.order_by("pk")) for qs in querysets)


def test_creates_all_counties_and_voivodeships_from_terc():
    mazovian_slugs = dict(County.objects.values_list("code", "slug"))
    generate()
    assert County.objects.count() == 380
    assert Voivodeship.objects.count() == 16
    # Existing rows keep their slugs; a name repeated across voivodeships gets its code.
    assert dict(County.objects.filter(code__in=mazovian_slugs).values_list("code", "slug")) == (
        mazovian_slugs
    )
    assert County.objects.get(code="1202").slug == "brzeski-1202"
    assert County.objects.get(code="1601").slug == "brzeski-1601"
    assert County.objects.get(code="0264").kind == County.Kind.CITY  # Wrocław
    assert County.objects.get(code="0201").kind == County.Kind.LAND
    assert Voivodeship.objects.get(code="12").slug == "malopolskie"
    assert Voivodeship.objects.get(code="12").name == "małopolskie"


def test_volumes_follow_the_scale():
    generate(scale=0.005)  # 40 cycles
    cycles = WorkshopCycle.objects.filter(programme__is_synthetic=True)
    assert cycles.count() == 40
    assert Session.objects.filter(cycle__in=cycles).count() == 40 * 6
    attendees = Attendee.objects.filter(cycle__in=cycles).count()
    assert 40 * 20 <= attendees <= 40 * 54
    attendance = Attendance.objects.filter(session__cycle__in=cycles).count()
    assert 2.8 * attendees <= attendance <= 3.9 * attendees
    ideas = ProjectIdea.objects.filter(cycle__in=cycles).count()
    assert 40 <= ideas <= 40 * 5
    assert StatusChange.objects.filter(project__cycle__in=cycles).count() == ideas
    assert 0 < Certificate.objects.filter(cycle__in=cycles).count() < attendees


def test_everything_generated_hangs_off_synthetic_programmes():
    before = {
        model: model.objects.count()
        for model in (WorkshopCycle, Session, Attendee, Attendance, Certificate, ProjectIdea)
    }
    generate()
    synthetic = Programme.objects.filter(is_synthetic=True)
    assert sorted(synthetic.values_list("slug", flat=True)) == [
        f"syntetyczne-{year}" for year in range(2003, 2018)
    ]
    under_synthetic = {
        WorkshopCycle: WorkshopCycle.objects.filter(programme__in=synthetic),
        Session: Session.objects.filter(cycle__programme__in=synthetic),
        Attendee: Attendee.objects.filter(cycle__programme__in=synthetic),
        Attendance: Attendance.objects.filter(session__cycle__programme__in=synthetic),
        Certificate: Certificate.objects.filter(cycle__programme__in=synthetic),
        ProjectIdea: ProjectIdea.objects.filter(cycle__programme__in=synthetic),
    }
    for model, queryset in under_synthetic.items():
        assert model.objects.count() == before[model] + queryset.count(), model
        assert queryset.exists(), model
    assert all(slug.startswith("syn-") for slug in synthetic_slugs())
    assert not Attendee.objects.filter(cycle__programme__in=synthetic).exclude(
        full_name__startswith="Uczestnik syntetyczny"
    )
    # A session is one known day, stored as the real records store one: start = end.
    sessions = Session.objects.filter(cycle__programme__in=synthetic)
    assert sessions.exclude(date_end=F("date_start")).count() == 0
    # Each idea's status history ends in its status; certificates need enough sessions.
    for idea in ProjectIdea.objects.filter(cycle__programme__in=synthetic):
        assert list(idea.status_history.values_list("status", flat=True)) == [idea.status]
    for certificate in Certificate.objects.filter(cycle__programme__in=synthetic):
        assert certificate.attendee.cycle_id == certificate.cycle_id
        assert certificate.attendee.attendances.count() >= 4
        assert len(certificate.verification_code) == 22


def test_refuses_a_database_with_real_records():
    assert Programme.objects.filter(is_synthetic=False).exists()  # the Mazovian records
    with pytest.raises(CommandError, match="--allow-real-records"):
        generate(allow_real_records=False)
    assert not synthetic_slugs()
    generate(allow_real_records=True)
    assert synthetic_slugs()


def test_runs_without_the_flag_on_a_database_without_real_records():
    # The records hold no certificates (and a certificate could not be deleted).
    assert not Certificate.objects.exists()
    for model in (
        ProjectIdea,
        PartnershipAgreement,
        ProgrammeEvent,
        WorkshopCycle,
        Programme,
    ):
        model.objects.all().delete()
    generate(allow_real_records=False)
    assert synthetic_slugs()


def test_refuses_a_second_run_and_replace_removes_the_earlier_data():
    generate(seed=1)
    first = synthetic_slugs()
    with pytest.raises(CommandError, match="--replace"):
        generate(seed=1)
    output = generate(seed=2, scale=0.003, replace=True)
    second = synthetic_slugs()
    assert len(second) == 24
    assert second != first
    assert Programme.objects.filter(is_synthetic=True).count() == 15
    assert "Deleted the earlier synthetic data" in output
    # Nothing of the first run is left behind.
    cycles = WorkshopCycle.objects.filter(programme__is_synthetic=True)
    assert Attendee.objects.filter(cycle__programme__is_synthetic=True).count() == (
        Attendee.objects.filter(cycle__in=cycles).count()
    )
    assert not WorkshopCycle.objects.filter(slug__in=set(first) - set(second)).exists()


def test_the_same_seed_gives_the_same_data():
    generate(seed=42)
    first = synthetic_slugs()
    first_names = sorted(
        Attendee.objects.filter(cycle__programme__is_synthetic=True).values_list(
            "cycle__slug", "full_name"
        )
    )
    generate(seed=42, replace=True)
    assert synthetic_slugs() == first
    assert (
        sorted(
            Attendee.objects.filter(cycle__programme__is_synthetic=True).values_list(
                "cycle__slug", "full_name"
            )
        )
        == first_names
    )
    generate(seed=43, replace=True)
    assert synthetic_slugs() != first


def test_historical_records_are_untouched():
    before = historical_dump()
    generate()
    generate(replace=True, seed=5)
    assert historical_dump() == before


def test_refuses_a_missing_terc_path(tmp_path):
    missing = tmp_path / "terc2025.csv"
    with pytest.raises(CommandError, match="TERC register was not found.*--terc"):
        call_command("generate_synthetic_data", terc=missing, allow_real_records=True)
    with pytest.raises(CommandError, match="--terc"):
        call_command("generate_synthetic_data", terc=tmp_path, allow_real_records=True)


def test_the_register_ships_with_the_project():
    """16 voivodeships and 380 counties, on a fresh clone (no file outside the project)."""
    from portal.management.commands.generate_synthetic_data import default_terc_path
    from portal.synthetic import terc_read

    assert default_terc_path() == TERC
    register = terc_read(path=TERC)
    assert len(register.voivodeships) == 16 and len(register.counties) == 380
    assert {unit.code for unit in register.counties} >= {PLOCK, LOSICE, "1465"}


@pytest.mark.parametrize(
    "content",
    [b"name;code\nfoo;1\n", b"WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n\xff\xfe\x00broken\n"],
    ids=["not-terc", "not-utf8"],
)
def test_refuses_an_unreadable_terc_file(tmp_path, content):
    path = tmp_path / "terc.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="TERC"):
        call_command("generate_synthetic_data", terc=path, allow_real_records=True)
    assert not synthetic_slugs()


def test_rejects_a_nonsensical_scale():
    with pytest.raises(CommandError, match="--scale"):
        generate(scale=0)
