"""Who works for which county or voivodeship. Roles are Django groups (see ``roles.py``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from partnership.admin_names import AdminNames
from programmes.models import County, Voivodeship


class StaffProfile(models.Model):
    """The counties a county labour-office employee works for, or the voivodeships a
    coordinator (the voivodeship labour office running its edition) oversees. Which rows
    either may see is decided in ``scoping.py``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    counties = models.ManyToManyField(
        County,
        blank=True,
        related_name="staff_profiles",
        verbose_name=_("counties"),
        help_text=_("County staff see and edit only these counties' records."),
    )
    voivodeships = models.ManyToManyField(
        Voivodeship,
        blank=True,
        related_name="staff_profiles",
        verbose_name=_("voivodeships"),
        help_text=_(
            "Coordinators see, report on and export only the records of these voivodeships' "
            "counties; a coordinator without a voivodeship sees none."
        ),
    )

    admin_names = AdminNames(
        accusative=pgettext_lazy("accusative", "staff profile"),
        counted=ngettext_lazy("%(count)s staff profile", "%(count)s staff profiles", "count"),
        another=pgettext_lazy("admin inline", "Add another staff profile"),
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)
