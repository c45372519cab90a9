"""Which rows a staff user may see and touch: one answer, used by every staff view and admin.

- inactive or anonymous users: nothing;
- superusers, administrators and voivodeship coordinators: every county;
- county staff: the counties on their staff profile, and nothing else.

Everything is evaluated per request from the database, so a change of role or counties
takes effect on the user's next request.

A model is county-owned when it says how it reaches its county: ``county_path``, a
lookup path (``"cycle__county"`` for a session, ``""`` for the county itself). Its
queryset then offers ``.for_user(user)`` (``CountyScopedQuerySet``), and the admin
narrows its lists, choices and forms to the user's counties (``admin_mixins``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet

from programmes.models import County

from .roles import ADMINISTRATOR, COORDINATOR, COUNTY_STAFF, GROUP_NAMES


def county_path(model) -> str | None:
    """How a model reaches its county (a lookup path), or None for a model that is not
    county-owned."""
    return getattr(model, "county_path", None)


class CountyScopedQuerySet(models.QuerySet):
    """For county-owned models: ``Model.objects.for_user(user)`` is what the user may
    touch."""

    def for_user(self, user):
        return scope_queryset(user, self)


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


def may_see_reports(user) -> bool:
    """The programme-wide reports: staff with a role, for every county (coordinators,
    administrators) or for their own (county staff)."""
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return sees_all_counties(user) or is_county_staff(user)


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
    path = county_path(model)
    if path is None:
        raise LookupError(f"{model.__name__} has no county scope")
    if sees_all_counties(user):
        return queryset
    if not is_county_staff(user):
        return queryset.none()
    # One staff profile per user, so this join never duplicates rows. Records without a
    # county (project ideas from inter-regional events) are left to coordinators.
    lookup = f"{path}__staff_profiles__user" if path else "staff_profiles__user"
    return queryset.filter(**{lookup: user})


def county_of(obj) -> County | None:
    """The county a county-owned record belongs to (None while it has none)."""
    value = obj
    path = county_path(type(obj))
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


def coordinators_to_notify(*, county: County) -> QuerySet:
    """Who hears about ``county``'s cycles (one closed): the active voivodeship
    coordinators who have an e-mail address. Every coordinator for now; once coordinators
    are tied to voivodeships, only those of ``county``'s — this is the one place to say so.
    """
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=GROUP_NAMES[COORDINATOR])
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
