"""The kept facet rows of the catalogue (``IdeaFacetRow``, ``projects.facets``): the
table and its indexes; ``0007_fill_idea_facet_rows`` fills it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0009_edition_scheme_sessions'),
        ('projects', '0005_catalogue_status_title_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='IdeaFacetRow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('by_theme', models.BooleanField(verbose_name="one of the idea's themes")),
                ('status', models.CharField(choices=[('proposed', 'proposed'), ('selected', 'selected for implementation'), ('in_progress', 'in progress'), ('completed', 'completed'), ('not_pursued', 'not pursued')], max_length=12, verbose_name='status')),
                ('county', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='programmes.county', verbose_name='county')),
                ('cycle_programme', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='programmes.programme', verbose_name='programme edition of the cycle')),
                ('event_programme', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='programmes.programme', verbose_name='programme edition of the event')),
                ('idea', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.projectidea', verbose_name='project idea')),
                ('programme', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='programmes.programme', verbose_name='programme edition')),
                ('theme', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.theme', verbose_name='theme')),
            ],
            options={
                'verbose_name': "idea's facet row",
                'verbose_name_plural': "ideas' facet rows",
                'ordering': ['idea', 'by_theme', 'theme'],
                'indexes': [models.Index(fields=['by_theme', 'theme', 'status'], include=('county', 'programme', 'cycle_programme', 'event_programme'), name='ideafacet_theme_idx'), models.Index(fields=['by_theme', 'status', 'theme'], include=('county', 'programme', 'cycle_programme', 'event_programme'), name='ideafacet_status_idx'), models.Index(fields=['by_theme', 'county', 'status'], include=('theme', 'programme', 'cycle_programme', 'event_programme'), name='ideafacet_county_idx')],
            },
        ),
    ]
