"""Operations: health, request ids and JSON logs, a cache that fails open, security headers."""

import json
import logging

import pytest
from django.core.cache import caches
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
