"""The ideas of one status by title: a catalogue page filtered by status sorts the ids
it lists from this index alone instead of visiting each idea's row."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_catalogue_facet_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="projectidea",
            index=models.Index(
                fields=["status", "title", "id"], name="projectidea_status_title_idx"
            ),
        ),
    ]
