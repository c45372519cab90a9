"""An edition's page lists its first cycles and leads to all of them: the cycle list
filtered by edition (an edition of the national-scale data has ~530 cycles)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from portal.views import PROGRAMME_CYCLES_SHOWN
from programmes.models import Programme
from tests.helpers import count_queries
from tests.portal.test_home_scale import add_cycles
from tests.records import PROGRAMME_2003, PROGRAMME_2017
from workshops.models import WorkshopCycle

pytestmark = pytest.mark.django_db


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def cycle_rows(content: bytes) -> int:
    table = content.decode().split('id="cycles-caption"', 1)[1].split("</table>", 1)[0]
    return table.count('<th scope="row">')


def test_a_small_edition_lists_all_its_cycles_without_a_link(client):
    response = client.get(url("portal:programme_detail", slug=PROGRAMME_2017))
    assert response.status_code == 200
    assert cycle_rows(response.content) == 2
    assert "All workshop cycles of this edition" not in response.content.decode()


def test_a_large_edition_shows_the_first_cycles_and_links_to_all(client):
    address = url("portal:programme_detail", slug=PROGRAMME_2017)
    before = count_queries(client, address)
    add_cycles(PROGRAMME_CYCLES_SHOWN + 10)
    cache.clear()  # bulk_create sends no signal to invalidate the cached page
    after = count_queries(client, address)
    response = client.get(address)
    assert after == before + 1  # the cycles beyond the first ones are counted, not loaded
    page = response.content.decode()
    assert cycle_rows(response.content) == PROGRAMME_CYCLES_SHOWN
    assert f"The table shows the first {PROGRAMME_CYCLES_SHOWN} of 62 workshop cycles." in page
    assert "?programme=wlosg-2017" in page


def test_the_cycle_list_of_one_edition(client):
    add_cycles(PROGRAMME_CYCLES_SHOWN + 10)
    address = url("workshops:cycle_list")
    response = client.get(address, {"programme": PROGRAMME_2017})
    assert response.status_code == 200
    page = response.content.decode()
    assert "62 workshop cycles" in page
    assert "Workshop cycles of “Warsztaty Lokalnego Ożywienia Społeczno-Gospodarczego" in page
    second = client.get(address, {"programme": PROGRAMME_2017, "page": 2}).content.decode()
    assert "programme=wlosg-2017&amp;page=1" in second
    assert cycle_rows(second.encode()) == 12
    others = WorkshopCycle.objects.exclude(programme__slug=PROGRAMME_2017).first()
    assert others.title not in page


def test_the_cycle_list_of_one_edition_in_polish(client):
    response = client.get(url("workshops:cycle_list", lang="pl"), {"programme": PROGRAMME_2017})
    assert response.status_code == 200
    assert "Cykle warsztatów edycji „" in response.content.decode()


@pytest.mark.parametrize(
    "value", ["nie-ma-takiej-edycji", "x" * 5000, "wlosg\x00", "wlosg-2017\x00", "' OR 1=1", "ż"]
)
def test_an_unknown_edition_is_not_found(client, value):
    response = client.get(url("workshops:cycle_list"), {"programme": value})
    assert response.status_code in (400, 404)


def test_the_edition_filter_combines_with_the_year(client):
    programme = Programme.objects.get(slug=PROGRAMME_2003)
    response = client.get(url("workshops:cycle_list"), {"programme": programme.slug, "year": 2005})
    assert response.status_code == 200
    assert "16 workshop cycles" in response.content.decode()
