"""Shared set-up for benchmarks: a dedicated PostgreSQL database, migrated and emptied."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/openness_bench")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openness.settings")


def django_on_fresh_database():
    """Create the benchmark database if needed, migrate it, and empty the catalogue tables."""
    import django
    import psycopg
    from django.conf import settings

    django.setup()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        with psycopg.connect(
            dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
            port=db["PORT"] or None, autocommit=True,
        ) as conn:  # fmt: skip
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from catalog.models import AIModel, Change, License, Organization, ScoreSnapshot

    ScoreSnapshot.objects.all().delete()
    Change.objects.all().delete()
    AIModel.objects.filter(base_model__isnull=False).delete()
    AIModel.objects.all().delete()
    License.objects.all().delete()
    Organization.objects.all().delete()
