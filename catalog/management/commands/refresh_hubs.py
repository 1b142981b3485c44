import logging

from django.core.management.base import BaseCommand, CommandError

from catalog.models import AIModel
from catalog.refresh import apply

logger = logging.getLogger("catalog.refresh")


class Command(BaseCommand):
    help = "Refresh models from the Hugging Face Hub and GitHub now, in this process."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="models to refresh (default: all published)")

    def handle(self, *args, slugs=(), **options):
        models = (
            AIModel.objects.published() if not slugs else AIModel.objects.filter(slug__in=slugs)
        )
        missing = set(slugs) - set(models.values_list("slug", flat=True))
        if missing:
            raise CommandError(f"unknown models: {', '.join(sorted(missing))}")
        totals = apply.Outcome()
        for model in models.order_by("slug"):
            outcome = apply.refresh_model(model.pk)
            totals.unchanged += outcome.unchanged
            totals.changed += outcome.changed
            totals.assessments_written += outcome.assessments_written
            totals.discrepancies_opened += outcome.discrepancies_opened
            for repo, message in outcome.errors:
                totals.errors.append((repo, message))
                self.stderr.write(f"{model.slug}: {repo}: {message}")
        # The same counts, under the same names, as the refresh_model task logs for one model.
        counts = {
            "models": models.count(),
            "unchanged": totals.unchanged,
            "changed": totals.changed,
            "errors": len(totals.errors),
            "assessments_written": totals.assessments_written,
            "discrepancies_opened": totals.discrepancies_opened,
        }
        summary = (
            f"Refreshed {counts['models']} models: {totals.changed} records changed, "
            f"{totals.unchanged} unchanged, {len(totals.errors)} errors, "
            f"{totals.assessments_written} assessments written, "
            f"{totals.discrepancies_opened} discrepancies opened."
        )
        logger.info(summary, extra={"event": "refresh-run", "counts": counts})
        self.stdout.write(summary)
