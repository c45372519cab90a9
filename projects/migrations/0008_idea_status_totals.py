"""The home page's ideas per status, kept (``IdeaStatusTotal``, ``projects.facets``): the
table; ``0009_fill_idea_status_totals`` fills it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0007_fill_idea_facet_rows'),
    ]

    operations = [
        migrations.CreateModel(
            name='IdeaStatusTotal',
            fields=[
                ('status', models.CharField(max_length=12, primary_key=True, serialize=False, verbose_name='status')),
                ('ideas', models.PositiveIntegerField(default=0, verbose_name='project ideas')),
            ],
            options={
                'verbose_name': 'ideas of a status',
                'verbose_name_plural': 'ideas per status',
                'ordering': ['status'],
            },
        ),
    ]
