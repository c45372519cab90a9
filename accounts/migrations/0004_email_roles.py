"""Data migration: county staff and administrators may e-mail certificates to their holders
(``workshops.email_certificate``)."""

from django.db import migrations


def apply_roles(apps, schema_editor):
    from accounts.roles import apply_roles

    apply_roles(apps, in_migration=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_axes_roles"),
        ("workshops", "0007_attendee_email_consent_certificate_mailing"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
