"""200 concurrent clients for 60 seconds on a mix of pages and API calls, against gunicorn on
PostgreSQL with Redis for the cache (database 12 of the Redis on 127.0.0.1:6379, emptied first, or
BENCH_REDIS_URL), with 1,000 models. Target: zero errors.

    .venv/bin/python bench/load.py [--clients 200] [--seconds 60] [--models 1000]
"""

import argparse
import os

from _load import Gunicorn, fetch, hammer
from _setup import django_on_fresh_database

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")

MIX = [
    "/",
    "/?label=open-weights",
    "/models/model-000010/",
    "/models/model-000500/",
    "/api/v1/models/",
    "/api/v1/models/?ordering=-index&page_size=20",
    "/api/v1/models/model-000123/",
    "/api/v1/licenses/",
    "/health/",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--models", type=int, default=1000)
    args = parser.parse_args()

    # As deployed: pages, data versions and throttle counts in Redis, shared by the workers (and
    # by this process, whose writes below must invalidate what the server caches).
    os.environ["REDIS_URL"] = REDIS_URL
    django_on_fresh_database()
    from django.core.cache import cache
    from synthetic import build_scored

    cache.clear()  # nothing cached by an earlier run, on other data
    build_scored(args.models)
    with Gunicorn(workers=3, threads=8) as server:
        for path in MIX:
            status, _, _ = fetch(server.port, path)
            assert status == 200, (path, status)
        rps, p50, p95, errors = hammer(
            server.port, MIX, concurrency=args.clients, seconds=args.seconds
        )
    print(
        f"{args.clients} clients x {args.seconds:.0f} s, {len(MIX)} URLs, {args.models} models, "
        f"gunicorn 3 workers x 8 threads:"
    )
    print(f"  {rps:.0f} req/s, p50 {p50:.0f} ms, p95 {p95:.0f} ms, errors {errors}")


if __name__ == "__main__":
    main()
