"""The API list and detail endpoints with 1,000 models, behind gunicorn on PostgreSQL.

    .venv/bin/python bench/api.py [--models 1000] [--seconds 5] [--concurrency 8]

Prints requests a second and p95 latency for each endpoint, first with no ETag (a full answer)
and then with the matching ETag (an empty 304), with the answer cache off and then on (Redis);
then, for full answers uncached, the model detail against the filtered list measured in the
same run (the detail should answer at least as fast as the list; absolute figures vary with the
machine's load, their ratio much less).
"""

import argparse
import os

from _load import Gunicorn, fetch, hammer
from _setup import django_on_fresh_database

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
PATHS = [
    ("list (50 a page)", "/api/v1/models/?page_size=50"),
    ("list filtered", "/api/v1/models/?label=open-weights&ordering=-index"),
    ("list searched", "/api/v1/models/?q=family+12"),
    ("detail", "/api/v1/models/model-000123/"),
]
LIST_FILTERED, DETAIL = "list filtered", "detail"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    django_on_fresh_database()
    from synthetic import build_scored

    build_scored(args.models)
    print(
        f"{args.models} models; gunicorn 2 workers; {args.concurrency} clients for {args.seconds:.0f} s each"
    )
    uncached = {}
    for setting, env in [
        ("answers not cached", {"PAGE_CACHE_SECONDS": "0", "REDIS_URL": REDIS_URL}),
        ("answers cached in Redis", {"REDIS_URL": REDIS_URL}),
    ]:
        print(f" {setting}:")
        with Gunicorn(env=env) as server:
            for name, path in PATHS:
                status, headers, _ = fetch(server.port, path)
                assert status == 200, (path, status)
                full = hammer(
                    server.port, [path], concurrency=args.concurrency, seconds=args.seconds
                )
                etag = {"If-None-Match": headers["ETag"]}
                cached = hammer(server.port, [path], headers=etag, concurrency=args.concurrency,
                                seconds=args.seconds, expect=304)  # fmt: skip
                for label, (rps, p50, p95, errors) in [("200", full), ("304 with ETag", cached)]:
                    print(
                        f"  {name:18} {label:14} {rps:8.0f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  errors {errors}"
                    )
                if env.get("PAGE_CACHE_SECONDS") == "0":
                    uncached[name] = full
    detail, listed = uncached[DETAIL], uncached[LIST_FILTERED]
    print(
        f" detail / filtered list, full answers not cached: {detail[0] / listed[0]:.2f}x the "
        f"requests a second, {detail[2] / listed[2]:.2f}x the p95"
    )


if __name__ == "__main__":
    main()
