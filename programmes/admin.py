"""Admin for reference data, sources, organisations, people, programmes, agreements and events.

The admin site's titles are set here, once, for the whole portal. Shared pieces for the
other apps' admins (the date column, the date and record fieldsets) live here too.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_mixins import CountyScopedAdminMixin
from accounts.scoping import counties_for_user
from partnership.caching import public_data_changed
from partnership.collation import polish

from .models import (
    AgreementParty,
    AgreementSignatory,
    County,
    EventSpeaker,
    Municipality,
    Organisation,
    PartnershipAgreement,
    Person,
    Programme,
    ProgrammeEvent,
    SchemeSession,
    Source,
    Voivodeship,
)
from .origins import origins_edition_changed

admin.site.site_header = _("Local Partnership Portal")
admin.site.site_title = _("Local Partnership Portal")
admin.site.index_title = _("Local Partnership Portal")


# --------------------------------------------------------------------------------------
# Shared building blocks
# --------------------------------------------------------------------------------------

TIMESTAMPS = ("created_at", "updated_at")


def date_fieldset(title, description=None):
    """The three fields of a ``DatedRecord`` on one line, under ``title``."""
    options = {"fields": [("date_start", "date_end", "date_precision")]}
    if description:
        options["description"] = description
    return (title, options)


RECORD_FIELDSET = (_("Record"), {"fields": [TIMESTAMPS], "classes": ["collapse"]})
SOURCES_FIELDSET = (_("Sources"), {"fields": ["sources"]})


class PublicDataAdminMixin:
    """For every admin of a record the public pages or the reports show: each save (with
    its inlines and many-to-many choices, also a history revert) and each delete, one or
    many, invalidates the cached pages and reports that show it once the admin's
    transaction commits (``partnership.caching``: the dependency map).

    By default a change may show anywhere (reference data): ``everything``. An admin of
    records that belong to one cycle or idea says which in ``public_data_scope(obj)``
    (the arguments of ``public_data_changed``); adding or deleting one of its records
    (unless ``scoped_adds_and_deletes``), or changing one of its ``structural_fields`` (its
    address, county, edition or origin), still invalidates everything."""

    structural_fields: tuple[str, ...] = ()
    scoped_adds_and_deletes = False
    #: ``select_related`` for ``public_data_scope`` over a bulk delete's records
    scope_related: tuple[str, ...] = ()

    def public_data_scope(self, obj) -> dict | None:
        return None

    def _changes_structure(self, obj) -> bool:
        if not self.structural_fields:
            return False
        names = [obj._meta.get_field(name).attname for name in self.structural_fields]
        before = type(obj)._default_manager.filter(pk=obj.pk).values(*names).first()
        return before is None or any(before[name] != getattr(obj, name) for name in names)

    def _public_data_changed(self, scopes: list[dict | None]) -> None:
        """One ``public_data_changed`` for the records' scopes (``None``: everything)."""
        if not scopes or any(scope is None for scope in scopes):
            public_data_changed(everything=True)
            return
        merged = {"cycles": [], "ideas": [], "registers": []}
        for scope in scopes:
            for name, records in merged.items():
                records += [scope.get(name.removesuffix("s")), *scope.get(name, ())]
        public_data_changed(
            **{name: [r for r in records if r is not None] for name, records in merged.items()}
        )

    def save_model(self, request, obj, form, change):
        structural = self._changes_structure(obj) if change else not self.scoped_adds_and_deletes
        super().save_model(request, obj, form, change)
        self._public_data_changed([None if structural else self.public_data_scope(obj)])

    def delete_model(self, request, obj):
        scoped = self.scoped_adds_and_deletes
        scopes = [self.public_data_scope(obj) if scoped else None]
        super().delete_model(request, obj)
        self._public_data_changed(scopes)

    def delete_queryset(self, request, queryset):
        if self.scoped_adds_and_deletes:
            objs = queryset.select_related(*self.scope_related)
            scopes = [self.public_data_scope(obj) for obj in objs]
        else:
            scopes = [None]
        super().delete_queryset(request, queryset)
        self._public_data_changed(scopes)


class EditionCopiesAdminMixin:
    """For the admin of an origin of project ideas (a workshop cycle, ``"cycle"``, or a
    programme event, ``"event"``: ``edition_origin``): a save that changes the record's
    programme edition (a history revert too) recomputes the copies of it kept above
    (``programmes.origins``), in the admin's transaction. A new record has no ideas yet;
    one with ideas cannot be deleted (``PROTECT``)."""

    edition_origin = ""

    def save_model(self, request, obj, form, change):
        record = type(obj)._default_manager.filter(pk=obj.pk)
        before = record.values_list("programme_id", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        if change and before != obj.programme_id:
            origins_edition_changed(**{f"{self.edition_origin}_ids": [obj.pk]})


class DatedAdminMixin:
    """A list column showing a ``DatedRecord``'s date as the record knows it."""

    @admin.display(description=_("date"), ordering="date_start")
    def dates_display(self, obj):
        return str(obj.dates)


class SelectRelatedMixin:
    """For records whose ``__str__`` follows a foreign key (parties, speakers, sessions...).

    Their string appears in autocomplete results and page titles too, so ``get_queryset``
    joins ``list_select_related``. (The changelist ignores ``list_select_related`` once
    ``get_queryset`` has joined anything, so the list must include what ``__str__`` needs.)
    """

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)


# --------------------------------------------------------------------------------------
# Administrative units (TERYT)
# --------------------------------------------------------------------------------------


@admin.register(Voivodeship)
class VoivodeshipAdmin(PublicDataAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "slug"]
    search_fields = ["code", "name"]
    ordering = ["code"]


@admin.register(County)
class CountyAdmin(PublicDataAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "voivodeship"]
    list_filter = ["kind", "voivodeship"]
    list_select_related = ["voivodeship"]
    search_fields = ["code", "name", "slug"]
    autocomplete_fields = ["voivodeship"]
    ordering = [polish("name"), "code"]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # A county chosen in a form must be one the user works for; the list of all
            # counties stays readable as reference data.
            queryset = queryset.filter(pk__in=counties_for_user(request.user))
        return queryset, may_have_duplicates


@admin.register(Municipality)
class MunicipalityAdmin(PublicDataAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "county"]
    list_filter = ["kind", "county"]
    list_select_related = ["county"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["county"]
    ordering = ["code"]


# --------------------------------------------------------------------------------------
# Sources, organisations and people
# --------------------------------------------------------------------------------------


@admin.register(Source)
class SourceAdmin(PublicDataAdminMixin, DatedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "slug", "author", "publisher", "dates_display"]
    list_filter = ["date_precision", "title_is_descriptive"]
    search_fields = ["title", "slug", "author", "publisher", "url"]
    date_hierarchy = "date_start"
    ordering = ["slug"]
    readonly_fields = TIMESTAMPS
    fieldsets = [
        (None, {"fields": ["slug", "title", "title_is_descriptive", "author", "publisher", "url"]}),
        date_fieldset(_("Publication date")),
        (None, {"fields": ["notes"]}),
        RECORD_FIELDSET,
    ]


@admin.register(Organisation)
class OrganisationAdmin(PublicDataAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "sector", "seat", "county", "voivodeship", "parent"]
    list_filter = ["sector", "voivodeship", "county"]
    list_select_related = ["county", "voivodeship", "parent"]
    search_fields = ["name", "other_names", "slug", "seat"]
    autocomplete_fields = ["parent", "voivodeship", "county", "sources"]
    ordering = [polish("name")]
    readonly_fields = TIMESTAMPS
    fieldsets = [
        (None, {"fields": ["slug", "name", "other_names", "sector", "parent"]}),
        (_("Location"), {"fields": ["voivodeship", "county", "seat", "website"]}),
        (None, {"fields": ["notes"]}),
        SOURCES_FIELDSET,
        RECORD_FIELDSET,
    ]


@admin.register(Person)
class PersonAdmin(PublicDataAdminMixin, SimpleHistoryAdmin):
    list_display = ["full_name", "slug"]
    search_fields = ["full_name", "slug"]
    autocomplete_fields = ["sources"]
    ordering = [polish("full_name")]
    readonly_fields = TIMESTAMPS
    fieldsets = [
        (None, {"fields": ["slug", "full_name", "notes"]}),
        SOURCES_FIELDSET,
        RECORD_FIELDSET,
    ]


# --------------------------------------------------------------------------------------
# Programme editions, agreements and events
# --------------------------------------------------------------------------------------


class SchemeSessionInline(admin.TabularInline):
    """The edition's standard sessions: a new cycle's sessions start from them."""

    model = SchemeSession
    fields = ["number", "kind", "topic", "venue"]
    ordering = ["number"]
    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    }


@admin.register(Programme)
class ProgrammeAdmin(PublicDataAdminMixin, DatedAdminMixin, SimpleHistoryAdmin):
    inlines = [SchemeSessionInline]
    list_display = [
        "name",
        "dates_display",
        "operator",
        "implementing_institution",
        "sessions_per_cycle",
    ]
    list_filter = ["date_precision", "operator", "is_synthetic"]
    list_select_related = ["operator", "implementing_institution"]
    search_fields = ["name", "slug", "goal", "description"]
    date_hierarchy = "date_start"
    autocomplete_fields = ["operator", "implementing_institution", "sources"]
    ordering = ["date_start", "name"]
    readonly_fields = TIMESTAMPS
    fieldsets = [
        (None, {"fields": ["slug", "name", "operator", "implementing_institution"]}),
        date_fieldset(_("Period")),
        (
            _("Programme"),
            {"fields": ["sessions_per_cycle", "goal", "scheme", "description", "is_synthetic"]},
        ),
        SOURCES_FIELDSET,
        RECORD_FIELDSET,
    ]


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    fields = ["position", "organisation"]
    autocomplete_fields = ["organisation"]
    ordering = ["position"]
    show_change_link = True
    extra = 0


@admin.register(PartnershipAgreement)
class PartnershipAgreementAdmin(
    PublicDataAdminMixin, CountyScopedAdminMixin, DatedAdminMixin, SimpleHistoryAdmin
):
    list_display = ["title", "county", "programme", "dates_display", "partners_display", "place"]
    list_filter = ["programme", "date_precision", "county"]
    list_select_related = ["county", "programme"]
    search_fields = ["title", "slug", "place", "county__name", "county__code"]
    date_hierarchy = "date_start"
    autocomplete_fields = ["programme", "county", "sources"]
    ordering = ["date_start", "title"]
    readonly_fields = TIMESTAMPS
    inlines = [AgreementPartyInline]
    fieldsets = [
        (None, {"fields": ["slug", "title", "programme", "county"]}),
        date_fieldset(_("Signing"), _("The date of signing.")),
        (None, {"fields": ["place"]}),
        (
            _("Partners"),
            {
                "fields": [("partner_count", "partner_count_precision")],
                "description": _(
                    "Only when the source gives the number of partners rather than naming "
                    "them; name the parties below."
                ),
            },
        ),
        (None, {"fields": ["description"]}),
        SOURCES_FIELDSET,
        RECORD_FIELDSET,
    ]

    @admin.display(description=_("number of partners"), ordering="partner_count")
    def partners_display(self, obj):
        return str(obj.partners)


class AgreementSignatoryInline(admin.TabularInline):
    model = AgreementSignatory
    fields = ["position", "person", "function"]
    autocomplete_fields = ["person"]
    ordering = ["position"]
    extra = 0


@admin.register(AgreementParty)
class AgreementPartyAdmin(
    PublicDataAdminMixin, CountyScopedAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin
):
    list_display = ["organisation", "agreement", "position"]
    list_filter = ["agreement__programme"]
    list_select_related = ["organisation", "agreement"]
    search_fields = ["organisation__name", "agreement__title"]
    autocomplete_fields = ["agreement", "organisation"]
    ordering = ["agreement__date_start", "agreement__title", "position"]
    inlines = [AgreementSignatoryInline]


@admin.register(AgreementSignatory)
class AgreementSignatoryAdmin(
    PublicDataAdminMixin, CountyScopedAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin
):
    list_display = ["person", "function", "organisation_display", "agreement_display", "position"]
    list_filter = ["party__agreement__programme"]
    list_select_related = ["person", "party__organisation", "party__agreement"]
    search_fields = [
        "person__full_name",
        "function",
        "party__organisation__name",
        "party__agreement__title",
    ]
    autocomplete_fields = ["party", "person"]
    ordering = ["party__agreement__date_start", "party__agreement__title", "position"]

    @admin.display(description=_("organisation"), ordering="party__organisation__name")
    def organisation_display(self, obj):
        return obj.party.organisation

    @admin.display(description=_("agreement"), ordering="party__agreement__title")
    def agreement_display(self, obj):
        return obj.party.agreement


class EventSpeakerInline(admin.TabularInline):
    model = EventSpeaker
    fields = ["position", "person", "function", "organisation"]
    autocomplete_fields = ["person", "organisation"]
    ordering = ["position"]
    extra = 0


@admin.register(ProgrammeEvent)
class ProgrammeEventAdmin(
    EditionCopiesAdminMixin, PublicDataAdminMixin, DatedAdminMixin, SimpleHistoryAdmin
):
    edition_origin = "event"
    list_display = [
        "title",
        "kind",
        "dates_display",
        "county",
        "programme",
        "invitations_display",
        "attendance_display",
    ]
    list_filter = ["kind", "programme", "date_precision", "county"]
    list_select_related = ["county", "programme"]
    search_fields = ["title", "slug", "place", "audience", "county__name"]
    date_hierarchy = "date_start"
    autocomplete_fields = [
        "programme",
        "county",
        "municipalities",
        "voivodeships",
        "organiser",
        "sources",
    ]
    ordering = [F("date_start").asc(nulls_last=True), "title"]
    readonly_fields = TIMESTAMPS
    inlines = [EventSpeakerInline]
    fieldsets = [
        (None, {"fields": ["slug", "kind", "title", "programme", "organiser"]}),
        date_fieldset(_("Date")),
        (_("Place"), {"fields": ["place", "county", "municipalities", "voivodeships"]}),
        (
            _("Figures"),
            {
                "fields": [
                    ("invitations_sent", "invitations_sent_precision"),
                    ("attendance", "attendance_precision"),
                    ("attendance_share", "attendance_share_precision"),
                ]
            },
        ),
        (_("Description"), {"fields": ["audience", "description", "outcomes"]}),
        SOURCES_FIELDSET,
        RECORD_FIELDSET,
    ]

    @admin.display(description=_("invitations sent"), ordering="invitations_sent")
    def invitations_display(self, obj):
        return str(obj.invitations)

    @admin.display(description=_("attendance"), ordering="attendance")
    def attendance_display(self, obj):
        return str(obj.attendance_figure)


@admin.register(EventSpeaker)
class EventSpeakerAdmin(PublicDataAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin):
    list_display = ["person", "function", "organisation", "event", "position"]
    list_filter = ["event__kind", "event__programme"]
    list_select_related = ["person", "organisation", "event"]
    search_fields = ["person__full_name", "function", "organisation__name", "event__title"]
    autocomplete_fields = ["event", "person", "organisation"]
    ordering = ["event__date_start", "event__title", "position"]
