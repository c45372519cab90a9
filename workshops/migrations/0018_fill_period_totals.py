"""Fill the totals kept per period (``PeriodTotals``) for the records already there from
the rows kept per cycle, in one ``INSERT … SELECT`` (the statement of
``workshops.figures.period_totals_sql`` for every period, frozen here as it was written).

From here on the write services keep them (``workshops.figures.cycle_figures_refresh``).
Reversed: the rows are deleted.
"""

from django.db import migrations

FILL = """
INSERT INTO workshops_periodtotals (period, first_year, last_year, cycles, counties, with_attendance, held_total, held_unknown, held_at_least, sessions, reported_total, reported_unknown, reported_approx, reported_more_than, reported_at_least)
SELECT COALESCE(q.first_year, 0) * 10000 + COALESCE(q.last_year, 0), q.first_year, q.last_year, SUM(q.cycles), COUNT(DISTINCT q.counties), SUM(q.with_attendance), SUM(q.held_total), SUM(q.held_unknown), SUM(q.held_at_least), SUM(q.sessions), SUM(q.reported_total), SUM(q.reported_unknown), SUM(q.reported_approx), SUM(q.reported_more_than), SUM(q.reported_at_least)
FROM (
  SELECT f.first_year, f.last_year, 1 AS cycles, f.cycle_county AS counties,
    CASE WHEN f.sessions > f.reported_unknown THEN 1 ELSE 0 END AS with_attendance,
    COALESCE(f.held, 0) AS held_total,
    CASE WHEN f.held IS NULL THEN 1 ELSE 0 END AS held_unknown,
    CASE WHEN f.held IS NOT NULL AND f.held_lower_bound THEN 1 ELSE 0 END AS held_at_least,
    0 AS sessions, 0 AS reported_total, 0 AS reported_unknown, 0 AS reported_approx, 0 AS reported_more_than, 0 AS reported_at_least
  FROM workshops_cyclefigures f
  UNION ALL
  SELECT s.first_year, s.last_year, 0, NULL, 0, 0, 0, 0, s.sessions, s.reported_total, s.reported_unknown, s.reported_approx, s.reported_more_than, s.reported_at_least
  FROM workshops_sessionperiodfigures s WHERE s.first_year IS NOT NULL
  UNION ALL
  SELECT f.first_year, f.last_year, 0, NULL, 0, 0, 0, 0, s.sessions, s.reported_total, s.reported_unknown, s.reported_approx, s.reported_more_than, s.reported_at_least
  FROM workshops_sessionperiodfigures s
  INNER JOIN workshops_cyclefigures f ON f.cycle_id = s.cycle_id WHERE s.first_year IS NULL
) q GROUP BY q.first_year, q.last_year
"""


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FILL)


def empty(apps, schema_editor):
    apps.get_model("workshops", "PeriodTotals").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0017_period_totals"),
    ]

    operations = [
        migrations.RunPython(fill, empty),
    ]
