from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes, counties and partners")

    def ready(self):
        from partnership.collation import register_sqlite_collation

        # Polish alphabetical order on SQLite (PostgreSQL has it from a migration).
        connection_created.connect(register_sqlite_collation, dispatch_uid="polish_collation")
