from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.sync import load_catalogue


class Command(BaseCommand):
    help = "Load the curated catalogue (organisations, licences, one YAML file per model)."

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", nargs="?", default=None, help="defaults to settings.CATALOG_DIR"
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="apply files even over models a curator has edited since they were loaded",
        )

    def handle(self, *args, directory=None, overwrite=False, **options):
        directory = directory or settings.CATALOG_DIR
        report = load_catalogue(directory, overwrite=overwrite)
        self.stdout.write(
            f"Catalogue {directory}: models {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.problems)} problems; "
            f"{len(report.references)} organisations and licences written; "
            f"{len(report.kept)} kept as curators edited them."
        )
        for file, why in report.kept:
            self.stdout.write(self.style.WARNING(f"kept {file}: {why}"))
        for problem in report.problems:
            self.stderr.write(self.style.ERROR(str(problem)))
        if report.problems:
            raise CommandError("some catalogue files were rejected; nothing of them was loaded")
