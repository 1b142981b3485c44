from django.core.management.base import BaseCommand

from catalog import refresh


class Command(BaseCommand):
    help = "List the tracked Hugging Face accounts and create drafts for their new model repos."

    def add_arguments(self, parser):
        parser.add_argument("--max", type=int, default=50, help="most drafts to create in one run")

    def handle(self, *args, max=50, **options):
        created = refresh.discover(max_new=max)
        self.stdout.write(f"Created {len(created)} draft models: {', '.join(created) or 'none'}.")
