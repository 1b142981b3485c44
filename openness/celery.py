import os
import time
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler
from celery.signals import setup_logging, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openness.settings")

app = Celery("openness")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(sender, **kwargs):
    """A worker keeps its database connection from one task to the next, and closes it before
    and after a task when Django would close a request's: older than CONN_MAX_AGE, failing its
    health check, or left unusable by an error (CELERY_DB_REUSE_MAX keeps Celery from closing it
    every time). A task run in-process is left alone: its caller owns the connection, and may be
    inside a transaction."""
    if getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@setup_logging.connect
def use_django_logging(**kwargs):
    """Workers and beat log through settings.LOGGING, as the web does (JSON lines in a
    deployment), rather than in Celery's own text format. Connecting this signal is what turns
    Celery's set-up off; --loglevel is then ignored and LOG_LEVEL applies."""
    from django.conf import settings
    from django.utils.log import configure_logging

    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


class HeartbeatScheduler(PersistentScheduler):
    """Beat's usual scheduler, touching BEAT_HEARTBEAT_FILE at every tick, so that a health
    check can tell a running beat from a hung or dead one (beat answers no ping)."""

    def tick(self, *args, **kwargs):
        from django.conf import settings

        Path(settings.BEAT_HEARTBEAT_FILE).touch()
        return super().tick(*args, **kwargs)


def beat_is_alive():
    """For beat's health check: the heartbeat is younger than three of beat's longest sleeps."""
    from django.conf import settings

    try:
        age = time.time() - os.path.getmtime(settings.BEAT_HEARTBEAT_FILE)
    except OSError:
        return False
    return age < 3 * settings.CELERY_BEAT_MAX_LOOP_INTERVAL
