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
    from django.db import connection

    from catalog.models import AIModel, Change, License, Organization, ScoreSnapshot

    if connection.vendor == "postgresql":
        # Fast at any size, and whatever the lineage chains: everything that refers to these
        # tables goes with them.
        tables = [m._meta.db_table for m in (AIModel, Change, License, Organization)]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        return
    ScoreSnapshot.objects.all().delete()
    Change.objects.all().delete()
    AIModel.objects.update(base_model=None)
    AIModel.objects.all().delete()
    License.objects.all().delete()
    Organization.objects.all().delete()
