"""Celery tasks: thin wrappers that take ids and call services. Each is safe to run twice."""

import threading

from celery import shared_task
from django.db import transaction

from catalog import services

_pending = threading.local()


@shared_task(acks_late=True)
def rescore_models(model_ids):
    """Recompute the scores of these models and their derivatives; writes only what changed."""
    return services.rescore(model_ids)


@shared_task(acks_late=True)
def rescore_all():
    return services.rescore(None)


def schedule_rescore(model_ids):
    """Rescore these models once the current transaction commits, in one task per commit."""
    pending = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = set()
    pending.update(model_ids)
    transaction.on_commit(_enqueue_pending)


def _enqueue_pending():
    ids, _pending.ids = getattr(_pending, "ids", None), None
    if ids:
        rescore_models.delay(sorted(ids))
