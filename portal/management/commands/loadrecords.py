"""Load the Mazovian 2003–2017 records (reference data and history) from fixtures/."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from partnership.caching import public_data_changed
from projects.facets import idea_facets_refresh
from workshops.figures import cycle_figures_refresh

# Order matters: each file refers only to records loaded before it.
RECORD_FIXTURES = [
    "geography",
    "themes",
    "sources",
    "organisations",
    "programmes",
    "agreements",
    "workshops",
    "projects",
]


class Command(BaseCommand):
    help = "Loads the Mazovian Partnerstwo Lokalne records (2003–2017). Safe to run again."

    def handle(self, *args, **options):
        # loaddata saves in one transaction; cached pages are invalidated once it commits.
        with transaction.atomic():
            call_command("loaddata", *RECORD_FIXTURES, verbosity=options["verbosity"])
            # Fixtures are saved row by row by loaddata: the counts kept per cycle follow.
            cycle_figures_refresh(cycle_ids=None)
            idea_facets_refresh(idea_ids=None)  # and the ideas' facet rows
            public_data_changed(everything=True)
