"""Admin for workshop cycles, their sessions and roles, attendees, attendance and certificates.

Attendees, attendance and certificates are personal data: every admin here is narrowed
to the user's counties by ``CountyScopedAdminMixin`` (lists, choices, forms, history).
"""

from __future__ import annotations

import dataclasses
import functools

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F
from django.urls import path, reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_mixins import CountyScopedAdminMixin
from accounts.scoping import counties_for_user
from partnership.collation import polish
from programmes.admin import (
    RECORD_FIELDSET,
    SOURCES_FIELDSET,
    TIMESTAMPS,
    DatedAdminMixin,
    EditionCopiesAdminMixin,
    PublicDataAdminMixin,
    SelectRelatedMixin,
    date_fieldset,
)

from . import cycle_views, mail_views, staff_views
from .attendee_fields import attendee_field_clean
from .certificate_images import certificate_image_clean
from .certificates import sessions_text
from .figures import cycle_figures_refresh
from .importing import attendee_duplicates
from .models import (
    Attendance,
    Attendee,
    Certificate,
    CertificateTemplate,
    CycleRole,
    Session,
    WorkshopCycle,
    certificate_template_scope,
)
from .notifications import cycle_completion_notify


def record_screen_urls(model_admin, screens):
    """Admin URLs ``<pk>/<suffix>/`` for a record's staff screens (``staff_views``).

    Named ``<app>_<model>_<suffix>`` like the admin's own views, wrapped in ``admin_view``
    (login, staff status) and given the admin site.
    """
    meta = model_admin.model._meta
    urls = []
    for suffix, function in screens.items():
        wrapped = model_admin.admin_site.admin_view(function)
        urls.append(
            path(
                f"<int:pk>/{suffix}/",
                functools.partial(_screen, wrapped, model_admin.admin_site),
                name=f"{meta.app_label}_{meta.model_name}_{suffix.replace('/', '_')}",
            )
        )
    return urls


def _screen(view, admin_site, request, pk):
    return view(request, pk, admin_site=admin_site)


class CycleSessionChoicesMixin:
    """In an inline, offer only the sessions of the parent record's cycle."""

    def parent_cycle_id(self, obj):
        raise NotImplementedError

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("session")
        if field is not None:
            cycle_id = self.parent_cycle_id(obj) if obj is not None else None
            # Until the parent is saved its cycle is not known: no sessions to offer.
            field.queryset = Session.objects.select_related("cycle").filter(cycle_id=cycle_id)
        return formset


# --------------------------------------------------------------------------------------
# Cycles, sessions and roles
# --------------------------------------------------------------------------------------


class SessionInline(admin.TabularInline):
    """The cycle's sessions, narrow enough for a 1,366 px screen (measured 1,957 px with
    every field): the precisions are on each session's own page (its change link)."""

    model = Session
    fields = ["ordinal", "kind", "date_start", "date_end", "venue", "topic", "attendance"]
    ordering = ["ordinal"]
    show_change_link = True
    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 14})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 11})},
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("ordinal", "attendance"):
            field.widget.attrs.update({"class": "vSmallIntegerField", "size": 4})
        return field


class CycleRoleInline(CycleSessionChoicesMixin, admin.TabularInline):
    model = CycleRole
    fields = ["role", "position", "person", "organisation", "function", "session"]
    autocomplete_fields = ["person", "organisation"]
    ordering = ["role", "position"]
    extra = 0

    def parent_cycle_id(self, obj):
        return obj.pk


class CycleFiguresAdminMixin:
    """Keeps the counts kept per cycle (``workshops.figures``) exact through the admin:
    after a save (the record, then again with its inlines; a history revert saves the
    record only) and after a delete, one or many, the figures of the cycles the records
    belonged to before and after are recomputed, in the admin's transaction.
    ``figures_cycle_paths`` say how a record reaches the ids of the cycles whose figures
    it counts in: its own, and those its attendance rows reach (an attendee moved to
    another cycle keeps its marks on the first one's sessions)."""

    figures_cycle_paths: tuple[str, ...] = ("cycle_id",)

    def _figure_cycles(self, queryset) -> set[int]:
        cycles: set[int] = set()
        for path_ in self.figures_cycle_paths:
            cycles.update(queryset.values_list(path_, flat=True))
        return cycles

    def _record(self, obj):
        return type(obj)._default_manager.filter(pk=obj.pk)

    def save_model(self, request, obj, form, change):
        before = self._figure_cycles(self._record(obj)) if change else set()
        super().save_model(request, obj, form, change)
        cycle_figures_refresh(cycle_ids=before | self._figure_cycles(self._record(obj)))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        cycle_figures_refresh(cycle_ids=self._figure_cycles(self._record(form.instance)))

    def delete_model(self, request, obj):
        cycles = self._figure_cycles(self._record(obj))
        super().delete_model(request, obj)
        cycle_figures_refresh(cycle_ids=cycles)

    def delete_queryset(self, request, queryset):
        cycles = self._figure_cycles(queryset)
        super().delete_queryset(request, queryset)
        cycle_figures_refresh(cycle_ids=cycles)


@admin.register(WorkshopCycle)
class WorkshopCycleAdmin(
    EditionCopiesAdminMixin,
    CycleFiguresAdminMixin,
    PublicDataAdminMixin,
    CountyScopedAdminMixin,
    DatedAdminMixin,
    SimpleHistoryAdmin,
):
    edition_origin = "cycle"
    # Its sessions (inline), the minimum for a certificate, and what a delete cascades to.
    figures_cycle_paths = (
        "pk",
        "sessions__attendances__attendee__cycle_id",
        "attendees__attendances__session__cycle_id",
    )
    list_display = [
        "title",
        "county",
        "programme",
        "dates_display",
        "status",
        "sessions_planned",
        "sessions_held",
    ]
    list_filter = ["status", "programme", "date_precision", "county"]
    list_select_related = ["county", "programme"]
    search_fields = ["title", "slug", "county__name", "county__code", "programme__name"]
    date_hierarchy = "date_start"
    autocomplete_fields = ["programme", "county", "agreements", "sources"]
    ordering = [F("date_start").asc(nulls_last=True), polish("county__name"), polish("title")]
    readonly_fields = ["staff_screens", *TIMESTAMPS]
    inlines = [SessionInline, CycleRoleInline]
    fieldsets = [
        (
            None,
            {"fields": ["slug", "title", "title_is_descriptive", "programme", "county", "status"]},
        ),
        (_("Attendees and certificates"), {"fields": ["staff_screens"]}),
        date_fieldset(_("Period")),
        (
            _("Sessions and certificates"),
            {"fields": [("sessions_planned", "sessions_held"), "certificate_min_sessions"]},
        ),
        (_("Description"), {"fields": ["audience", "description", "video_url"]}),
        (_("Partnership agreements"), {"fields": ["agreements"]}),
        SOURCES_FIELDSET,
        RECORD_FIELDSET,
    ]

    @admin.display(description=_("screens"))
    def staff_screens(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the cycle first.")
        links = [
            (
                reverse("admin:workshops_workshopcycle_attendance", args=[obj.pk]),
                _("Attendance register"),
            ),
            (
                reverse("admin:workshops_workshopcycle_attendance_sheets", args=[obj.pk]),
                _("Sign-in sheets (PDF)"),
            ),
            (reverse("admin:workshops_workshopcycle_import", args=[obj.pk]), _("Import attendees")),
            (
                reverse("admin:workshops_workshopcycle_certificates", args=[obj.pk]),
                _("Certificates"),
            ),
        ]
        return format_html(
            " · ".join(['<a href="{}">{}</a>'] * len(links)),
            *[item for link in links for item in link],
        )

    # A cycle's edit shows on its page, its county's and edition's, and its ideas' pages
    # (their origin); a new or deleted cycle, or one moved, on every county's map.
    structural_fields = ("slug", "county", "programme")

    def public_data_scope(self, obj):
        return {"cycle": obj, "ideas": list(obj.project_ideas.select_related("county"))}

    def save_model(self, request, obj, form, change):
        completed = change and "status" in form.changed_data and obj.status == obj.Status.COMPLETED
        super().save_model(request, obj, form, change)
        if completed:
            # The county closed the cycle: the coordinators hear of it (in the background).
            cycle_completion_notify(cycle=obj)

    def get_urls(self):
        new = self.admin_site.admin_view(
            functools.partial(cycle_views.cycle_new, admin_site=self.admin_site)
        )
        return [
            path("new/", new, name="workshops_workshopcycle_new"),
            *record_screen_urls(
                self,
                {
                    "attendance": staff_views.attendance_register,
                    "attendance/sheets": staff_views.signin_sheets,
                    "attendance/list": staff_views.attendee_list_download,
                    "import": staff_views.attendee_import,
                    "import/template": staff_views.attendee_import_template,
                    "import/confirm": staff_views.attendee_import_confirm,
                    "certificates": staff_views.certificates_overview,
                    "certificates/pdf": staff_views.certificates_bulk_pdf,
                    "certificates/email": mail_views.certificates_email,
                },
            ),
            *super().get_urls(),
        ]


@admin.register(Session)
class SessionAdmin(
    CycleFiguresAdminMixin,
    PublicDataAdminMixin,
    CountyScopedAdminMixin,
    SelectRelatedMixin,
    DatedAdminMixin,
    SimpleHistoryAdmin,
):
    figures_cycle_paths = ("cycle_id", "attendances__attendee__cycle_id")
    structural_fields = ("cycle",)
    scoped_adds_and_deletes = True
    scope_related = ("cycle__county", "cycle__programme")

    def public_data_scope(self, obj):  # ideas name the session they came from
        return {"cycle": obj.cycle, "ideas": list(obj.project_ideas.select_related("county"))}

    list_display = [
        "roman_display",
        "kind",
        "cycle",
        "dates_display",
        "venue",
        "attendance_display",
    ]
    list_display_links = ["roman_display", "kind"]
    list_filter = ["kind", "date_precision", "cycle__programme", "cycle__county"]
    list_select_related = ["cycle"]
    search_fields = ["cycle__title", "cycle__slug", "topic", "venue"]
    date_hierarchy = "date_start"
    autocomplete_fields = ["cycle", "sources"]
    ordering = [F("cycle__date_start").asc(nulls_last=True), polish("cycle__title"), "ordinal"]
    readonly_fields = TIMESTAMPS
    fieldsets = [
        (None, {"fields": ["cycle", "ordinal", "kind"]}),
        date_fieldset(_("Date")),
        (None, {"fields": ["venue", "topic"]}),
        (_("Attendance"), {"fields": [("attendance", "attendance_precision")]}),
        SOURCES_FIELDSET,
        RECORD_FIELDSET,
    ]

    @admin.display(description=_("number"), ordering="ordinal")
    def roman_display(self, obj):
        return obj.roman

    @admin.display(description=_("attendance"), ordering="attendance")
    def attendance_display(self, obj):
        return str(obj.attendance_figure)


@admin.register(CycleRole)
class CycleRoleAdmin(
    PublicDataAdminMixin, CountyScopedAdminMixin, SelectRelatedMixin, SimpleHistoryAdmin
):
    structural_fields = ("cycle",)
    scoped_adds_and_deletes = True
    scope_related = ("cycle__county", "cycle__programme")

    def public_data_scope(self, obj):
        return {"cycle": obj.cycle}

    list_display = ["cycle", "role", "who_display", "session", "position"]
    list_filter = ["role", "cycle__programme"]
    list_select_related = ["cycle", "session__cycle", "person", "organisation"]
    search_fields = ["cycle__title", "person__full_name", "organisation__name", "function"]
    autocomplete_fields = ["cycle", "session", "person", "organisation"]
    ordering = [
        F("cycle__date_start").asc(nulls_last=True),
        polish("cycle__title"),
        "role",
        "position",
    ]
    fields = ["cycle", "session", "role", "person", "organisation", "function", "position"]

    @admin.display(description=_("who"))
    def who_display(self, obj):
        names = [str(name) for name in (obj.person, obj.organisation) if name]
        if obj.function:
            names.append(obj.function)
        return ", ".join(names)


# --------------------------------------------------------------------------------------
# Attendees, attendance and certificates (personal data)
# --------------------------------------------------------------------------------------


class AnonymisedFilter(admin.SimpleListFilter):
    title = _("anonymised")
    parameter_name = "anonymised"

    def lookups(self, request, model_admin):
        return [("no", _("no")), ("yes", _("yes"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(anonymised_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(anonymised_at__isnull=False)
        return queryset


class AttendanceInline(CycleSessionChoicesMixin, admin.TabularInline):
    model = Attendance
    fields = ["session"]
    extra = 0

    def parent_cycle_id(self, obj):
        return obj.cycle_id


def _attendee_field_clean(field):
    """``clean_<field>`` for the attendee form: the importer's rules for the same field."""

    def clean(self):
        return attendee_field_clean(field=field, value=self.cleaned_data.get(field) or "")

    return clean


class AttendeeForm(forms.ModelForm):
    """Checks each text field as the importer checks a cell (``attendee_fields``), so that
    a name the import refuses, such as ``=HYPERLINK(...)``, cannot be typed in here either."""

    different_person = forms.BooleanField(
        label=_("This is a different person with the same name"),
        required=False,
        help_text=_("Tick only when the portal warns about an attendee already registered."),
    )

    class Meta:
        model = Attendee
        fields = [
            "cycle",
            "full_name",
            "organisation_name",
            "sector",
            "email",
            "email_consent",
            "phone",
            "consent_note",
        ]

    clean_full_name = _attendee_field_clean("full_name")
    clean_organisation_name = _attendee_field_clean("organisation_name")
    clean_sector = _attendee_field_clean("sector")
    clean_email = _attendee_field_clean("email")
    clean_phone = _attendee_field_clean("phone")

    def clean_cycle(self):
        """An attendee with attendance or certificates stays in their cycle: moved, their
        marks would stay on the old cycle's sessions and their certificates name it."""
        cycle = self.cleaned_data.get("cycle")
        attendee = self.instance
        if attendee.pk and cycle and cycle.pk != attendee.cycle_id:
            if attendee.attendances.exists() or attendee.certificates.exists():
                raise forms.ValidationError(
                    _(
                        "This attendee already has attendance or a certificate in their "
                        "cycle, so they cannot be moved to another one. Register them in "
                        "the other cycle instead."
                    ),
                    code="attendee_has_records",
                )
        return cycle

    def clean(self):
        cleaned = super().clean()
        cycle, name = cleaned.get("cycle"), cleaned.get("full_name")
        if cycle and name and not cleaned.get("different_person"):
            duplicates = attendee_duplicates(
                cycle=cycle,
                full_name=name,
                email=cleaned.get("email", ""),
                exclude_pk=self.instance.pk,
            )
            if duplicates:
                raise forms.ValidationError(
                    _(
                        "%(name)s is already registered for this cycle. If this is another "
                        "person, tick “This is a different person with the same name”."
                    )
                    % {"name": name},
                    code="duplicate",
                )
        return cleaned


@admin.register(Attendee)
class AttendeeAdmin(
    CycleFiguresAdminMixin, PublicDataAdminMixin, CountyScopedAdminMixin, SimpleHistoryAdmin
):
    figures_cycle_paths = ("cycle_id", "attendances__session__cycle_id")
    form = AttendeeForm
    structural_fields = ("cycle",)
    scoped_adds_and_deletes = True
    scope_related = ("cycle",)

    def public_data_scope(self, obj):
        return {"register": obj.cycle}

    list_display = [
        "full_name",
        "cycle",
        "organisation_name",
        "sector",
        "email",
        "anonymised_display",
    ]
    list_filter = [AnonymisedFilter, "sector", "cycle__programme", "cycle__county"]
    list_select_related = ["cycle"]
    search_fields = ["full_name", "email", "organisation_name", "cycle__title"]
    autocomplete_fields = ["cycle"]
    ordering = [polish("cycle__title"), polish("full_name")]
    readonly_fields = ["anonymised_at", "personal_data_actions", "certificates_held", *TIMESTAMPS]
    inlines = [AttendanceInline]
    fieldsets = [
        (
            None,
            {"fields": ["cycle", "full_name", "different_person", "organisation_name", "sector"]},
        ),
        (_("Certificates"), {"fields": ["certificates_held"]}),
        (_("Contact"), {"fields": ["email", "email_consent", "phone"]}),
        (_("Consent"), {"fields": ["consent_note", "anonymised_at", "personal_data_actions"]}),
        RECORD_FIELDSET,
    ]

    @admin.display(description=_("anonymised"), boolean=True, ordering="anonymised_at")
    def anonymised_display(self, obj):
        return obj.anonymised_at is not None

    @admin.display(description=_("personal data"))
    def personal_data_actions(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        if obj.anonymised_at:
            return _("Erased.")
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:workshops_attendee_export", args=[obj.pk]),
            _("Export this person's data (JSON)"),
            reverse("admin:workshops_attendee_anonymise", args=[obj.pk]),
            _("Erase personal data"),
        )

    @admin.display(description=_("certificates"))
    def certificates_held(self, obj):
        """The person's certificates: number (a link to it), date of issue, status."""
        if obj is None or obj.pk is None:
            return "—"
        rows = [
            (
                reverse("admin:workshops_certificate_change", args=[certificate.pk]),
                certificate.number,
                formats.date_format(certificate.issued_on, "DATE_FORMAT"),
                _("valid") if certificate.is_valid else _("revoked"),
            )
            for certificate in obj.certificates.order_by("issued_on", "number")
        ]
        if not rows:
            return _("No certificate issued.")
        return format_html(
            '<ul class="attendee-certificates">{}</ul>',
            format_html_join("", '<li><a href="{}">{}</a> · {} · {}</li>', rows),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.anonymised_at:
            # Nothing personal is left to edit; re-entering it would undo the erasure.
            return [
                *self.readonly_fields,
                "full_name",
                "organisation_name",
                "email",
                "phone",
                "consent_note",
                "email_consent",
                "cycle",
            ]
        return self.readonly_fields

    def get_urls(self):
        return [
            *record_screen_urls(
                self,
                {
                    "export": staff_views.attendee_export,
                    "anonymise": staff_views.attendee_anonymise_view,
                },
            ),
            *super().get_urls(),
        ]


@admin.register(Attendance)
class AttendanceAdmin(
    CycleFiguresAdminMixin,
    PublicDataAdminMixin,
    CountyScopedAdminMixin,
    SelectRelatedMixin,
    SimpleHistoryAdmin,
):
    figures_cycle_paths = ("attendee__cycle_id", "session__cycle_id")
    structural_fields = ("attendee", "session")
    scoped_adds_and_deletes = True
    scope_related = ("session__cycle",)

    def public_data_scope(self, obj):
        return {"register": obj.session.cycle}

    list_display = ["attendee", "session", "cycle_display"]
    list_filter = ["session__kind", "session__cycle__programme", "session__cycle__county"]
    list_select_related = ["attendee", "session__cycle"]
    search_fields = ["attendee__full_name", "session__cycle__title"]
    autocomplete_fields = ["attendee", "session"]
    ordering = [polish("session__cycle__title"), "session__ordinal", polish("attendee__full_name")]
    readonly_fields = TIMESTAMPS
    fieldsets = [(None, {"fields": ["attendee", "session"]}), RECORD_FIELDSET]

    @admin.display(description=_("cycle"), ordering="session__cycle__title")
    def cycle_display(self, obj):
        return obj.session.cycle


class ValidityFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("valid", _("valid")), ("revoked", _("revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "valid":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(Certificate)
class CertificateAdmin(CountyScopedAdminMixin, SimpleHistoryAdmin):
    """Issued certificates, read-only: a certificate is a public document. It is issued,
    revoked (with a reason) and re-issued (a new certificate, a new number) on the
    cycle's Certificates screen, and never changed or deleted, by any role."""

    list_display = ["number", "attendee", "cycle", "issued_on", "issued_by", "valid_display"]
    list_filter = [ValidityFilter, "cycle__programme", "cycle__county"]
    list_select_related = ["attendee", "cycle"]
    search_fields = ["number", "verification_code", "attendee__full_name", "cycle__title"]
    date_hierarchy = "issued_on"
    ordering = [polish("cycle__title"), "number"]
    readonly_fields = [
        "number",
        "attendee",
        "cycle",
        "issued_on",
        "issued_by",
        "verification_code",
        "cycle_certificates_screen",
        "certificate_actions",
        "sessions_attended_display",
        "images_display",
        "revoked_at",
        "revocation_reason",
        *TIMESTAMPS,
    ]
    fieldsets = [
        (
            None,
            {
                "description": _(
                    "An issued certificate is a public document: it cannot be changed or "
                    "deleted. Revoke it, with a reason, on the cycle's Certificates screen; "
                    "re-issuing gives the holder a new certificate with a new number."
                ),
                "fields": [
                    "number",
                    "attendee",
                    "cycle",
                    "cycle_certificates_screen",
                    "issued_on",
                    "issued_by",
                    "verification_code",
                    "sessions_attended_display",
                    "images_display",
                    "certificate_actions",
                ],
            },
        ),
        (_("Revocation"), {"fields": ["revoked_at", "revocation_reason"]}),
        RECORD_FIELDSET,
    ]

    @admin.display(description=_("valid"), boolean=True, ordering="revoked_at")
    def valid_display(self, obj):
        return obj.is_valid

    @admin.display(description=_("the cycle's certificates"))
    def cycle_certificates_screen(self, obj):
        return format_html(
            '<a href="{}" id="cycle-certificates-screen">{}</a>',
            reverse("admin:workshops_workshopcycle_certificates", args=[obj.cycle_id]),
            _("Certificates screen of the cycle „%(cycle)s”") % {"cycle": obj.cycle},
        )

    @admin.display(description=_("sessions attended"))
    def sessions_attended_display(self, obj):
        return sessions_text(obj.sessions_attended) or _(
            "Not recorded: issued before certificates listed their sessions."
        )

    @admin.display(description=_("images printed"))
    def images_display(self, obj):
        printed = [
            str(label)
            for label, name in ((_("logo"), obj.logo), (_("signature"), obj.signature))
            if name
        ]
        return ", ".join(printed) or _("none")

    @admin.display(description=_("actions"))
    def certificate_actions(self, obj):
        screen = reverse("admin:workshops_workshopcycle_certificates", args=[obj.cycle_id])
        links = [
            (
                f"{screen}#certificate-{obj.pk}",
                _("Revoke or re-issue on the cycle's Certificates screen")
                if obj.is_valid
                else _("The cycle's Certificates screen"),
            ),
            (
                reverse("workshops:certificate_verify", kwargs={"code": obj.verification_code}),
                _("Public verification page"),
            ),
        ]
        if obj.is_valid and not obj.attendee.anonymised_at:
            links.append((reverse("admin:workshops_certificate_pdf", args=[obj.pk]), _("PDF")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def has_add_permission(self, request):
        # Issued through certificates_issue (the cycle's Certificates screen) only.
        return False

    def has_change_permission(self, request, obj=None):
        # The change page shows the certificate read-only; a POST to it is refused (403).
        return False

    def has_delete_permission(self, request, obj=None):
        # No one deletes a certificate, superusers included (and no bulk delete action).
        return False

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a posted earlier version even with its Revert button
        # hidden: that would rewrite a certificate (or undo its revocation).
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        return [
            *record_screen_urls(
                self,
                {
                    "pdf": staff_views.certificate_pdf,
                    "revoke": staff_views.certificate_revoke_view,
                    "email": mail_views.certificate_email,
                },
            ),
            *super().get_urls(),
        ]


# --------------------------------------------------------------------------------------
# Certificate templates
# --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _StoredImage:
    """What the file input says of the stored image: its name, and its address (the staff
    view, since MEDIA_URL is not served)."""

    name: str
    url: str

    def __str__(self):
        return self.name


class TemplateImageInput(forms.ClearableFileInput):
    """The file input of a template image: the stored image is shown (through the staff
    view ``certificate_template_image``) and may be cleared."""

    preview_url = ""

    def __init__(self, attrs=None):
        super().__init__(attrs={"accept": "image/png,image/jpeg", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"] and self.preview_url:
            context["widget"]["value"] = _StoredImage(value.name.rsplit("/")[-1], self.preview_url)
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.preview_url and self.is_initial(value):
            preview = format_html(
                '<img src="{}" alt="" class="template-image-preview"><br>', self.preview_url
            )
            return preview + html
        return html


class CertificateTemplateForm(forms.ModelForm):
    """Images are checked and re-encoded (``certificate_images``); an edition's template is
    for coordinators and administrators, a county's for its staff and administrators."""

    class Meta:
        model = CertificateTemplate
        fields = ["programme", "county", "logo", "signature"]
        widgets = {"logo": TemplateImageInput(), "signature": TemplateImageInput()}

    user = None  # set by the admin's get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("logo", "signature"):
            if field in self.fields and self.instance.pk:
                self.fields[field].widget.preview_url = reverse(
                    f"admin:workshops_certificatetemplate_{field}", args=[self.instance.pk]
                )

    def _clean_image(self, field):
        upload = self.cleaned_data.get(field)
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            return certificate_image_clean(upload)
        return upload

    def clean_logo(self):
        return self._clean_image("logo")

    def clean_signature(self):
        return self._clean_image("signature")

    def clean(self):
        cleaned = super().clean()
        probe = CertificateTemplate(
            programme=cleaned.get("programme"), county=cleaned.get("county")
        )
        if bool(probe.programme) == bool(probe.county):
            # Checked here too: the database's check is skipped while a field is read-only.
            raise forms.ValidationError(
                _("A template is for a programme edition or for a county: choose one."),
                code="edition_or_county",
            )
        if not probe.may_be_saved_by(self.user):
            raise forms.ValidationError(
                _(
                    "You may manage only the certificate templates of your own counties; an "
                    "edition's template is managed by the coordinators."
                ),
                code="scope",
            )
        return cleaned


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(CountyScopedAdminMixin, SimpleHistoryAdmin):
    """A county's template overrides its edition's. County staff see and manage their
    counties' templates; coordinators see every one and manage the editions'."""

    form = CertificateTemplateForm
    list_display = ["__str__", "kind_display", "logo_display", "signature_display", "updated_at"]
    list_select_related = ["programme", "county"]
    autocomplete_fields = ["programme", "county"]
    readonly_fields = TIMESTAMPS
    fieldsets = [
        (
            None,
            {
                "description": _(
                    "Choose a programme edition or a county, not both: a county's template "
                    "overrides its edition's. Images: PNG or JPEG, at most 2 MB and 16 million "
                    "pixels. Certificates already issued keep the images they were issued with."
                ),
                "fields": ["programme", "county", "logo", "signature"],
            },
        ),
        RECORD_FIELDSET,
    ]

    @admin.display(description=_("for"))
    def kind_display(self, obj):
        return _("county") if obj.county_id else _("programme edition")

    @admin.display(description=_("issuer's logo"), boolean=True)
    def logo_display(self, obj):
        return bool(obj.logo)

    @admin.display(description=_("signature image"), boolean=True)
    def signature_display(self, obj):
        return bool(obj.signature)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "county" and "queryset" not in kwargs:
            kwargs["queryset"] = counties_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        scope = certificate_template_scope(request.user)
        if scope == "counties":
            return [*self.readonly_fields, "programme"]
        if scope == "editions":
            return [*self.readonly_fields, "county"]
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return CertificateTemplate.objects.editable_by(request.user).filter(pk=obj.pk).exists()

    def get_urls(self):
        image = staff_views.certificate_template_image
        return [
            *record_screen_urls(
                self,
                {
                    "logo": functools.partial(image, field="logo"),
                    "signature": functools.partial(image, field="signature"),
                },
            ),
            *super().get_urls(),
        ]

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return CertificateTemplate.objects.editable_by(request.user).filter(pk=obj.pk).exists()
