"""Import what OSI, the European Open Source AI Index and the Model Openness Tool publish."""

from django.core.management.base import BaseCommand, CommandError

from catalog.indexes import importer


class Command(BaseCommand):
    help = "Import other indexes' published verdicts; an unchanged upstream writes nothing."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", metavar="index", help="osi, eosai or mot")

    def handle(self, *args, sources, **options):
        unknown = [s for s in sources if s not in importer.SOURCES]
        if unknown:
            raise CommandError(f"unknown index {', '.join(unknown)}: choose osi, eosai or mot")
        failed = False
        for source in sources or importer.SOURCES:
            outcome = importer.import_index(source)
            self.stdout.write(f"{source}: {outcome.counts()}")
            for problem in outcome.errors:
                failed = True
                self.stderr.write(f"{source}: {problem}")
        if failed:
            raise SystemExit(1)
