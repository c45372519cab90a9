"""The guided "New cycle" form, inside the admin (``WorkshopCycleAdmin``).

Step 1 chooses the county (only the user's own, preselected when there is one), the
edition (an explicit choice: its period must hold the cycle's), the title, the period and
the certificate rule; step 2 shows the sessions made from the edition's scheme (number,
kind, day, venue, topic), editable, and saves everything through ``cycle_create``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from accounts.scoping import counties_for_user
from programmes.models import Programme

from .cycles import MAX_SESSIONS, PlannedSession, cycle_create, edition_mismatch
from .models import Session, WorkshopCycle

CREATE_PERMISSIONS = ("workshops.add_workshopcycle", "workshops.add_session")


class CycleStartForm(forms.Form):
    county = forms.ModelChoiceField(queryset=None, label=gettext_lazy("County"))
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.filter(is_synthetic=False).order_by("-date_start"),
        label=gettext_lazy("Programme edition"),
        empty_label=gettext_lazy("— choose the edition —"),
        help_text=gettext_lazy(
            "The cycle's period must lie within the edition's. A missing current edition "
            "is added by a coordinator under Programme editions."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    date_start = forms.DateField(
        label=gettext_lazy("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_end = forms.DateField(
        label=gettext_lazy("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty when the end is not known yet."),
    )
    certificate_min_sessions = forms.IntegerField(
        label=gettext_lazy("Sessions needed for a certificate"),
        min_value=1,
        max_value=MAX_SESSIONS,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        counties = counties_for_user(user).order_by("name")
        self.fields["county"].queryset = counties
        if len(counties) == 1:
            self.fields["county"].initial = counties[0].pk
        self.fields["county"].empty_label = None if len(counties) == 1 else "—"

    def clean(self):
        data = super().clean()
        start, end, programme = (data.get(k) for k in ("date_start", "date_end", "programme"))
        if start and end and end < start:
            self.add_error("date_end", _("The cycle cannot end before it starts."))
        elif start and programme and (mismatch := edition_mismatch(programme, start, end)):
            self.add_error("programme", mismatch)
        return data


class SessionRowForm(forms.Form):
    number = forms.IntegerField(label=gettext_lazy("Number"), min_value=1, max_value=99)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Session.Kind.choices)
    date = forms.DateField(
        label=gettext_lazy("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    venue = forms.CharField(label=gettext_lazy("Venue"), max_length=200, required=False)
    topic = forms.CharField(
        label=gettext_lazy("Topic"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
    )


SessionRows = forms.formset_factory(
    SessionRowForm,
    extra=0,
    can_delete=True,
    max_num=MAX_SESSIONS,
    validate_max=True,
    absolute_max=MAX_SESSIONS,
)


def _scheme_rows(programme: Programme) -> list[dict]:
    """The edition's scheme as the form's rows (an edition without one: its standard
    number of workshops, or five)."""
    rows = [
        {"number": s.number, "kind": s.kind, "venue": s.venue, "topic": s.topic}
        for s in programme.scheme_sessions.all()
    ]
    if rows:
        return rows
    count = programme.sessions_per_cycle or 5
    return [{"number": n, "kind": Session.Kind.WORKSHOP} for n in range(1, count + 1)]


def _kept(rows) -> list[dict]:
    return [form.cleaned_data for form in rows.forms if not form.cleaned_data.get("DELETE")]


def _planned(rows) -> list[PlannedSession]:
    return [
        PlannedSession(
            number=data["number"],
            kind=data["kind"],
            date=data["date"],
            venue=data["venue"],
            topic=data["topic"],
        )
        for data in _kept(rows)
    ]


def _rows_for_step(request, start: CycleStartForm):
    """The session rows to show after step 1 or after "add a session"."""
    step = request.POST.get("step")
    if step == "prepare":
        return SessionRows(prefix="sessions", initial=_scheme_rows(start.cleaned_data["programme"]))
    rows = SessionRows(request.POST, prefix="sessions")
    if step == "add" and rows.is_valid():
        kept = [{k: v for k, v in data.items() if k != "DELETE"} for data in _kept(rows)]
        if len(kept) < MAX_SESSIONS:
            kept.append({"number": max((r["number"] for r in kept), default=0) + 1})
        return SessionRows(prefix="sessions", initial=kept)
    return rows


def _save(request, start: CycleStartForm, rows) -> WorkshopCycle | None:
    if not rows.is_valid():
        return None
    data = start.cleaned_data
    try:
        return cycle_create(
            user=request.user,
            county=data["county"],
            programme=data["programme"],
            title=data["title"],
            date_start=data["date_start"],
            date_end=data["date_end"],
            certificate_min_sessions=data["certificate_min_sessions"],
            sessions=_planned(rows),
        )
    except ValidationError as error:
        for message in error.messages:
            rows._non_form_errors.append(message)
        return None


@never_cache
def cycle_new(request, *, admin_site):
    """The guided form: step 1 (``prepare``), more rows (``add``), saving (``save``)."""
    if not all(request.user.has_perm(p) for p in CREATE_PERMISSIONS):
        raise PermissionDenied
    if not counties_for_user(request.user).exists():
        raise PermissionDenied
    start = CycleStartForm(request.POST or None, user=request.user)
    rows = None
    if request.method == "POST" and not start.is_valid():
        # Keep the sessions typed so far while step 1 is corrected.
        if "sessions-TOTAL_FORMS" in request.POST:
            rows = SessionRows(request.POST, prefix="sessions")
    elif request.method == "POST":
        rows = _rows_for_step(request, start)
        if request.POST.get("step") == "save":
            cycle = _save(request, start, rows)
            if cycle is not None:
                messages.success(
                    request,
                    _("The cycle “%(title)s” was created with %(count)s sessions.")
                    % {"title": cycle.title, "count": cycle.sessions_planned},
                )
                return redirect(
                    reverse(f"{admin_site.name}:workshops_workshopcycle_change", args=[cycle.pk])
                )
    context = {
        **admin_site.each_context(request),
        "opts": WorkshopCycle._meta,
        "title": _("New workshop cycle"),
        "start": start,
        "rows": rows,
        "max_sessions": MAX_SESSIONS,
    }
    return TemplateResponse(request, "staff/cycle_new.html", context)
