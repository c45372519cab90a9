"""Data migration: the three staff roles as groups with their permissions."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from accounts.roles import apply_roles

    apply_roles(apps, in_migration=True)


def remove_roles(apps, schema_editor):
    from accounts.roles import GROUP_NAMES

    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_NAMES.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("programmes", "0002_initial"),
        ("workshops", "0001_initial"),
        ("projects", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
