"""Fill the catalogue's kept facet rows (``IdeaFacetRow``) for the ideas already there, in
one ``INSERT … SELECT`` (the statement of ``projects.facets.facet_rows_sql`` for every
idea, frozen here as it was written).

From here on the write paths keep them (``projects.facets.idea_facets_refresh``).
Reversed: the rows are deleted.
"""

from django.db import migrations

FILL = """
INSERT INTO projects_ideafacetrow (idea_id, by_theme, theme_id, status, county_id,
  programme_id, cycle_programme_id, event_programme_id)
SELECT i.id, FALSE, NULL, i.status, i.county_id, COALESCE(c.programme_id, e.programme_id),
  c.programme_id, e.programme_id
FROM projects_projectidea i
LEFT JOIN workshops_workshopcycle c ON c.id = i.cycle_id
LEFT JOIN programmes_programmeevent e ON e.id = i.event_id
UNION ALL
SELECT i.id, TRUE, l.theme_id, i.status, i.county_id, COALESCE(c.programme_id, e.programme_id),
  c.programme_id, e.programme_id
FROM projects_projectidea i
LEFT JOIN workshops_workshopcycle c ON c.id = i.cycle_id
LEFT JOIN programmes_programmeevent e ON e.id = i.event_id
LEFT JOIN projects_projectidea_themes l ON l.projectidea_id = i.id
"""


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FILL)


def empty(apps, schema_editor):
    apps.get_model("projects", "IdeaFacetRow").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_idea_facet_rows"),
    ]

    operations = [
        migrations.RunPython(fill, empty),
    ]
