from django.core.management.base import BaseCommand, CommandError

from catalog.refresh.discovery import discover


class Command(BaseCommand):
    help = "List the tracked Hugging Face accounts and create drafts for their new model repos."

    def add_arguments(self, parser):
        parser.add_argument("--max", type=int, default=50, help="most drafts to create in one run")

    def handle(self, *args, max=50, **options):
        discovery = discover(max_new=max)
        if discovery is None:
            raise CommandError("another discovery is running; try again when it has finished")
        for author, message in discovery.errors:
            self.stderr.write(f"{author}: {message}")
        created = discovery.created
        self.stdout.write(
            f"Created {len(created)} draft models: {', '.join(created) or 'none'}; "
            f"{len(discovery.errors)} accounts could not be listed."
        )
