from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from catalog.backup import NotEmpty, restore


class Command(BaseCommand):
    help = "Load a backup written by backup_state into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            rows = restore(path)
        except NotEmpty as error:
            raise CommandError(str(error)) from None
        except FileNotFoundError:
            raise CommandError(f"no backup at {path}") from None
        cache.clear()  # cached pages and data versions belong to the old state
        self.stdout.write(f"Restored {rows} rows from {path}.")
