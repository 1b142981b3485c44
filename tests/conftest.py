"""Test set-up: PostgreSQL and Redis are required unless a developer opts into SQLite."""

import os
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_sessionstart(session):
    from django.conf import settings

    from tests.settings import USE_SQLITE

    if USE_SQLITE:
        return

    problems = []
    db = settings.DATABASES["default"]
    try:
        import psycopg

        psycopg.connect(
            dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
            port=db["PORT"] or None, connect_timeout=3,
        ).close()  # fmt: skip
    except Exception as error:
        problems.append(f"PostgreSQL at {os.environ['DATABASE_URL']} is unreachable: {error}")
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as error:
        problems.append(f"Redis at {settings.REDIS_URL} is unreachable: {error}")
    if problems:
        pytest.exit(
            "The test suite needs PostgreSQL and Redis.\n  "
            + "\n  ".join(problems)
            + "\nStart them, point DATABASE_URL and REDIS_URL at them, or opt into SQLite and an "
            "in-process cache with OPENNESS_TEST_SQLITE=1.",
            returncode=3,
        )


@pytest.fixture
def fixture_catalogue(tmp_path):
    """A writable copy of the small test catalogue: one base model and one derivative."""
    directory = tmp_path / "data"
    shutil.copytree(FIXTURES / "catalogue", directory)
    return directory


@pytest.fixture
def real_catalogue_dir():
    from django.conf import settings

    return Path(settings.CATALOG_DIR)
