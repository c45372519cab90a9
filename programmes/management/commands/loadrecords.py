"""Load the Mazovian 2003–2017 records (reference data and history) from fixtures/."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Order matters: each file refers only to records loaded before it.
RECORD_FIXTURES = [
    "geography",
    "themes",
    "sources",
    "organisations",
    "programmes",
    "workshops",
    "agreements",
    "projects",
]


class Command(BaseCommand):
    help = "Loads the Mazovian Partnerstwo Lokalne records (2003–2017). Safe to run again."

    def handle(self, *args, **options):
        call_command("loaddata", *RECORD_FIXTURES, verbosity=options["verbosity"])
