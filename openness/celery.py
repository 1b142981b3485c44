import os
import time
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openness.settings")

app = Celery("openness")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
