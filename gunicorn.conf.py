"""gunicorn for the web service: sized for the host, bounded in time and memory."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two processes per core plus one, each with a few threads for requests waiting on the database.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
# No request may hang past this; a stuck worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so that no slow leak grows without bound.
max_requests = 5000
max_requests_jitter = 500
# The application logs one JSON line per request; gunicorn's own access log would repeat it.
accesslog = None
errorlog = "-"
