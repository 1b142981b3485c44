"""Recompute every score for N synthetic models on PostgreSQL; print models a second and memory.

    .venv/bin/python bench/rescore.py            # 2,500, 5,000 and 10,000 models
    .venv/bin/python bench/rescore.py --count 10000 --one

Each size runs in its own process so that its peak resident memory is its own. Target: at least
2,000 models a second, and memory flat as the count grows (work is done in fixed-size batches).
"""

import argparse
import resource
import subprocess
import sys
import time

from _setup import django_on_fresh_database


def run_one(count):
    django_on_fresh_database()
    from synthetic import build

    from catalog.scoring import rescore

    build(count)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    written = rescore(None)
    elapsed = time.perf_counter() - started
    again_started = time.perf_counter()
    rewritten = rescore(None)
    again = time.perf_counter() - again_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{count:>7} models: {count / elapsed:8.0f} models/s ({elapsed:.2f} s, {written} snapshots); "
        f"unchanged rerun {count / again:8.0f} models/s ({rewritten} written); "
        f"peak RSS {peak / 1024:.0f} MiB (+{(peak - baseline) / 1024:.0f} MiB while scoring)"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, action="append")
    parser.add_argument("--one", action="store_true", help="run one size in this process")
    args = parser.parse_args()
    counts = args.count or [2500, 5000, 10000]
    if args.one:
        for count in counts:
            run_one(count)
        return
    for count in counts:
        subprocess.run([sys.executable, __file__, "--one", "--count", str(count)], check=True)


if __name__ == "__main__":
    main()
