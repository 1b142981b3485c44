"""A budget, not a flood: refreshes planned within the Hub's rate limits, curated entries first."""

import datetime

import pytest
from django.utils import timezone

from catalog import hub_records, machine_read
from catalog.hubs.budget import entries_per_run_needed, entries_to_enqueue
from catalog.models import AIModel, HubRecord
from catalog.refresh import apply, dispatch, fetch
from tests.fakehub import FakeHub, model_payload


def test_without_a_report_from_the_hub_the_configured_batch_stands():
    plan = entries_to_enqueue(remaining=None, reset_seconds=None, calls_per_entry=2,
                              batch_size=100, run_every=300)  # fmt: skip
    assert plan == 100


def test_a_run_spends_the_remaining_quota_less_a_reserve_and_shared_across_runs_left():
    # 500 calls left, the window resets in 300 s, one run every 300 s: 450 usable, 2 an entry.
    assert entries_to_enqueue(remaining=500, reset_seconds=300, calls_per_entry=2,
                              batch_size=1000, run_every=300) == 225  # fmt: skip
    # The same quota with three runs left in the window: a third each.
    assert entries_to_enqueue(remaining=500, reset_seconds=900, calls_per_entry=2,
                              batch_size=1000, run_every=300) == 75  # fmt: skip


def test_a_spent_quota_enqueues_nothing_until_the_window_resets():
    assert entries_to_enqueue(remaining=0, reset_seconds=55, calls_per_entry=2,
                              batch_size=100, run_every=300) == 0  # fmt: skip


def test_the_runs_needed_to_refresh_every_entry_within_the_period():
    week, five_minutes = 7 * 24 * 3600, 300
    assert (
        entries_per_run_needed(entries=100_000, period_seconds=week, run_every=five_minutes) == 50
    )


@pytest.mark.django_db
def test_the_hubs_ratelimit_header_is_remembered_on_every_refresh(settings, catalogue_with_scores):
    with FakeHub() as hub:
        settings.HF_ENDPOINT, settings.HUB_ALLOWED_HOSTS = hub.url, [hub.host]
        hub.add_model(model_payload("example-lab/Example-Base-7B"))
        apply.refresh_model(AIModel.objects.get(slug="example-base-7b").pk)
    remaining, reset = fetch.current_budget()
    assert remaining == 499 and 290 < reset <= 300  # the fake hub's `"api";r=499;t=300`


@pytest.mark.django_db
def test_the_dispatcher_enqueues_within_the_budget_curated_entries_first(catalogue_with_scores):
    now = timezone.now()
    machine_read.create_entries([f"org/m{n}" for n in range(5)], now=now)
    hub_records.ensure_hub_records()
    fetch.remember_budget((9, 300), now=now)  # 9 - 1 reserved = 8 calls: 4 entries
    enqueued = []
    dispatch.dispatch(enqueued.append, now=now)
    assert len(enqueued) == 4
    curated = set(
        AIModel.objects.curated().filter(hub_records__isnull=False).values_list("pk", flat=True)
    )
    assert curated and set(enqueued[: len(curated)]) == curated


@pytest.mark.django_db
def test_the_machine_read_tier_is_due_once_in_its_own_period(settings, catalogue_with_scores):
    now = timezone.now()
    [pk] = machine_read.create_entries(["org/model"], now=now)
    hub_records.ensure_hub_records()
    HubRecord.objects.all().update(fetched_at=now - datetime.timedelta(days=2))
    due = dispatch.due_models(now)
    assert pk not in due  # fetched two days ago: within its week
    tracked = AIModel.objects.curated().filter(hub_records__isnull=False)
    assert set(tracked.values_list("pk", flat=True)) <= set(due)
    settings.REFRESH_MACHINE_READ_PERIOD_HOURS = 24
    assert pk in dispatch.due_models(now)


@pytest.mark.django_db
def test_the_health_page_shows_the_queue_the_budget_and_the_oldest_entry(
    client, catalogue_with_scores
):
    hub_records.ensure_hub_records()
    fetch.remember_budget((120, 200))
    body = client.get("/health/").json()["refreshes"]
    assert body["due"] == 1 and body["hub_calls_remaining"] == 120
    assert body["oldest_entry"] == "example-base-7b"
    assert body["next_batch"] == (120 - 12) // 2
