"""Anonymise attendees of cycles that ended more than the retention period ago."""

from django.core.management.base import BaseCommand, CommandError

from workshops.privacy import (
    attendees_anonymise_expired,
    attendees_past_retention,
    retention_cutoff,
)


class Command(BaseCommand):
    help = (
        "Erases the personal data of attendees of cycles that ended more than N years ago "
        "(settings.ATTENDEE_RETENTION_YEARS by default), keeping counts and certificates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, help="Retention period in years.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report how many would be anonymised."
        )

    def handle(self, *args, years=None, dry_run=False, **options):
        if years is not None and years < 1:
            raise CommandError("--years must be at least 1.")
        cutoff = retention_cutoff(years)
        if dry_run:
            count = attendees_past_retention(years=years).count()
            self.stdout.write(
                f"{count} attendee(s) of cycles that ended before {cutoff} would be anonymised."
            )
            return
        count = attendees_anonymise_expired(years=years)
        self.stdout.write(f"Anonymised {count} attendee(s) of cycles that ended before {cutoff}.")
