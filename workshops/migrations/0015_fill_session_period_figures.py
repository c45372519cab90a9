"""Fill the sessions and reported attendance kept per cycle and period of the sessions
(``SessionPeriodFigures``) for the records already there, in one ``INSERT … SELECT``
(the statement of ``workshops.figures`` for every cycle, frozen here as it was written).

From here on the write services keep them (``workshops.figures.cycle_figures_refresh``).
Reversed: the rows are deleted.
"""

from django.db import migrations

FILL = """
INSERT INTO workshops_sessionperiodfigures (cycle_id, first_year, last_year, sessions, reported_total, reported_unknown, reported_approx, reported_more_than, reported_at_least)
SELECT q.cycle_id, q.first_year, q.last_year, COUNT(*),
  SUM(COALESCE(q.attendance, 0)) AS reported_total,
  SUM(CASE WHEN q.attendance IS NULL THEN 1 ELSE 0 END) AS reported_unknown,
  SUM(CASE WHEN q.attendance IS NOT NULL AND q.attendance_precision = 'approx' THEN 1 ELSE 0 END) AS reported_approx,
  SUM(CASE WHEN q.attendance IS NOT NULL AND q.attendance_precision = 'more_than' THEN 1 ELSE 0 END) AS reported_more_than,
  SUM(CASE WHEN q.attendance IS NOT NULL AND q.attendance_precision = 'at_least' THEN 1 ELSE 0 END) AS reported_at_least
FROM (
  SELECT s.cycle_id, s.attendance, s.attendance_precision,
    {start} AS first_year,
    CASE WHEN s.date_start IS NULL THEN NULL ELSE {end} END AS last_year
  FROM workshops_session s
) q GROUP BY q.cycle_id, q.first_year, q.last_year
"""

YEAR = {
    "postgresql": "CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)",
    "sqlite": "CAST(substr({column}, 1, 4) AS INTEGER)",  # a date is "YYYY-MM-DD" text
}


def fill(apps, schema_editor):
    year = YEAR[schema_editor.connection.vendor]
    sql = FILL.format(
        start=year.format(column="s.date_start"), end=year.format(column="s.date_end")
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)


def empty(apps, schema_editor):
    apps.get_model("workshops", "SessionPeriodFigures").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0014_session_period_figures"),
    ]

    operations = [
        migrations.RunPython(fill, empty),
    ]
