"""Staff screens of a workshop cycle, shown inside the admin (see ``WorkshopCycleAdmin``).

Each view finds the cycle through ``WorkshopCycle.objects.for_user`` (another county's
cycle is a 404) and checks the model permission the action needs.
"""

from __future__ import annotations

import datetime
import functools
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from accounts.security import log_event
from partnership.downloads import as_download, ascii_slug
from partnership.uploads import upload_failed

from . import attendee_list, import_previews, importing, workbook_scan
from .attendance import attendance_register_save, register_page
from .certificates import (
    certificate_default_issue_date,
    certificate_eligibility,
    certificate_reissue,
    certificate_revoke,
    certificates_for_pdf,
    certificates_issue,
    certificates_pdf,
)
from .models import Attendee, Certificate, CertificateTemplate, WorkshopCycle
from .privacy import attendee_anonymise, attendee_personal_data
from .signin_sheet import signin_sheets_pdf


def _cycle_for(request, pk) -> WorkshopCycle:
    return get_object_or_404(
        WorkshopCycle.objects.for_user(request.user).select_related("county", "programme"), pk=pk
    )


def _require(request, *perms: str) -> None:
    if not all(request.user.has_perm(perm) for perm in perms):
        raise PermissionDenied


def _context(request, admin_site, cycle, title, **extra):
    opts = WorkshopCycle._meta
    return {
        **admin_site.each_context(request),
        "opts": opts,
        "cycle": cycle,
        "title": title,
        "subtitle": str(cycle),
        "cycle_change_url": reverse(
            f"{admin_site.name}:workshops_workshopcycle_change", args=[cycle.pk]
        ),
        **extra,
    }


def _id(text: str) -> int:
    """A record id as posted: digits only, at most 18 (a bigint), or ValueError."""
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise ValueError(text)
    return int(text)


def _ids(text: str) -> set[int]:
    return {_id(part) for part in text.split()}


def _posted_cells(request) -> tuple[dict[tuple[int, int], bool], set[tuple[int, int]]]:
    """Read a register page's form: the ``session`` columns it showed; for each ``row``
    (an attendee id), ``was<id>`` (the sessions ticked when the page was drawn) and the
    ``a<id>`` checkboxes ticked now. Returns (cells shown with their state then, cells
    ticked now)."""
    try:
        sessions = _ids(" ".join(request.POST.getlist("session")))
        shown, ticked = {}, set()
        for attendee_id in _ids(" ".join(request.POST.getlist("row"))):
            was = _ids(request.POST.get(f"was{attendee_id}", ""))
            now = {_id(s) for s in request.POST.getlist(f"a{attendee_id}")}
            if not (was | now) <= sessions:
                raise ValueError
            shown.update({(attendee_id, s): s in was for s in sessions})
            ticked.update((attendee_id, s) for s in now)
    except ValueError as error:
        raise ValidationError(_("The register form was damaged; nothing was saved.")) from error
    return shown, ticked


def _whole_session(request, shown, ticked) -> tuple[bool, int, int] | None:
    """Apply a column's "tick all" or "clear all" button (``column=tick:<session id>`` or
    ``clear:<session id>``) to the rows the page showed, and only to them: the cells of
    that session on this page are ticked or cleared as if the user had clicked each box.
    Returns (tick, session id, rows) or None when no such button was pressed."""
    action, _sep, session = request.POST.get("column", "").partition(":")
    if action not in ("tick", "clear"):
        return None
    try:
        session_id = _id(session)
    except ValueError as error:
        raise ValidationError(_("The register form was damaged; nothing was saved.")) from error
    rows = {a for a, s in shown if s == session_id}
    if not rows:
        raise ValidationError(_("The register form was damaged; nothing was saved."))
    cells = {(a, session_id) for a in rows}
    if action == "tick":
        ticked |= cells
    else:
        ticked -= cells
    return action == "tick", session_id, len(rows)


def _whole_session_message(request, column, cycle) -> None:
    tick, session_id, rows = column
    session = cycle.sessions.filter(pk=session_id).first()
    values = {"session": session.roman if session else session_id, "count": rows}
    if tick:
        text = ngettext(
            "Session %(session)s ticked for the %(count)d attendee shown on this page.",
            "Session %(session)s ticked for the %(count)d attendees shown on this page.",
            rows,
        )
    else:
        text = ngettext(
            "Session %(session)s cleared for the %(count)d attendee shown on this page.",
            "Session %(session)s cleared for the %(count)d attendees shown on this page.",
            rows,
        )
    messages.info(request, text % values)


def _register_saved_messages(request, change) -> None:
    messages.success(
        request,
        _("Attendance saved: %(added)d marked, %(removed)d unmarked.")
        % {"added": change.added, "removed": change.removed},
    )
    if change.already:
        messages.info(
            request,
            ngettext(
                "%(count)d of your changes had already been saved by someone else "
                "since you opened the register.",
                "%(count)d of your changes had already been saved by someone else "
                "since you opened the register.",
                change.already,
            )
            % {"count": change.already},
        )
    if change.others:
        messages.warning(
            request,
            ngettext(
                "Someone else changed %(count)d mark on this page since you opened it; "
                "it was kept and is shown below.",
                "Someone else changed %(count)d marks on this page since you opened it; "
                "they were kept and are shown below.",
                change.others,
            )
            % {"count": change.others},
        )
    if change.gone:
        messages.warning(
            request,
            ngettext(
                "%(count)d change was not saved: its attendee or session was deleted or "
                "erased meanwhile.",
                "%(count)d changes were not saved: their attendees or sessions were deleted "
                "or erased meanwhile.",
                change.gone,
            )
            % {"count": change.gone},
        )


@never_cache
def attendance_register(request, pk, *, admin_site):
    """One page of the register; saving changes only the cells the user changed."""
    cycle = _cycle_for(request, pk)
    _require(request, "workshops.view_attendance")
    search = request.GET.get("q", "").strip()[:150].replace("\x00", "")
    if request.method == "POST":
        _require(request, "workshops.add_attendance", "workshops.delete_attendance")
        try:
            shown, ticked = _posted_cells(request)
            column = _whole_session(request, shown, ticked)
            change = attendance_register_save(cycle=cycle, shown=shown, ticked=ticked)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if column:
                _whole_session_message(request, column, cycle)
            _register_saved_messages(request, change)
            return redirect(request.get_full_path())
    register = register_page(cycle=cycle, page=request.GET.get("page"), search=search)
    context = _context(
        request,
        admin_site,
        cycle,
        _("Attendance register"),
        register=register,
        sessions=register.sessions,
        rows=register.rows(),
        page_obj=register.page,
        search=search,
        filter_query=urlencode({"q": search}) if search else "",
        can_change=request.user.has_perm("workshops.add_attendance")
        and request.user.has_perm("workshops.delete_attendance"),
    )
    return TemplateResponse(request, "staff/attendance_register.html", context)


def _posted_issue_date(request) -> datetime.date | None:
    """The date of issue typed on the Certificates screen (ISO, as a date input sends it),
    None when left empty, or ValidationError."""
    text = request.POST.get("issued_on", "").strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise ValidationError(
            _("The date of issue is not a date; choose it in the calendar or type YYYY-MM-DD.")
        ) from error


def _issue(request, cycle) -> bool:
    """Issue the cycle's certificates as posted; a message says how it went."""
    try:
        issued = certificates_issue(
            cycle=cycle,
            issued_by=request.POST.get("issued_by", ""),
            issued_on=_posted_issue_date(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, _("Certificates issued: %(count)d.") % {"count": len(issued)})
    return True


@never_cache
def certificates_overview(request, pk, *, admin_site):
    """Who may get a certificate and who may not (with their sessions), who holds one;
    issuing with a chosen date; the certificates issued."""
    cycle = _cycle_for(request, pk)
    _require(request, "workshops.view_certificate")
    if request.method == "POST":
        _require(request, "workshops.add_certificate")
        if _issue(request, cycle):
            return redirect(request.path)
    certificates = (
        Certificate.objects.filter(cycle=cycle).select_related("attendee").order_by("number")
    )
    attendees = list(certificate_eligibility(cycle=cycle))
    minimum = cycle.certificate_min_sessions
    for attendee in attendees:
        attendee.eligible = minimum is not None and attendee.sessions_attended >= minimum
    waiting = [a for a in attendees if a.eligible and not a.holds_certificate]
    context = _context(
        request,
        admin_site,
        cycle,
        _("Certificates"),
        certificates=certificates,
        attendees=attendees,
        eligible=waiting,
        not_eligible=sum(1 for a in attendees if not a.eligible),
        holders=sum(1 for a in attendees if a.holds_certificate),
        can_issue=request.user.has_perm("workshops.add_certificate"),
        can_revoke=request.user.has_perm("workshops.change_certificate"),
        default_issuer=request.POST.get("issued_by", ""),
        issue_date=request.POST.get("issued_on")
        or certificate_default_issue_date(cycle=cycle).isoformat(),
        today=timezone.localdate().isoformat(),
        template=CertificateTemplate.objects.for_cycle(cycle),
    )
    return TemplateResponse(request, "staff/certificates.html", context)


def _verify_url(request):
    def url_for(certificate):
        return request.build_absolute_uri(
            reverse("workshops:certificate_verify", kwargs={"code": certificate.verification_code})
        )

    return url_for


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    return as_download(HttpResponse(content, content_type="application/pdf"), filename)


@never_cache
def certificates_bulk_pdf(request, pk, *, admin_site):
    cycle = _cycle_for(request, pk)
    _require(request, "workshops.view_certificate")
    certificates = list(certificates_for_pdf(cycle=cycle))
    if not certificates:
        messages.warning(request, _("This cycle has no valid certificates to print yet."))
        return redirect(
            reverse(f"{admin_site.name}:workshops_workshopcycle_certificates", args=[pk])
        )
    pdf = certificates_pdf(certificates, verify_url_for=_verify_url(request))
    return _pdf_response(pdf, f"certyfikaty-{ascii_slug(cycle.county.name)}-{cycle.pk}.pdf")


@never_cache
def certificate_pdf(request, pk, *, admin_site):
    certificate = get_object_or_404(
        Certificate.objects.for_user(request.user).select_related(
            "attendee", "cycle", "cycle__county", "cycle__programme"
        ),
        pk=pk,
        revoked_at__isnull=True,
        attendee__anonymised_at__isnull=True,
    )
    _require(request, "workshops.view_certificate")
    pdf = certificates_pdf([certificate], verify_url_for=_verify_url(request))
    return _pdf_response(pdf, f"certyfikat-{ascii_slug(certificate.number.replace('/', '-'))}.pdf")


@never_cache
def certificate_revoke_view(request, pk, *, admin_site):
    certificate = get_object_or_404(Certificate.objects.for_user(request.user), pk=pk)
    _require(request, "workshops.change_certificate")
    back = reverse(
        f"{admin_site.name}:workshops_workshopcycle_certificates", args=[certificate.cycle_id]
    )
    if request.method != "POST":
        return redirect(back)
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("reissue"):
            _require(request, "workshops.add_certificate")
            new = certificate_reissue(certificate=certificate, reason=reason)
            messages.success(
                request,
                _("Certificate %(old)s revoked and %(new)s issued in its place.")
                % {"old": certificate.number, "new": new.number},
            )
        else:
            certificate_revoke(certificate=certificate, reason=reason)
            messages.success(
                request, _("Certificate %(number)s revoked.") % {"number": certificate.number}
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(back)


PREVIEW_SHOWN_ROWS = 200
# Uploading a list and importing it register attendees and their attendance.
IMPORT_PERMISSIONS = ("workshops.add_attendee", "workshops.add_attendance")


def cycle_screen(*perms: str):
    """A staff screen of one cycle that needs ``perms``: the view is called as
    ``view(request, cycle, admin_site=...)`` once the cycle is found among those the user
    may see (another county's is a 404) and the user holds every permission (or 403)."""

    def decorate(view):
        @functools.wraps(view)
        def screen(request, pk, *, admin_site):
            cycle = _cycle_for(request, pk)
            _require(request, *perms)
            return view(request, cycle, admin_site=admin_site)

        return screen

    return decorate


def _register_url(admin_site, cycle) -> str:
    return reverse(f"{admin_site.name}:workshops_workshopcycle_attendance", args=[cycle.pk])


@never_cache
@cycle_screen("workshops.view_attendee", "workshops.view_session")
def signin_sheets(request, cycle, *, admin_site):
    """The sign-in sheets (PDF): every session's, or ``?session=<id>``'s alone."""
    sessions = list(cycle.sessions.order_by("ordinal"))
    if not sessions:
        messages.warning(
            request, _("This cycle has no sessions yet. Add them on the cycle page first.")
        )
        return redirect(_register_url(admin_site, cycle))
    chosen = request.GET.get("session", "")
    if chosen:
        sessions = [s for s in sessions if str(s.pk) == chosen]
        if not sessions:
            raise Http404(_("No such session in this cycle."))
    attendees = list(Attendee.objects.active().filter(cycle=cycle).alphabetical())
    pdf = signin_sheets_pdf(cycle=cycle, sessions=sessions, attendees=attendees)
    suffix = f"-sesja-{sessions[0].ordinal}" if chosen else ""
    return _pdf_response(
        pdf, f"lista-obecnosci-{ascii_slug(cycle.county.name)}-{cycle.pk}{suffix}.pdf"
    )


@never_cache
@cycle_screen("workshops.view_attendee")
def attendee_list_download(request, cycle, *, admin_site):
    """The cycle's attendee list with their contact details, ``?format=csv`` or ``xlsx``."""
    list_format = request.GET.get("format")
    if list_format not in attendee_list.FORMATS:
        return redirect(_register_url(admin_site, cycle))
    content = attendee_list.attendee_list_file(cycle=cycle, format=list_format)
    # Personal data leaving the portal: the security log records who took which cycle's
    # list (ids only, no personal data).
    log_event("attendee_list_exported", request, cycle=cycle.pk, format=list_format)
    response = HttpResponse(content, content_type=attendee_list.CONTENT_TYPES[list_format])
    return as_download(
        response, f"uczestnicy-{ascii_slug(cycle.county.name)}-{cycle.pk}.{list_format}"
    )


def _import_url(admin_site, cycle, suffix: str = "") -> str:
    return reverse(f"{admin_site.name}:workshops_workshopcycle_import{suffix}", args=[cycle.pk])


@never_cache
@cycle_screen(*IMPORT_PERMISSIONS)
def attendee_import_template(request, cycle, *, admin_site):
    """The empty list to fill in, ``?format=xlsx`` or ``csv``."""
    template_format = request.GET.get("format")
    if template_format not in importing.FORMATS:
        return redirect(_import_url(admin_site, cycle))
    content = importing.attendee_template_file(format=template_format)
    response = HttpResponse(
        content,
        content_type="text/csv; charset=utf-8"
        if template_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return as_download(response, f"lista-uczestnikow-wzor.{template_format}")


@never_cache
@cycle_screen(*IMPORT_PERMISSIONS)
def attendee_import(request, cycle, *, admin_site):
    """Upload a list (POST) and see what importing it would do. Nothing is imported before
    the confirmation (``attendee_import_confirm``); a list that can be imported is kept
    for it on the server (``import_previews``), not in the session."""
    preview = stored = None
    if request.method == "POST":
        preview = _uploaded_preview(request, cycle)
        if preview is not None:
            stored = import_previews.import_preview_keep(
                cycle=cycle, user=request.user, preview=preview
            )
    context = _context(
        request,
        admin_site,
        cycle,
        _("Import attendees"),
        preview=preview,
        token=stored.token if stored else None,
        shown=PREVIEW_SHOWN_ROWS,
        new_rows=preview.new_rows[:PREVIEW_SHOWN_ROWS] if preview else [],
        matched_rows=preview.matched_rows[:PREVIEW_SHOWN_ROWS] if preview else [],
        errors=preview.errors[:PREVIEW_SHOWN_ROWS] if preview else [],
        max_rows=importing.MAX_ROWS,
        max_size=importing.MAX_FILE_BYTES,
        last_row=formats.number_format(importing.MAX_ROWS + 1, force_grouping=True),
        last_column=workbook_scan.column_letter(importing.MAX_COLUMNS),
        confirm_url=_import_url(admin_site, cycle, "_confirm"),
        template_url=_import_url(admin_site, cycle, "_template"),
    )
    return TemplateResponse(request, "staff/attendee_import.html", context)


def _uploaded_preview(request, cycle) -> importing.ImportPreview | None:
    """The preview of the posted file, or None with a message saying why there is none."""
    upload = request.FILES.get("file")
    if upload is None and upload_failed(request):
        messages.error(
            request,
            _(
                "The server could not store the uploaded file (its disk is full). "
                "Nothing was imported; try again later or tell the administrator."
            ),
        )
    elif upload is None:
        messages.error(request, _("Choose a file to import."))
    elif upload.size > importing.MAX_FILE_BYTES:
        messages.error(
            request,
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(importing.MAX_FILE_BYTES),
            },
        )
    else:
        try:
            return importing.attendee_file_parse(
                cycle=cycle, filename=upload.name, content=upload.read()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return None


@never_cache
@cycle_screen(*IMPORT_PERMISSIONS)
def attendee_import_confirm(request, cycle, *, admin_site):
    """Import the list previewed (POST ``token``, ``consent_note``), then show the register."""
    if request.method != "POST":
        return redirect(_import_url(admin_site, cycle))
    try:
        filename, result = import_previews.import_preview_confirm(
            cycle=cycle,
            user=request.user,
            token=request.POST.get("token", ""),
            consent_note=request.POST.get("consent_note", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_import_url(admin_site, cycle))
    messages.success(
        request,
        _(
            "Imported from %(file)s: %(created)d new attendees, %(matched)d already "
            "registered, %(marks)d attendance marks."
        )
        % {
            "file": filename,
            "created": result.created,
            "matched": result.matched,
            "marks": result.attendance_added,
        },
    )
    return redirect(
        reverse(f"{admin_site.name}:workshops_workshopcycle_attendance", args=[cycle.pk])
    )


def _attendee_for(request, pk):
    return get_object_or_404(
        Attendee.objects.for_user(request.user).select_related("cycle__county"), pk=pk
    )


@never_cache
def attendee_export(request, pk, *, admin_site):
    """Everything held about one person, as JSON (a subject-access request)."""
    attendee = _attendee_for(request, pk)
    _require(request, "workshops.view_attendee")
    if attendee.anonymised_at:
        raise Http404(_("This attendee's personal data has been erased."))
    data = attendee_personal_data(attendee=attendee)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    return as_download(response, f"dane-osobowe-{attendee.pk}.json")


@never_cache
def attendee_anonymise_view(request, pk, *, admin_site):
    """Confirm, then erase one person's data (keeping counts and certificate validity)."""
    attendee = _attendee_for(request, pk)
    _require(request, "workshops.change_attendee")
    change_url = reverse(f"{admin_site.name}:workshops_attendee_change", args=[attendee.pk])
    if attendee.anonymised_at:
        messages.info(request, _("This attendee's personal data has already been erased."))
        return redirect(change_url)
    if request.method == "POST":
        attendee_anonymise(attendee=attendee)
        messages.success(
            request,
            _("The attendee's personal data has been erased; counts and certificates remain."),
        )
        return redirect(change_url)
    context = {
        **admin_site.each_context(request),
        "opts": attendee._meta,
        "title": _("Erase personal data"),
        "attendee": attendee,
        "change_url": change_url,
    }
    return TemplateResponse(request, "staff/attendee_anonymise.html", context)


@never_cache
def certificate_template_image(request, pk, *, admin_site, field: str):
    """A template's logo or signature image, for staff who may see the template (another
    county's is a 404). The images are not served from MEDIA_URL: only through here."""
    template = get_object_or_404(CertificateTemplate.objects.for_user(request.user), pk=pk)
    _require(request, "workshops.view_certificatetemplate")
    image = getattr(template, field)
    if not image or not default_storage.exists(image.name):
        raise Http404(_("No image."))
    content_type = "image/png" if image.name.endswith(".png") else "image/jpeg"
    return FileResponse(default_storage.open(image.name, "rb"), content_type=content_type)
