"""sitemap.xml: every public page in Polish and English, with hreflang alternates.

``/sitemap.xml`` is an index of one sitemap per kind of page (``/sitemap-<section>.xml``),
each paged by 1,000 records (2,000 URLs): at national scale there are more than 60,000
URLs, above the 50,000 one sitemap file may list, and a page is read from the database
a page at a time.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Count, Max
from django.urls import reverse

from programmes.models import Programme, ProgrammeEvent, Source
from projects.models import ProjectIdea
from workshops.models import WorkshopCycle

from .participation import participating_counties


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class LanguagePairs:
    """Every (record, language) pair, in the order Django's i18n sitemaps list them
    (each record in every language), read from the database a page at a time: Django's
    own list reads every record for every page."""

    def __init__(self, records, languages: list[str], record_count: int):
        self.records = records
        self.languages = languages
        self.record_count = record_count

    def count(self) -> int:
        return self.record_count * len(self.languages)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("LanguagePairs can only be sliced.")
        start, stop, _step = index.indices(self.count())
        if stop <= start:
            return []
        per = len(self.languages)
        first, last = start // per, -(-stop // per)
        pairs = [
            (record, language) for record in self.records[first:last] for language in self.languages
        ]
        offset = start - first * per
        return pairs[offset : offset + stop - start]


class RecordSitemap(PortalSitemap):
    """Records with a page of their own, found by ``url_name`` and their slug."""

    url_name = ""
    limit = 2000  # URLs a page: 1,000 records in two languages

    def location(self, item):
        if self.url_name:
            return reverse(self.url_name, kwargs={"slug": item.slug})
        return item.get_absolute_url()

    def lastmod(self, item):
        return getattr(item, "updated_at", None)

    def _stats(self) -> dict:
        """How many records, and the latest change among them: one query."""
        if not hasattr(self, "_counted"):
            records = self.items().order_by()
            fields = {field.name for field in records.model._meta.concrete_fields}
            latest = {"latest": Max("updated_at")} if "updated_at" in fields else {}
            self._counted = records.aggregate(n=Count("pk"), **latest)
        return self._counted

    def get_latest_lastmod(self):
        return self._stats().get("latest")

    def _items(self):
        return LanguagePairs(self.items(), self._languages(), self._stats()["n"])


class StaticSitemap(PortalSitemap):
    priority = 0.8

    def items(self):
        return [
            "portal:home",
            "projects:list",
            "portal:county_list",
            "portal:programme_list",
            "workshops:cycle_list",
            "portal:source_list",
            "opendata:index",
            "portal:accessibility",
            "portal:privacy",
            "portal:contact",
        ]

    def location(self, item):
        return reverse(item)


class CountySitemap(RecordSitemap):
    url_name = "portal:county_detail"

    def items(self):
        return participating_counties().order_by("code")


class ProgrammeSitemap(RecordSitemap):
    url_name = "portal:programme_detail"

    def items(self):
        return Programme.objects.order_by("date_start", "slug")


class EventSitemap(RecordSitemap):
    url_name = "portal:event_detail"

    def items(self):
        return ProgrammeEvent.objects.order_by("slug")


class SourceSitemap(RecordSitemap):
    url_name = "portal:source_detail"

    def items(self):
        return Source.objects.order_by("slug")


class CycleSitemap(RecordSitemap):
    def items(self):
        return WorkshopCycle.objects.only("slug", "updated_at").order_by("slug")


class ProjectIdeaSitemap(RecordSitemap):
    def items(self):
        return ProjectIdea.objects.only("slug", "updated_at").order_by("slug")


SITEMAPS = {
    "pages": StaticSitemap,
    "counties": CountySitemap,
    "programmes": ProgrammeSitemap,
    "events": EventSitemap,
    "cycles": CycleSitemap,
    "projects": ProjectIdeaSitemap,
    "sources": SourceSitemap,
}
