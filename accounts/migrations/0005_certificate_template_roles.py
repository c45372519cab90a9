"""Data migration: the roles' permissions on certificate templates
(``workshops.CertificateTemplate``: county staff, coordinators and administrators)."""

from django.db import migrations


def apply_roles(apps, schema_editor):
    from accounts.roles import apply_roles

    apply_roles(apps, in_migration=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_email_roles"),
        ("workshops", "0008_certificate_templates"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
