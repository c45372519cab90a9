"""The ICU collation ``pl_icu`` on PostgreSQL, for Polish alphabetical order.

On SQLite a collation of the same name is registered on each connection instead
(``partnership.collation``); there this migration does nothing."""

from django.db import migrations

CREATE = "CREATE COLLATION IF NOT EXISTS pl_icu (provider = icu, locale = 'pl-PL')"
DROP = "DROP COLLATION IF EXISTS pl_icu"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0007_agreement_cycle_moved_to_workshops")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
