from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Project ideas")

    def ready(self):
        from programmes.origins import EDITION_COPIES

        from .facets import origins_facets_refresh

        # The ideas' facet rows copy their cycle's and event's editions.
        if origins_facets_refresh not in EDITION_COPIES:
            EDITION_COPIES.append(origins_facets_refresh)
