"""The totals kept per period (``PeriodTotals``: the cycles and the sessions of each
period added up), and an index on the years of the rows kept per cycle that they are
recounted from. Filled by the next migration; reversed: the table and indexes dropped.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workshops', '0016_cycle_figures_periods'),
    ]

    operations = [
        migrations.CreateModel(
            name='PeriodTotals',
            fields=[
                ('period', models.IntegerField(primary_key=True, serialize=False)),
                ('first_year', models.IntegerField(null=True)),
                ('last_year', models.IntegerField(null=True)),
                ('cycles', models.PositiveIntegerField(default=0)),
                ('counties', models.PositiveIntegerField(default=0)),
                ('with_attendance', models.PositiveIntegerField(default=0)),
                ('held_total', models.PositiveBigIntegerField(default=0)),
                ('held_unknown', models.PositiveIntegerField(default=0)),
                ('held_at_least', models.PositiveIntegerField(default=0)),
                ('sessions', models.PositiveIntegerField(default=0, verbose_name='sessions on record')),
                ('reported_total', models.PositiveBigIntegerField(default=0)),
                ('reported_unknown', models.PositiveIntegerField(default=0)),
                ('reported_approx', models.PositiveIntegerField(default=0)),
                ('reported_more_than', models.PositiveIntegerField(default=0)),
                ('reported_at_least', models.PositiveIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'figures of a period',
                'verbose_name_plural': 'figures of periods',
                'ordering': ['first_year', 'last_year'],
            },
        ),
        migrations.AddIndex(
            model_name='cyclefigures',
            index=models.Index(fields=['first_year', 'last_year'], name='cycle_figures_period'),
        ),
        migrations.AddIndex(
            model_name='sessionperiodfigures',
            index=models.Index(fields=['first_year', 'last_year'], name='session_period_figures_period'),
        ),
    ]
