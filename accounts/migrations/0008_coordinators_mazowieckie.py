"""Data migration: the coordinators there were before coordinators had voivodeships oversaw
the Mazovian records, so each is given Mazowieckie (TERYT 14) and keeps seeing them.

Reversing it removes Mazowieckie from every coordinator's profile again (the field itself
is removed by reversing ``0007_staffprofile_voivodeships``)."""

from django.db import migrations

MAZOWIECKIE = "14"
COORDINATORS = "Koordynatorzy wojewódzcy"  # accounts.roles.GROUP_NAMES, as of this migration


def coordinators_oversee_mazowieckie(apps, schema_editor):
    User = apps.get_model("auth", "User")
    StaffProfile = apps.get_model("accounts", "StaffProfile")
    Voivodeship = apps.get_model("programmes", "Voivodeship")
    mazowieckie = Voivodeship.objects.filter(code=MAZOWIECKIE).first()
    if mazowieckie is None:  # a fresh database: no reference data, so no coordinators yet
        return
    for user in User.objects.filter(groups__name=COORDINATORS).distinct():
        profile, _ = StaffProfile.objects.get_or_create(user=user)
        profile.voivodeships.add(mazowieckie)


def coordinators_forget_mazowieckie(apps, schema_editor):
    StaffProfile = apps.get_model("accounts", "StaffProfile")
    Voivodeship = apps.get_model("programmes", "Voivodeship")
    mazowieckie = Voivodeship.objects.filter(code=MAZOWIECKIE).first()
    if mazowieckie is None:
        return
    for profile in StaffProfile.objects.filter(user__groups__name=COORDINATORS).distinct():
        profile.voivodeships.remove(mazowieckie)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_staffprofile_voivodeships")]

    operations = [
        migrations.RunPython(coordinators_oversee_mazowieckie, coordinators_forget_mazowieckie)
    ]
