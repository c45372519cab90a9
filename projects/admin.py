"""Admin for themes, project ideas and their status history.

A project idea's status is read-only here: it follows the latest entry of the status
history (see ``projects.services``), which staff edit in the inline.

Each save of an idea (with its themes and history, or a history revert) and each
deletion of a theme refreshes the ideas' kept facet rows and the kept totals of their
statuses (``projects.facets``), a deletion of ideas the totals, in the admin's
transaction.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_mixins import CountyScopedAdminMixin
from programmes.admin import (
    RECORD_FIELDSET,
    SOURCES_FIELDSET,
    TIMESTAMPS,
    DatedAdminMixin,
    PublicDataAdminMixin,
    date_fieldset,
)

from .facets import idea_facets_refresh, idea_totals_of, idea_totals_refresh
from .models import ProjectIdea, StatusChange, Theme
from .services import project_idea_sync_status


@admin.register(Theme)
class ThemeAdmin(PublicDataAdminMixin, SimpleHistoryAdmin):
    list_display = ["name_pl", "name_en", "slug"]
    search_fields = ["name_pl", "name_en", "slug"]
    ordering = ["name_pl"]

    # A theme deleted takes its links and its facet rows with it: its ideas' rows are
    # recomputed (an idea left without a theme counts under none).

    @transaction.atomic
    def delete_model(self, request, obj):
        ideas = list(obj.project_ideas.values_list("pk", flat=True))
        super().delete_model(request, obj)
        idea_facets_refresh(idea_ids=ideas)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        through = ProjectIdea.themes.through.objects
        ideas = list(through.filter(theme__in=queryset).values_list("projectidea_id", flat=True))
        super().delete_queryset(request, queryset)
        idea_facets_refresh(idea_ids=ideas)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["status", "date_start", "date_end", "date_precision", "note", "sources"]
    autocomplete_fields = ["sources"]
    ordering = [F("date_start").asc(nulls_first=True), "id"]
    extra = 0


@admin.register(ProjectIdea)
class ProjectIdeaAdmin(PublicDataAdminMixin, CountyScopedAdminMixin, SimpleHistoryAdmin):
    # A new, deleted or moved idea changes its county's participation (every map).
    structural_fields = ("slug", "county", "cycle", "event")

    def public_data_scope(self, obj):
        return {"idea": obj}

    list_display = ["title", "status", "county", "cycle", "event", "themes_display"]
    list_filter = ["status", "themes", "cycle__programme", "county"]
    list_select_related = ["county", "cycle", "event"]
    search_fields = ["title", "slug", "goals", "description", "county__name", "cycle__title"]
    autocomplete_fields = [
        "cycle",
        "session",
        "event",
        "county",
        "municipalities",
        "voivodeships",
        "partners",
        "sources",
    ]
    filter_horizontal = ["themes"]
    ordering = ["title"]
    readonly_fields = ["status", *TIMESTAMPS]
    inlines = [StatusChangeInline]
    fieldsets = [
        (None, {"fields": ["slug", "title", "status", "themes"]}),
        (
            _("Origin"),
            {
                "fields": ["cycle", "session", "event"],
                "description": _("The workshop cycle (and session) or the event it came from."),
            },
        ),
        (_("Where"), {"fields": ["county", "municipalities", "voivodeships"]}),
        (_("Description"), {"fields": ["goals", "description", "partners"]}),
        SOURCES_FIELDSET,
        RECORD_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("themes")

    @admin.display(description=_("themes"))
    def themes_display(self, obj):
        return ", ".join(str(theme) for theme in obj.themes.all())

    def delete_model(self, request, obj):
        totals = idea_totals_of(ProjectIdea.objects.filter(pk=obj.pk))
        super().delete_model(request, obj)  # its facet rows with it (CASCADE)
        idea_totals_refresh(**totals)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        totals = idea_totals_of(queryset)
        super().delete_queryset(request, queryset)
        idea_totals_refresh(**totals)

    def save_model(self, request, obj, form, change):
        # A history revert saves the idea alone (its county, cycle or event may change).
        super().save_model(request, obj, form, change)
        idea_facets_refresh(idea_ids=[obj.pk])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        project_idea_sync_status(project=form.instance)
        idea_facets_refresh(idea_ids=[form.instance.pk])  # its themes


@admin.register(StatusChange)
class StatusChangeAdmin(
    PublicDataAdminMixin, CountyScopedAdminMixin, DatedAdminMixin, SimpleHistoryAdmin
):
    structural_fields = ("project",)
    scoped_adds_and_deletes = True
    scope_related = ("project",)

    def public_data_scope(self, obj):
        return {"idea": obj.project}

    list_display = ["project", "status", "dates_display", "note"]
    list_filter = ["status", "date_precision"]
    list_select_related = ["project"]
    search_fields = ["project__title", "project__slug", "note"]
    date_hierarchy = "date_start"
    autocomplete_fields = ["project", "sources"]
    ordering = ["project__title", F("date_start").asc(nulls_first=True), "id"]
    readonly_fields = TIMESTAMPS
    fieldsets = [
        (None, {"fields": ["project", "status"]}),
        date_fieldset(_("Date")),
        (None, {"fields": ["note"]}),
        SOURCES_FIELDSET,
        RECORD_FIELDSET,
    ]

    def get_readonly_fields(self, request, obj=None):
        # An entry stays with its project idea (so only one idea's status can change).
        if obj is not None:
            return ["project", *self.readonly_fields]
        return self.readonly_fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        project_idea_sync_status(project=form.instance.project)

    def delete_model(self, request, obj):
        project = obj.project
        super().delete_model(request, obj)
        project_idea_sync_status(project=project)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        projects = list(ProjectIdea.objects.filter(status_history__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for project in projects:
            project_idea_sync_status(project=project)
