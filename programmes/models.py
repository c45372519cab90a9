"""Reference data and programme-level records.

Administrative units (keyed by TERYT codes), the documents records come from, the
organisations and people named in them, the programme editions, the partnership
agreements and the programme events held outside workshop cycles.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from partnership.admin_names import AdminNames
from partnership.collation import polish

from .facts import DatePrecision, Figure, FuzzyDate, Precision

# --------------------------------------------------------------------------------------
# Shared building blocks
# --------------------------------------------------------------------------------------


class NaturalKeyManager(models.Manager):
    """Looks records up by the fields named in ``Model.NATURAL_KEY`` (for fixtures)."""

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.model.NATURAL_KEY, key, strict=True)))


def count_subquery(queryset, field: str):
    """How many rows of ``queryset`` point at the outer row through ``field``.

    A correlated subquery rather than ``Count()`` over a join, so several counts can be
    annotated on one queryset without multiplying each other.
    """
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class NaturalKeyMixin:
    """``natural_key()`` from ``NATURAL_KEY``; ``a__b`` follows a foreign key."""

    NATURAL_KEY: tuple[str, ...] = ("slug",)

    def natural_key(self):
        values = []
        for path in self.NATURAL_KEY:
            value = self
            for part in path.split("__"):
                value = getattr(value, part)
            values.append(value)
        return tuple(values)


class TimeStampedModel(models.Model):
    """``created_at``/``updated_at`` for records staff edit.

    Plain defaults rather than ``auto_now`` so that fixtures can carry their own
    timestamps (loading them twice then changes nothing).
    """

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)


class DatedRecord(models.Model):
    """A date or period known to a day, month or year (see ``facts.FuzzyDate``).

    ``date_start`` is the earliest and ``date_end`` the latest date the source allows.
    Both empty: the date is unknown. Only ``date_end`` empty: the end is not recorded.
    """

    date_start = models.DateField(_("date (from)"), null=True, blank=True)
    date_end = models.DateField(_("date (to)"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"),
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_(
            "For a date known only to the month or year, enter the first and the last "
            "day the source allows and choose the precision."
        ),
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__isnull=True)
                | (Q(date_start__isnull=False) & Q(date_start__lte=F("date_end"))),
                name="%(app_label)s_%(class)s_date_window",
                violation_error_message=_(
                    "The end date must not be earlier than the start date, and needs a start date."
                ),
            ),
        ]

    @property
    def dates(self) -> FuzzyDate:
        return FuzzyDate(self.date_start, self.date_end, self.date_precision)


def figure_precision_field(verbose_name):
    return models.CharField(
        verbose_name,
        max_length=10,
        choices=Precision.choices,
        default=Precision.EXACT,
    )


class Sector(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("local government")
    LABOUR_OFFICE = "labour_office", _("county labour office")
    REGIONAL_LABOUR_OFFICE = "regional_labour_office", _("regional labour office or its branch")
    EMPLOYER = "employer", _("employers and business")
    NGO = "ngo", _("non-governmental organisation")
    EDUCATION = "education", _("education")
    CULTURE = "culture", _("culture")
    SOCIAL_CARE = "social_care", _("social care")
    AGRICULTURE = "agriculture", _("agriculture")
    INFRASTRUCTURE = "infrastructure", _("infrastructure institution")
    TRAINING = "training_institute", _("training institute")
    TRADE_UNION = "trade_union", _("trade union")
    RESIDENTS = "residents", _("residents")
    OTHER = "other", _("other")


# --------------------------------------------------------------------------------------
# Administrative units (TERYT)
# --------------------------------------------------------------------------------------


class Voivodeship(NaturalKeyMixin, models.Model):
    NATURAL_KEY = ("code",)

    code = models.CharField(_("TERYT code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    objects = NaturalKeyManager()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "voivodeship"),
        counted=ngettext_lazy("%(count)s voivodeship", "%(count)s voivodeships", "count"),
        another=pgettext_lazy("admin inline", "Add another voivodeship"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("voivodeship")
        verbose_name_plural = _("voivodeships")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{2}$"), name="voivodeship_code_two_digits"
            )
        ]

    def __str__(self):
        return pgettext_lazy("voivodeship", "%(name)s voivodeship") % {"name": self.name}


class CountyQuerySet(models.QuerySet):
    def in_voivodeship(self, code: str):
        return self.filter(voivodeship__code=code)

    def alphabetical(self):
        """By name in Polish alphabetical order: cities and land counties together
        ("Płock", "płocki", "płoński"), as the records name them (``partnership.collation``)."""
        return self.order_by(polish("name"), "code")


class County(NaturalKeyMixin, models.Model):
    """A powiat: a land county or a city with county rights."""

    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = ""

    class Kind(models.TextChoices):
        LAND = "land", pgettext_lazy("county kind", "land county")
        CITY = "city", _("city with county rights")

    NATURAL_KEY = ("code",)

    code = models.CharField(
        _("TERYT code"), max_length=4, unique=True, help_text=_("Four digits, e.g. 1419.")
    )
    voivodeship = models.ForeignKey(
        Voivodeship,
        on_delete=models.PROTECT,
        related_name="counties",
        verbose_name=_("voivodeship"),
    )
    name = models.CharField(_("name"), max_length=60, help_text=_("As in TERC, e.g. płocki."))
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, default=Kind.LAND)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    objects = NaturalKeyManager.from_queryset(CountyQuerySet)()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "county"),
        counted=ngettext_lazy("%(count)s county", "%(count)s counties", "count"),
        another=pgettext_lazy("admin inline", "Add another county"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{4}$"), name="county_code_four_digits"
            )
        ]

    def __str__(self):
        return self.display_name(name=self.name, kind=self.kind)

    @classmethod
    def display_name(cls, *, name: str, kind: str) -> str:
        """A county's name as shown everywhere (its ``str``), from its name and kind: a
        list of hundreds of counties can be labelled from plain rows."""
        if kind == cls.Kind.CITY:
            return pgettext("county", "%(name)s (city with county rights)") % {"name": name}
        return pgettext("county", "%(name)s county") % {"name": name}


class Municipality(NaturalKeyMixin, models.Model):
    """A gmina, keyed by its seven-digit TERYT code (WOJ+POW+GMI+RODZ)."""

    class Kind(models.TextChoices):
        URBAN = "1", _("urban municipality")
        RURAL = "2", _("rural municipality")
        URBAN_RURAL = "3", _("urban-rural municipality")

    NATURAL_KEY = ("code",)

    code = models.CharField(_("TERYT code"), max_length=7, unique=True)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=1, choices=Kind.choices)

    objects = NaturalKeyManager()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "municipality"),
        counted=ngettext_lazy("%(count)s municipality", "%(count)s municipalities", "count"),
        another=pgettext_lazy("admin inline", "Add another municipality"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{7}$"), name="municipality_code_seven_digits"
            )
        ]

    def __str__(self):
        return pgettext_lazy("municipality", "%(name)s municipality") % {"name": self.name}


# --------------------------------------------------------------------------------------
# Sources, organisations and people
# --------------------------------------------------------------------------------------


class Source(NaturalKeyMixin, TimeStampedModel, DatedRecord):
    """A document the records come from. Its dates are its publication date."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    title_is_descriptive = models.BooleanField(
        _("descriptive title"),
        default=False,
        help_text=_("The document has no title of its own; this one describes it."),
    )
    author = models.CharField(_("author"), max_length=200, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = models.URLField(_("address (URL)"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = NaturalKeyManager()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "source document"),
        counted=ngettext_lazy("%(count)s source document", "%(count)s source documents", "count"),
        another=pgettext_lazy("admin inline", "Add another source document"),
    )

    class Meta(DatedRecord.Meta):
        ordering = ["slug"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self):
        return self.title


class SourcedModel(models.Model):
    """A record that cites the documents it comes from."""

    sources = models.ManyToManyField(
        Source, blank=True, related_name="+", verbose_name=_("sources")
    )

    class Meta:
        abstract = True


class Organisation(NaturalKeyMixin, TimeStampedModel, SourcedModel):
    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=250)
    other_names = models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_("Other names under which the sources mention the organisation."),
    )
    sector = models.CharField(_("sector"), max_length=24, choices=Sector.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("parent organisation"),
    )
    voivodeship = models.ForeignKey(
        Voivodeship,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("voivodeship"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("county"),
    )
    seat = models.CharField(_("seat (town)"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = NaturalKeyManager()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "organisation"),
        counted=ngettext_lazy("%(count)s organisation", "%(count)s organisations", "count"),
        another=pgettext_lazy("admin inline", "Add another organisation"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Person(NaturalKeyMixin, TimeStampedModel, SourcedModel):
    """A person who represents an organisation in a record (not an attendee, no login).

    Functions change over time, so they are stored on each record that names the person.
    """

    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    notes = models.TextField(_("notes"), blank=True)

    objects = NaturalKeyManager()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "person"),
        counted=ngettext_lazy("%(count)s person", "%(count)s people", "count"),
        another=pgettext_lazy("admin inline", "Add another person"),
    )

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.full_name


# --------------------------------------------------------------------------------------
# Programme editions, agreements and events
# --------------------------------------------------------------------------------------


class Programme(NaturalKeyMixin, TimeStampedModel, DatedRecord, SourcedModel):
    """An edition of the programme, e.g. the 2003–2010 local economic revival workshops."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    operator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operated_programmes",
        verbose_name=_("operator"),
    )
    implementing_institution = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="implemented_programmes",
        verbose_name=_("implementing institution"),
    )
    sessions_per_cycle = models.PositiveSmallIntegerField(
        _("standard number of sessions per cycle"), null=True, blank=True
    )
    is_synthetic = models.BooleanField(
        _("synthetic data"),
        default=False,
        help_text=_(
            "Generated for load tests and benchmarks (manage.py generate_synthetic_data); "
            "not a historical record."
        ),
    )
    goal = models.TextField(_("main goal"), blank=True)
    scheme = models.TextField(_("scheme of a cycle"), blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = NaturalKeyManager()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "programme edition"),
        counted=ngettext_lazy(
            "%(count)s programme edition", "%(count)s programme editions", "count"
        ),
        another=pgettext_lazy("admin inline", "Add another programme edition"),
    )

    class Meta(DatedRecord.Meta):
        ordering = ["date_start", "name"]
        verbose_name = _("programme edition")
        verbose_name_plural = _("programme editions")

    def __str__(self):
        return f"{self.name} ({self.dates})"


class SchemeSession(models.Model):
    """One session of an edition's standard scheme: what a new cycle of the edition starts
    from (``workshops.cycles.cycle_create``), editable cycle by cycle."""

    class Kind(models.TextChoices):
        # The same values as ``workshops.Session.Kind``.
        WORKSHOP = "workshop", _("workshop")
        CONFERENCE = "conference", _("conference")
        CLOSING = "closing_conference", _("closing conference")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="scheme_sessions",
        verbose_name=_("programme edition"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WORKSHOP)
    topic = models.TextField(_("topic"), blank=True)
    venue = models.CharField(_("default venue"), max_length=200, blank=True)

    history = HistoricalRecords()
    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "session of the scheme"),
        counted=ngettext_lazy(
            "%(count)s session of the scheme", "%(count)s sessions of the scheme", "count"
        ),
        another=pgettext_lazy("admin inline", "Add another session of the scheme"),
    )

    class Meta:
        ordering = ["programme", "number"]
        verbose_name = _("session of the scheme")
        verbose_name_plural = _("sessions of the scheme")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="scheme_session_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="scheme_session_number_positive"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.get_kind_display()}"


class PartnershipAgreementQuerySet(models.QuerySet):
    def in_county(self, county):
        return self.filter(county=county)

    def for_display(self):
        """Agreements with their edition, county, cycle, sources, parties and signatories,
        in a fixed number of queries."""
        return self.select_related("programme", "county").prefetch_related(
            "cycles",
            "sources",
            Prefetch(
                "parties",
                queryset=AgreementParty.objects.select_related("organisation").prefetch_related(
                    Prefetch(
                        "signatories",
                        queryset=AgreementSignatory.objects.select_related("person"),
                    )
                ),
            ),
        )


class PartnershipAgreement(NaturalKeyMixin, TimeStampedModel, DatedRecord, SourcedModel):
    """An agreement; its dates are the date of signing (a window when not known exactly)."""

    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "county"

    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("programme edition"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("county")
    )
    place = models.CharField(_("place of signing"), max_length=200, blank=True)
    partner_count = models.PositiveIntegerField(
        _("number of partners"),
        null=True,
        blank=True,
        help_text=_("When the source gives only the number of partners."),
    )
    partner_count_precision = figure_precision_field(_("precision of the number of partners"))
    description = models.TextField(_("description"), blank=True)

    objects = NaturalKeyManager.from_queryset(PartnershipAgreementQuerySet)()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "partnership agreement"),
        counted=ngettext_lazy(
            "%(count)s partnership agreement", "%(count)s partnership agreements", "count"
        ),
        another=pgettext_lazy("admin inline", "Add another partnership agreement"),
    )

    class Meta(DatedRecord.Meta):
        ordering = ["date_start", "title"]
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")

    def __str__(self):
        return f"{self.title} ({self.dates})"

    @property
    def partners(self) -> Figure:
        return Figure(self.partner_count, self.partner_count_precision)


class AgreementParty(NaturalKeyMixin, models.Model):
    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "agreement__county"

    NATURAL_KEY = ("agreement__slug", "organisation__slug")

    agreement = models.ForeignKey(
        PartnershipAgreement,
        on_delete=models.CASCADE,
        related_name="parties",
        verbose_name=_("agreement"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)

    objects = NaturalKeyManager()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "party to an agreement"),
        counted=ngettext_lazy(
            "%(count)s party to an agreement", "%(count)s parties to agreements", "count"
        ),
        another=pgettext_lazy("admin inline", "Add another party to an agreement"),
    )

    class Meta:
        ordering = ["agreement", "position"]
        verbose_name = _("party to an agreement")
        verbose_name_plural = _("parties to agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="agreement_party_once"
            )
        ]

    def __str__(self):
        return str(self.organisation)


class AgreementSignatory(NaturalKeyMixin, models.Model):
    # How it reaches its county, for scoping staff to their counties (accounts.scoping).
    county_path = "party__agreement__county"

    NATURAL_KEY = ("party__agreement__slug", "person__slug")

    party = models.ForeignKey(
        AgreementParty,
        on_delete=models.CASCADE,
        related_name="signatories",
        verbose_name=_("party"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("person")
    )
    function = models.CharField(_("function"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=1)

    objects = NaturalKeyManager()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "signatory"),
        counted=ngettext_lazy("%(count)s signatory", "%(count)s signatories", "count"),
        another=pgettext_lazy("admin inline", "Add another signatory"),
    )

    class Meta:
        ordering = ["party", "position"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [
            models.UniqueConstraint(fields=["party", "person"], name="agreement_signatory_once")
        ]

    def __str__(self):
        return f"{self.person} – {self.function}"

    @property
    def agreement(self):
        return self.party.agreement


class ProgrammeEventQuerySet(models.QuerySet):
    def in_county(self, county):
        return self.filter(county=county)

    def for_display(self):
        """Events with their edition, county, organiser and sources."""
        return self.select_related("programme", "county", "organiser").prefetch_related("sources")


class ProgrammeEvent(NaturalKeyMixin, TimeStampedModel, DatedRecord, SourcedModel):
    """A presentation, promotional meeting, training or meeting outside workshop cycles."""

    class Kind(models.TextChoices):
        PRESENTATION = "presentation", _("presentation of the programme")
        PROMOTION = "promotional_meetings", _("promotional meetings")
        TRAINING = "training", _("training")
        INTERREGIONAL = "interregional_meeting", _("inter-regional meeting")
        OTHER = "other", _("other")

    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("programme edition"),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("county"),
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="events", verbose_name=_("municipalities")
    )
    voivodeships = models.ManyToManyField(
        Voivodeship,
        blank=True,
        related_name="events",
        verbose_name=_("participating voivodeships"),
    )
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=_("organiser"),
    )
    audience = models.TextField(_("audience"), blank=True)
    invitations_sent = models.PositiveIntegerField(_("invitations sent"), null=True, blank=True)
    invitations_sent_precision = figure_precision_field(_("precision of invitations sent"))
    attendance = models.PositiveIntegerField(_("attendance as recorded"), null=True, blank=True)
    attendance_precision = figure_precision_field(_("precision of attendance"))
    attendance_share = models.PositiveSmallIntegerField(
        _("attendance (percentage of invitations)"), null=True, blank=True
    )
    attendance_share_precision = figure_precision_field(_("precision of attendance share"))
    description = models.TextField(_("description"), blank=True)
    outcomes = models.TextField(_("outcomes and initiatives"), blank=True)

    objects = NaturalKeyManager.from_queryset(ProgrammeEventQuerySet)()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "programme event"),
        counted=ngettext_lazy("%(count)s programme event", "%(count)s programme events", "count"),
        another=pgettext_lazy("admin inline", "Add another programme event"),
    )

    class Meta(DatedRecord.Meta):
        ordering = [F("date_start").asc(nulls_last=True), "title"]
        verbose_name = _("programme event")
        verbose_name_plural = _("programme events")
        constraints = [
            *DatedRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(attendance_share__isnull=True) | Q(attendance_share__lte=100),
                name="event_attendance_share_percent",
                violation_error_message=_("A share of invitations cannot exceed 100%."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.dates})"

    @property
    def invitations(self) -> Figure:
        return Figure(self.invitations_sent, self.invitations_sent_precision)

    @property
    def attendance_figure(self) -> Figure:
        return Figure(self.attendance, self.attendance_precision)

    @property
    def attendance_share_figure(self) -> Figure:
        return Figure(self.attendance_share, self.attendance_share_precision, suffix="%")


class EventSpeaker(NaturalKeyMixin, models.Model):
    NATURAL_KEY = ("event__slug", "person__slug")

    event = models.ForeignKey(
        ProgrammeEvent, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("event")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="talks", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    function = models.CharField(_("function"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=1)

    objects = NaturalKeyManager()

    history = HistoricalRecords()

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "speaker"),
        counted=ngettext_lazy("%(count)s speaker", "%(count)s speakers", "count"),
        another=pgettext_lazy("admin inline", "Add another speaker"),
    )

    class Meta:
        ordering = ["event", "position"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="event_speaker_once")
        ]

    def __str__(self):
        return f"{self.person} – {self.function}" if self.function else str(self.person)
