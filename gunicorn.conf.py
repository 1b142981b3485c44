"""gunicorn for the web service: sized for the CPUs it may use, bounded in time and memory.

GUNICORN_WORKERS and GUNICORN_THREADS override the sizing below.
"""

import math
import os
from pathlib import Path

# Every thread keeps its own PostgreSQL connection open (CONN_MAX_AGE), so workers x threads is
# the web's share of the server's connections. PostgreSQL allows 100 by default; the rest are
# for Celery, beat, migrations, a second web container during a rolling deploy, and a person.
DATABASE_CONNECTIONS = 40
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def env_int(name, default):
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def available_cpus(cpu_max=CGROUP_CPU_MAX):
    """CPUs this process may use: those it may run on (a container's --cpuset-cpus), fewer when
    the cgroup's quota (a container's --cpus) is smaller. os.cpu_count() sees the whole host."""
    cpus = len(os.sched_getaffinity(0))
    try:
        quota, period = cpu_max.read_text().split()
    except (OSError, ValueError):
        return cpus
    if quota == "max":
        return cpus
    return max(1, min(cpus, math.ceil(int(quota) / int(period))))


def default_workers(cpus, threads):
    """Two processes per CPU plus one, no more than the database's share of connections allows."""
    return max(1, min(2 * cpus + 1, DATABASE_CONNECTIONS // threads))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
# A few threads per process for requests waiting on the database.
threads = env_int("GUNICORN_THREADS", 4)
workers = env_int("GUNICORN_WORKERS", default_workers(available_cpus(), threads))
# No request may hang past this; a stuck worker is replaced.
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so that no slow leak grows without bound.
max_requests = 5000
max_requests_jitter = 500
# The application logs one JSON line per request; gunicorn's own access log would repeat it.
accesslog = None
errorlog = "-"
