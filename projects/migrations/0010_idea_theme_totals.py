"""The catalogue's ideas per status and theme, kept (``IdeaThemeTotal``,
``projects.facets``): the table; ``0011_fill_idea_theme_totals`` fills it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0009_fill_idea_status_totals'),
    ]

    operations = [
        migrations.CreateModel(
            name='IdeaThemeTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(max_length=12, verbose_name='status')),
                ('ideas', models.PositiveIntegerField(default=0, verbose_name='project ideas')),
                ('theme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.theme', verbose_name='theme')),
            ],
            options={
                'verbose_name': 'ideas of a status and theme',
                'verbose_name_plural': 'ideas per status and theme',
                'ordering': ['status', 'theme'],
                'indexes': [models.Index(fields=['theme', 'status'], name='ideathemetotal_theme_idx')],
                'constraints': [models.UniqueConstraint(fields=('status', 'theme'), name='ideathemetotal_once')],
            },
        ),
    ]
