"""Indexes the catalogue's facet counts read instead of the tables' rows: the ideas by
status (and county) with the columns the facets group by, and the ideas' themes by
theme (the link table Django creates has the pair the other way round)."""

from django.db import migrations, models

THEME_INDEX = "projectidea_themes_theme_idea_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_public_page_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="projectidea",
            name="projects_pr_status_1baf8b_idx",
        ),
        migrations.AddIndex(
            model_name="projectidea",
            index=models.Index(
                fields=["status", "county"],
                include=("id", "cycle", "event"),
                name="projectidea_status_cover_idx",
            ),
        ),
        # Same statement on PostgreSQL and SQLite; the link table has no model of its own.
        migrations.RunSQL(
            f"CREATE INDEX {THEME_INDEX} ON projects_projectidea_themes (theme_id, projectidea_id)",
            f"DROP INDEX {THEME_INDEX}",
        ),
    ]
