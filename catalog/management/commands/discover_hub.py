"""Read the Hub's popular and trending models into the machine-read tier."""

from django.core.management.base import BaseCommand

from catalog import machine_read


class Command(BaseCommand):
    help = (
        "Create machine-read entries for every Hub model above a download threshold and the "
        "trending ones (HF_ENDPOINT; HUB_DISCOVERY_* settings by default)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--min-downloads", type=int, default=None)
        parser.add_argument("--trending", type=int, default=None)
        parser.add_argument("--max-pages", type=int, default=None)

    def handle(self, *args, min_downloads, trending, max_pages, **options):
        run = machine_read.discover_hub(
            min_downloads=min_downloads, trending=trending, max_pages=max_pages
        )
        self.stdout.write(
            f"{run.listed} repositories listed in {run.pages} pages, {run.created} machine-read "
            f"entries created, {run.linked} linked to their base models"
        )
        for url, message in run.errors:
            self.stderr.write(f"{url}: {message}")
