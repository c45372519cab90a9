"""Data migration: coordinators and administrators manage each edition's scheme of
sessions (``programmes.SchemeSession``); county staff see it."""

from django.db import migrations


def apply_roles(apps, schema_editor):
    from accounts.roles import apply_roles

    apply_roles(apps, in_migration=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_email_roles"),
        ("programmes", "0009_edition_scheme_sessions"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
