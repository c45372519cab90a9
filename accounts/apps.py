from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff accounts and roles")

    def ready(self):
        from django.core import checks

        from partnership.mailconfig import check_portal_base_url

        from . import signals

        signals.connect()
        checks.register(check_portal_base_url, checks.Tags.security, deploy=True)
