"""The health endpoint: what the site depends on, checked quickly, for probes and people."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from catalog.models import IndexImport
from catalog.refresh.dispatch import DISPATCHER_LAST_RUN, queue_state


def _timed(check):
    started = time.perf_counter()
    try:
        detail = check()
        return {
            "ok": True,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            **(detail or {}),
        }
    except Exception as error:  # a probe reports every failure, whatever its kind
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"vendor": connection.vendor}


def _redis():
    if not settings.REDIS_URL:
        return {"configured": False}
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    client.ping()
    return {"configured": True}


def _queue():
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis"):
        return {"depth": 0, "broker": broker.split(":", 1)[0]}
    import redis

    client = redis.Redis.from_url(broker, socket_timeout=2, socket_connect_timeout=2)
    return {"depth": client.llen("celery"), "broker": "redis"}


def _index_imports():
    """Each index importer's last read and last error: a malformed upstream file shows here."""
    return {
        state.source: {
            "revision": state.revision,
            "imported_at": state.imported_at.isoformat() if state.imported_at else None,
            "last_error": state.last_error[:300] or None,
        }
        for state in IndexImport.objects.order_by("source")
    }


@never_cache
def health(request):
    """200 while the database answers (Redis down only degrades); 503 when it does not."""
    checks = {"database": _timed(_database), "redis": _timed(_redis), "queue": _timed(_queue)}
    try:
        last_run = cache.get(DISPATCHER_LAST_RUN)
    except Exception:
        last_run = None
    status = "ok" if all(c["ok"] for c in checks.values()) else "degraded"
    if not checks["database"]["ok"]:
        status = "down"
    try:
        index_imports = _index_imports() if checks["database"]["ok"] else None
    except Exception:
        index_imports = None
    try:
        refreshes = queue_state()
    except Exception:
        refreshes = None
    body = {
        "status": status, **checks, "last_dispatcher_run": last_run,
        "index_imports": index_imports, "refreshes": refreshes,
    }  # fmt: skip
    return JsonResponse(body, status=503 if status == "down" else 200)


# The container's own probe. It asks for http://127.0.0.1:8000/health/, a host that a deployment's
# ALLOWED_HOSTS rightly leaves out, so Django would answer 400 before reaching the view.
HEALTH_PATH = "/health/"
LOOPBACK = {"127.0.0.1", "::1"}


class LoopbackHealthMiddleware:
    """Answers GET /health/ from loopback before anything checks the Host header. The answer
    names no host, so it cannot be poisoned; every other request is checked as usual."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path_info == HEALTH_PATH
            and request.method in ("GET", "HEAD")
            and request.META.get("REMOTE_ADDR") in LOOPBACK
        ):
            return health(request)
        return self.get_response(request)
