"""The caching proxy of the compose stack (deploy/nginx.conf), run with Debian's nginx in front
of gunicorn on the test database: hits, revalidation, freshness after a curator's save, stale
copies while gunicorn is stopped, and nothing personal kept."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.nginx import STATIC, LocalNginx, free_port, nginx_binary
from tests.settings import USE_SQLITE

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "catalogue"
MAX_AGE = 2  # SHARED_CACHE_SECONDS for the site behind the proxy: short, so that tests wait little
PAGE = "/models/example-7b-chat/"

pytestmark = [
    pytest.mark.skipif(USE_SQLITE, reason="gunicorn and the tests share PostgreSQL"),
    # Committed, so that gunicorn sees it; emptied after each test, the role groups kept.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Gunicorn:
    """The site under gunicorn, on the test database and Redis, started and stopped at will."""

    def __init__(self, database_url):
        self.port = free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "proxy-tests",
            "EMBEDDED": "0",
            "HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "NUM_PROXIES": "1",
            "SHARED_CACHE_SECONDS": str(MAX_AGE),
            "LOG_LEVEL": "WARNING",
        }
        self.process = None

    def start(self):
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen(
            [gunicorn, "openness.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--threads", "2", "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def site(django_db_setup):
    """gunicorn on the test database, and nginx with the deployed configuration in front."""
    from django.db import connection

    if nginx_binary() is None:
        pytest.fail("These tests need Debian's nginx: apt-get install nginx (make test does)")
    url = urlsplit(os.environ["DATABASE_URL"])
    server = Gunicorn(urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"])))
    server.start()
    try:
        with LocalNginx(server.port) as proxy:
            yield server, proxy
    finally:
        if server.process.poll() is None:
            server.stop()


@pytest.fixture(autouse=True)
def catalogue(site):
    """The small test catalogue, committed (so that gunicorn sees it), for each test."""
    from catalog.sync import load_catalogue

    assert load_catalogue(FIXTURES).ok


def get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


# nginx counts whole seconds: a copy kept at 10.9 s with max-age 2 is fresh until 13.0 s.
BOUND = MAX_AGE + 1


def until_expired():
    time.sleep(BOUND + 0.2)


def test_a_public_page_is_served_from_the_proxy_on_the_second_request(site):
    server, proxy = site
    status, first, body = get(proxy.port, PAGE)
    assert status == 200
    assert first["x-cache-status"] in ("MISS", "EXPIRED")
    assert first["cache-control"].startswith(f"public, max-age={MAX_AGE},")
    status, second, again = get(proxy.port, PAGE)
    assert (status, second["x-cache-status"]) == (200, "HIT")
    assert again == body
    assert second["etag"] == first["etag"]
    # Each answer names its own request, not the one that filled the cache.
    assert second["x-request-id"] != first["x-request-id"]


def test_an_expired_copy_is_revalidated_by_its_etag_while_the_data_is_unchanged(site):
    server, proxy = site
    get(proxy.port, "/licences/")
    until_expired()
    status, headers, body = get(proxy.port, "/licences/")
    assert (status, headers["x-cache-status"]) == (200, "REVALIDATED")
    assert b"Apache-2.0" in body
    # The site itself answered the proxy's conditional request with a 304.
    asked = {"If-None-Match": headers["etag"], "Host": f"127.0.0.1:{proxy.port}"}
    status, _, empty = get(server.port, "/licences/", asked)
    assert (status, empty) == (304, b"")


def test_a_curators_save_is_public_through_the_proxy_within_the_shared_max_age(site):
    from django.db import transaction

    from catalog import curation
    from catalog.models import AIModel

    server, proxy = site
    get(proxy.port, PAGE)
    _, before, body = get(proxy.port, PAGE)
    assert before["x-cache-status"] == "HIT"
    evidence = "https://example.org/proxy-test/model-card-moved"
    assert evidence.encode() not in body
    saved = time.monotonic()
    with transaction.atomic():
        curation.curate(
            AIModel.objects.get(slug="example-7b-chat"), "doc_model_card",
            changes={"availability": "partial"}, evidence_url=evidence,
            actor="curator", reason="The card moved.",
        )  # fmt: skip
    # Within the bound the proxy may still answer with its copy; after it, never.
    time.sleep(max(0.0, BOUND + 0.2 - (time.monotonic() - saved)))
    status, after, body = get(proxy.port, PAGE)
    assert status == 200
    assert after["x-cache-status"] == "EXPIRED"
    assert evidence.encode() in body
    assert after["etag"] != before["etag"]
    _, cached, _ = get(proxy.port, PAGE)
    assert cached["x-cache-status"] == "HIT"


def test_the_proxy_serves_its_copies_while_gunicorn_is_stopped(site):
    server, proxy = site
    get(proxy.port, "/methodology/")
    _, fresh, body = get(proxy.port, "/methodology/")
    assert fresh["x-cache-status"] == "HIT"
    server.stop()
    try:
        until_expired()
        status, headers, stale = get(proxy.port, "/methodology/")
        assert (status, headers["x-cache-status"]) == (200, "STALE")
        assert stale == body
        # What the proxy never had, it cannot serve.
        assert get(proxy.port, "/organisations/")[0] == 502
    finally:
        server.start()
    status, headers, _ = get(proxy.port, "/methodology/")
    assert (status, headers["x-cache-status"]) == (200, "REVALIDATED")


def test_the_correction_form_is_never_kept_by_the_proxy(site):
    server, proxy = site
    for _ in range(2):
        status, headers, body = get(proxy.port, PAGE + "correction/")
        assert status == 200
        assert headers["x-cache-status"] == "MISS"
        assert headers["cache-control"] == "private, no-store"
        assert b'name="csrfmiddlewaretoken"' in body


def test_a_token_holder_always_reaches_the_site(site):
    server, proxy = site
    get(proxy.port, "/api/v1/models/")
    assert get(proxy.port, "/api/v1/models/")[1]["x-cache-status"] == "HIT"
    status, headers, _ = get(proxy.port, "/api/v1/models/", {"Authorization": "Token nonsense"})
    assert (status, headers["x-cache-status"]) == (401, "BYPASS")
    assert headers["cache-control"] == "private, no-store"


def test_a_signed_in_curator_always_reaches_the_site(site):
    server, proxy = site
    get(proxy.port, "/chart/")
    status, headers, _ = get(proxy.port, "/chart/", {"Cookie": "sessionid=whatever"})
    assert (status, headers["x-cache-status"]) == (200, "BYPASS")


def test_the_site_sees_the_client_the_proxy_names(site):
    server, proxy = site
    status, headers, body = get(proxy.port, "/api/", {"Host": "localhost"})
    assert status == 200
    # The host the client asked for is kept: absolute links on pages point at it.
    assert b"http://localhost/api/v1/" in body


def test_nginx_serves_static_files_itself(site):
    server, proxy = site
    status, headers, body = get(proxy.port, "/static/css/site.css")
    assert status == 200
    assert body == (STATIC / "css" / "site.css").read_bytes()
    assert "x-cache-status" not in headers
    assert headers["cache-control"] == "public, max-age=600"
