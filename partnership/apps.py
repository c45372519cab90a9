from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``partnership.admin_site.PortalAdminSite`` as
    ``admin.site`` (grammatical Polish in the stock phrases)."""

    default_site = "partnership.admin_site.PortalAdminSite"
