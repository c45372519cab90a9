from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        checks.register(check_licence, checks.Tags.compatibility)


def check_licence(app_configs=None, **kwargs):
    """``OPEN_DATA_LICENCE`` names a licence the portal knows."""
    from .licence import open_data_licence

    try:
        open_data_licence()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="opendata.E001")]
    return []
