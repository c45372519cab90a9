"""The grammatical forms of each admin model's name, for the admin's stock phrases.

Django's admin builds its titles, buttons and counts from ``verbose_name`` in the
nominative: Polish needs other cases and three plural forms ("Wybierz uczestnik do
zmiany", "15 obecność"). Each model registered in the admin (or shown there as an inline)
therefore declares, next to its ``Meta``, an ``admin_names = AdminNames(...)`` with:

- ``accusative``: the name as the object of a verb ("Dodaj *uczestnika*", "Wybierz *sesję*
  do zmiany"), marked ``pgettext_lazy("accusative", ...)``;
- ``counted``: the name after a number, with its plural forms ("1 uczestnik", "3 sesje",
  "15 obecności"), marked ``ngettext_lazy("%(count)s ...", "%(count)s ...", "count")``;
- ``another``: the inline formset's button ("Dodaj kolejną sesję"), marked
  ``pgettext_lazy("admin inline", "Add another ...")``.

Third-party models (auth, django-otp, django-axes, django-tasks) get theirs in
``THIRD_PARTY`` below. ``partnership.admin_site`` puts the forms into the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, gettext_noop, ngettext_lazy, pgettext_lazy


@dataclass(frozen=True)
class AdminNames:
    accusative: Any
    counted: Any
    another: Any

    def count(self, number: int) -> str:
        """``number`` and the name in the plural form it takes: "15 obecności"."""
        return self.counted % {"count": number}


# Django's own msgid, looked up in Django's catalogue (the alias keeps it out of ours).
django_gettext = gettext


@dataclass(frozen=True)
class _StockNames(AdminNames):
    """A model without declared forms: the stock nominative names (the tests refuse it)."""

    def count(self, number: int) -> str:
        return f"{number} {self.counted[0] if number == 1 else self.counted[1]}"


def _fallback(opts) -> AdminNames:
    return _StockNames(
        accusative=opts.verbose_name,
        counted=(opts.verbose_name, opts.verbose_name_plural),
        another=django_gettext("Add another %(verbose_name)s")
        % {"verbose_name": opts.verbose_name},
    )


THIRD_PARTY: dict[str, AdminNames] = {
    "auth.user": AdminNames(
        accusative=pgettext_lazy("accusative", "user"),
        counted=ngettext_lazy("%(count)s user", "%(count)s users", "count"),
        another=pgettext_lazy("admin inline", "Add another user"),
    ),
    "auth.group": AdminNames(
        accusative=pgettext_lazy("accusative", "group"),
        counted=ngettext_lazy("%(count)s group", "%(count)s groups", "count"),
        another=pgettext_lazy("admin inline", "Add another group"),
    ),
    "axes.accessattempt": AdminNames(
        accusative=pgettext_lazy("accusative", "access attempt"),
        counted=ngettext_lazy("%(count)s access attempt", "%(count)s access attempts", "count"),
        another=pgettext_lazy("admin inline", "Add another access attempt"),
    ),
    "django_tasks_database.dbtaskresult": AdminNames(
        accusative=pgettext_lazy("accusative", "task result"),
        counted=ngettext_lazy("%(count)s task result", "%(count)s task results", "count"),
        another=pgettext_lazy("admin inline", "Add another task result"),
    ),
    "otp_totp.totpdevice": AdminNames(
        accusative=pgettext_lazy("accusative", "TOTP device"),
        counted=ngettext_lazy("%(count)s TOTP device", "%(count)s TOTP devices", "count"),
        another=pgettext_lazy("admin inline", "Add another TOTP device"),
    ),
    "otp_static.staticdevice": AdminNames(
        accusative=pgettext_lazy("accusative", "static device"),
        counted=ngettext_lazy("%(count)s static device", "%(count)s static devices", "count"),
        another=pgettext_lazy("admin inline", "Add another static device"),
    ),
    "otp_static.statictoken": AdminNames(
        accusative=pgettext_lazy("accusative", "static token"),
        counted=ngettext_lazy("%(count)s static token", "%(count)s static tokens", "count"),
        another=pgettext_lazy("admin inline", "Add another static token"),
    ),
}

# The names these third-party models give themselves without a Polish translation of
# their own: translated in the portal's catalogue (listed here so makemessages keeps them).
THIRD_PARTY_VERBOSE_NAMES = (
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("TOTP device"),
    gettext_noop("TOTP devices"),
    gettext_noop("static device"),
    gettext_noop("static devices"),
    gettext_noop("static token"),
    gettext_noop("static tokens"),
    gettext_noop("Tasks Database Backend"),
)


def declared_names(model) -> AdminNames | None:
    """The forms ``model`` declares (or ``THIRD_PARTY`` holds for it), ``None`` if none."""
    declared = model.__dict__.get("admin_names")
    if isinstance(declared, AdminNames):
        return declared
    return THIRD_PARTY.get(model._meta.label_lower)


def names_for(model) -> AdminNames:
    """The forms of ``model``'s name: declared ones, else the stock nominative names."""
    return declared_names(model) or _fallback(model._meta)
