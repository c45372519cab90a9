"""``partnership.urlfill.slug_url`` gives what ``reverse()`` gives."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from partnership.urlfill import slug_url
from programmes.models import Programme, ProgrammeEvent, Source
from projects.models import ProjectIdea
from workshops.models import WorkshopCycle

pytestmark = pytest.mark.django_db

PATTERNS = [
    ("portal:source_detail", Source),
    ("portal:programme_detail", Programme),
    ("portal:event_detail", ProgrammeEvent),
    ("workshops:cycle_detail", WorkshopCycle),
    ("projects:detail", ProjectIdea),
]


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize(("name", "model"), PATTERNS)
def test_every_record_on_file_has_the_address_reverse_gives(language, name, model):
    slugs = list(model.objects.values_list("slug", flat=True))
    assert slugs
    with translation.override(language):
        url = slug_url(name)
        for slug in slugs:
            assert url(slug) == reverse(name, kwargs={"slug": slug})


def test_the_language_is_the_one_active_when_made():
    with translation.override("en"):
        english = slug_url("portal:source_detail")
        expected = reverse("portal:source_detail", kwargs={"slug": "x-1"})
    assert expected.startswith("/en/")
    with translation.override("pl"):
        assert english("x-1") == expected


def test_what_is_not_a_slug_goes_to_reverse_and_fails_as_it_does():
    url = slug_url("portal:source_detail")
    for bad in ("a b", "ą", "a/b", ""):
        with pytest.raises(NoReverseMatch):
            reverse("portal:source_detail", kwargs={"slug": bad})
        with pytest.raises(NoReverseMatch):
            url(bad)
