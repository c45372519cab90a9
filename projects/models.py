"""Project ideas produced by workshop cycles and programme events, and their fate."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scoping import CountyScopedQuerySet
from partnership.admin_names import AdminNames
from programmes.models import (
    County,
    DatedRecord,
    Municipality,
    NaturalKeyManager,
    NaturalKeyMixin,
    Organisation,
    ProgrammeEvent,
    SourcedModel,
    TimeStampedModel,
    Voivodeship,
)
from workshops.models import Session, WorkshopCycle


class Theme(NaturalKeyMixin, models.Model):
    """A theme a project idea addresses (entrepreneurship, tourism, seniors, ...)."""

    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    objects = NaturalKeyManager()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "theme"),
        counted=ngettext_lazy("%(count)s theme", "%(count)s themes", "count"),
        another=pgettext_lazy("admin inline", "Add another theme"),
    )

    class Meta:
        ordering = ["name_pl"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return getattr(self, self.name_field())

    @staticmethod
    def name_field() -> str:
        """The field that holds the name in the active language."""
        return "name_en" if (get_language() or "pl").startswith("en") else "name_pl"


class Status(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    SELECTED = "selected", _("selected for implementation")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    NOT_PURSUED = "not_pursued", _("not pursued")


ADOPTED_STATUSES = (Status.SELECTED, Status.IN_PROGRESS, Status.COMPLETED)


class ProjectIdeaQuerySet(CountyScopedQuerySet):
    def adopted(self):
        """Ideas selected for implementation (and those that went on from there)."""
        return self.filter(status__in=ADOPTED_STATUSES)

    def in_county(self, county):
        return self.filter(county=county)

    def status_counts(self) -> dict[str, int]:
        """How many of the ideas have each status (those with none left out), in one query."""
        return dict(self.order_by().values_list("status").annotate(n=models.Count("pk")))

    def with_period(self):
        """Annotate ``period_start``/``period_end``: the originating cycle's period,
        or the originating event's date when the idea did not come from a cycle.

        An unrecorded end counts as the start (the idea is dated by what is known).
        """
        if "period_start" in self.query.annotations:
            return self
        start = Coalesce("cycle__date_start", "event__date_start")
        return self.annotate(
            period_start=start,
            period_end=Coalesce("cycle__date_end", "event__date_end", start),
        )

    def in_year(self, year: int):
        """Ideas whose period (see ``with_period``) overlaps the calendar ``year``."""
        return self.with_period().filter(
            period_start__lte=datetime.date(year, 12, 31),
            period_end__gte=datetime.date(year, 1, 1),
        )

    def in_programme(self, programme):
        """Ideas from a cycle or an event of the programme edition (an object, its id or its
        slug)."""
        if isinstance(programme, str):
            return self.filter(
                Q(cycle__programme__slug=programme) | Q(event__programme__slug=programme)
            )
        return self.filter(Q(cycle__programme=programme) | Q(event__programme=programme))

    def search(self, text: str):
        """Ideas whose title or goals contain every word of ``text`` (case-insensitive)."""
        queryset = self
        for word in text.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(goals__icontains=word))
        return queryset

    def for_page(self):
        """What an idea's own page shows, in a fixed number of queries."""
        return self.select_related(
            "county",
            "cycle__county",
            "cycle__programme",
            "session",
            "event__county",
            "event__programme",
        ).prefetch_related(
            "themes",
            "municipalities",
            "voivodeships",
            "partners",
            "sources",
            models.Prefetch(
                "status_history",
                queryset=StatusChange.objects.order_by(
                    F("date_start").asc(nulls_last=True), "id"
                ).prefetch_related("sources"),
            ),
        )

    def from_same_origin(self, idea):
        """The other ideas from the idea's workshop cycle (or, failing one, its event)."""
        if idea.cycle_id:
            queryset = self.filter(cycle_id=idea.cycle_id)
        elif idea.event_id:
            queryset = self.filter(event_id=idea.event_id)
        else:
            return self.none()
        return queryset.exclude(pk=idea.pk).only("slug", "title", "status").order_by("title")

    def for_listing(self):
        """What a list of ideas shows: the ideas with the dates of their cycle and of
        their event as columns of their own rows (``cycle_date_start``, ...,
        ``event_date_precision``), no model instance of either; the catalogue reads
        their counties' names, themes and voivodeships itself (``prepare_cards``)."""
        dated = ("date_start", "date_end", "date_precision")
        return (
            self.only("slug", "title", "goals", "status", "county", "cycle", "event")
            .annotate(
                **{
                    f"{origin}_{field}": F(f"{origin}__{field}")
                    for origin in ("cycle", "event")
                    for field in dated
                }
            )
            .with_period()
        )


class ProjectIdea(NaturalKeyMixin, TimeStampedModel, SourcedModel):
    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "county"

    slug = models.SlugField(_("identifier"), max_length=160, unique=True)
    title = models.CharField(_("title"), max_length=300)
    goals = models.TextField(_("goals"), blank=True)
    description = models.TextField(_("description"), blank=True)
    cycle = models.ForeignKey(
        WorkshopCycle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_ideas",
        verbose_name=_("originating workshop cycle"),
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_ideas",
        verbose_name=_("originating session"),
        help_text=_("Only when the sources say in which session the idea came up."),
    )
    event = models.ForeignKey(
        ProgrammeEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_ideas",
        verbose_name=_("originating event"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_ideas",
        verbose_name=_("county"),
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="project_ideas", verbose_name=_("municipalities")
    )
    voivodeships = models.ManyToManyField(
        Voivodeship, blank=True, related_name="project_ideas", verbose_name=_("voivodeships")
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="project_ideas", verbose_name=_("themes")
    )
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="project_ideas",
        verbose_name=_("partner organisations"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.PROPOSED,
        help_text=_("The latest entry of the status history; change it by adding an entry."),
    )

    objects = NaturalKeyManager.from_queryset(ProjectIdeaQuerySet)()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "project idea"),
        counted=ngettext_lazy("%(count)s project idea", "%(count)s project ideas", "count"),
        another=pgettext_lazy("admin inline", "Add another project idea"),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("project idea")
        verbose_name_plural = _("project ideas")
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle__isnull=False) | Q(event__isnull=False),
                name="project_idea_has_origin",
                violation_error_message=_(
                    "A project idea comes from a workshop cycle or a programme event."
                ),
            ),
            models.CheckConstraint(
                condition=Q(session__isnull=True) | Q(cycle__isnull=False),
                name="project_idea_session_needs_cycle",
                violation_error_message=_("Choose the cycle the session belongs to."),
            ),
        ]
        indexes = [
            # The catalogue's facets count ideas by status, county and origin: read from
            # this index alone (an index-only scan, no visit to the table's rows).
            models.Index(
                fields=["status", "county"],
                include=["id", "cycle", "event"],
                name="projectidea_status_cover_idx",
            ),
            # The catalogue's default order: a page of ideas without sorting them all.
            models.Index(fields=["title", "id"], name="projectidea_title_idx"),
            # A page of the ideas of one status in that order, read from this index alone.
            models.Index(fields=["status", "title", "id"], name="projectidea_status_title_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"slug": self.slug})


class StatusChange(NaturalKeyMixin, TimeStampedModel, DatedRecord, SourcedModel):
    """One dated entry of a project idea's status history."""

    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "project__county"

    NATURAL_KEY = ("project__slug", "status")

    project = models.ForeignKey(
        ProjectIdea,
        on_delete=models.CASCADE,
        related_name="status_history",
        verbose_name=_("project idea"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)

    objects = NaturalKeyManager()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "status change"),
        counted=ngettext_lazy("%(count)s status change", "%(count)s status changes", "count"),
        another=pgettext_lazy("admin inline", "Add another status change"),
    )

    class Meta(DatedRecord.Meta):
        ordering = ["project", "date_start", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        constraints = [
            *DatedRecord.Meta.constraints,
            models.UniqueConstraint(fields=["project", "status"], name="status_change_once"),
        ]

    def __str__(self):
        return f"{self.get_status_display()} ({self.dates})"


class IdeaFacetRow(models.Model):
    """A kept copy of what the catalogue's facets count an idea by (``projects.facets``):
    one row per idea with ``by_theme`` false and no theme, and one per idea and theme
    with ``by_theme`` true (one with no theme for an idea without themes, as the themes'
    ``LEFT JOIN`` counts it), each with the idea's status, county and the programme
    editions of its cycle and of its event. The facets read these rows from their
    indexes alone, without joining the cycles, events or themes' links.

    Written only by ``projects.facets.idea_facets_refresh``, which every write path
    calls (the list is in that module's docstring); never edited by hand."""

    idea = models.ForeignKey(
        ProjectIdea, on_delete=models.CASCADE, related_name="+", verbose_name=_("project idea")
    )
    by_theme = models.BooleanField(_("one of the idea's themes"))
    theme = models.ForeignKey(
        Theme,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("theme"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    county = models.ForeignKey(
        County, on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("county")
    )
    # The edition the catalogue shows an idea under (its cycle's, else its event's), and
    # the two the edition filter tests (an idea of either's edition is listed).
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("programme edition"),
    )
    cycle_programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("programme edition of the cycle"),
    )
    event_programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("programme edition of the event"),
    )

    class Meta:
        ordering = ["idea", "by_theme", "theme"]
        verbose_name = _("idea's facet row")
        verbose_name_plural = _("ideas' facet rows")
        indexes = [
            # The ideas of a theme (the theme filter), by status; and every theme's
            # ideas of a status (the theme facet), grouped in the index's order.
            models.Index(
                fields=["by_theme", "theme", "status"],
                include=["county", "programme", "cycle_programme", "event_programme"],
                name="ideafacet_theme_idx",
            ),
            models.Index(
                fields=["by_theme", "status", "theme"],
                include=["county", "programme", "cycle_programme", "event_programme"],
                name="ideafacet_status_idx",
            ),
            models.Index(
                fields=["by_theme", "county", "status"],
                include=["theme", "programme", "cycle_programme", "event_programme"],
                name="ideafacet_county_idx",
            ),
        ]

    def __str__(self):
        return f"{self.idea_id}: {self.theme_id or '-'}"


class IdeaStatusTotal(models.Model):
    """How many ideas have a status, kept (the home page's ideas per status): a row per
    status any idea has had, ``ideas`` zero when none has it now. Recounted by
    ``projects.facets.idea_status_totals_refresh`` for the statuses a write changed (the
    same write paths as the facet rows); never edited by hand."""

    status = models.CharField(_("status"), max_length=12, primary_key=True)
    ideas = models.PositiveIntegerField(_("project ideas"), default=0)

    class Meta:
        ordering = ["status"]
        verbose_name = _("ideas of a status")
        verbose_name_plural = _("ideas per status")

    def __str__(self):
        return f"{self.status}: {self.ideas}"


class IdeaThemeTotal(models.Model):
    """How many ideas of a status have a theme, kept: the catalogue's theme facet (and
    its status facet when a theme is chosen) when neither a county nor an edition is,
    read from these rows instead of the facet rows of every idea of the status. A row
    per pair any idea has had, ``ideas`` zero when none has it now. Recounted by
    ``projects.facets.idea_facets_refresh`` for the pairs its ideas had and have; never
    edited by hand."""

    status = models.CharField(_("status"), max_length=12)
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="+", verbose_name=_("theme")
    )
    ideas = models.PositiveIntegerField(_("project ideas"), default=0)

    class Meta:
        ordering = ["status", "theme"]
        verbose_name = _("ideas of a status and theme")
        verbose_name_plural = _("ideas per status and theme")
        constraints = [
            models.UniqueConstraint(fields=["status", "theme"], name="ideathemetotal_once"),
        ]
        indexes = [models.Index(fields=["theme", "status"], name="ideathemetotal_theme_idx")]

    def __str__(self):
        return f"{self.status}, {self.theme_id}: {self.ideas}"
