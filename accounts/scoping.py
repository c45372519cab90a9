"""Which rows a staff user may see and touch: one answer, used by every staff view and admin.

- inactive or anonymous users: nothing;
- superusers and administrators: every county, and the records that belong to none;
- voivodeship coordinators: the counties of the voivodeships on their staff profile
  (``StaffProfile.voivodeships``), and the edition-wide records that belong to no county
  (an edition's certificate template, ideas from inter-regional events); a coordinator
  without a voivodeship sees nothing;
- county staff: the counties on their staff profile, and nothing else.

A user who is both a coordinator and county staff sees both sets of counties.

Everything is evaluated per request from the database, so a change of role or counties
takes effect on the user's next request.

A model is county-owned when it says how it reaches its county: ``county_path``, a
lookup path (``"cycle__county"`` for a session, ``""`` for the county itself). Its
queryset then offers ``.for_user(user)`` (``CountyScopedQuerySet``), and the admin
narrows its lists, choices and forms to the user's counties (``admin_mixins``).
"""

from __future__ import annotations

import functools
import operator

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet

from programmes.models import County, Voivodeship

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


def _is_active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_administrator(user) -> bool:
    """Superusers and administrators: every county, and the records without one."""
    if not _is_active(user):
        return False
    return user.is_superuser or GROUP_NAMES[ADMINISTRATOR] in _group_names(user)


def is_coordinator(user) -> bool:
    """A voivodeship coordinator, whichever voivodeships (or none) they oversee."""
    return _is_active(user) and GROUP_NAMES[COORDINATOR] in _group_names(user)


def is_county_staff(user) -> bool:
    return _is_active(user) and GROUP_NAMES[COUNTY_STAFF] in _group_names(user)


def sees_all_counties(user) -> bool:
    """Every county, and the records that belong to none: administrators and superusers."""
    return is_administrator(user)


def voivodeships_for_user(user) -> QuerySet[Voivodeship]:
    """The voivodeships a coordinator oversees (every one for an administrator)."""
    if sees_all_counties(user):
        return Voivodeship.objects.all()
    if is_coordinator(user):
        return Voivodeship.objects.filter(staff_profiles__user=user)
    return Voivodeship.objects.none()


def sees_records_without_county(user) -> bool:
    """The records that belong to no county (an edition's certificate template, ideas
    from inter-regional events): administrators, and coordinators who oversee at least
    one voivodeship."""
    if sees_all_counties(user):
        return True
    if not is_coordinator(user):
        return False
    cached = getattr(user, "_coordinates_any", None)
    if cached is None:
        cached = voivodeships_for_user(user).exists()
        user._coordinates_any = cached
    return cached


def may_see_reports(user) -> bool:
    """The programme-wide reports: staff with a role, for every county (administrators),
    their voivodeships' (coordinators) or their own (county staff). A coordinator without
    a voivodeship gets the page, which says they have no counties yet."""
    if not (_is_active(user) and user.is_staff):
        return False
    return sees_all_counties(user) or is_coordinator(user) or is_county_staff(user)


def counties_for_user(user) -> QuerySet[County]:
    """The counties whose records the user may see: the one answer every staff screen,
    report, export, admin list, filter and choice asks."""
    if sees_all_counties(user):
        return County.objects.all()
    allowed = []
    if is_coordinator(user):
        allowed.append(Q(voivodeship__in=voivodeships_for_user(user).values("pk")))
    if is_county_staff(user):
        own = County.objects.filter(staff_profiles__user=user)
        allowed.append(Q(pk__in=own.values("pk")))
    if not allowed:
        return County.objects.none()
    return County.objects.filter(functools.reduce(operator.or_, allowed))


def scope_queryset(user, queryset: QuerySet) -> QuerySet:
    """Narrow any queryset of a county-owned model to what the user may touch."""
    model = queryset.model
    path = county_path(model)
    if path is None:
        raise LookupError(f"{model.__name__} has no county scope")
    if sees_all_counties(user):
        return queryset
    if not (is_coordinator(user) or is_county_staff(user)):
        return queryset.none()
    # A subquery, not a join: a user who is both coordinator and county staff reaches a
    # county two ways, and a join would list its records twice.
    allowed = Q(**{f"{path}__in" if path else "pk__in": counties_for_user(user).values("pk")})
    if path and sees_records_without_county(user):
        allowed |= Q(**{f"{path}__isnull": True})
    return queryset.filter(allowed)


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
        return sees_records_without_county(user)
    return counties_for_user(user).filter(pk=county.pk).exists()


def coordinators_to_notify(*, county: County) -> QuerySet:
    """Who hears about ``county``'s cycles (one closed): the active coordinators of
    ``county``'s voivodeship who have an e-mail address."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=GROUP_NAMES[COORDINATOR],
            staff_profile__voivodeships=county.voivodeship_id,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
