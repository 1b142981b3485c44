from django.conf import settings
from django.core.management.base import BaseCommand

from catalog.sync import export_catalogue


class Command(BaseCommand):
    help = "Write the evidence base back to the catalogue's YAML files."

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", nargs="?", default=None, help="defaults to settings.CATALOG_DIR"
        )

    def handle(self, *args, directory=None, **options):
        directory = directory or settings.CATALOG_DIR
        report = export_catalogue(directory)
        self.stdout.write(
            f"Wrote {len(report.written)} model files, organisations and licences to {directory}."
        )
        for name in report.unmatched:
            self.stdout.write(self.style.WARNING(f"{name} matches no model in the database; kept"))
