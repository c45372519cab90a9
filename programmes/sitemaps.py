"""sitemap.xml: every public page in Polish and English, with hreflang alternates."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from projects.models import ProjectIdea
from workshops.models import WorkshopCycle

from .models import County, Programme, ProgrammeEvent, Source


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class RecordSitemap(PortalSitemap):
    """Records with a page of their own, found by ``url_name`` and their slug."""

    url_name = ""

    def location(self, item):
        if self.url_name:
            return reverse(self.url_name, kwargs={"slug": item.slug})
        return item.get_absolute_url()

    def lastmod(self, item):
        return getattr(item, "updated_at", None)


class StaticSitemap(PortalSitemap):
    priority = 0.8

    def items(self):
        return [
            "programmes:home",
            "projects:list",
            "programmes:county_list",
            "programmes:programme_list",
            "workshops:cycle_list",
            "programmes:source_list",
            "opendata:index",
        ]

    def location(self, item):
        return reverse(item)


class CountySitemap(RecordSitemap):
    url_name = "programmes:county_detail"

    def items(self):
        return County.objects.participating().order_by("code")


class ProgrammeSitemap(RecordSitemap):
    url_name = "programmes:programme_detail"

    def items(self):
        return Programme.objects.order_by("date_start", "slug")


class EventSitemap(RecordSitemap):
    url_name = "programmes:event_detail"

    def items(self):
        return ProgrammeEvent.objects.order_by("slug")


class SourceSitemap(RecordSitemap):
    url_name = "programmes:source_detail"

    def items(self):
        return Source.objects.order_by("slug")


class CycleSitemap(RecordSitemap):
    def items(self):
        return WorkshopCycle.objects.order_by("slug")


class ProjectIdeaSitemap(RecordSitemap):
    def items(self):
        return ProjectIdea.objects.order_by("slug")


SITEMAPS = {
    "pages": StaticSitemap,
    "counties": CountySitemap,
    "programmes": ProgrammeSitemap,
    "events": EventSitemap,
    "cycles": CycleSitemap,
    "projects": ProjectIdeaSitemap,
    "sources": SourceSitemap,
}
