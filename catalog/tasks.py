"""Celery tasks: thin wrappers that take ids and call services. Each is safe to run twice."""

import logging
import random
import threading

from celery import shared_task
from django.conf import settings
from django.db import transaction

from catalog import refresh, services

_pending = threading.local()
logger = logging.getLogger(__name__)


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


@shared_task(bind=True, acks_late=True, max_retries=None, soft_time_limit=120, time_limit=180)
def refresh_model(self, model_id):
    """Refresh one model from its hubs; transient failures retry with backoff and jitter,
    waiting at least as long as the hub asked."""
    outcome = refresh.refresh_model(model_id)
    if outcome.transient and self.request.retries < settings.REFRESH_MAX_RETRIES:
        waits = [e.retry_after for e in outcome.transient if e.retry_after]
        backoff = 30 * 2**self.request.retries * random.uniform(1.0, 1.5)
        raise self.retry(countdown=max([backoff, *waits]))
    counts = {
        "unchanged": outcome.unchanged,
        "changed": outcome.changed,
        "errors": len(outcome.errors),
        "assessments_written": outcome.assessments_written,
        "discrepancies_opened": outcome.discrepancies_opened,
    }
    logger.info(
        "refresh of model %s: %s", model_id, counts,
        extra={"event": "refresh-model", "counts": counts},
    )  # fmt: skip
    return counts


@shared_task(acks_late=True, soft_time_limit=60, time_limit=120)
def dispatch_refreshes():
    """Enqueue refreshes of the stalest entries; a lock keeps a second dispatcher out."""
    chosen = refresh.dispatch(lambda model_id: refresh_model.delay(model_id))
    if chosen is None:
        logger.info("refresh dispatch skipped: another dispatcher holds the lock")
        return None
    logger.info(
        "refresh dispatch: %d models enqueued",
        len(chosen),
        extra={"event": "refresh-dispatch", "counts": {"enqueued": len(chosen)}},
    )
    return len(chosen)


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def discover_models():
    """Draft entries for new repos of the tracked Hub accounts, for curators to review."""
    return len(refresh.discover())
