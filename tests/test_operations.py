"""Operations: health, request ids and JSON logs, a cache that fails open, security headers,
Celery's logs and beat's heartbeat, gunicorn's sizing, the compose file."""

import json
import logging
import os
import runpy
import subprocess
import sys
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from openness.cache import ResilientRedisCache
from openness.observability import JsonFormatter

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_health_reports_each_dependency(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["redis"]["ok"]
    assert "depth" in body["queue"]
    assert "last_dispatcher_run" in body
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_is_degraded_not_down_without_redis(client, settings):
    settings.REDIS_URL = DEAD_REDIS
    settings.CELERY_BROKER_URL = DEAD_REDIS
    body = client.get("/health/").json()
    assert body["status"] == "degraded"
    assert body["redis"]["ok"] is False
    assert "Error" in body["redis"]["error"]


def test_a_dead_redis_is_a_cache_miss_not_an_error():
    cache = ResilientRedisCache(DEAD_REDIS, {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert cache.get("anything", "fallback") == "fallback"
    cache.set("key", "value")
    assert cache.add("key", "value") is False
    assert cache.get_many(["a", "b"]) == {}


def test_pages_and_api_answer_while_redis_is_down(client, catalogue_with_scores):
    dead = {
        "default": {
            "BACKEND": "openness.cache.ResilientRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=dead):  # Django swaps the cache handlers for the override
        assert isinstance(caches["default"], ResilientRedisCache)
        assert client.get("/api/v1/models/").status_code == 200
        assert client.get("/api/v1/models/example-base-7b/").status_code == 200
        assert client.get("/").status_code == 200


def test_every_response_carries_a_request_id(client):
    response = client.get("/health/", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    generated = client.get("/health/")["X-Request-ID"]
    assert len(generated) == 32


def test_log_lines_are_json_with_the_request_id():
    record = logging.LogRecord(
        "openness.request", logging.INFO, __file__, 1, "GET %s", ("/",), None
    )
    record.request_id, record.status_code = "abc-123", 200
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /"
    assert line["request_id"] == "abc-123"
    assert line["status_code"] == 200
    assert line["level"] == "INFO"


def test_a_new_extra_field_appears_in_the_json_line():
    # The refresh's failure lines carry the hub, the repository and the model: none is dropped.
    logger = logging.getLogger("catalog.refresh")
    extra = {"event": "refresh-error", "hub": "huggingface", "repo": "org/name", "model_slug": "m"}
    record = logger.makeRecord(
        logger.name, logging.WARNING, __file__, 1, "refresh of %s failed", ("m",), None, extra=extra
    )
    line = json.loads(JsonFormatter().format(record))
    assert {key: line[key] for key in extra} == extra
    assert line["message"] == "refresh of m failed"
    assert line["logger"] == "catalog.refresh"
    assert line["request_id"] == "-"  # logged outside any request
    # The record's own attributes are not fields of the line.
    assert not {"args", "msg", "lineno", "levelno", "pathname"} & set(line)


def test_an_exception_is_logged_under_its_own_key():
    try:
        raise ValueError("no such model")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "failed"
    assert line["exception"].endswith("ValueError: no such model")
    assert line["time"].endswith("Z") and line["level"] == "ERROR"


def test_security_headers_on_pages(client):
    response = client.get("/api/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_docs_script_carries_the_nonce(client):
    response = client.get("/api/v1/docs/")
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.text


ROOT = Path(__file__).resolve().parent.parent


# --- The container's health probe ----------------------------------------------------------------


def test_the_probe_from_loopback_is_answered_whatever_the_allowed_hosts(client, settings):
    settings.ALLOWED_HOSTS = ["scorecard.example.org"]
    probe = client.get("/health/", HTTP_HOST="127.0.0.1:8000", REMOTE_ADDR="127.0.0.1")
    assert probe.status_code == 200
    assert probe.json()["database"]["ok"]
    assert client.get("/health/", HTTP_HOST="127.0.0.1:8000", REMOTE_ADDR="::1").status_code == 200


def test_the_host_is_still_checked_for_everyone_else(client, settings):
    settings.ALLOWED_HOSTS = ["scorecard.example.org"]
    outsider = client.get("/health/", HTTP_HOST="127.0.0.1:8000", REMOTE_ADDR="203.0.113.9")
    assert outsider.status_code == 400
    # From loopback, only the health path skips the check.
    page = client.get("/api/v1/licenses/", HTTP_HOST="127.0.0.1:8000", REMOTE_ADDR="127.0.0.1")
    assert page.status_code == 400
    allowed = client.get("/health/", HTTP_HOST="scorecard.example.org", REMOTE_ADDR="203.0.113.9")
    assert allowed.status_code == 200


def test_the_probes_path_is_the_health_views(client):
    from django.urls import reverse

    from openness.health import HEALTH_PATH

    assert reverse("health") == HEALTH_PATH


# --- Celery logs JSON lines in a deployment, and beat shows it is alive -------------------------


def deployment_env(tmp_path, **extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openness.settings",
        "EMBEDDED": "0",
        "SECRET_KEY": "test",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        # No Redis: Celery's in-process broker, so nothing is sent anywhere.
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "memory://localhost/",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "BEAT_HEARTBEAT_FILE": str(tmp_path / "beat-heartbeat"),
        **extra,
    }
    if os.geteuid() == 0:  # the test machine, not a container: Celery warns about root
        env["PYTHONWARNINGS"] = "ignore:You're running the worker with superuser privileges"
    return env


class CeleryProcess:
    """`celery -A openness --quiet <args>` in a subprocess, its log lines read as they come."""

    def __init__(self, *args, env):
        self.lines, self.out = [], ""
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "openness", "--quiet", *args],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            if any(text in line for line in self.lines):
                return
            time.sleep(0.1)
        raise AssertionError(f"no {text!r} in {self.lines}")

    def stop(self):
        self.process.terminate()
        self.out, _ = self.process.communicate(timeout=30)
        self.reader.join(timeout=5)

    def json_lines(self):
        """Every line logged, parsed; fails on any that is not JSON."""
        return [json.loads(line) for line in self.lines if line.strip()]


def test_beat_logs_json_lines_and_touches_its_heartbeat(tmp_path):
    heartbeat = tmp_path / "beat-heartbeat"
    beat = CeleryProcess(
        "beat", "--schedule", str(tmp_path / "schedule"), env=deployment_env(tmp_path)
    )
    try:
        beat.wait_for("beat: Starting")
        deadline = time.monotonic() + 10
        while not heartbeat.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        beat.stop()
    lines = beat.json_lines()
    assert {"time", "level", "logger", "message", "request_id"} <= set(lines[0])
    assert any(line["message"] == "beat: Starting..." for line in lines)
    assert beat.out.strip() == ""  # no banner
    assert heartbeat.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs the test database")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the role groups
def test_a_worker_logs_json_lines_with_the_refresh_runs_counts(tmp_path, settings):
    from celery import Celery

    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    broker = settings.REDIS_URL  # this test run's own Redis database
    env = deployment_env(
        tmp_path, DATABASE_URL=database_url, REDIS_URL=broker, CELERY_BROKER_URL=broker
    )
    worker = CeleryProcess("worker", "--pool", "solo", "--queues", f"test-{os.getpid()}", env=env)
    try:
        worker.wait_for("ready.")
        # Not the current app: the site's tasks, run in this process, must stay eager.
        with Celery(broker=broker, set_as_current=False) as client:
            client.send_task("catalog.tasks.dispatch_refreshes", queue=f"test-{os.getpid()}")
        worker.wait_for("refresh-dispatch")
    finally:
        worker.stop()
    lines = worker.json_lines()
    [summary] = [line for line in lines if line.get("event") == "refresh-dispatch"]
    assert summary["counts"] == {"enqueued": 0}  # nothing is due in an empty database
    assert summary["logger"] == "catalog.tasks"
    # Celery writes one plain line when it stops, on stdout; the logs are all above.
    assert [line for line in worker.out.splitlines() if line.strip()] == [
        "worker: Warm shutdown (MainProcess)"
    ]


def test_beat_is_alive_while_its_heartbeat_is_fresh(tmp_path, settings):
    from openness.celery import beat_is_alive

    settings.BEAT_HEARTBEAT_FILE = str(tmp_path / "beat-heartbeat")
    assert not beat_is_alive()  # beat never started
    Path(settings.BEAT_HEARTBEAT_FILE).touch()
    assert beat_is_alive()
    stale = time.time() - 3 * settings.CELERY_BEAT_MAX_LOOP_INTERVAL - 1
    os.utime(settings.BEAT_HEARTBEAT_FILE, (stale, stale))
    assert not beat_is_alive()


def test_a_refresh_run_logs_one_json_summary_line_with_counts(
    caplog, catalogue_with_scores, settings
):
    from tests.fakehub import FakeHub, model_payload

    with FakeHub() as hub:
        settings.HF_ENDPOINT = settings.GITHUB_API_URL = hub.url
        settings.HUB_ALLOWED_HOSTS = [hub.host]
        hub.add_model(model_payload("example-lab/Example-Base-7B"))
        hub.add_github_repo(
            {"full_name": "example-lab/example", "license": {"spdx_id": "Apache-2.0"},
             "archived": False, "private": False, "default_branch": "main", "pushed_at": None}
        )  # fmt: skip
        out = StringIO()
        with caplog.at_level(logging.INFO, logger="catalog.refresh"):
            call_command("refresh_hubs", "example-base-7b", stdout=out)
    [record] = [r for r in caplog.records if getattr(r, "event", None) == "refresh-run"]
    line = json.loads(JsonFormatter().format(record))
    counts = line["counts"]
    assert counts["models"] == 1
    assert set(counts) == {
        "models", "unchanged", "changed", "errors", "assessments_written", "discrepancies_opened",
    }  # fmt: skip
    assert f"{counts['changed']} records changed, {counts['unchanged']} unchanged" in out.getvalue()


# --- gunicorn is sized for the CPUs the container may use ---------------------------------------


@pytest.fixture
def gunicorn_conf(monkeypatch):
    """gunicorn.conf.py run as gunicorn runs it, on a machine with 16 CPUs."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)))

    def load(**env):
        for name in ("GUNICORN_WORKERS", "GUNICORN_THREADS"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    return load


def test_gunicorn_counts_the_cpus_of_its_cgroup(gunicorn_conf, tmp_path):
    available_cpus = gunicorn_conf()["available_cpus"]
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("150000 100000\n")  # docker run --cpus 1.5
    assert available_cpus(cpu_max) == 2
    cpu_max.write_text("max 100000\n")
    assert available_cpus(cpu_max) == 16
    assert available_cpus(tmp_path / "absent") == 16


def test_gunicorn_keeps_the_webs_connections_well_under_postgresqls_hundred(gunicorn_conf):
    conf = gunicorn_conf()
    assert conf["default_workers"](1, 4) == 3
    assert conf["default_workers"](16, 4) * 4 <= 40
    assert conf["default_workers"](16, 64) == 1
    assert conf["workers"] * conf["threads"] <= conf["DATABASE_CONNECTIONS"] < 100


def test_gunicorn_sizes_are_overridden_by_the_environment(gunicorn_conf):
    conf = gunicorn_conf(GUNICORN_WORKERS="7", GUNICORN_THREADS="2")
    assert (conf["workers"], conf["threads"]) == (7, 2)
    # Compose passes unset variables through as empty strings.
    conf = gunicorn_conf(GUNICORN_WORKERS="", GUNICORN_THREADS="")
    assert conf["threads"] == 4 and conf["workers"] >= 1


# --- The compose file ---------------------------------------------------------------------------


def test_the_compose_file_checks_every_long_running_service_and_keeps_secrets_out():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name in ("db", "redis", "web", "proxy", "worker", "beat"):
        assert services[name]["healthcheck"]["test"], name
        assert services[name]["restart"] == "unless-stopped", name
    assert "beat_is_alive" in " ".join(services["beat"]["healthcheck"]["test"])
    assert "127.0.0.1:8000/health/" in " ".join(services["web"]["healthcheck"]["test"])
    web = services["web"]["environment"]
    assert web["GUNICORN_WORKERS"] == "${GUNICORN_WORKERS:-}"
    assert web["GUNICORN_THREADS"] == "${GUNICORN_THREADS:-}"
    assert services["db"]["environment"]["POSTGRES_PASSWORD"] == "${POSTGRES_PASSWORD:-openness}"
    assert "${POSTGRES_PASSWORD:-openness}@db" in web["DATABASE_URL"]


def test_the_compose_file_puts_the_caching_proxy_in_front_of_the_web_server():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    proxy, web = services["proxy"], services["web"]
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert "static:/srv/static:ro" in proxy["volumes"]
    assert "static:/app/var/static" in web["volumes"]
    assert "collectstatic" in web["command"]
    # Only the proxy is published; the web server counts the client one hop behind it.
    assert "ports" not in web and proxy["ports"] == ["${PORT:-8000}:80"]
    assert web["environment"]["NUM_PROXIES"] == "${NUM_PROXIES:-1}"
    assert proxy["depends_on"]["web"]["condition"] == "service_started"
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web:8000;" in config
    assert "alias /srv/static/;" in config
    assert "/var/cache/nginx/scorecard" in config
