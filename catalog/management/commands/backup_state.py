from django.core.management.base import BaseCommand

from catalog.backup import backup


class Command(BaseCommand):
    help = (
        "Write the whole state (evidence, history, scores, hub records, queues, users) to a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="where to write the backup, e.g. backup.json.gz")

    def handle(self, *args, path, **options):
        rows = backup(path)
        self.stdout.write(f"Wrote {rows} rows to {path}.")
