"""Polish alphabetical order: the same on SQLite and PostgreSQL (run the suite with
``DATABASE_URL`` set to see the second), and the same as ``polish_sort_key`` in Python.

Before: byte order put "Ćwirosław" and "Łukasz" after "Zofia", "ostrowski" before
"ostrołęcki" and every city ("Płock") before every land county ("płocki").
"""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.urls import reverse

from partnership.collation import polish, polish_compare, polish_sort_key
from programmes.models import County
from workshops.attendance import register_page
from workshops.models import Attendee, WorkshopCycle

pytestmark = pytest.mark.django_db

PEOPLE = [
    "anna nowak",
    "Anna Nowak",
    "Anna-Maria Kos",
    "Annabella Lis",
    "Celina Nowak",
    "Ćwirosław Ćma",
    "Ewa Ostrowska",
    "Ęwelina Ęcka",
    "Lucjan Lis",
    "Łukasz Łoś",
    "Nina Nowicka",
    "Ńela Ńowak",
    "Oskar Olek",
    "Óla Ósma",
    "Stefan Sowa",
    "Śmigły Ścibor",
    "Ziemowit Zięba",
    "Zofia Zając",
    "Źdźisław Źrebię",
    "Żaneta Żak",
]

COUNTIES = [
    "lipski",
    "łosicki",
    "ostrołęcki",
    "Ostrołęka",
    "ostrowski",
    "Płock",
    "płocki",
    "płoński",
    "Warszawa",
    "żuromiński",
    "żyrardowski",
]


def shuffled(names):
    names = list(names)
    random.Random(12).shuffle(names)
    return names


def test_the_key_sorts_polish_letters_after_their_base_letters():
    assert sorted(shuffled(PEOPLE), key=polish_sort_key) == PEOPLE
    assert sorted(shuffled(COUNTIES), key=polish_sort_key) == COUNTIES


def test_the_key_ties_and_other_letters():
    # Accents of other languages second, case third, lower case first.
    assert sorted(["Éva", "Eva", "eva", "Ewa"], key=polish_sort_key) == ["eva", "Eva", "Éva", "Ewa"]
    # Digits before letters, a space or a hyphen before any letter.
    assert sorted(["Kowal 2", "Kowal", "Kowalski", "Kowal-Nowak"], key=polish_sort_key) == [
        "Kowal",
        "Kowal 2",
        "Kowal-Nowak",
        "Kowalski",
    ]
    assert polish_compare("Łukasz", "Zofia") == -1
    assert polish_compare("zofia", "Zofia") == -1
    assert polish_compare("Zofia", "Zofia") == 0


def test_the_database_orders_as_the_key(django_assert_num_queries):
    """The collation the queries use, whichever database runs the test."""
    cycle = WorkshopCycle.objects.get(slug="wlosg-2017-plocki")
    Attendee.objects.bulk_create(Attendee(cycle=cycle, full_name=n) for n in shuffled(PEOPLE))
    names = list(
        Attendee.objects.filter(cycle=cycle).alphabetical().values_list("full_name", flat=True)
    )
    assert names == PEOPLE, connection.vendor


def test_counties_in_polish_order_cities_among_land_counties():
    voivodeship = County.objects.get(code="1419").voivodeship
    made = County.objects.bulk_create(
        County(
            code=f"99{index:02d}",
            voivodeship=voivodeship,
            name=name,
            kind=County.Kind.CITY if name[0].isupper() else County.Kind.LAND,
            slug=f"test-{index}",
        )
        for index, name in enumerate(shuffled(COUNTIES))
    )
    names = list(
        County.objects.filter(pk__in=[c.pk for c in made])
        .alphabetical()
        .values_list("name", flat=True)
    )
    assert names == COUNTIES, connection.vendor


def test_the_register_lists_attendees_in_polish_order(staff_client):
    cycle = WorkshopCycle.objects.get(slug="wlosg-2017-plocki")
    Attendee.objects.bulk_create(Attendee(cycle=cycle, full_name=n) for n in shuffled(PEOPLE))
    response = staff_client.get(
        reverse("admin:workshops_workshopcycle_attendance", args=[cycle.pk])
    )
    assert [row["attendee"].full_name for row in response.context["rows"]] == PEOPLE
    assert [a.full_name for a in register_page(cycle=cycle, search="nowak").page] == [
        "anna nowak",
        "Anna Nowak",
        "Celina Nowak",
    ]


def test_the_public_county_list_is_alphabetical(client):
    response = client.get(reverse("portal:county_list"))
    names = [county.name for county in response.context["counties"]]
    assert names == sorted(names, key=polish_sort_key)
    # The records' own tricky neighbours.
    assert names.index("ostrołęcki") < names.index("Ostrołęka") < names.index("ostrowski")
    assert names.index("Płock") < names.index("płocki") < names.index("płoński")
    assert names.index("łosicki") < names.index("makowski")


def test_admin_lists_of_counties_and_attendees_are_alphabetical(admin_client):
    response = admin_client.get(reverse("admin:programmes_county_changelist") + "?all=")
    names = [county.name for county in response.context["cl"].result_list]
    assert names == sorted(names, key=polish_sort_key)
    cycle = WorkshopCycle.objects.get(slug="wlosg-2017-plocki")
    Attendee.objects.bulk_create(Attendee(cycle=cycle, full_name=n) for n in shuffled(PEOPLE))
    response = admin_client.get(
        reverse("admin:workshops_attendee_changelist") + f"?cycle__id__exact={cycle.pk}"
    )
    shown = [a.full_name for a in response.context["cl"].result_list]
    assert shown == PEOPLE


def test_polish_is_an_expression_for_any_text_field():
    ordered = list(
        County.objects.filter(code__in=["1415", "1416", "1461"])
        .order_by(polish("name"))
        .values_list("code", flat=True)
    )
    assert ordered == ["1415", "1461", "1416"]  # ostrołęcki, Ostrołęka, ostrowski
