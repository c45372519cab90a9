"""Which rows a staff user may see and touch: one answer, used by every staff view and admin.

- inactive or anonymous users: nothing;
- superusers, administrators and voivodeship coordinators: every county;
- county staff: the counties on their staff profile, and nothing else.

Everything is evaluated per request from the database, so a change of role or counties
takes effect on the user's next request.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet

from programmes.models import AgreementParty, AgreementSignatory, County, PartnershipAgreement
from projects.models import ProjectIdea, StatusChange
from workshops.models import Attendance, Attendee, Certificate, CycleRole, Session, WorkshopCycle

from .roles import ADMINISTRATOR, COORDINATOR, COUNTY_STAFF, GROUP_NAMES

# How each county-owned model reaches its county.
COUNTY_PATHS: dict[type[Model], str] = {
    County: "",
    WorkshopCycle: "county",
    Session: "cycle__county",
    CycleRole: "cycle__county",
    Attendee: "cycle__county",
    Attendance: "session__cycle__county",
    Certificate: "cycle__county",
    ProjectIdea: "county",
    StatusChange: "project__county",
    PartnershipAgreement: "county",
    AgreementParty: "agreement__county",
    AgreementSignatory: "party__agreement__county",
}


def _group_names(user) -> set[str]:
    cached = getattr(user, "_role_group_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_group_names = cached
    return cached


def sees_all_counties(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    names = _group_names(user)
    return bool(names & {GROUP_NAMES[ADMINISTRATOR], GROUP_NAMES[COORDINATOR]})


def is_county_staff(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and GROUP_NAMES[COUNTY_STAFF] in _group_names(user)
    )


def counties_for_user(user) -> QuerySet[County]:
    """The counties whose records the user may see."""
    if sees_all_counties(user):
        return County.objects.all()
    if is_county_staff(user):
        return County.objects.filter(staff_profiles__user=user)
    return County.objects.none()


def scope_queryset(user, queryset: QuerySet) -> QuerySet:
    """Narrow any queryset of a county-owned model to what the user may touch."""
    model = queryset.model
    if model not in COUNTY_PATHS:
        raise LookupError(f"{model.__name__} has no county scope")
    if sees_all_counties(user):
        return queryset
    if not is_county_staff(user):
        return queryset.none()
    # One staff profile per user, so this join never duplicates rows. Records without a
    # county (project ideas from inter-regional events) are left to coordinators.
    path = COUNTY_PATHS[model]
    lookup = f"{path}__staff_profiles__user" if path else "staff_profiles__user"
    return queryset.filter(**{lookup: user})


def cycles_for_user(user) -> QuerySet[WorkshopCycle]:
    return scope_queryset(user, WorkshopCycle.objects.all())


def sessions_for_user(user) -> QuerySet[Session]:
    return scope_queryset(user, Session.objects.all())


def attendees_for_user(user) -> QuerySet[Attendee]:
    return scope_queryset(user, Attendee.objects.all())


def certificates_for_user(user) -> QuerySet[Certificate]:
    return scope_queryset(user, Certificate.objects.all())


def project_ideas_for_user(user) -> QuerySet[ProjectIdea]:
    return scope_queryset(user, ProjectIdea.objects.all())


def agreements_for_user(user) -> QuerySet[PartnershipAgreement]:
    return scope_queryset(user, PartnershipAgreement.objects.all())


def county_of(obj) -> County | None:
    """The county a county-owned record belongs to (None while it has none)."""
    value = obj
    path = COUNTY_PATHS[type(obj)]
    for part in path.split("__") if path else []:
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def may_use_county(user, county: County | None) -> bool:
    """May the user put a record into this county?"""
    if county is None:
        return sees_all_counties(user)
    return counties_for_user(user).filter(pk=county.pk).exists()
