"""Choosing what to refresh and when: the due models, the batch a dispatcher run plans within the
Hub's budget, the queue's state for the health page, the single_run lock, and dispatch itself."""

import datetime
import random
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone

from catalog.hub_records import ensure_hub_records
from catalog.hubs import budget
from catalog.machine_read import retire_duplicates
from catalog.models import AIModel, HubRecord
from catalog.refresh.fetch import HF_CALLS_PER_ENTRY, current_budget

DISPATCHER_LOCK = "lock:refresh-dispatcher"
DISPATCHER_LAST_RUN = "refresh:dispatcher-last-run"


def due_models(now=None, limit=None):
    """Ids of the models whose hub records are most overdue for a refresh, oldest first.

    A record backing off after errors (or gone) is due when its next attempt comes; any other
    once it is stale. Each model comes once, however many of its records are due.
    """
    now = now or timezone.now()
    limit = settings.REFRESH_BATCH_SIZE if limit is None else limit
    stale_before = now - datetime.timedelta(hours=settings.REFRESH_STALE_AFTER_HOURS)
    tier_stale_before = now - datetime.timedelta(hours=settings.REFRESH_MACHINE_READ_PERIOD_HOURS)
    machine_read = Q(model__review_status=AIModel.ReviewStatus.MACHINE_READ)
    backed_off_until_now = Q(next_attempt_at__lte=now)
    # Curated entries and drafts once a day; the machine-read tier once in its longer period.
    stale = Q(next_attempt_at__isnull=True) & (
        Q(fetched_at__isnull=True)
        | (~machine_read & Q(fetched_at__lt=stale_before))
        | (machine_read & Q(fetched_at__lt=tier_stale_before))
    )
    due = (
        # Drafts too: discovered drafts are filled in from the hub before a curator looks.
        HubRecord.objects.filter(backed_off_until_now | stale)
        .exclude(model__status=AIModel.Status.RETIRED)  # its curated entry reads the repository
        # Curated entries first ("curated" sorts before "machine-read"), then the stalest.
        .order_by("model__review_status", F("fetched_at").asc(nulls_first=True), "pk")
        .values_list("model_id", flat=True)
    )
    chosen = []
    if limit <= 0:
        return chosen  # the Hub's quota is spent until its window resets
    for model_id in due.iterator():
        if model_id not in chosen:
            chosen.append(model_id)
        if len(chosen) >= limit:
            break
    return chosen


def planned_batch(remaining, reset):
    """How many entries this dispatcher run enqueues: the configured batch, within the Hub's
    remaining quota spread over the runs left in its window (hubs/budget.py)."""
    return budget.entries_to_enqueue(
        remaining=remaining, reset_seconds=reset, calls_per_entry=HF_CALLS_PER_ENTRY,
        batch_size=settings.REFRESH_BATCH_SIZE,
        run_every=settings.CELERY_BEAT_SCHEDULE["dispatch-refreshes"]["schedule"],
    )  # fmt: skip


def queue_state(now=None):
    """What the health page shows of the refresh queue: how many records are due, the budget
    left in the Hub's current window, and the entry refreshed longest ago."""
    now = now or timezone.now()
    remaining, reset = current_budget(now)
    oldest = (
        HubRecord.objects.order_by(F("fetched_at").asc(nulls_first=True))
        .values("model__slug", "fetched_at")
        .first()
    )
    return {
        "due": len(due_models(now, limit=10_000)),
        "hub_calls_remaining": remaining,
        "hub_window_resets_in": None if reset is None else round(reset),
        "next_batch": planned_batch(remaining, reset),
        "oldest_entry": oldest and oldest["model__slug"],
        "oldest_fetched_at": oldest and oldest["fetched_at"] and oldest["fetched_at"].isoformat(),
    }


@contextmanager
def single_run(lock_key, *, seconds):
    """Yield True to the one holder of `lock_key` (for at most `seconds`), False to any other."""
    token = f"{timezone.now().timestamp()}-{random.random()}"
    held = cache.add(lock_key, token, timeout=seconds)
    try:
        yield held
    finally:
        if held and cache.get(lock_key) == token:
            cache.delete(lock_key)


def dispatch(enqueue, now=None):
    """Enqueue a refresh for each due model, at most one dispatcher at a time.

    Returns the ids enqueued, or None when another dispatcher holds the lock.
    """
    with single_run(DISPATCHER_LOCK, seconds=240) as held:
        if not held:
            return None
        # Machine-read entries are created with their records; only the others can lack one.
        ensure_hub_records(
            AIModel.objects.exclude(review_status=AIModel.ReviewStatus.MACHINE_READ)
            | AIModel.objects.filter(hub_records__isnull=True)
        )
        # A curated entry that took on a machine-read entry's repository (a load, an edit in
        # the admin) retires it, so that the repository is read once and shown once.
        retire_duplicates()
        remaining, reset = current_budget(now)
        chosen = due_models(now, limit=planned_batch(remaining, reset))
        for model_id in chosen:
            enqueue(model_id)
        cache.set(DISPATCHER_LAST_RUN, (now or timezone.now()).isoformat(), None)
        return chosen
