"""Schema: the voivodeships a coordinator oversees (``StaffProfile.voivodeships``)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_certificate_template_roles'),
        ('programmes', '0009_edition_scheme_sessions'),
    ]

    operations = [
        migrations.AddField(
            model_name='staffprofile',
            name='voivodeships',
            field=models.ManyToManyField(blank=True, help_text="Coordinators see, report on and export only the records of these voivodeships' counties; a coordinator without a voivodeship sees none.", related_name='staff_profiles', to='programmes.voivodeship', verbose_name='voivodeships'),
        ),
    ]
