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


def pytest_collection_modifyitems(config, items):
    """On the quick SQLite path, tests that need PostgreSQL or Redis themselves are skipped, with
    the reason shown; `make test` runs them all, and stops at once when a service is missing."""
    from tests.settings import USE_SQLITE

    if not USE_SQLITE:
        return
    reasons = {
        "postgres": "needs PostgreSQL (OPENNESS_TEST_SQLITE=1 runs on SQLite)",
        "redis": "needs Redis (OPENNESS_TEST_SQLITE=1 runs with an in-process cache)",
    }
    for item in items:
        for name, reason in reasons.items():
            if item.get_closest_marker(name):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def data_version_moves_at_each_write(request):
    """A test in a transaction that never commits would never see the data version move: there
    the trigger that moves it at commit (catalog/migrations/0023_data_version.py) fires at each
    write instead. Tests with transaction=True commit, and see it move at commit."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or marker.kwargs.get("transaction") or (marker.args and marker.args[0]):
        return
    request.getfixturevalue("db")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS catalog_dataversion_at_commit IMMEDIATE")


@pytest.fixture
def hub(settings):
    """The fake Hugging Face Hub and GitHub over loopback HTTP, and the settings pointing at it."""
    from tests.fakehub import FakeHub

    with FakeHub() as fake:
        settings.HF_ENDPOINT = fake.url
        settings.GITHUB_API_URL = fake.url
        settings.HUB_ALLOWED_HOSTS = [fake.host]
        yield fake


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


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: throttle counters and data versions live there, and
    what is kept for a data version in the process."""
    from django.core.cache import cache

    from catalog.data_version import forget_version_reads

    cache.clear()
    forget_version_reads()
    yield
    cache.clear()
    forget_version_reads()


@pytest.fixture
def catalogue_with_scores(fixture_catalogue, django_capture_on_commit_callbacks, db):
    """The small test catalogue, loaded and scored."""
    from catalog.sync import load_catalogue

    with django_capture_on_commit_callbacks(execute=True):
        report = load_catalogue(fixture_catalogue)
    assert report.ok, report.problems
    return report


@pytest.fixture(scope="module")
def real_catalogue_for_module(django_db_setup, django_db_blocker):
    """The real catalogue loaded and scored once for a whole test module, removed afterwards.

    Loading takes a second or two; tests on top of it still run in their own rolled-back
    transactions, so they cannot disturb each other.
    """
    from django.conf import settings

    from catalog.models import AIModel, Change, License, Organization, ScoreSnapshot
    from catalog.sync import load_catalogue

    with django_db_blocker.unblock():
        report = load_catalogue(settings.CATALOG_DIR)
        assert report.ok, [str(p) for p in report.problems]
        yield report
        ScoreSnapshot.objects.all().delete()
        Change.objects.all().delete()
        AIModel.objects.filter(base_model__isnull=False).delete()
        AIModel.objects.all().delete()
        License.objects.all().delete()
        Organization.objects.all().delete()


@pytest.fixture(scope="module")
def live_site(real_catalogue_for_module):
    """The project's WSGI application served over HTTP on loopback, with the real catalogue.

    The same pattern as test_api_schema's live_api: the server's threads open their own database
    connections, pointed at the test database, and see what the module's fixtures committed.
    """
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.db import connection, connections

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    database = connections.settings[connection.alias]
    database["NAME"] = connection.settings_dict["NAME"]
    # Each request runs in a thread of its own: close its connection when it ends, or the test
    # database could not be dropped at the end of the run.
    max_age, database["CONN_MAX_AGE"] = database.get("CONN_MAX_AGE", 0), 0
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    database["CONN_MAX_AGE"] = max_age


@pytest.fixture
def dead_cache(settings):
    """The cache pointed at a Redis port nothing listens on, as when Redis is down."""
    from openness.cache import ResilientRedisCache

    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "openness.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    yield
    ResilientRedisCache._paused_until = 0.0
