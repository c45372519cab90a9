"""The API's records, one serializer per resource (and a richer one for some details).

Identifiers are those of the open data: TERYT codes for counties, voivodeships and
municipalities, slugs for the rest. Every figure is ``{value, precision, text}`` and every
date ``{start, end, precision, text}``, ``text`` as the pages write it in the answer's
language. Attendees are never here, only counts of them, as on the pages.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from . import fields as f


def api_url(name: str, **kwargs):
    """The record's address in the API: ``kwargs`` name the URL's arguments and the
    record's attributes (``a.b`` follows a relation) that give them."""
    return lambda links, obj: links.url(name, **{k: _attr(obj, v) for k, v in kwargs.items()})


def page_url(name: str, fragment: str = "", **kwargs):
    """The portal page's address (in the answer's language), with a fragment made from the
    record (``fragment`` formatted with it)."""

    def address(links, obj):
        url = links.url(name, **{k: _attr(obj, v) for k, v in kwargs.items()})
        return url + fragment.format(obj=obj) if fragment else url

    return address


def _attr(obj, path: str):
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def filtered_lists(**lists):
    """``{name: (view, filter)}`` -> the addresses of API lists filtered to the record."""

    def address(links, obj):
        return {
            name: links.url(view) + "?" + urlencode({param: _attr(obj, path)})
            for name, (view, param, path) in lists.items()
        }

    return address


API_URL = _("The address of this record in the API.")
PAGE_URL = _("The address of the record's page on the portal, in the answer's language.")
LINKS = _("Addresses of the API lists of related records.")
SOURCES = _("The documents the record comes from.")


# -- project ideas ----------------------------------------------------------------------


def idea_status_dates(idea):
    """The dates of the history entry that recorded the current status (the history comes
    prefetched by date, as on the idea's page and in the open data)."""
    for change in reversed(idea.status_history.all()):
        if change.status == idea.status:
            return change.dates
    return None


def idea_origin_dates(idea):
    if idea.cycle_id:
        return idea.cycle.dates
    if idea.event_id:
        return idea.event.dates
    return None


def idea_programme(idea):
    if idea.cycle_id:
        return idea.cycle.programme
    if idea.event_id:
        return idea.event.programme
    return None


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.CharField(read_only=True)
    status_label = f.label("get_status_display")
    dates = f.DatesField(help_text=_("When the status was recorded."))
    note = f.text()
    sources = f.SourceListField(help_text=SOURCES)


class ProjectSerializer(serializers.Serializer):
    id = f.identifier(_("Identifier of the project idea."))
    url = f.UrlLinkField(api_url("api:project-detail", slug="slug"), help_text=API_URL)
    page = f.UrlLinkField(page_url("projects:detail", slug="slug"), help_text=PAGE_URL)
    title = f.text(_("Title of the idea."))
    goals = f.text(_("Goals, as the sources state them."))
    description = f.text(_("Further description."))
    status = serializers.CharField(read_only=True, help_text=_("Current status."))
    status_label = f.label("get_status_display")
    status_dates = f.DatesField(
        compute=idea_status_dates, allow_null=True, help_text=_("Date of the current status")
    )
    county = f.CountyField(allow_null=True)
    voivodeships = f.AreaListField(
        help_text=_("TERYT codes of the voivodeships, for ideas that span several.")
    )
    municipalities = f.AreaListField(help_text=_("TERYT codes of the municipalities (gminy)."))
    edition = f.EditionField(compute=idea_programme, allow_null=True)
    cycle = f.CycleField(
        allow_null=True, help_text=_("Identifier of the originating workshop cycle.")
    )
    session = f.SessionField(
        allow_null=True,
        help_text=_("Number of the session in which the idea came up, when recorded."),
    )
    event = f.EventField(
        allow_null=True, help_text=_("Identifier of the originating programme event.")
    )
    period = f.DatesField(
        compute=idea_origin_dates,
        allow_null=True,
        help_text=_("Period of the originating cycle or event"),
    )
    themes = f.ThemeListField()
    partners = f.OrganisationListField()
    status_history = StatusChangeSerializer(many=True, read_only=True)
    sources = f.SourceListField(help_text=SOURCES)


# -- workshop cycles and sessions ---------------------------------------------------------


class CycleSerializer(serializers.Serializer):
    id = f.identifier(_("Identifier of the cycle."))
    url = f.UrlLinkField(api_url("api:cycle-detail", slug="slug"), help_text=API_URL)
    page = f.UrlLinkField(page_url("workshops:cycle_detail", slug="slug"), help_text=PAGE_URL)
    title = f.text(_("Title of the cycle."))
    title_is_descriptive = serializers.BooleanField(
        read_only=True,
        help_text=_("True when the sources give no title and this one describes the cycle."),
    )
    status = serializers.CharField(read_only=True, help_text=_("Status of the cycle."))
    status_label = f.label("get_status_display")
    edition = f.EditionField(source="programme")
    county = f.CountyField()
    period = f.DatesField(source="dates", help_text=_("Period of the cycle"))
    sessions_planned = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Number of sessions planned.")
    )
    sessions_held = f.FigureField(
        source="sessions_figure",
        help_text=_("The sessions the cycle held, as far as the records say."),
    )
    sessions_recorded = serializers.IntegerField(
        source="session_count",
        read_only=True,
        help_text=_("Number of sessions recorded in the sessions dataset."),
    )
    attendees_registered = serializers.IntegerField(
        source="attendee_count",
        read_only=True,
        help_text=_("Number of attendees registered (a count only)."),
    )
    certificates_valid = serializers.IntegerField(
        source="certificate_count",
        read_only=True,
        help_text=_("Number of valid certificates issued."),
    )
    certificate_min_sessions = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Sessions an attendee needs to attend for a certificate."),
    )
    project_idea_count = serializers.IntegerField(
        read_only=True,
        help_text=_("Number of project ideas from the cycle."),
    )
    audience = f.text(_("Who the cycle was for."))
    description = f.text()
    video_url = f.text(_("Address of a promotional video."))
    links = f.LinkMapField(
        filtered_lists(
            sessions=("api:session-list", "cycle", "slug"),
            projects=("api:project-list", "cycle", "slug"),
        ),
        help_text=LINKS,
    )
    sources = f.SourceListField(help_text=SOURCES)


class SessionSerializer(serializers.Serializer):
    cycle = f.CycleField(help_text=_("Identifier of the cycle."))
    number = serializers.IntegerField(
        source="ordinal",
        read_only=True,
        help_text=_("Number of the session within the cycle (1, 2, …)."),
    )
    url = f.UrlLinkField(
        api_url("api:session-detail", cycle="cycle.slug", number="ordinal"), help_text=API_URL
    )
    page = f.UrlLinkField(
        page_url(
            "workshops:cycle_detail", "#session-{obj.cycle.slug}-{obj.ordinal}", slug="cycle.slug"
        ),
        help_text=PAGE_URL,
    )
    county = f.CountyField(source="cycle.county")
    kind = serializers.CharField(read_only=True, help_text=_("Kind of session."))
    kind_label = f.label("get_kind_display")
    date = f.DatesField(source="dates", help_text=_("Date of the session"))
    venue = f.text(_("Venue."))
    topic = f.text(_("Topic."))
    attendance_reported = f.FigureField(
        source="attendance_figure", help_text=_("Attendance reported by the sources")
    )
    attendance_registered = serializers.IntegerField(
        source="register_count",
        read_only=True,
        help_text=_("Number of attendances entered in the register (a count only)."),
    )
    sources = f.SourceListField(help_text=SOURCES)


class CycleRoleSerializer(serializers.Serializer):
    role = serializers.CharField(read_only=True)
    role_label = f.label("get_role_display")
    person = serializers.CharField(
        source="person.full_name",
        read_only=True,
        allow_null=True,
        help_text=_("The name the sources give, as on the cycle's page."),
    )
    function = f.text()
    organisation = f.OrganisationField(allow_null=True)
    session = serializers.IntegerField(source="session.ordinal", read_only=True, allow_null=True)


class CycleDetailSerializer(CycleSerializer):
    sessions = SessionSerializer(many=True, read_only=True)
    roles = CycleRoleSerializer(many=True, read_only=True)
    agreements = f.AgreementListField()
    project_ideas = f.ProjectListField()


# -- programme events and agreements -----------------------------------------------------


class SpeakerSerializer(serializers.Serializer):
    person = serializers.CharField(
        source="person.full_name",
        read_only=True,
        help_text=_("The name the sources give, as on the event's page."),
    )
    function = f.text()
    organisation = f.OrganisationField(allow_null=True)


class EventSerializer(serializers.Serializer):
    id = f.identifier(_("Identifier of the event."))
    url = f.UrlLinkField(api_url("api:event-detail", slug="slug"), help_text=API_URL)
    page = f.UrlLinkField(page_url("portal:event_detail", slug="slug"), help_text=PAGE_URL)
    kind = serializers.CharField(read_only=True, help_text=_("Kind of event."))
    kind_label = f.label("get_kind_display")
    title = f.text(_("Title."))
    edition = f.EditionField(source="programme", allow_null=True)
    county = f.CountyField(allow_null=True)
    voivodeships = f.AreaListField(help_text=_("TERYT codes of the participating voivodeships."))
    municipalities = f.AreaListField(help_text=_("TERYT codes of the municipalities (gminy)."))
    place = f.text(_("Place."))
    date = f.DatesField(source="dates", help_text=_("Date of the event"))
    organiser = f.OrganisationField(allow_null=True)
    audience = f.text(_("Who the event was for."))
    invitations_sent = f.FigureField(source="invitations", help_text=_("Invitations sent"))
    attendance = f.FigureField(source="attendance_figure", help_text=_("Attendance"))
    attendance_share_percent = f.FigureField(
        source="attendance_share_figure",
        help_text=_("Attendance as a percentage of invitations"),
    )
    description = f.text()
    outcomes = f.text(_("Outcomes and initiatives."))
    sources = f.SourceListField(help_text=SOURCES)


class EventDetailSerializer(EventSerializer):
    speakers = SpeakerSerializer(many=True, read_only=True)
    project_ideas = f.ProjectListField()


class SignatorySerializer(serializers.Serializer):
    person = serializers.CharField(
        source="person.full_name",
        read_only=True,
        help_text=_("The name the sources give, as on the county's page."),
    )
    function = f.text()


class PartySerializer(serializers.Serializer):
    organisation = f.OrganisationField()
    signatories = SignatorySerializer(many=True, read_only=True)


class AgreementSerializer(serializers.Serializer):
    id = f.identifier(_("Identifier of the agreement."))
    url = f.UrlLinkField(api_url("api:agreement-detail", slug="slug"), help_text=API_URL)
    page = f.UrlLinkField(
        page_url("portal:county_detail", "#agreement-{obj.slug}", slug="county.slug"),
        help_text=PAGE_URL,
    )
    title = f.text(_("Title."))
    edition = f.EditionField(source="programme")
    county = f.CountyField()
    cycles = f.CycleListField(
        help_text=_("Identifiers of the workshop cycles in which it was concluded.")
    )
    place = f.text(_("Place of signing."))
    signed = f.DatesField(source="dates", help_text=_("Date of signing"))
    partner_count = f.FigureField(
        source="partners",
        help_text=_("Number of partners, when the sources give only the number"),
    )
    parties = PartySerializer(many=True, read_only=True)
    description = f.text()
    sources = f.SourceListField(help_text=SOURCES)


# -- counties, editions, themes, sources -------------------------------------------------


class CountySerializer(serializers.Serializer):
    teryt = serializers.CharField(
        source="code", read_only=True, help_text=_("TERYT code of the county (four digits).")
    )
    url = f.UrlLinkField(api_url("api:county-detail", teryt="code"), help_text=API_URL)
    page = f.UrlLinkField(page_url("portal:county_detail", slug="slug"), help_text=PAGE_URL)
    name = f.text(_("Name, as in the TERC register."))
    label = f.MethodTextField("__str__", help_text=_("The county's name as the pages write it."))
    kind = serializers.CharField(
        read_only=True, help_text=_("Land county or city with county rights.")
    )
    kind_label = f.label("get_kind_display")
    slug = serializers.CharField(
        read_only=True, help_text=_("Identifier used in the portal's addresses.")
    )
    voivodeship = f.AreaField()
    cycle_count = serializers.IntegerField(
        read_only=True, help_text=_("Number of workshop cycles.")
    )
    agreement_count = serializers.IntegerField(
        read_only=True, help_text=_("Number of partnership agreements.")
    )
    event_count = serializers.IntegerField(
        read_only=True, help_text=_("Number of programme events.")
    )
    project_idea_count = serializers.IntegerField(
        read_only=True, help_text=_("Number of project ideas.")
    )
    adopted_count = serializers.IntegerField(
        read_only=True,
        help_text=_("Number of project ideas selected for implementation (or further on)."),
    )
    links = f.LinkMapField(
        filtered_lists(
            cycles=("api:cycle-list", "county", "code"),
            sessions=("api:session-list", "county", "code"),
            events=("api:event-list", "county", "code"),
            agreements=("api:agreement-list", "county", "code"),
            projects=("api:project-list", "county", "code"),
        ),
        help_text=LINKS,
    )


class EditionSerializer(serializers.Serializer):
    id = f.identifier(_("Identifier of the edition."))
    url = f.UrlLinkField(api_url("api:edition-detail", slug="slug"), help_text=API_URL)
    page = f.UrlLinkField(page_url("portal:programme_detail", slug="slug"), help_text=PAGE_URL)
    name = f.text(_("Name."))
    period = f.DatesField(source="dates", help_text=_("Period of the edition"))
    operator = f.OrganisationField(allow_null=True)
    implementing_institution = f.OrganisationField(allow_null=True)
    sessions_per_cycle = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Standard number of sessions in a cycle.")
    )
    goal = f.text(_("Main goal."))
    scheme = f.text()
    description = f.text()
    cycle_count = serializers.IntegerField(
        read_only=True, help_text=_("Number of workshop cycles.")
    )
    event_count = serializers.IntegerField(
        read_only=True, help_text=_("Number of programme events.")
    )
    agreement_count = serializers.IntegerField(
        read_only=True, help_text=_("Number of partnership agreements.")
    )
    links = f.LinkMapField(
        filtered_lists(
            cycles=("api:cycle-list", "programme", "slug"),
            sessions=("api:session-list", "programme", "slug"),
            events=("api:event-list", "programme", "slug"),
            agreements=("api:agreement-list", "programme", "slug"),
            projects=("api:project-list", "programme", "slug"),
        ),
        help_text=LINKS,
    )
    sources = f.SourceListField(help_text=SOURCES)


class ThemeSerializer(serializers.Serializer):
    id = f.identifier(_("Identifier of the theme."))
    url = f.UrlLinkField(api_url("api:theme-detail", slug="slug"), help_text=API_URL)
    page = f.UrlLinkField(
        lambda links, theme: (
            links.url("projects:list") + "?" + urlencode({"scope": "all", "theme": theme.slug})
        ),
        help_text=_("The catalogue of the theme's project ideas, in the answer's language."),
    )
    name = serializers.CharField(read_only=True, help_text=_("In the answer's language."))
    name_pl = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)
    project_idea_count = serializers.IntegerField(
        read_only=True, help_text=_("Number of project ideas.")
    )
    links = f.LinkMapField(
        filtered_lists(projects=("api:project-list", "theme", "slug")), help_text=LINKS
    )


class SourceSerializer(serializers.Serializer):
    id = f.identifier(_("Identifier of the source document."))
    url = f.UrlLinkField(api_url("api:source-detail", slug="slug"), help_text=API_URL)
    page = f.UrlLinkField(page_url("portal:source_detail", slug="slug"), help_text=PAGE_URL)
    title = f.text(_("Title."))
    title_is_descriptive = serializers.BooleanField(
        read_only=True,
        help_text=_("The document has no title of its own; this one describes it."),
    )
    author = f.text()
    publisher = f.text()
    published = f.DatesField(source="dates")
    address = serializers.CharField(
        source="url", read_only=True, help_text=_("The document's own address, when known.")
    )
    notes = f.text()


class LicenceSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("SPDX identifier of the licence."))
    title = serializers.CharField()
    url = serializers.URLField(help_text=_("The address of the licence's text."))


class RootSerializer(serializers.Serializer):
    """The API's root (documentation only)."""

    title = serializers.CharField()
    version = serializers.CharField()
    licence = LicenceSerializer()
    documentation = serializers.URLField(help_text=_("The documentation page."))
    schema = serializers.URLField(help_text=_("The OpenAPI 3 description."))
    resources = serializers.DictField(
        child=serializers.URLField(), help_text=_("The address of each list.")
    )
