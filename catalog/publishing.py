"""Publishing a change to the evidence: the one step every write to the evidence base takes.

A write that changes the evidence (an assessment, a model, a licence, an organisation) calls
`evidence_changed(model_ids)` in its transaction: the data version moves on with it (so every
ETag and cached page moves on when it commits, and not before), and the scores of those models
and their derivatives are recomputed once it commits, in one task per commit. The audit log
(history.py) only records; a write that changes what the site shows but not the evidence (hub
facts, an observation, a curator's review) moves the data version alone (data_version.py).

Enqueueing never fails a request: when the broker cannot take a message, the rescore is logged
and left for beat's hourly rescore_all (or `manage.py recompute_scores`).
"""

import logging
import threading

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from kombu.exceptions import OperationalError

from catalog import components, scoring
from catalog.data_version import bump_data_version
from catalog.models import AIModel, Assessment, License

logger = logging.getLogger(__name__)
_pending = threading.local()


def evidence_changed(model_ids):
    """The evidence of these models changed in the current transaction: move the data version
    on with it, and rescore the models (and their derivatives) once it commits."""
    bump_data_version()
    if model_ids:
        _rescore_after_commit(model_ids)


def models_scored_from(row):
    """The ids of the models whose scores read `row` (an Assessment, AIModel, License or
    Organization), for evidence_changed. An organisation is read by no framework."""
    if isinstance(row, Assessment):
        return [row.model_id]
    if isinstance(row, AIModel):
        return [row.pk] if row.pk else []
    if isinstance(row, License):
        ids = set(Assessment.objects.filter(license=row).values_list("model_id", flat=True))
        under_release = Q()
        for kind in components.LICENCE_KINDS:
            under_release |= Q(**{f"release_licenses__{kind}__license": row.identifier})
        ids.update(AIModel.objects.filter(under_release).values_list("pk", flat=True))
        return sorted(ids)
    return []


def _rescore_after_commit(model_ids):
    pending = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = set()
    pending.update(model_ids)
    transaction.on_commit(_enqueue_pending)


def _enqueue_pending():
    ids, _pending.ids = getattr(_pending, "ids", None), None
    if not ids:
        return
    try:
        rescore_models.delay(sorted(ids))
    except OperationalError as error:
        # The change is committed; its scores catch up at the next rescore of these models
        # (or `manage.py recompute_scores`).
        logger.error(
            "could not enqueue the rescore of %d models: %s", len(ids), error,
            extra={"event": "enqueue-failed", "task": "rescore_models"},
        )  # fmt: skip


# The tasks keep the names that messages in the broker and beat's schedule already carry.
@shared_task(name="catalog.tasks.rescore_models", acks_late=True)
def rescore_models(model_ids):
    """Recompute the scores of these models and their derivatives; writes only what changed."""
    return scoring.rescore(model_ids)


@shared_task(name="catalog.tasks.rescore_all", acks_late=True)
def rescore_all():
    """Recompute every score; writes only what changed. On beat's schedule, it catches up on any
    rescore whose message the broker could not take."""
    return scoring.rescore(None)
