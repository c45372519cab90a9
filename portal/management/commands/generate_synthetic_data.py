"""Generate synthetic volume data at national scale (see ``portal.synthetic``)."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal import synthetic


def default_terc_path() -> Path:
    """The voivodeships and counties of the TERC register shipped with the project."""
    return settings.BASE_DIR / "programmes" / "data" / "terc2025_wojewodztwa_powiaty.csv"


class Command(BaseCommand):
    help = (
        "Generates synthetic workshop cycles, sessions, attendees, attendance, certificates "
        "and project ideas for all Polish counties (codes from the TERC register), under "
        "programme editions marked as synthetic. Refuses a database holding real records "
        "unless --allow-real-records is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--terc",
            type=Path,
            default=None,
            help=(
                "Path of a TERC register file (voivodeships and counties); default: "
                "programmes/data/terc2025_wojewodztwa_powiaty.csv in the project."
            ),
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=(
                "Multiplies the volumes; 1.0 is about 8,000 cycles, 48,000 sessions, "
                "300,000 attendees and 1,000,000 attendance rows."
            ),
        )
        parser.add_argument("--seed", type=int, default=2017, help="Seed of the random generator.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=5000,
            help="Rows per INSERT statement.",
        )
        parser.add_argument(
            "--allow-real-records",
            action="store_true",
            help="Run even though the database holds real (non-synthetic) records.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the synthetic data generated earlier first.",
        )

    def handle(self, *args, **options):
        terc_path = self._checked_terc_path(options)
        existing = self._existing_synthetic_programmes(replace=options["replace"])
        verbose = options["verbosity"] >= 1

        def log(message: str) -> None:
            if verbose:
                self.stdout.write(message)

        started = time.monotonic()
        try:
            if existing:
                synthetic.synthetic_data_delete(batch_size=options["batch_size"], log=log)
            totals = synthetic.synthetic_data_generate(
                terc_path=terc_path,
                scale=options["scale"],
                seed=options["seed"],
                batch_size=options["batch_size"],
                log=log,
            )
        except synthetic.SyntheticDataError as error:
            raise CommandError(str(error)) from error
        for table, count in totals.items():
            log(_("  %(table)s: %(count)s") % {"table": table, "count": f"{count:,}"})
        log(
            _("Done: %(count)s rows in %(seconds).1f s.")
            % {"count": f"{sum(totals.values()):,}", "seconds": time.monotonic() - started}
        )

    def _checked_terc_path(self, options) -> Path:
        """The register to read, once the options and the database allow generating."""
        if not 0 < options["scale"] <= 10:
            raise CommandError(_("--scale must be greater than 0 and at most 10."))
        if options["batch_size"] < 1:
            raise CommandError(_("--batch-size must be a positive number."))
        terc_path = options["terc"] or default_terc_path()
        if not terc_path.is_file():
            raise CommandError(
                _(
                    "The TERC register was not found at %(path)s. Pass the path of "
                    "terc2025.csv with --terc."
                )
                % {"path": terc_path}
            )
        if synthetic.real_records_exist() and not options["allow_real_records"]:
            raise CommandError(
                _(
                    "This database holds real (non-synthetic) records. Synthetic data is "
                    "meant for a separate database; run with --allow-real-records to add it "
                    "anyway."
                )
            )
        return terc_path

    def _existing_synthetic_programmes(self, *, replace: bool) -> int:
        """How many synthetic editions the database holds; refused unless ``replace``."""
        existing = synthetic.synthetic_programme_count()
        if existing and not replace:
            raise CommandError(
                _(
                    "The database already holds synthetic data (%(count)s synthetic programme "
                    "editions). Run with --replace to delete it first."
                )
                % {"count": existing}
            )
        return existing
