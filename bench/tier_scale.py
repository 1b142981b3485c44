"""The site with 150 curated and 100,000 machine-read entries beside the same 150 alone: p95 of
the directory (rendered each time: the page cache is off), a model page and the API list, by
default and filtered by a licence restriction. Target: p95 grows less than twofold.

    .venv/bin/python bench/tier_scale.py [--curated 150] [--machine-read 100000] [--seconds 10]

Uses its own database (openness_bench_tier, or DATABASE_URL): its catalogue is emptied.
"""

import argparse
import os
import time

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/openness_bench_tier")

from _load import Gunicorn, hammer_each  # noqa: E402
from _setup import django_on_fresh_database  # noqa: E402

PATHS = {
    "directory": "/",
    "directory, restriction": "/?restriction=non_commercial",
    "model page": "/models/model-000010/",
    "API list": "/api/v1/models/?page_size=50",
    "API list, restriction": "/api/v1/models/?page_size=50&restriction=non_commercial",
}


def measure(curated, machine_read, seconds):
    django_on_fresh_database()
    from django.db import connection
    from synthetic import build, build_machine_read

    from catalog.scoring import rescore

    started = time.perf_counter()
    build(curated)
    if machine_read:
        build_machine_read(machine_read)
    rescore(None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would within minutes on a running site
    print(f"  built {curated} curated and {machine_read} machine-read entries in "
          f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
    env = {"LOG_LEVEL": "ERROR", "PAGE_CACHE_SECONDS": "0"}
    with Gunicorn(workers=2, threads=4, env=env) as server:
        return hammer_each(server.port, PATHS, seconds=seconds)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--curated", type=int, default=150)
    parser.add_argument("--machine-read", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    small = measure(args.curated, 0, args.seconds)
    large = measure(args.curated, args.machine_read, args.seconds)
    print(f"{'':24} {args.curated:>7} entries  {args.curated:>7} + {args.machine_read} "
          "machine-read   p95 ratio")  # fmt: skip
    for name in PATHS:
        s, big = small[name], large[name]
        print(f"{name:24} p95 {s[2]:7.1f} ms   p95 {big[2]:7.1f} ms{'':15} x{big[2] / s[2]:.2f}"
              f"   ({s[0]:.0f} vs {big[0]:.0f} req/s, errors {s[3]}/{big[3]})")  # fmt: skip


if __name__ == "__main__":
    main()
