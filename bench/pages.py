"""The home page (the ranked directory) with 1,000 models, behind gunicorn on PostgreSQL, beside
the same stack serving a static file of the same size.

    .venv/bin/python bench/pages.py [--models 1000] [--seconds 10] [--concurrency 8]

Prints requests a second and p95 latency for the directory uncached (PAGE_CACHE_SECONDS=0: every
request runs the queries and renders), under load and from a single client, cached in Redis, and
the static file through WhiteNoise, and the ratio of the cached rate to the static one. Targets:
cached at half the static rate or better; uncached p95 under 150 ms.

    .venv/bin/python bench/pages.py --model-page [--before REF] [--models 1000] [--seconds 10]

The cold model page instead, built by gunicorn on every request, two ways: with the page cache
off (PAGE_CACHE_SECONDS=0: everything is built, as on the first request after a data change), and
with it on but each request to a new address (the whole page is never found; what the page keeps
for the data version is used, as after a hub read of the model or once its copy expired). For
each: the page build alone in-process (ms a page, and its queries), then wrk's rate straight from
gunicorn (2 workers; wrk 2 threads, 8 connections). With --before, the same figures for the code
at a git commit (say the one before a change) first, on the same data, so that the two are
measured side by side on a machine whose speed varies. Target: 3 times 44 req/s (the rate before
model pages were cacheable) or better.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _load import ROOT, Gunicorn, code_at, fetch, hammer
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


MODEL_PAGE = "/models/model-000500/"
MODEL_PAGE_BEFORE = 44  # req/s straight from gunicorn, measured before model pages were cacheable
# What the in-process build runs with: the settings gunicorn has in the benchmark.
BUILD_ENV = {
    "SECRET_KEY": "bench", "EMBEDDED": "0", "HTTPS": "0", "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "PAGE_CACHE_SECONDS": "0", "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "openness.settings",
}  # fmt: skip


# Each request to a new address: the whole page is never found in the page cache.
NEW_ADDRESSES = """
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, wrk.path .. "?t=" .. tid .. "&n=" .. n)
end
"""
# (name, PAGE_CACHE_SECONDS, each request to a new address)
COLD_PATHS = (
    ("page cache off: all built (after a data change)", "0", False),
    ("page cache missed: a new address each time", "300", True),
)


def time_build(pages):
    """In a process of its own, on the code in its working directory: build the model page
    `pages` times through Django's handler, each time to a new address when the page cache is
    on (so that it misses); print 'ms-a-page queries'."""
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    fresh = bool(settings.PAGE_CACHE_SECONDS)

    def path(n):
        return f"{MODEL_PAGE}?n={n}" if fresh else MODEL_PAGE

    for n in range(5):
        assert client.get(path(n)).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path(5))
    count = len(queries)  # now: the next request empties the log it reads
    started = time.perf_counter()
    for n in range(pages):
        client.get(path(6 + n))
    print(f"{(time.perf_counter() - started) / pages * 1000:.2f} {count}")


def model_page(args):
    """The cold model page, for the code at --before (if given) and for this tree."""
    django_on_fresh_database()
    from synthetic import build_scored

    build_scored(args.models)
    import redis
    from spike import REPORT, installed, report, warm, wrk

    installed("wrk", "wrk")
    work = Path(tempfile.mkdtemp(prefix="scorecard-model-page-"))
    scripts = {False: work / "report.lua", True: work / "new-addresses.lua"}
    scripts[False].write_text(REPORT)
    scripts[True].write_text(REPORT + NEW_ADDRESSES)
    trees = [("this tree", ROOT)]
    if args.before:
        trees.insert(0, (f"at {args.before}", code_at(args.before, work / "before")))
    print(
        f"{args.models} models; {MODEL_PAGE} built by gunicorn on every request; "
        f"gunicorn 2 workers; wrk 2 threads, 8 connections, {args.seconds:.0f} s"
    )
    rates = {}
    for label, seconds, fresh in COLD_PATHS:
        print(label)
        for name, tree in trees:
            redis.Redis.from_url(REDIS_URL).flushdb()
            env = {**os.environ, **BUILD_ENV, "REDIS_URL": REDIS_URL, "PAGE_CACHE_SECONDS": seconds}
            out = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--time-build", str(args.pages)],
                cwd=tree, env=env, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            ms, queries = out.split()[-2:]
            print(f"  code {name}")
            print(f"    {'page build in-process':42} {float(ms):8.2f} ms a page, {queries} queries")
            sizing = {"workers": 2, "threads": 1, "root": tree}
            env = {"REDIS_URL": REDIS_URL, "PAGE_CACHE_SECONDS": seconds}
            with Gunicorn(env=env, **sizing) as server:
                warm(server.port, [MODEL_PAGE])
                figures = wrk(server.port, MODEL_PAGE, seconds=args.seconds, script=scripts[fresh])
                rates[label, name] = report("  straight from gunicorn (wrk)", figures)
    redis.Redis.from_url(REDIS_URL).flushdb()  # the pages kept at a thousand addresses
    print(f"rates against {MODEL_PAGE_BEFORE} req/s (target 3 times or better)")
    for (label, name), rate in rates.items():
        print(f"  {label}, code {name}: {rate / MODEL_PAGE_BEFORE:.1f} times")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--model-page", action="store_true", help="the cold model page instead")
    parser.add_argument("--before", help="with --model-page: also measure the code at this commit")
    parser.add_argument("--pages", type=int, default=300, help="in-process builds to time")
    parser.add_argument("--time-build", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.time_build:
        return time_build(args.time_build)
    if args.model_page:
        return model_page(args)
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
