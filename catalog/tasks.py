"""Celery tasks: thin wrappers that take ids and call services. Each is safe to run twice.

Enqueueing never fails a request: when the broker cannot take a message, the work is logged and
left for the dispatcher. The rescore tasks are in catalog/publishing.py, beside
evidence_changed, which schedules them.
"""

import logging

from celery import shared_task
from django.conf import settings
from kombu.exceptions import OperationalError

from catalog import machine_read
from catalog.indexes import importer
from catalog.refresh import apply, discovery, dispatch

logger = logging.getLogger(__name__)

# Hard time limits, in seconds. The broker's visibility timeout (settings.py) must stay above
# the longest, or a message still being worked on is delivered a second time.
REFRESH_TIME_LIMIT = 180
DISPATCH_TIME_LIMIT = 120
DISCOVERY_TIME_LIMIT = 480
INDEX_IMPORT_TIME_LIMIT = 300


def enqueue_refresh(model_id):
    """Refresh one model as soon as a worker can; returns whether the broker took the message.

    When it did not, the model's records stay due and the dispatcher picks them up.
    """
    try:
        refresh_model.delay(model_id)
    except OperationalError as error:
        logger.error(
            "could not enqueue the refresh of model %s: %s", model_id, error,
            extra={"event": "enqueue-failed", "task": "refresh_model"},
        )  # fmt: skip
        return False
    return True


@shared_task(
    bind=True, acks_late=True, max_retries=None,
    soft_time_limit=REFRESH_TIME_LIMIT - 60, time_limit=REFRESH_TIME_LIMIT,
)  # fmt: skip
def refresh_model(self, model_id):
    """Refresh one model from its hubs; transient failures retry with backoff and jitter,
    waiting at least as long as the hub asked."""
    outcome = apply.refresh_model(model_id)
    countdown = apply.retry_countdown(
        self.request.retries, outcome.transient,
        max_retries=settings.REFRESH_MAX_RETRIES,
        base_seconds=settings.REFRESH_RETRY_BASE_SECONDS,
    )  # fmt: skip
    # Run in-process (no broker), a retry would run again at once, inside the caller's request:
    # the failure is recorded with its backoff, and the dispatcher retries it in time.
    if countdown is not None and not self.request.is_eager:
        raise self.retry(countdown=countdown)
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


@shared_task(
    acks_late=True, soft_time_limit=DISPATCH_TIME_LIMIT - 60, time_limit=DISPATCH_TIME_LIMIT
)
def dispatch_refreshes():
    """Enqueue refreshes of the stalest entries; a lock keeps a second dispatcher out."""
    chosen = dispatch.dispatch(enqueue_refresh)
    if chosen is None:
        logger.info("refresh dispatch skipped: another dispatcher holds the lock")
        return None
    logger.info(
        "refresh dispatch: %d models enqueued",
        len(chosen),
        extra={"event": "refresh-dispatch", "counts": {"enqueued": len(chosen)}},
    )
    return len(chosen)


@shared_task(
    acks_late=True, soft_time_limit=DISCOVERY_TIME_LIMIT - 60, time_limit=DISCOVERY_TIME_LIMIT
)
def discover_hub_models():
    """Machine-read entries for the Hub's popular and trending models; one run at a time."""
    with dispatch.single_run(machine_read.LOCK, seconds=DISCOVERY_TIME_LIMIT + 60) as held:
        if not held:
            logger.info("whole-Hub discovery skipped: another run holds the lock")
            return None
        run = machine_read.discover_hub()
    counts = {"listed": run.listed, "created": run.created, "linked": run.linked,
              "pages": run.pages, "errors": len(run.errors)}  # fmt: skip
    logger.info(
        "whole-Hub discovery: %s", counts, extra={"event": "hub-discovery", "counts": counts}
    )
    return counts


@shared_task(
    acks_late=True, soft_time_limit=DISCOVERY_TIME_LIMIT - 60, time_limit=DISCOVERY_TIME_LIMIT
)
def discover_models():
    """Draft entries for new repos of the tracked Hub accounts, for curators to review."""
    run = discovery.discover()
    if run is None:
        logger.info("discovery skipped: another discovery holds the lock")
        return None
    counts = {"created": len(run.created), "errors": len(run.errors)}
    logger.info("discovery: %s", counts, extra={"event": "discovery", "counts": counts})
    return counts


@shared_task(
    acks_late=True, soft_time_limit=INDEX_IMPORT_TIME_LIMIT - 60, time_limit=INDEX_IMPORT_TIME_LIMIT
)
def import_indexes():
    """Import what OSI, EOSAI and the MOT publish; an unchanged upstream writes nothing."""
    outcomes = importer.import_all()
    counts = {source: outcome.counts() for source, outcome in outcomes.items()}
    logger.info("index import: %s", counts, extra={"event": "index-import", "counts": counts})
    return counts
