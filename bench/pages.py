"""The home page (the ranked directory) with 1,000 models, behind gunicorn on PostgreSQL, beside
the same stack serving a static file of the same size.

    .venv/bin/python bench/pages.py [--models 1000] [--seconds 10] [--concurrency 8]

Prints requests a second and p95 latency for the directory uncached (PAGE_CACHE_SECONDS=0: every
request runs the queries and renders), under load and from a single client, cached in Redis, and
the static file through WhiteNoise, and the ratio of the cached rate to the static one. Targets:
cached at half the static rate or better; uncached p95 under 150 ms.
"""

import argparse
import os

from _load import ROOT, Gunicorn, fetch, hammer
from _setup import django_on_fresh_database

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
STATIC_COPY = ROOT / "var" / "static" / "bench" / "home.html"
PAGES = ["/", "/?page=2", "/?ordering=-index", "/?label=open-weights"]


def report(name, figures, size=None):
    rps, p50, p95, errors = figures
    extra = f"  {size / 1024:.0f} KiB" if size else ""
    print(
        f"  {name:28} {rps:7.0f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  errors {errors}{extra}"
    )
    return rps


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    sizing = {"workers": args.workers, "threads": args.threads}

    django_on_fresh_database()
    from synthetic import build_scored

    build_scored(args.models)
    print(
        f"{args.models} models; gunicorn {args.workers} workers x {args.threads} threads; "
        f"{args.concurrency} clients for "
        f"{args.seconds:.0f} s each"
    )

    with Gunicorn(env={"PAGE_CACHE_SECONDS": "0"}, **sizing) as server:
        status, _, body = fetch(server.port, "/")
        assert status == 200, status
        for path in PAGES:
            assert fetch(server.port, path)[0] == 200, path
        report("home, uncached", hammer(server.port, ["/"], concurrency=args.concurrency,
                                        seconds=args.seconds), len(body))  # fmt: skip
        report("4 directory views, uncached", hammer(server.port, PAGES,
               concurrency=args.concurrency, seconds=args.seconds))  # fmt: skip
        # One client at a time: the time to build the page, without waiting for a worker.
        report("home, uncached, 1 client", hammer(server.port, ["/"], concurrency=1,
               seconds=args.seconds))  # fmt: skip

    # WhiteNoise indexes its files when the server starts: the copy must exist before.
    STATIC_COPY.parent.mkdir(parents=True, exist_ok=True)
    STATIC_COPY.write_bytes(body)
    with Gunicorn(env={"REDIS_URL": REDIS_URL}, **sizing) as server:
        static_path = "/static/bench/home.html"
        status, _, static_body = fetch(server.port, static_path)
        assert status == 200 and len(static_body) == len(body), (status, len(static_body))
        fetch(server.port, "/")  # fills the cache
        cached = report("home, cached in Redis", hammer(server.port, ["/"],
                        concurrency=args.concurrency, seconds=args.seconds), len(body))  # fmt: skip
        static = report("static file, same size", hammer(server.port, [static_path],
                        concurrency=args.concurrency, seconds=args.seconds), len(body))  # fmt: skip
    STATIC_COPY.unlink()
    print(f"  cached / static rate: {cached / static:.2f} (target 0.5 or better)")


if __name__ == "__main__":
    main()
