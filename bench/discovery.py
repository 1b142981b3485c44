"""Discovery plus first machine-read assessment of N repositories from the fake hub over loopback
HTTP, beside the same hub's raw listing rate (every page read and parsed, nothing written).

    .venv/bin/python bench/discovery.py                       # 10,000, 50,000 and 100,000
    .venv/bin/python bench/discovery.py --counts 10000 50000
    .venv/bin/python bench/discovery.py --count 10000 --one   # one size, in this process

Each size runs in its own process on an emptied database (openness_bench_hub, or DATABASE_URL),
so that its peak resident memory is its own; the fake hub serves from a process of its own, so
that its work is not counted in the reader's memory nor competes for its interpreter. Targets:
repositories a second as close to the raw listing rate as the writes allow, and memory flat as
the count grows (a listing page is read, written and scored before the next).
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/openness_bench_hub")

from _setup import ROOT, django_on_fresh_database  # noqa: E402

PAGE_SIZE = 500  # the Hub's own largest page with expanded fields; HUB_LISTING_PAGE_SIZE

SERVE = """
import sys, time
sys.path.insert(0, {root!r})
from tests.fakehub import FakeHub
hub = FakeHub(page_size={page_size}, synthetic={count}).start()
print(hub.url, flush=True)
time.sleep(10 ** 6)
"""


def serve_fake_hub(count):
    """Start a fake hub serving `count` synthetic repositories in a process of its own."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE.format(root=str(ROOT), page_size=PAGE_SIZE, count=count)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    return process, process.stdout.readline().strip()


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(count):
    django_on_fresh_database()
    from django.conf import settings

    from catalog import machine_read
    from catalog.hubs import huggingface
    from catalog.models import AIModel, Assessment, HubRecord

    hub, url = serve_fake_hub(count)
    try:
        host = url.split("//")[1].split(":")[0]
        settings.HF_ENDPOINT, settings.HUB_ALLOWED_HOSTS = url, [host]
        # The raw rate: every listing page read and parsed, nothing written.
        started = time.perf_counter()
        page_url, listed = huggingface.listing_url(url, limit=PAGE_SIZE), 0
        while page_url:
            page = huggingface.list_models_page(page_url, allowed_hosts=[host], timeout=60)
            listed += len(page.entries)
            page_url = page.next_url
        fetch_seconds = time.perf_counter() - started
        before = peak_rss_mib()
        started = time.perf_counter()
        run = machine_read.discover_hub(
            min_downloads=0, trending=0, page_size=PAGE_SIZE, max_pages=count // PAGE_SIZE + 2
        )
        seconds = time.perf_counter() - started
    finally:
        hub.terminate()
        hub.wait()
    assert run.errors == [], run.errors
    entries = AIModel.objects.machine_read().count()
    assert run.created == entries == count, (run.created, entries, count)
    assert HubRecord.objects.filter(status="ok").count() == count
    scored = AIModel.objects.machine_read().filter(current__isnull=False).count()
    print(
        f"RESULT {count} {listed / fetch_seconds:.1f} {run.created / seconds:.1f} "
        f"{seconds:.1f} {before:.0f} {peak_rss_mib():.0f} {scored} "
        f"{Assessment.objects.count()} {run.linked}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--count", type=int)
    parser.add_argument("--one", action="store_true")
    args = parser.parse_args()
    if args.one:
        run_one(args.count)
        return
    print(f"discovery and first assessment from the fake hub, pages of {PAGE_SIZE}, loopback HTTP")
    print(f"{'repos':>8} {'raw listing':>14} {'discovery':>13} {'ratio':>7} {'time':>8} "
          f"{'peak RSS':>9} {'(before)':>9}  scored, links")  # fmt: skip
    for count in args.counts:
        result = subprocess.run(
            [sys.executable, Path(__file__).resolve(), "--count", str(count), "--one"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
        _, n, raw, rate, seconds, before, peak, scored, _assessments, linked = line.split()
        print(f"{int(n):>8} {float(raw):>9.0f} /s {float(rate):>8.0f} /s "
              f"{float(raw) / float(rate):>6.1f}x {float(seconds):>7.0f}s "
              f"{float(peak):>5.0f} MiB {float(before):>5.0f} MiB  {scored}, {linked}",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
