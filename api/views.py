"""The public API, ``/api/v1/``: read-only, anonymous, JSON.

Every answer of the API:

- is throttled per address (``throttling.AddressRateThrottle``: 429 with ``Retry-After``),
  the page cache's answers too;
- names the licence of the data (``Link: <…>; rel="license"``);
- may be read from any origin (``Access-Control-Allow-Origin: *``; the portal's pages do
  not send it);
- when it is a 200 to GET or HEAD, is cached whole like the pages
  (``partnership.caching.public_cache``: keyed by the version of the data it shows, the
  language and the address, so a write shows within ``PUBLIC_AGGREGATE_MAX_AGE``
  seconds) and carries an ``ETag`` and a ``Last-Modified``, against which
  ``If-None-Match`` / ``If-Modified-Since`` get a 304.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, F, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import exceptions, viewsets
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from partnership.caching import public_cache
from portal.participation import counties_with_participation, programmes_with_counts
from programmes.models import (
    County,
    PartnershipAgreement,
    Programme,
    ProgrammeEvent,
    Source,
    count_subquery,
)
from projects.models import ProjectIdea, Theme
from workshops.models import Attendance, CycleRole, Session, WorkshopCycle

from . import filters, serializers
from .licence import licence_link, licence_object
from .links import Links
from .schema import documented

EXPOSED_HEADERS = "ETag, Last-Modified, Link, Retry-After, X-Cache"
SESSION_NUMBER_MAX = 32767  # a PositiveSmallIntegerField


def exception_handler(exc, context):
    """DRF's answers to errors, with one shape: ``{"detail": …}``, and for invalid query
    parameters the errors of each under ``errors``."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _("Some query parameters are not valid."),
            "errors": response.data,
        }
    return response


def request_language(request, *, from_query: bool = False) -> str:
    """The language of an answer: ``?lang=`` where allowed (the schema and the docs page),
    else ``Accept-Language``, else Polish. Not the language cookie: an answer must depend
    only on what ``Vary: Accept-Language`` names, as shared caches may keep it. (``/api/``
    has no language prefix, so ``LocaleMiddleware`` alone would always pick Polish.)"""
    languages = dict(settings.LANGUAGES)
    if from_query and request.GET.get("lang") in languages:
        return request.GET["lang"]
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class PublicAPIMixin:
    """What every view of the API does (see the module's docstring)."""

    cache_scope = "aggregate"  # partnership.caching: the data its answers depend on

    language_from_query = False

    def initial(self, request, *args, **kwargs):
        # Before the throttle, so that every answer, a refusal too, is in that language.
        translation.activate(
            request_language(request._request, from_query=self.language_from_query)
        )
        request._request.LANGUAGE_CODE = translation.get_language()
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["links"] = Links(self.request)
        return context

    def cached(self, handler, request, *args, **kwargs):
        """``handler``'s answer, through the page cache; rendered, with its validators."""

        def view(django_request):
            response = handler(request, *args, **kwargs)
            response.accepted_renderer = request.accepted_renderer
            response.accepted_media_type = request.accepted_media_type
            response.renderer_context = self.get_renderer_context()
            response.render()
            # A plain response keeps only the bytes (not the data) in the cache.
            plain = HttpResponse(
                response.content, status=response.status_code, content_type=response["Content-Type"]
            )
            for header, value in response.items():
                plain.headers.setdefault(header, value)
            set_response_etag(plain)
            plain["Last-Modified"] = http_date()
            return plain

        return public_cache(view, scope=self.cache_scope)(request._request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and response.has_header("ETag")
        ):
            response = get_conditional_response(
                request._request,
                etag=response["ETag"],
                last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                response=response,
            )
        response["Link"] = licence_link()
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if request.method == "OPTIONS":
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = (
                "Accept, Accept-Language, If-None-Match, If-Modified-Since"
            )
            response["Access-Control-Max-Age"] = "86400"
        if response.status_code == 429:
            add_never_cache_headers(response)
        return response


class PublicViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def filter_queryset(self, queryset):
        if self.action == "retrieve":  # a record is found by its identifier alone
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request, *args, **kwargs):
        return self.cached(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.cached(super().retrieve, request, *args, **kwargs)


# -- the resources ------------------------------------------------------------------------


@documented("projects")
class ProjectViewSet(PublicViewSet):
    cache_scope = "ideas"  # no attendance in the answers: attendance writes leave them cached
    serializer_class = serializers.ProjectSerializer
    filterset_class = filters.ProjectFilter

    def get_queryset(self):
        return ProjectIdea.objects.for_page().select_related("session__cycle")


@documented("cycles")
class CycleViewSet(PublicViewSet):
    serializer_class = serializers.CycleSerializer
    detail_serializer_class = serializers.CycleDetailSerializer
    filterset_class = filters.CycleFilter

    def get_queryset(self):
        cycles = WorkshopCycle.objects.for_display().with_counts()
        if self.action == "retrieve":
            return cycles.prefetch_related(
                Prefetch(
                    "sessions",
                    queryset=sessions_queryset().select_related("cycle__county"),
                ),
                Prefetch(
                    "roles",
                    queryset=CycleRole.objects.select_related("person", "organisation", "session"),
                ),
                "agreements",
                Prefetch("project_ideas", queryset=ProjectIdea.objects.order_by("title", "pk")),
            )
        return cycles.order_by(F("date_start").asc(nulls_last=True), "slug")


def sessions_queryset():
    return (
        Session.objects.select_related("cycle__county")
        .prefetch_related("sources")
        .annotate(register_count=count_subquery(Attendance.objects.all(), "session"))
        .order_by("cycle__slug", "ordinal")
    )


@documented("sessions")
class SessionViewSet(PublicViewSet):
    serializer_class = serializers.SessionSerializer
    filterset_class = filters.SessionFilter

    def get_queryset(self):
        return sessions_queryset()

    def get_object(self):
        number = self.kwargs["number"]
        if not 1 <= number <= SESSION_NUMBER_MAX:
            raise exceptions.NotFound
        return get_object_or_404(
            self.get_queryset(), cycle__slug=self.kwargs["cycle"], ordinal=number
        )


@documented("events")
class EventViewSet(PublicViewSet):
    serializer_class = serializers.EventSerializer
    detail_serializer_class = serializers.EventDetailSerializer
    filterset_class = filters.EventFilter

    def get_queryset(self):
        events = ProgrammeEvent.objects.for_display().prefetch_related(
            "municipalities", "voivodeships"
        )
        if self.action == "retrieve":
            return events.prefetch_related(
                "speakers__person",
                "speakers__organisation",
                Prefetch("project_ideas", queryset=ProjectIdea.objects.order_by("title", "pk")),
            )
        return events.order_by(F("date_start").asc(nulls_last=True), "slug")


@documented("agreements")
class AgreementViewSet(PublicViewSet):
    serializer_class = serializers.AgreementSerializer
    filterset_class = filters.AgreementFilter

    def get_queryset(self):
        return PartnershipAgreement.objects.for_display().order_by(
            F("date_start").asc(nulls_last=True), "slug"
        )


@documented("counties")
class CountyViewSet(PublicViewSet):
    serializer_class = serializers.CountySerializer
    filterset_class = filters.CountyListFilter
    lookup_field = "code"
    lookup_url_kwarg = "teryt"

    def get_queryset(self):
        return counties_with_participation(County.objects.select_related("voivodeship")).order_by(
            "code"
        )


@documented("editions")
class EditionViewSet(PublicViewSet):
    serializer_class = serializers.EditionSerializer

    def get_queryset(self):
        return (
            programmes_with_counts(Programme.objects.all())
            .select_related("operator", "implementing_institution")
            .prefetch_related("sources")
            .order_by(F("date_start").asc(nulls_last=True), "slug")
        )


@documented("themes")
class ThemeViewSet(PublicViewSet):
    serializer_class = serializers.ThemeSerializer

    def get_queryset(self):
        return Theme.objects.annotate(project_idea_count=Count("project_ideas")).order_by("slug")


@documented("sources")
class SourceViewSet(PublicViewSet):
    serializer_class = serializers.SourceSerializer

    def get_queryset(self):
        return Source.objects.order_by("slug")


RESOURCES = {
    "projects": "api:project-list",
    "cycles": "api:cycle-list",
    "sessions": "api:session-list",
    "events": "api:event-list",
    "agreements": "api:agreement-list",
    "counties": "api:county-list",
    "editions": "api:edition-list",
    "themes": "api:theme-list",
    "sources": "api:source-list",
}


@documented("root")
class RootView(PublicAPIMixin, APIView):
    def get(self, request):
        return self.cached(self.describe, request)

    def describe(self, request):
        return Response(
            {
                "title": _("Local Partnership Portal: the public API"),
                "version": "1",
                "licence": licence_object(),
                "documentation": reverse("api:docs", request=request),
                "schema": reverse("api:schema", request=request),
                "resources": {
                    name: reverse(view, request=request) for name, view in RESOURCES.items()
                },
            }
        )


class SchemaView(PublicAPIMixin, SpectacularJSONAPIView):
    """The OpenAPI 3 description, in the language of ``?lang=`` (pl or en) or of the
    request."""

    language_from_query = True

    def get(self, request, *args, **kwargs):
        return self.cached(self._get_schema_response, request)


class NotFoundView(PublicAPIMixin, APIView):
    """Any other address under /api/v1/: a 404 in JSON."""

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound

    head = post = put = patch = delete = get


@require_safe
def docs(request):
    """The human documentation: Swagger UI (from drf-spectacular-sidecar, served by the
    portal) over the OpenAPI description, in Polish or English (``?lang=``, or the
    browser's language)."""
    translation.activate(request_language(request, from_query=True))
    request.LANGUAGE_CODE = translation.get_language()
    return docs_page(request)


@public_cache
def docs_page(request):
    lang = translation.get_language()
    return render(
        request,
        "api/docs.html",
        {
            "lang": lang,
            "schema_url": reverse("api:schema") + f"?lang={lang}",
            "root_url": reverse("api:root"),
            "languages": settings.LANGUAGES,
            "title": gettext_lazy("Public API"),
        },
    )
