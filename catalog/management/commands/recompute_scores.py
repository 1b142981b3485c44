from django.core.management.base import BaseCommand

from catalog.scoring import rescore


class Command(BaseCommand):
    help = (
        "Recompute every framework's scores; writes snapshots only where inputs or rules changed."
    )

    def handle(self, *args, **options):
        written = rescore(None)
        self.stdout.write(f"Wrote {written} score snapshots.")
