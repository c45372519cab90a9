from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public site as a whole: home page and timeline, the pages of counties,
    programme editions, events and sources (which bring together records of every
    domain app), sitemap, robots.txt, error pages, the health check, and the data tooling
    (loading the records, generating synthetic data)."""

    name = "portal"
    verbose_name = _("Public portal")

    def ready(self):
        from django.core import checks

        from .legal import check_operator_details

        checks.register(check_operator_details, checks.Tags.security, deploy=True)
