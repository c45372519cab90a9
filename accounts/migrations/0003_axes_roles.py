"""Data migration: administrators may see login attempts and lift a lockout (django-axes)."""

from django.db import migrations


def apply_roles(apps, schema_editor):
    from accounts.roles import apply_roles

    apply_roles(apps, in_migration=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
