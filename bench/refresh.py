"""Refresh 10,000 models against the local fake hub; compare with merely fetching the same
payloads at the same concurrency, and show that an unchanged second refresh writes nothing.
Targets: the unchanged refresh within 1.25x of fetching; 0 rows written, counted from the tables
(a hub record's fetch time and live counts are kept current by design, and counted apart).
Each of the threads stands for a worker process, keeping its database connection across models as
a worker does (timed_map), in the fetching and the refreshing runs alike.

    .venv/bin/python bench/refresh.py [--models 10000] [--concurrency 8]
"""

import argparse
import queue
import time
from concurrent.futures import ThreadPoolExecutor

from _setup import ROOT, django_on_fresh_database  # noqa: F401 (puts the project on sys.path)


def timed_map(function, items, concurrency):
    """Run `function` over `items` in `concurrency` threads, each one like a Celery worker
    process: it keeps its database connection from one item to the next, closing it between
    items only when Django would (openness/celery.py: close_old_connections), and at the end."""
    from django.db import close_old_connections, connections

    pending = queue.SimpleQueue()
    for index, item in enumerate(items):
        pending.put((index, item))
    results = [None] * len(items)

    def work():
        try:
            while True:
                try:
                    index, item = pending.get_nowait()
                except queue.Empty:
                    return
                results[index] = function(item)
                close_old_connections()
        finally:
            connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for worker in [pool.submit(work) for _ in range(concurrency)]:
            worker.result()
    return time.perf_counter() - started, results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    django_on_fresh_database()
    from django.conf import settings
    from django.utils import timezone
    from synthetic import build

    from catalog.models import (
        AIModel,
        Assessment,
        Change,
        CurrentScores,
        Discrepancy,
        HubRecord,
        ScoreSnapshot,
    )
    from catalog.refresh import apply, fetch

    def rows_written_since(moment):
        """Rows of the evidence base inserted or updated since `moment`, per table."""
        return {
            "models": AIModel.objects.filter(updated_at__gte=moment).count(),
            "assessments": Assessment.objects.filter(updated_at__gte=moment).count(),
            "history": Change.objects.filter(at__gte=moment).count(),
            "snapshots": ScoreSnapshot.objects.filter(computed_at__gte=moment).count(),
            "current scores": CurrentScores.objects.filter(computed_at__gte=moment).count(),
            "discrepancies": Discrepancy.objects.filter(opened_at__gte=moment).count(),
            "hub records changed": HubRecord.objects.filter(changed_at__gte=moment).count(),
        }

    from tests.fakehub import FakeHub, model_payload

    models = build(args.models)
    for model in models:
        model.hf_repos = [f"bench-org/{model.slug}"]
    AIModel.objects.bulk_update(models, ["hf_repos"], batch_size=1000)
    # The weights follow the hub, as a curator's `source: hub` says, so the first refresh writes.
    Assessment.objects.filter(
        model__in=models, component__in=["weights_final", "weights_intermediate"]
    ).update(source="hub")
    with FakeHub() as hub:
        settings.HF_ENDPOINT = hub.url
        settings.HUB_ALLOWED_HOSTS = [hub.host]
        for model in models:
            repo = f"bench-org/{model.slug}"
            hub.add_model(model_payload(repo, siblings=[{"rfilename": "model.safetensors"}],
                                        cardData={"license": "apache-2.0"}))  # fmt: skip
            hub.add_refs(repo, ["main", "step1000", "step2000"])
        repos = [m.hf_repos[0] for m in models]
        ids = [m.pk for m in models]

        # Every save of an assessment moves its `updated_at`: the table says what was written.
        first_started = timezone.now()
        first_seconds, _ = timed_map(apply.refresh_model, ids, args.concurrency)
        first_written = Assessment.objects.filter(updated_at__gte=first_started).count()
        # Raw fetching right before the unchanged refresh, so that the two meet the same load.
        fetch_seconds, _ = timed_map(fetch.fetch_huggingface, repos, args.concurrency)
        second_started = timezone.now()
        second_seconds, outcomes = timed_map(apply.refresh_model, ids, args.concurrency)
        second_written = rows_written_since(second_started)
        fetch_times = HubRecord.objects.filter(fetched_at__gte=second_started).count()

    n = len(ids)
    print(
        f"{n} models, {args.concurrency} at a time, one Hub repo each (2 requests: info and refs)"
    )
    print(f"  fetch only:         {n / fetch_seconds:7.0f} models/s ({fetch_seconds:.2f} s)")
    print(f"  first refresh:      {n / first_seconds:7.0f} models/s ({first_seconds:.2f} s); "
          f"overhead x{first_seconds / fetch_seconds:.2f} over fetching; "
          f"assessment rows written: {first_written}")  # fmt: skip
    print(f"  unchanged refresh:  {n / second_seconds:7.0f} models/s ({second_seconds:.2f} s); "
          f"overhead x{second_seconds / fetch_seconds:.2f}; "
          f"records unchanged: {sum(o.unchanged for o in outcomes)}")  # fmt: skip
    print(f"    rows written: {sum(second_written.values())} "
          f"({', '.join(f'{k} {v}' for k, v in second_written.items())}); "
          f"hub records whose fetch time moved, and nothing else: {fetch_times}")  # fmt: skip
    print(f"  hub records ok: {HubRecord.objects.filter(status='ok').count()}")
    assert not any(second_written.values()), f"the unchanged refresh wrote {second_written}"


if __name__ == "__main__":
    main()
