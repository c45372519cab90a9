"""Fill the counts kept per cycle (``CycleFigures``, ``CycleSectorFigures``) for the
records already there, each table in one ``INSERT … SELECT`` (the statements of
``workshops.figures`` for every cycle, frozen here as they were written).

From here on the write services keep them (``workshops.figures.cycle_figures_refresh``).
Reversed: the rows are deleted.
"""

from django.db import migrations

FIGURES = """
INSERT INTO workshops_cyclefigures (cycle_id, sessions, attendees, participants, attendance_marks, certificates_valid, certificates_revoked, eligible, band_0, band_1, band_2, band_3, band_4, band_5, band_6, band_7, band_8, band_9)
SELECT c.id, COALESCE(se.sessions, 0), COALESCE(ar.attendees, 0),
  COALESCE(ar.participants, 0), COALESCE(se.marks, 0), COALESCE(ce.valid, 0),
  COALESCE(ce.revoked, 0), COALESCE(ar.eligible, 0), COALESCE(se.band_0, 0), COALESCE(se.band_1, 0), COALESCE(se.band_2, 0), COALESCE(se.band_3, 0), COALESCE(se.band_4, 0), COALESCE(se.band_5, 0), COALESCE(se.band_6, 0), COALESCE(se.band_7, 0), COALESCE(se.band_8, 0), COALESCE(se.band_9, 0)
FROM workshops_workshopcycle c
LEFT JOIN (
  SELECT p.cycle_id, COUNT(*) AS attendees,
    SUM(CASE WHEN p.marks > 0 THEN 1 ELSE 0 END) AS participants,
    SUM(CASE WHEN p.active = 1 AND p.certified = 0 AND p.marks >= p.minimum
      THEN 1 ELSE 0 END) AS eligible
  FROM (
    SELECT a.cycle_id,
      CASE WHEN a.anonymised_at IS NULL THEN 1 ELSE 0 END AS active,
      (SELECT COUNT(*) FROM workshops_attendance m WHERE m.attendee_id = a.id) AS marks,
      CASE WHEN EXISTS (SELECT 1 FROM workshops_certificate k
        WHERE k.attendee_id = a.id AND k.revoked_at IS NULL) THEN 1 ELSE 0 END AS certified,
      y.certificate_min_sessions AS minimum
    FROM workshops_attendee a INNER JOIN workshops_workshopcycle y ON y.id = a.cycle_id
    
  ) p GROUP BY p.cycle_id
) ar ON ar.cycle_id = c.id
LEFT JOIN (
  SELECT q.cycle_id, COUNT(*) AS sessions, SUM(q.present) AS marks,
  SUM(CASE WHEN q.registered > 0 AND q.present * 10 >= q.registered * 0 AND q.present * 10 < q.registered * 1 THEN 1 ELSE 0 END) AS band_0,
SUM(CASE WHEN q.registered > 0 AND q.present * 10 >= q.registered * 1 AND q.present * 10 < q.registered * 2 THEN 1 ELSE 0 END) AS band_1,
SUM(CASE WHEN q.registered > 0 AND q.present * 10 >= q.registered * 2 AND q.present * 10 < q.registered * 3 THEN 1 ELSE 0 END) AS band_2,
SUM(CASE WHEN q.registered > 0 AND q.present * 10 >= q.registered * 3 AND q.present * 10 < q.registered * 4 THEN 1 ELSE 0 END) AS band_3,
SUM(CASE WHEN q.registered > 0 AND q.present * 10 >= q.registered * 4 AND q.present * 10 < q.registered * 5 THEN 1 ELSE 0 END) AS band_4,
SUM(CASE WHEN q.registered > 0 AND q.present * 10 >= q.registered * 5 AND q.present * 10 < q.registered * 6 THEN 1 ELSE 0 END) AS band_5,
SUM(CASE WHEN q.registered > 0 AND q.present * 10 >= q.registered * 6 AND q.present * 10 < q.registered * 7 THEN 1 ELSE 0 END) AS band_6,
SUM(CASE WHEN q.registered > 0 AND q.present * 10 >= q.registered * 7 AND q.present * 10 < q.registered * 8 THEN 1 ELSE 0 END) AS band_7,
SUM(CASE WHEN q.registered > 0 AND q.present * 10 >= q.registered * 8 AND q.present * 10 < q.registered * 9 THEN 1 ELSE 0 END) AS band_8,
SUM(CASE WHEN q.registered > 0 AND q.present * 10 >= q.registered * 9 THEN 1 ELSE 0 END) AS band_9
  FROM (
    SELECT s.cycle_id,
      (SELECT COUNT(*) FROM workshops_attendance m WHERE m.session_id = s.id) AS present,
      (SELECT COUNT(*) FROM workshops_attendee a WHERE a.cycle_id = s.cycle_id) AS registered
    FROM workshops_session s 
  ) q GROUP BY q.cycle_id
) se ON se.cycle_id = c.id
LEFT JOIN (
  SELECT k.cycle_id,
    SUM(CASE WHEN k.revoked_at IS NULL THEN 1 ELSE 0 END) AS valid,
    SUM(CASE WHEN k.revoked_at IS NULL THEN 0 ELSE 1 END) AS revoked
  FROM workshops_certificate k  GROUP BY k.cycle_id
) ce ON ce.cycle_id = c.id
"""

SECTOR_FIGURES = """
INSERT INTO workshops_cyclesectorfigures (cycle_id, sector, attendees, participants)
SELECT a.cycle_id, a.sector, COUNT(*),
  SUM(CASE WHEN EXISTS (SELECT 1 FROM workshops_attendance m WHERE m.attendee_id = a.id)
    THEN 1 ELSE 0 END)
FROM workshops_attendee a 
GROUP BY a.cycle_id, a.sector
"""


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FIGURES)
        cursor.execute(SECTOR_FIGURES)


def empty(apps, schema_editor):
    apps.get_model("workshops", "CycleSectorFigures").objects.all().delete()
    apps.get_model("workshops", "CycleFigures").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0011_cycle_figures"),
    ]

    operations = [
        migrations.RunPython(fill, empty),
    ]
