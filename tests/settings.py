"""Settings for the test suite: the site's own settings, on PostgreSQL and Redis by default.

OPENNESS_TEST_SQLITE=1 opts into SQLite and an in-process cache for a quick local run;
otherwise conftest.py stops the run at once when either service is unreachable.
"""

import os

USE_SQLITE = os.environ.get("OPENNESS_TEST_SQLITE", "").lower() in ("1", "true", "yes")

if USE_SQLITE:
    os.environ["DATABASE_URL"] = "sqlite:///var/test.sqlite3"
    os.environ["REDIS_URL"] = ""
else:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/openness")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

from openness.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests

if USE_SQLITE:
    # A file, not memory: a test that starts a server thread or replaces the database (a restore)
    # must see, and leave, the same database as the others.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-run.sqlite3")}  # noqa: F405
