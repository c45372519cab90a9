"""Fill the kept ideas per status (``IdeaStatusTotal``) for the ideas already there, in
one ``INSERT … SELECT`` (``projects.facets.idea_status_totals_refresh`` for every
status, frozen here as it was written).

From here on the write paths keep them. Reversed: the rows are deleted.
"""

from django.db import migrations

FILL = """
INSERT INTO projects_ideastatustotal (status, ideas)
SELECT status, COUNT(*) FROM projects_projectidea GROUP BY status
"""


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FILL)


def empty(apps, schema_editor):
    apps.get_model("projects", "IdeaStatusTotal").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0008_idea_status_totals"),
    ]

    operations = [
        migrations.RunPython(fill, empty),
    ]
