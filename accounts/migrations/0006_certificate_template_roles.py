"""Data migration: the roles' permissions on certificate templates
(``workshops.CertificateTemplate``: county staff, coordinators and administrators)."""

from django.db import migrations


def apply_roles(apps, schema_editor):
    from accounts.roles import apply_roles

    apply_roles(apps, in_migration=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_scheme_roles"),
        ("workshops", "0010_certificate_templates"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
