"""Workshop cycles, their sessions, and the people who attended them.

Attendees, attendance and certificates are personal data: they never appear on public
pages (only counts do), and county staff see only their own counties' records.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import Coalesce, ExtractYear, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.scoping import (
    CountyScopedQuerySet,
    is_administrator,
    is_coordinator,
    is_county_staff,
    sees_records_without_county,
)
from partnership.admin_names import AdminNames
from partnership.collation import polish
from programmes.facts import DatePrecision, Figure, Precision, figure_aggregates
from programmes.models import (
    County,
    DatedRecord,
    NaturalKeyManager,
    NaturalKeyMixin,
    Organisation,
    Person,
    Programme,
    Sector,
    SourcedModel,
    TimeStampedModel,
    count_subquery,
    figure_precision_field,
)

# The cycle list's ``?year=`` for the cycles whose date is not recorded.
CYCLE_YEAR_UNKNOWN = "unknown"

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX"}


def to_roman(number: int) -> str:
    return ROMAN.get(number, str(number))


class Year(ExtractYear):
    """The year of a date, as ``ExtractYear``, but an integer on PostgreSQL too, where
    ``EXTRACT`` gives a ``numeric``, slow to sort and group by: the home page's cycles
    grouped by the years of their dates took 25 ms at national scale, 10.5 ms with
    ``DATE_PART`` cast to an integer (3 December 2026). Only for date columns."""

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(DATE_PART('year', {sql}) AS integer)", params


class WorkshopCycleQuerySet(CountyScopedQuerySet):
    def in_county(self, county):
        return self.filter(county=county)

    def in_year(self, year: int):
        """The cycles whose period includes ``year``; an unrecorded end counts as the
        start: the rule of the project catalogue's ``ProjectIdeaQuerySet.in_year``.

        The reports count a cycle in a year only when its whole period lies within it,
        on purpose: each cycle is counted once there, while a list shows a cycle in
        every year it ran (``reports.services._by_year``)."""
        return self.filter(
            Q(date_start__lte=datetime.date(year, 12, 31), date_end__gte=datetime.date(year, 1, 1))
            | Q(date_start__year=year, date_end__isnull=True)
        )

    def undated(self):
        """The cycles whose date is not recorded."""
        return self.filter(date_start__isnull=True)

    def with_sessions_figure(self, *, kept: bool = False):
        """Annotate the sessions the cycle held, as far as the records say, as
        ``sessions_figure_value`` + ``sessions_figure_precision`` (``sessions_figure``
        reads them). The one definition of the figure, for the cycles' pages, the home
        page's total and the reports:

        - the number the sources give (``sessions_held``), exactly;
        - for a planned cycle that gives none, the sessions on record, exactly;
        - for another cycle, the sessions on record as a lower bound ("at least"), or
          unknown when none is on record.

        ``sessions_figure_precision`` is the precision of the number when there is one
        (as for a stored figure, only known parts count by precision). The sessions on
        record are counted by a correlated subquery, evaluated only for the cycles whose
        sources give no number; with ``kept``, they are read from the counts kept per
        cycle (``CycleFigures.sessions``, one join) instead: what the pages that add the
        figure up over thousands of cycles use.
        """
        recorded = (
            Coalesce(F("figures__sessions"), 0)
            if kept
            else count_subquery(Session.objects.all(), "cycle")
        )
        given = Q(sessions_held__isnull=False)
        planned = Q(status=self.model.Status.PLANNED)
        return self.annotate(
            sessions_figure_value=Case(
                When(given, then=F("sessions_held")),
                When(planned, then=recorded),
                default=NullIf(recorded, Value(0)),
                output_field=models.IntegerField(),
            ),
            sessions_figure_precision=Case(
                When(given | planned, then=Value(Precision.EXACT)),
                default=Value(Precision.AT_LEAST),
                output_field=models.CharField(),
            ),
        )

    def sessions_held_totals(self, *fields, kept: bool = False, **expressions):
        """The total of the cycles' sessions held per group of ``fields`` /
        ``expressions``: ``Parts.from_row(row, "held")`` of each row (``held_parts`` is
        the number of cycles). Every page and report that adds the figure up uses this;
        ``kept``: the sessions on record from the kept counts (``with_sessions_figure``)."""
        return (
            self.with_sessions_figure(kept=kept)
            .order_by()
            .values(*fields, **expressions)
            .annotate(
                **figure_aggregates(
                    "held",
                    "sessions_figure_value",
                    "sessions_figure_precision",
                    precisions=(Precision.AT_LEAST,),
                )
            )
        )

    def periods(self):
        """The cycles counted per period (``first_year`` and ``last_year`` of their dates,
        None when not recorded): ``cycles``, in how many ``counties``, and their sessions
        held (``held_*``, see ``sessions_held_totals``; the sessions on record from the
        kept counts)."""
        return self.sessions_held_totals(
            first_year=Year("date_start"), last_year=Year("date_end"), kept=True
        ).annotate(cycles=Count("pk"), counties=Count("county", distinct=True))

    def with_counts(self, *, kept: bool = False):
        """Annotate ``session_count`` (sessions on record), ``certificate_count`` (valid
        certificates), ``attendee_count`` (registered attendees),
        ``project_idea_count`` (ideas from the cycle): numbers only, never who; and the
        sessions held (``with_sessions_figure``). ``kept``: the first three, and the
        sessions in the figure, read from the counts kept per cycle (``CycleFigures``,
        one join) instead of counting the sessions, certificates and attendees."""
        if kept:
            counts = {
                "session_count": Coalesce(F("figures__sessions"), 0),
                "certificate_count": Coalesce(F("figures__certificates_valid"), 0),
                "attendee_count": Coalesce(F("figures__attendees"), 0),
            }
        else:
            counts = {
                "session_count": count_subquery(Session.objects.all(), "cycle"),
                "certificate_count": count_subquery(Certificate.objects.valid(), "cycle"),
                "attendee_count": count_subquery(Attendee.objects.all(), "cycle"),
            }
        return self.annotate(
            **counts,
            # Ideas point at their cycle from the projects app: counted through that
            # reverse relation (the only count here that joins).
            project_idea_count=Count("project_ideas", distinct=True),
        ).with_sessions_figure(kept=kept)

    def with_figures(self):
        """Annotate the counts kept per cycle (``CycleFigures``, ``workshops.figures``)
        as ``figure_<name>``: sessions, attendees, participants, attendance marks, valid
        and revoked certificates, attendees eligible for a certificate; 0 for a cycle
        without kept figures. One join, whatever the size of the register."""
        return self.annotate(
            **{
                f"figure_{name}": Coalesce(F(f"figures__{name}"), 0)
                for name in FIGURE_FIELDS
                if not name.startswith(("band_", "reported_"))
            }
        )

    def for_display(self):
        """Cycles with their edition, county and sources."""
        return self.select_related("programme", "county").prefetch_related("sources")

    def with_sessions(self):
        """Prefetch the cycles' sessions, in order, as the list ``session_list``, each
        with its sources as the list ``source_list``.

        Lists (``to_attr``) rather than the managers' caches: Django builds a manager and
        a queryset for every object whose cache it fills (with the sessions table's labels
        translated once, a county page with ~150 sessions makes 12 % fewer Python function
        calls: 338,000 → 298,000 a request, scale 1.0, 3 December 2026)."""
        sources = models.Prefetch("sources", to_attr="source_list")
        return self.prefetch_related(
            models.Prefetch(
                "sessions",
                queryset=Session.objects.order_by("ordinal").prefetch_related(sources),
                to_attr="session_list",
            )
        )


def attendance_reported_aggregates(name: str = "attendance") -> dict:
    """Aggregates over sessions of the attendance reported for them (a person who came to
    several sessions counts at each), for ``Parts.from_row(row, name)``: the one
    definition of the total, for the home page and the reports."""
    return figure_aggregates(name, "attendance", "attendance_precision")


class WorkshopCycle(NaturalKeyMixin, TimeStampedModel, DatedRecord, SourcedModel):
    """A cycle of workshops or conferences in one county; its dates are its period."""

    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "county"

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("cycle status", "planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("cycle status", "in progress")
        COMPLETED = "completed", pgettext_lazy("cycle status", "completed")

    slug = models.SlugField(_("identifier"), max_length=160, unique=True)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="cycles",
        verbose_name=_("programme edition"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("county")
    )
    title = models.CharField(_("title"), max_length=300)
    title_is_descriptive = models.BooleanField(
        _("descriptive title"),
        default=False,
        help_text=_("The sources give no title for the cycle; this one describes it."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    sessions_planned = models.PositiveSmallIntegerField(
        _("sessions planned"), null=True, blank=True
    )
    sessions_held = models.PositiveSmallIntegerField(
        _("sessions held"), null=True, blank=True, help_text=_("Leave empty when not recorded.")
    )
    audience = models.TextField(_("audience"), blank=True)
    description = models.TextField(_("description"), blank=True)
    video_url = models.URLField(_("promotional video"), blank=True)
    agreements = models.ManyToManyField(
        "programmes.PartnershipAgreement",
        blank=True,
        related_name="cycles",
        verbose_name=_("partnership agreements concluded in the cycle"),
    )
    certificate_min_sessions = models.PositiveSmallIntegerField(
        _("sessions needed for a certificate"),
        null=True,
        blank=True,
        help_text=_("An attendee who came to at least this many sessions may get a certificate."),
    )

    objects = NaturalKeyManager.from_queryset(WorkshopCycleQuerySet)()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "workshop cycle"),
        counted=ngettext_lazy("%(count)s workshop cycle", "%(count)s workshop cycles", "count"),
        another=pgettext_lazy("admin inline", "Add another workshop cycle"),
    )

    class Meta(DatedRecord.Meta):
        ordering = [F("date_start").asc(nulls_last=True), "county__code", "title"]
        verbose_name = _("workshop cycle")
        verbose_name_plural = _("workshop cycles")
        constraints = [
            *DatedRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(sessions_planned__isnull=True) | Q(sessions_planned__gte=1),
                name="cycle_sessions_planned_positive",
                violation_error_message=_("A cycle plans at least one session."),
            ),
        ]
        indexes = [
            models.Index(fields=["county", "date_start"]),
            # The editions of each county's cycles (the map) read from the index alone.
            models.Index(fields=["county", "programme"], name="cycle_county_programme"),
            # The first cycles with a video (the home page) without reading every cycle.
            models.Index(
                fields=["date_start", "slug"],
                condition=~Q(video_url=""),
                name="cycle_with_video_by_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workshops:cycle_detail", kwargs={"slug": self.slug})

    @property
    def sessions_figure(self) -> Figure:
        """The sessions the cycle held, as far as the records say: annotated by
        ``with_sessions_figure()`` (or ``with_counts()``), where the rule is."""
        if self.sessions_figure_value is None:
            return Figure(None)
        return Figure(self.sessions_figure_value, self.sessions_figure_precision)


class CycleRole(NaturalKeyMixin, models.Model):
    """Who initiated, led or closed a cycle: a person, an organisation or just a function."""

    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "cycle__county"

    NATURAL_KEY = ("cycle__slug", "role", "position")

    class Role(models.TextChoices):
        INITIATOR = "initiator", _("initiator")
        EXPERT = "expert", _("expert / facilitator")
        ORGANISER = "organiser", _("organiser")
        CERTIFICATES = "certificates", _("handed out certificates")
        CLOSING = "closing", _("closed the conference")

    cycle = models.ForeignKey(
        WorkshopCycle, on_delete=models.CASCADE, related_name="roles", verbose_name=_("cycle")
    )
    session = models.ForeignKey(
        "Session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("session"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycle_roles",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycle_roles",
        verbose_name=_("organisation"),
    )
    function = models.CharField(_("function"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=1)

    objects = NaturalKeyManager()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "role in a cycle"),
        counted=ngettext_lazy("%(count)s role in a cycle", "%(count)s roles in cycles", "count"),
        another=pgettext_lazy("admin inline", "Add another role in a cycle"),
    )

    class Meta:
        ordering = ["cycle", "role", "position"]
        verbose_name = _("role in a cycle")
        verbose_name_plural = _("roles in cycles")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organisation__isnull=False) | ~Q(function=""),
                name="cycle_role_names_someone",
                violation_error_message=_("Name a person, an organisation or a function."),
            ),
            models.UniqueConstraint(
                fields=["cycle", "role", "position"], name="cycle_role_position_unique"
            ),
        ]

    def __str__(self):
        who = self.person or self.function or self.organisation
        return f"{self.get_role_display()}: {who}"


class Session(NaturalKeyMixin, TimeStampedModel, DatedRecord, SourcedModel):
    """One workshop or conference of a cycle; its dates are the day it took place."""

    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "cycle__county"

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("workshop")
        CONFERENCE = "conference", _("conference")
        CLOSING = "closing_conference", _("closing conference")

    NATURAL_KEY = ("cycle__slug", "ordinal")

    cycle = models.ForeignKey(
        WorkshopCycle, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cycle")
    )
    ordinal = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WORKSHOP)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    topic = models.TextField(_("topic"), blank=True)
    attendance = models.PositiveIntegerField(_("attendance as reported"), null=True, blank=True)
    attendance_precision = figure_precision_field(_("precision of reported attendance"))

    objects = NaturalKeyManager()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "session"),
        counted=ngettext_lazy("%(count)s session", "%(count)s sessions", "count"),
        another=pgettext_lazy("admin inline", "Add another session"),
    )

    class Meta(DatedRecord.Meta):
        ordering = ["cycle", "ordinal"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            *DatedRecord.Meta.constraints,
            models.UniqueConstraint(fields=["cycle", "ordinal"], name="session_ordinal_unique"),
            models.CheckConstraint(condition=Q(ordinal__gte=1), name="session_ordinal_positive"),
            # A session is one day (or a window the source allows): a date without an end
            # would read "from 9 March" and count in no year (``one_day_filled``).
            models.CheckConstraint(
                condition=Q(date_start__isnull=True) | Q(date_end__isnull=False),
                name="session_dated_window_closed",
                violation_error_message=_(
                    "Give the last day the source allows for a session dated to the month or year."
                ),
            ),
        ]

    def __str__(self):
        return _("%(ordinal)s %(kind)s – %(cycle)s") % {
            "ordinal": self.roman,
            "kind": self.get_kind_display(),
            "cycle": self.cycle,
        }

    @property
    def roman(self) -> str:
        return to_roman(self.ordinal)

    @property
    def attendance_figure(self) -> Figure:
        return Figure(self.attendance, self.attendance_precision)

    def one_day_filled(self) -> None:
        """A session held on one known day needs only that date: an empty "date (to)"
        means the same day. A session dated to a month or year still needs both ends."""
        if self.date_start and not self.date_end and self.date_precision == DatePrecision.DAY:
            self.date_end = self.date_start

    def save(self, *args, **kwargs):
        self.one_day_filled()
        super().save(*args, **kwargs)

    save.alters_data = True

    def clean(self):
        self.one_day_filled()
        super().clean()
        cycle = self.cycle if self.cycle_id else None
        if cycle is None or not self.date_start or not cycle.date_start:
            return
        latest = cycle.date_end
        too_early = self.date_start < cycle.date_start
        too_late = latest is not None and (self.date_end or self.date_start) > latest
        if too_early or too_late:
            raise ValidationError(
                {
                    "date_start": _(
                        "The session date lies outside the cycle's period (%(period)s)."
                    )
                    % {"period": cycle.dates}
                }
            )


class AttendeeQuerySet(CountyScopedQuerySet):
    def active(self):
        return self.filter(anonymised_at__isnull=True)

    def alphabetical(self):
        """By name in Polish alphabetical order (``partnership.collation``)."""
        return self.order_by(polish("full_name"), "pk")


class Attendee(TimeStampedModel):
    """A person registered for a cycle. Personal data: staff of the county only."""

    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "cycle__county"

    cycle = models.ForeignKey(
        WorkshopCycle, on_delete=models.CASCADE, related_name="attendees", verbose_name=_("cycle")
    )
    full_name = models.CharField(_("full name"), max_length=150)
    organisation_name = models.CharField(_("organisation"), max_length=250, blank=True)
    sector = models.CharField(_("sector"), max_length=24, choices=Sector.choices, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    consent_note = models.TextField(
        _("consent note"),
        blank=True,
        help_text=_("How and when the person agreed to the processing of their data."),
    )
    email_consent = models.BooleanField(
        _("agrees to e-mail"),
        default=False,
        help_text=_(
            "The person agreed to receive e-mail from the office, such as their certificate."
        ),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    objects = AttendeeQuerySet.as_manager()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "attendee"),
        counted=ngettext_lazy("%(count)s attendee", "%(count)s attendees", "count"),
        another=pgettext_lazy("admin inline", "Add another attendee"),
    )

    class Meta:
        ordering = ["cycle", "full_name"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        indexes = [models.Index(fields=["cycle", "full_name"])]

    def __str__(self):
        return self.full_name


class Attendance(TimeStampedModel):
    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "session__cycle__county"

    attendee = models.ForeignKey(
        Attendee, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("attendee")
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "attendance"),
        counted=ngettext_lazy(
            "%(count)s attendance record", "%(count)s attendance records", "count"
        ),
        another=pgettext_lazy("admin inline", "Add another attendance"),
    )

    class Meta:
        ordering = ["session", "attendee"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["attendee", "session"], name="attendance_once")
        ]

    def __str__(self):
        return f"{self.attendee} – {self.session.roman}"

    def clean(self):
        super().clean()
        if self.attendee_id and self.session_id and self.attendee.cycle_id != self.session.cycle_id:
            raise ValidationError(_("The attendee and the session belong to different cycles."))


def new_verification_code() -> str:
    """An unguessable code (128 bits of randomness) for the public verification URL."""
    return secrets.token_urlsafe(16)


# What an issued certificate says, fixed at issue: the holder, the cycle, the number, the
# code, the date and the signatory. Its revocation, once recorded, is fixed too.
# Migration 0003 adds database triggers that refuse the same changes, and any deletion,
# to writes that bypass the model (``QuerySet.update``, raw SQL).
CERTIFICATE_ISSUED_FIELDS = (
    "attendee_id",
    "cycle_id",
    "number",
    "verification_code",
    "issued_on",
    "issued_by",
    "logo",
    "signature",
    "sessions_attended",
)
CERTIFICATE_REVOCATION_FIELDS = ("revoked_at", "revocation_reason")


class IssuedCertificateError(IntegrityError):
    """A write would delete an issued certificate or change what it says."""


def _refuse_certificate_deletion():
    raise IssuedCertificateError(
        _(
            "An issued certificate cannot be deleted: it is a public document. Revoke it "
            "with a reason on the cycle's Certificates screen instead."
        )
    )


class CertificateQuerySet(CountyScopedQuerySet):
    def valid(self):
        return self.filter(revoked_at__isnull=True)

    def delete(self):
        _refuse_certificate_deletion()

    delete.alters_data = True
    delete.queryset_only = True


class Certificate(TimeStampedModel):
    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "cycle__county"

    attendee = models.ForeignKey(
        Attendee,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("attendee"),
    )
    cycle = models.ForeignKey(
        WorkshopCycle,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("cycle"),
    )
    number = models.CharField(_("number"), max_length=40, unique=True)
    verification_code = models.CharField(
        _("verification code"),
        max_length=32,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    issued_on = models.DateField(_("date of issue"))
    issued_by = models.CharField(
        _("issued by"), max_length=200, help_text=_("Who signs the certificate, with function.")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    # The template as it was at issue (``certificates.certificate_snapshot``): the stored
    # names of its images, which are never overwritten or deleted, so the PDF printed
    # later is the one issued even after the template changes; and the sessions attended
    # as they were then. Empty for certificates issued before templates existed.
    logo = models.CharField(_("issuer's logo"), max_length=255, blank=True, editable=False)
    signature = models.CharField(_("signature image"), max_length=255, blank=True, editable=False)
    sessions_attended = models.JSONField(
        _("sessions attended"), default=list, blank=True, editable=False
    )

    objects = CertificateQuerySet.as_manager()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "certificate"),
        counted=ngettext_lazy("%(count)s certificate", "%(count)s certificates", "count"),
        another=pgettext_lazy("admin inline", "Add another certificate"),
    )

    class Meta:
        ordering = ["cycle", "number"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        # Sending certificates to their holders by e-mail (the Certificates screen).
        permissions = [("email_certificate", _("Can e-mail certificates to their holders"))]
        constraints = [
            models.UniqueConstraint(
                fields=["attendee"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_one_valid_per_attendee",
                violation_error_message=_("This attendee already holds a valid certificate."),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    def clean(self):
        super().clean()
        if self.attendee_id and self.cycle_id and self.attendee.cycle_id != self.cycle_id:
            raise ValidationError(_("The attendee is not registered for this cycle."))

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self._refuse_changes(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        _refuse_certificate_deletion()

    delete.alters_data = True

    def _refuse_changes(self, update_fields) -> None:
        """Refuse saving a change to what the certificate says, or to its revocation once
        recorded (compared with the stored row: one query, and certificates change rarely)."""
        fields = [*CERTIFICATE_ISSUED_FIELDS, *CERTIFICATE_REVOCATION_FIELDS]
        stored = Certificate.objects.filter(pk=self.pk).values(*fields).first()
        if stored is None:
            return
        if update_fields is not None:
            written = {self._meta.get_field(name).attname for name in update_fields}
            fields = [name for name in fields if name in written]
        changed = {name for name in fields if getattr(self, name) != stored[name]}
        if changed & set(CERTIFICATE_ISSUED_FIELDS):
            raise IssuedCertificateError(
                _(
                    "Certificate %(number)s has been issued: its holder, cycle, number, code, "
                    "date, signatory, images and sessions cannot change. Revoke it and issue "
                    "a new one."
                )
                % {"number": stored["number"]}
            )
        if changed and stored["revoked_at"] is not None:
            raise IssuedCertificateError(
                _("Certificate %(number)s has been revoked; a revocation cannot be undone.")
                % {"number": stored["number"]}
            )


def new_import_preview_token() -> str:
    """An unguessable key (256 bits of randomness) for a stored import preview."""
    return secrets.token_urlsafe(32)


class ImportPreviewUploadQuerySet(models.QuerySet):
    def expired(self, *, now):
        return self.filter(expires_at__lte=now)

    def unexpired(self, *, now):
        return self.filter(expires_at__gt=now)


class ImportPreviewUpload(models.Model):
    """The rows of a checked attendee list, kept between its preview and the confirmation
    (``workshops.import_previews``), instead of in the user's session.

    Personal data (the names, organisations, e-mails and phones of the list), so: bound to
    the user who uploaded it and the cycle it was checked for, and found only by its
    unguessable token together with both; never shown on a public page, no admin, no
    audit history (the import records what it saves). It lives at most
    ``IMPORT_PREVIEW_RETENTION`` (2 hours): deleted when the import is confirmed or the
    same user uploads another list for the cycle, refused once expired, and expired rows
    are deleted by every upload and by ``manage.py purge_import_previews`` (hourly cron).
    Erasing an attendee (``privacy.attendee_anonymise``) does not look here: a preview
    may name that person, but it expires within hours, which is enough.
    """

    cycle = models.ForeignKey(
        WorkshopCycle, on_delete=models.CASCADE, related_name="+", verbose_name=_("cycle")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_import_preview_token, editable=False
    )
    filename = models.CharField(_("file name"), max_length=255)
    rows = models.JSONField(_("rows"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    objects = ImportPreviewUploadQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attendee import preview")
        verbose_name_plural = _("attendee import previews")

    def __str__(self):
        return self.filename


class CertificateMailing(models.Model):
    """A request to e-mail certificates, one or the whole cycle's: who asked and when. The
    e-mails themselves are its ``deliveries``, sent in the background (``mailing.py``)."""

    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "cycle__county"

    cycle = models.ForeignKey(
        WorkshopCycle, on_delete=models.CASCADE, related_name="mailings", verbose_name=_("cycle")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    whole_cycle = models.BooleanField(_("whole cycle"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("certificate mailing")
        verbose_name_plural = _("certificate mailings")

    def __str__(self):
        return f"{self.cycle} – {self.created_at:%Y-%m-%d %H:%M}"


class CertificateDelivery(models.Model):
    """One certificate e-mailed to its holder, and how that went. The latest delivery of a
    certificate is its state on the Certificates screen."""

    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "certificate__cycle__county"

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("delivery status", "queued")
        SENDING = "sending", pgettext_lazy("delivery status", "sending")
        SENT = "sent", pgettext_lazy("delivery status", "sent")
        FAILED = "failed", pgettext_lazy("delivery status", "failed")
        SKIPPED = "skipped", pgettext_lazy("delivery status", "not sent")

    mailing = models.ForeignKey(
        CertificateMailing,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("mailing"),
    )
    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("certificate"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("certificate e-mail")
        verbose_name_plural = _("certificate e-mails")
        indexes = [models.Index(fields=["certificate", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "certificate"], name="delivery_once_per_mailing"
            ),
        ]

    def __str__(self):
        return f"{self.certificate} – {self.get_status_display()}"


def certificate_template_scope(user) -> str | None:
    """Which certificate templates ``user`` may change: ``"all"`` (administrators and
    superusers), ``"editions"`` (coordinators who oversee a voivodeship), ``"counties"``
    (county staff: their own counties'), or None."""
    if is_administrator(user):
        return "all"
    if is_coordinator(user) and sees_records_without_county(user):
        return "editions"
    if is_county_staff(user):
        return "counties"
    return None


class CertificateTemplateQuerySet(CountyScopedQuerySet):
    def editable_by(self, user):
        """The templates ``user`` may change (``certificate_template_scope``)."""
        scope = certificate_template_scope(user)
        if scope == "all":
            return self.all()
        if scope == "editions":
            return self.filter(county__isnull=True)
        if scope == "counties":
            return self.for_user(user).filter(county__isnull=False)
        return self.none()

    def for_cycle(self, cycle: WorkshopCycle) -> CertificateTemplate | None:
        """The template a cycle's certificates use: its county's, else its edition's."""
        found = {
            template.county_id is not None: template
            for template in self.filter(
                Q(county_id=cycle.county_id) | Q(programme_id=cycle.programme_id)
            )
        }
        return found.get(True) or found.get(False)


def certificate_image_path(instance, filename: str) -> str:
    """Where an uploaded image is stored: under ``certificate-templates/``, with a random
    name (the storage never overwrites, so an issued certificate's image stays as it was)."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"certificate-templates/{secrets.token_hex(12)}.{extension}"


class CertificateTemplate(TimeStampedModel):
    """How a cycle's certificates look: the issuer's logo and a signature image, for a
    programme edition or for one county (a county's template overrides its edition's).

    Images are checked and re-encoded on upload (``certificate_images``). An issued
    certificate keeps the names of the images it was issued with (``Certificate.logo``),
    so changing the template later changes only certificates issued afterwards."""

    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "county"

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificate_templates",
        verbose_name=_("programme edition"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificate_templates",
        verbose_name=_("county"),
    )
    logo = models.FileField(
        _("issuer's logo"),
        upload_to=certificate_image_path,
        blank=True,
        max_length=255,
        help_text=_("PNG or JPEG; printed at the top of the certificate."),
    )
    signature = models.FileField(
        _("signature image"),
        upload_to=certificate_image_path,
        blank=True,
        max_length=255,
        help_text=_(
            "PNG or JPEG, preferably on a white or transparent background; printed "
            "above the signature line."
        ),
    )

    objects = CertificateTemplateQuerySet.as_manager()
    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "certificate template"),
        counted=ngettext_lazy(
            "%(count)s certificate template", "%(count)s certificate templates", "count"
        ),
        another=pgettext_lazy("admin inline", "Add another certificate template"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = [F("county__code").asc(nulls_first=True), "programme__name"]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.CheckConstraint(
                condition=Q(programme__isnull=True, county__isnull=False)
                | Q(programme__isnull=False, county__isnull=True),
                name="certificate_template_edition_or_county",
                violation_error_message=_(
                    "A template is for a programme edition or for a county: choose one."
                ),
            ),
            models.UniqueConstraint(
                fields=["programme"], name="certificate_template_one_per_edition"
            ),
            models.UniqueConstraint(fields=["county"], name="certificate_template_one_per_county"),
        ]

    def __str__(self):
        return str(self.county or self.programme)

    def may_be_saved_by(self, user) -> bool:
        """Whether ``user`` may save this template (new or changed) for its edition or
        county: the rule of ``certificate_template_scope``."""
        from accounts.scoping import may_use_county

        scope = certificate_template_scope(user)
        if scope == "editions":
            return self.county_id is None
        if scope == "counties":
            return self.county_id is not None and may_use_county(user, self.county)
        return scope == "all"


RATE_BANDS = 10  # the report's bands of present ÷ registered, 10 % wide
# The attendance reported for the cycle's sessions (``Session.attendance``), kept as the
# parts ``attendance_reported_aggregates`` gives (its ``parts`` are the ``sessions``).
REPORTED_FIELDS = (
    "reported_total",
    "reported_unknown",
    "reported_approx",
    "reported_more_than",
    "reported_at_least",
)
# The counts of ``CycleFigures``, in the order of its columns.
FIGURE_FIELDS = (
    "sessions",
    "attendees",
    "participants",
    "attendance_marks",
    "certificates_valid",
    "certificates_revoked",
    "eligible",
    *(f"band_{band}" for band in range(RATE_BANDS)),
    *REPORTED_FIELDS,
)
# The cycle's own figures ``CycleFigures`` keeps beside the counts (not summed).
CYCLE_FIELDS = ("first_year", "last_year", "cycle_county", "held", "held_lower_bound")


class CycleFigures(models.Model):
    """Counts kept per workshop cycle, so that reports and pages that add them up over
    many cycles read one row a cycle instead of the attendees, attendance and
    certificates. Maintained by the write services (``workshops.figures``), never by
    model signals; each count equals a fresh aggregate of the base tables, and a test
    (``tests/workshops/test_figures.py``) proves it after random writes."""

    cycle = models.OneToOneField(
        WorkshopCycle,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="figures",
        verbose_name=_("cycle"),
    )
    sessions = models.PositiveIntegerField(_("sessions on record"), default=0)
    attendees = models.PositiveIntegerField(_("registered attendees"), default=0)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    attendance_marks = models.PositiveIntegerField(_("attendance marks"), default=0)
    certificates_valid = models.PositiveIntegerField(_("valid certificates"), default=0)
    certificates_revoked = models.PositiveIntegerField(_("revoked certificates"), default=0)
    eligible = models.PositiveIntegerField(_("eligible for a certificate"), default=0)
    # Sessions of a cycle with registered attendees by present ÷ registered: band k
    # holds the rates from k × 10 % (inclusive) to (k + 1) × 10 %, the last one 100 %.
    band_0 = models.PositiveIntegerField(default=0)
    band_1 = models.PositiveIntegerField(default=0)
    band_2 = models.PositiveIntegerField(default=0)
    band_3 = models.PositiveIntegerField(default=0)
    band_4 = models.PositiveIntegerField(default=0)
    band_5 = models.PositiveIntegerField(default=0)
    band_6 = models.PositiveIntegerField(default=0)
    band_7 = models.PositiveIntegerField(default=0)
    band_8 = models.PositiveIntegerField(default=0)
    band_9 = models.PositiveIntegerField(default=0)
    # The attendance reported for its sessions: the sum of the known figures, and how
    # many sessions have none, an approximate one, "more than", "at least".
    reported_total = models.PositiveBigIntegerField(default=0)
    reported_unknown = models.PositiveIntegerField(default=0)
    reported_approx = models.PositiveIntegerField(default=0)
    reported_more_than = models.PositiveIntegerField(default=0)
    reported_at_least = models.PositiveIntegerField(default=0)
    # The cycle's own figures for the home page's cycles per period (``kept_periods``),
    # copied from the cycle: the years of its dates (``Year``), its county, and its
    # sessions held (``WorkshopCycleQuerySet.with_sessions_figure``: the value, and
    # whether it is a lower bound, "at least").
    first_year = models.IntegerField(null=True)
    last_year = models.IntegerField(null=True)
    cycle_county = models.IntegerField(null=True)
    held = models.PositiveIntegerField(null=True)
    held_lower_bound = models.BooleanField(default=False)

    class Meta:
        ordering = ["cycle"]
        verbose_name = _("figures of a cycle")
        verbose_name_plural = _("figures of cycles")
        # The cycles of a period, recounted when one of them changes (``PeriodTotals``).
        indexes = [models.Index(fields=["first_year", "last_year"], name="cycle_figures_period")]

    def __str__(self):
        return str(self.cycle_id)


class CycleSectorFigures(models.Model):
    """Registered attendees and participants of a cycle from one sector (the sector as
    recorded, blank included); maintained with ``CycleFigures``."""

    cycle = models.ForeignKey(
        WorkshopCycle,
        on_delete=models.CASCADE,
        related_name="sector_figures",
        verbose_name=_("cycle"),
    )
    sector = models.CharField(_("sector"), max_length=24, blank=True)
    attendees = models.PositiveIntegerField(_("registered attendees"), default=0)
    participants = models.PositiveIntegerField(_("participants"), default=0)

    class Meta:
        ordering = ["cycle", "sector"]
        verbose_name = _("figures of a cycle by sector")
        verbose_name_plural = _("figures of cycles by sector")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "sector"], name="cycle_sector_figures_once")
        ]

    def __str__(self):
        return f"{self.cycle_id} {self.sector}"


class SessionPeriodFigures(models.Model):
    """The sessions of a cycle whose own dates start in ``first_year`` and end in
    ``last_year`` (``None``: the end, or the session's date, is not recorded), with the
    attendance reported for them: what the per-year charts and the home page's
    headline figures add up (``portal.yearly``), one row per cycle and period instead
    of every session. The sessions without a date of their own have ``first_year`` and
    ``last_year`` empty: their period is their cycle's, read through the cycle when
    they are added up, so that a cycle's dates can change without these rows.
    Maintained with ``CycleFigures`` (``workshops.figures``)."""

    cycle = models.ForeignKey(
        WorkshopCycle,
        on_delete=models.CASCADE,
        related_name="session_period_figures",
        verbose_name=_("cycle"),
    )
    first_year = models.PositiveSmallIntegerField(null=True)
    last_year = models.PositiveSmallIntegerField(null=True)
    sessions = models.PositiveIntegerField(_("sessions on record"), default=0)
    # As ``CycleFigures.reported_*``: the sum of the known figures, and how many
    # sessions have none, an approximate one, "more than", "at least".
    reported_total = models.PositiveBigIntegerField(default=0)
    reported_unknown = models.PositiveIntegerField(default=0)
    reported_approx = models.PositiveIntegerField(default=0)
    reported_more_than = models.PositiveIntegerField(default=0)
    reported_at_least = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["cycle", "first_year", "last_year"]
        verbose_name = _("figures of a cycle by period of its sessions")
        verbose_name_plural = _("figures of cycles by period of their sessions")
        # The sessions of a period, recounted when one of their cycles changes.
        indexes = [
            models.Index(fields=["first_year", "last_year"], name="session_period_figures_period")
        ]

    def __str__(self):
        return f"{self.cycle_id} {self.first_year}–{self.last_year}"


class PeriodTotals(models.Model):
    """Every cycle's and every session's figures added up per period (the home page's
    cycles per period, its charts and headline figures: ``workshops.figures.period_totals``),
    about fifteen rows at national scale instead of the 8,000 rows of ``CycleFigures``
    and ``SessionPeriodFigures`` grouped at each request.

    A period is a ``first_year`` and ``last_year`` (``None``: not recorded), and a row
    holds two things of it: the cycles whose own dates fall in it, as ``kept_periods``
    counts them from ``CycleFigures`` (how many, in how many counties, with attendance
    reported, their sessions held as parts), and the sessions whose own dates fall in
    it, or whose cycle's do when they have none, with the attendance reported for them
    (the sums of their ``SessionPeriodFigures``). ``period`` is the pair as one key
    (``period_key``), unknown years as 0, so that the key is unique on every database
    (a unique index lets NULLs repeat), and the row's primary key. Maintained with
    ``CycleFigures`` (``workshops.figures.cycle_figures_refresh``); a period neither
    counts is deleted."""

    period = models.IntegerField(primary_key=True)
    first_year = models.IntegerField(null=True)
    last_year = models.IntegerField(null=True)
    cycles = models.PositiveIntegerField(default=0)
    counties = models.PositiveIntegerField(default=0)
    with_attendance = models.PositiveIntegerField(default=0)
    # The cycles' sessions held (``CycleFigures.held``): the sum of the known figures,
    # how many cycles have none, and how many of those known are lower bounds.
    held_total = models.PositiveBigIntegerField(default=0)
    held_unknown = models.PositiveIntegerField(default=0)
    held_at_least = models.PositiveIntegerField(default=0)
    # The sessions of the period, and the attendance reported for them (as
    # ``SessionPeriodFigures.reported_*``).
    sessions = models.PositiveIntegerField(_("sessions on record"), default=0)
    reported_total = models.PositiveBigIntegerField(default=0)
    reported_unknown = models.PositiveIntegerField(default=0)
    reported_approx = models.PositiveIntegerField(default=0)
    reported_more_than = models.PositiveIntegerField(default=0)
    reported_at_least = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["first_year", "last_year"]
        verbose_name = _("figures of a period")
        verbose_name_plural = _("figures of periods")

    def __str__(self):
        return f"{self.first_year}–{self.last_year}"


def period_key(first_year: int | None, last_year: int | None) -> int:
    """``PeriodTotals.period`` of a period: the two years side by side, 0 for unknown."""
    return (first_year or 0) * 10_000 + (last_year or 0)
