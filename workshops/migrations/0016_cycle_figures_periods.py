"""The cycle's own figures kept beside its counts (``CycleFigures``: the years of its
dates, its county, its sessions held), filled for the records already there from the
cycles and their kept sessions, in one ``UPDATE`` (``workshops.figures._cycle_columns``
frozen here as it was written). From here on ``cycle_figures_refresh`` keeps them.
Reversed: the columns are dropped.
"""

from django.db import migrations, models

CYCLE = "(SELECT {value} FROM workshops_workshopcycle c WHERE c.id = f.cycle_id)"
HELD = """CASE WHEN c.sessions_held IS NOT NULL THEN c.sessions_held
  WHEN c.status = 'planned' THEN f.sessions ELSE NULLIF(f.sessions, 0) END"""
YEAR = {
    "postgresql": "CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)",
    "sqlite": "CAST(substr({column}, 1, 4) AS INTEGER)",  # a date is "YYYY-MM-DD" text
}


def fill(apps, schema_editor):
    year = YEAR[schema_editor.connection.vendor]
    values = {
        "first_year": year.format(column="c.date_start"),
        "last_year": year.format(column="c.date_end"),
        "cycle_county": "c.county_id",
        "held": HELD,
        "held_lower_bound": "(c.sessions_held IS NULL AND NOT c.status = 'planned')",
    }
    columns = ", ".join(f"{name} = {CYCLE.format(value=value)}" for name, value in values.items())
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"UPDATE workshops_cyclefigures AS f SET {columns}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0015_fill_session_period_figures"),
    ]

    operations = [
        migrations.AddField(
            model_name="cyclefigures",
            name="cycle_county",
            field=models.IntegerField(null=True),
        ),
        migrations.AddField(
            model_name="cyclefigures",
            name="first_year",
            field=models.IntegerField(null=True),
        ),
        migrations.AddField(
            model_name="cyclefigures",
            name="held",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="cyclefigures",
            name="held_lower_bound",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="cyclefigures",
            name="last_year",
            field=models.IntegerField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
