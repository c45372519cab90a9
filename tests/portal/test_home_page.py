"""``portal.home_page``'s rows say what the home page's querysets said before they were
read as rows (the querysets below are the page's of 3 December 2026), on the records
and with enough agreements, events and ideas to cut each list."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format

from portal.home_page import (
    HIGHLIGHTED_PROJECTS,
    HOME_VIDEOS,
    TIMELINE_LIMIT,
    home_records,
    period_items,
)
from portal.participation import participating_counties
from portal.views import MAZOVIA, CyclePeriod, cycle_periods
from programmes.facts import Parts
from programmes.models import County, PartnershipAgreement, Programme, ProgrammeEvent
from projects.models import ADOPTED_STATUSES, ProjectIdea
from tests.records import PROGRAMME_2017
from workshops.models import WorkshopCycle

pytestmark = pytest.mark.django_db


def earliest(queryset) -> list:
    ordered = queryset.select_related("county").order_by(F("date_start").asc(nulls_last=True), "pk")
    return list(ordered[: TIMELINE_LIMIT + 1])


def highlighted() -> list:
    furthest = Case(
        *(When(status=status, then=Value(i)) for i, status in enumerate(ADOPTED_STATUSES)),
        output_field=IntegerField(),
    )
    ideas = ProjectIdea.objects.adopted().select_related("county")
    return list(ideas.order_by(furthest.desc(), "title")[:HIGHLIGHTED_PROJECTS])


def assert_as_querysets() -> None:
    records = home_records(voivodeship=MAZOVIA)
    agreements = earliest(PartnershipAgreement.objects.all())
    assert records.more_agreements == (len(agreements) > TIMELINE_LIMIT)
    assert [
        (item.title, item.dates, item.url, item.county, str(item.kind_label))
        for item in records.agreements
    ] == [
        (
            a.title,
            a.dates,
            reverse("portal:county_detail", kwargs={"slug": a.county.slug})
            + f"#agreement-{a.slug}",
            str(a.county),
            translation.gettext("Agreement"),
        )
        for a in agreements[:TIMELINE_LIMIT]
    ]
    events = earliest(ProgrammeEvent.objects.all())
    assert records.more_events == (len(events) > TIMELINE_LIMIT)
    assert [
        (item.title, item.dates, item.url, item.county, item.kind_label) for item in records.events
    ] == [
        (
            e.title,
            e.dates,
            reverse("portal:event_detail", kwargs={"slug": e.slug}),
            str(e.county) if e.county else None,
            e.get_kind_display(),
        )
        for e in events[:TIMELINE_LIMIT]
    ]
    assert [
        (card.slug, card.title, card.status_label, card.goals, card.county)
        for card in records.highlighted
    ] == [
        (i.slug, i.title, i.get_status_display(), i.goals, str(i.county) if i.county else None)
        for i in highlighted()
    ]
    videos = WorkshopCycle.objects.exclude(video_url="").select_related("county")
    assert [(v.slug, v.title, v.video_url, v.county, v.dates) for v in records.videos] == [
        (c.slug, c.title, c.video_url, str(c.county), c.dates)
        for c in videos.order_by("date_start", "slug")[:HOME_VIDEOS]
    ]
    assert [(p.slug, p.name, p.dates) for p in records.editions] == [
        (p.slug, p.name, p.dates) for p in Programme.objects.all()
    ]
    named = set()
    for model in (PartnershipAgreement, WorkshopCycle, ProgrammeEvent, ProjectIdea):
        named |= set(model.objects.exclude(county=None).values_list("county_id", flat=True))
    assert records.participating == len(named) == participating_counties().count()


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_rows_are_the_querysets_on_the_records(language):
    with translation.override(language):
        assert_as_querysets()


def test_the_rows_are_the_querysets_cut_at_the_limits(national_units):
    programme = Programme.objects.get(slug=PROGRAMME_2017)
    counties = list(County.objects.order_by("code")[:90])
    for n, county in enumerate(counties):
        start = datetime.date(2004 + n % 9, 1 + n % 12, 1) if n % 7 else None
        event = ProgrammeEvent.objects.create(
            slug=f"e-{n}",
            kind=ProgrammeEvent.Kind.OTHER,
            title=f"Wydarzenie {n % 5}",
            programme=programme,
            county=county if n % 3 else None,
            date_start=start,
            date_end=start,
        )
        if n % 5:  # else named by an event alone (n = 10) or an idea alone (n = 15)
            PartnershipAgreement.objects.create(
                slug=f"a-{n}",
                title=f"Porozumienie {n % 4}",
                programme=programme,
                county=county,
                date_start=start,
                date_end=start,
            )
        ProjectIdea.objects.create(
            slug=f"i-{n}",
            title=f"Pomysł {n % 6}-{n}",
            status=ADOPTED_STATUSES[n % 3],
            county=county if n % 2 else None,
            event=event,
            goals="Cele " * (n % 40),
        )
        if n % 10 == 0:
            WorkshopCycle.objects.create(
                slug=f"v-{n}",
                programme=programme,
                county=county,
                title=f"Z filmem {n}",
                video_url=f"https://www.youtube.com/watch?v={n}",
                date_start=start,
                date_end=start,
            )
    records = home_records(voivodeship=MAZOVIA)
    assert records.more_agreements and records.more_events
    for language in ("pl", "en"):
        with translation.override(language):
            assert_as_querysets()
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_periods_items_are_the_periods(language):
    with translation.override(language):
        periods = [
            *cycle_periods(),
            CyclePeriod(2011, None, 1, 1, Parts(), 0),
            CyclePeriod(2012, 2013, 1234, 380, Parts(), 0),
            CyclePeriod(2014, 2014, 12345, 380, Parts(), 0),
            CyclePeriod(None, None, 21, 3, Parts(), 0),
        ]
        items = period_items(periods)
        assert [(i.url, i.dates, i.county_count) for i in items] == [
            (p.url, p.dates, p.counties) for p in periods
        ]
        assert [i.title for i in items] == [
            translation.ngettext("%(count)s workshop cycle", "%(count)s workshop cycles", p.cycles)
            % {"count": number_format(p.cycles, force_grouping=p.cycles >= 10000)}
            for p in periods
        ]
