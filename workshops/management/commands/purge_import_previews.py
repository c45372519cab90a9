"""Delete the attendee-import previews past their retention (two hours)."""

from django.core.management.base import BaseCommand

from workshops.import_previews import IMPORT_PREVIEW_RETENTION, import_previews_purge


class Command(BaseCommand):
    help = (
        "Deletes the rows of attendee lists uploaded for an import and never confirmed, "
        "once they expire (personal data, usable for two hours); run it hourly from cron."
    )

    def handle(self, *args, **options):
        count = import_previews_purge()
        hours = IMPORT_PREVIEW_RETENTION.total_seconds() / 3600
        self.stdout.write(f"Deleted {count} import preview(s) older than {hours:g} hours.")
