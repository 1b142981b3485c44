"""The site with 100,000 models beside the same with 1,000: p95 of the home page (rendered each
time: the page cache is off), a model page and the API list, and the memory of the serving process.
Target: p95 grows less than twofold.

    .venv/bin/python bench/scale.py [--small 1000] [--large 100000] [--seconds 10]
"""

import argparse
from pathlib import Path

from _load import Gunicorn, hammer_each
from _setup import django_on_fresh_database

PATHS = {
    "home page": "/",
    "model page": "/models/model-000500/",
    "API list": "/api/v1/models/?page_size=50",
}


def rss_mib(pid):
    """Resident memory of a process and its children (gunicorn's workers), in MiB."""
    total = 0
    for proc in [pid, *children(pid)]:
        status = Path(f"/proc/{proc}/status").read_text()
        total += int(
            next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))
        )
    return total / 1024


def children(pid):
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def measure(count, seconds):
    django_on_fresh_database()
    from synthetic import build_scored

    build_scored(count)
    figures = {}
    # The page cache off, so every home page is rendered from the database: the figure compared
    # is the query's, not the cache's.
    env = {"LOG_LEVEL": "ERROR", "PAGE_CACHE_SECONDS": "0"}
    with Gunicorn(workers=2, threads=4, env=env) as server:
        figures.update(hammer_each(server.port, PATHS, seconds=seconds))
        figures["memory"] = rss_mib(server.process.pid)
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    small = measure(args.small, args.seconds)
    large = measure(args.large, args.seconds)
    print(f"{'':12} {args.small:>10} models {args.large:>10} models   p95 ratio")
    for name in PATHS:
        s, big = small[name], large[name]
        print(f"{name:12} p95 {s[2]:8.1f} ms      p95 {big[2]:8.1f} ms   x{big[2] / s[2]:.2f}"
              f"   ({s[0]:.0f} vs {big[0]:.0f} req/s, errors {s[3]}/{big[3]})")  # fmt: skip
    print(f"{'memory':12} {small['memory']:8.0f} MiB       {large['memory']:8.0f} MiB"
          "   (gunicorn master and 2 workers, after the run)")  # fmt: skip


if __name__ == "__main__":
    main()
