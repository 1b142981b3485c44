"""A newspaper links a model page: the site behind its caching proxy (deploy/nginx.conf, Debian's
nginx) beside the same nginx serving files of the same bytes, and straight from gunicorn, with
wrk as the load generator. 1,000 synthetic models on PostgreSQL, Redis for the cache, gunicorn
with 2 workers.

    .venv/bin/python bench/spike.py [--models 1000] [--seconds 10] [--spike-seconds 30]
                                    [--rounds 5] [--baseline REV]

Prints a model page built on every request straight from gunicorn (the cold path after a data
change); then, for the home page, a model page and the API list: nginx serving a file of the
same bytes, the same through the proxy (warm), and straight from gunicorn with its page cache
warm; then a spike of 500 connections on one model page through the proxy. Each line: requests
a second, p50, p95, p99, errors. Targets: through the proxy, at least 0.5 of nginx's rate for
the same bytes; the spike with 0 errors and p95 under 50 ms; a model page built every time at 3
times 44 req/s (the rate when it embedded the correction form and was never cached) or better.

The cold model page, bound by the CPU, is measured first. Measured last, after the 30 s spike,
it came out a third slower than the same code a minute later (113 against 161 and 168 req/s):
the machine stays slower for a while after it has been kept busy.

The machine is shared and its speed drifts from one second to the next, so rates that are
compared are measured in turns: nginx's file and the proxy alternate in --rounds short runs
(each a warm-up of a second, then seconds / rounds), and the ratio is of their totals. With
--baseline, the code at that git revision is served by a second gunicorn on the same database
and the cold model page is measured in turns on both: the ratio of the two is the figure to
trust when the machine is loaded. 30b6979, the code the caching work started from (a model page
with the correction form, never cached), is the baseline for the target.
"""

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from _load import ROOT, Gunicorn, code_at, fetch
from _setup import django_on_fresh_database

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
MODEL_PAGE_BEFORE = 44  # req/s, measured before model pages were cacheable
PATHS = {
    "home page": "/",
    "model page": "/models/model-000500/",
    "API list": "/api/v1/models/",
}
FILES = {"home page": "home.html", "model page": "model.html", "API list": "models.json"}
REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def installed(command, package):
    """The path of `command`, installing Debian's `package` first when missing (as root)."""
    found = shutil.which(command) or shutil.which(command, path="/usr/sbin:/usr/bin")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(f"{command} is missing: apt-get install {package}")
    print(f"Installing Debian's {package}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env)
    return shutil.which(command) or shutil.which(command, path="/usr/sbin:/usr/bin")


def wrk(port, path, *, connections=8, threads=2, seconds=10.0, script):
    """wrk's figures for one path: (req/s, p50 ms, p95 ms, p99 ms, errors)."""
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
         "-s", str(script), f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    rate = figures["requests"] / figures["seconds"]
    return rate, figures["p50"], figures["p95"], figures["p99"], figures["errors"]


def in_turns(targets, rounds, seconds, script):
    """wrk on each of `targets` ({name: (port, path)}) in turn, `rounds` times: {name: figures
    over all rounds}, so that a slow moment of the machine weighs on each alike. Each run starts
    with a second of warm-up, not counted."""
    runs = {name: [] for name in targets}
    for _ in range(rounds):
        for name, (port, path) in targets.items():
            wrk(port, path, seconds=1, script=script)
            runs[name].append(wrk(port, path, seconds=seconds / rounds, script=script))
    return {name: combined(figures) for name, figures in runs.items()}


def combined(runs):
    """Runs of equal length as one: the mean rate, the worst percentiles, all the errors."""
    rates, p50s, p95s, p99s, errors = zip(*runs, strict=True)
    return sum(rates) / len(runs), max(p50s), max(p95s), max(p99s), sum(errors)


def warm(port, paths, times=6):
    """A few requests to each path, so that every gunicorn worker has loaded and rendered once
    before it is measured (a worker's first request takes seconds)."""
    for path in paths:
        for _ in range(times):
            assert fetch(port, path)[0] == 200, path


def report(name, figures):
    rate, p50, p95, p99, errors = figures
    print(
        f"  {name:44} {rate:8.0f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
        f"p99 {p99:6.1f} ms  errors {errors}"
    )
    return rate


def cold_model_page(args, work, script):
    """{code: req/s} of the model page built on every request (the page cache off, as after a
    data change) straight from gunicorn: this tree, and the code at --baseline in turns with it."""
    trees = {"of this tree": ROOT}
    if args.baseline:
        trees[f"at {args.baseline}"] = code_at(args.baseline, work / "baseline")
    path = PATHS["model page"]
    print(f"the cold path: gunicorn builds {path} on every request (as after a data change)")
    env = {"REDIS_URL": REDIS_URL, "PAGE_CACHE_SECONDS": "0"}
    with contextlib.ExitStack() as stack:
        targets = {}
        for code, root in trees.items():
            server = stack.enter_context(Gunicorn(env=env, workers=2, root=root))
            warm(server.port, [path])
            targets[code] = (server.port, path)
        figures = in_turns(targets, args.rounds, args.seconds, script)
    return {code: report(f"model page, code {code}", figures[code]) for code in trees}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--spike-seconds", type=float, default=30.0)
    parser.add_argument("--spike-connections", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5, help="turns of compared measurements")
    parser.add_argument(
        "--baseline", help="also build the cold model page with the code at this git revision"
    )
    args = parser.parse_args()
    installed("nginx", "nginx")
    installed("wrk", "wrk")

    django_on_fresh_database()
    from synthetic import build_scored

    build_scored(args.models)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    from tests.nginx import LocalNginx

    work = Path(tempfile.mkdtemp(prefix="scorecard-spike-"))
    script = work / "report.lua"
    script.write_text(REPORT)
    files = work / "static"
    files.mkdir()
    run = {"seconds": args.seconds, "script": script}
    print(
        f"{args.models} models; gunicorn 2 workers; wrk 2 threads, 8 connections, "
        f"{args.seconds:.0f} s each"
    )
    rates = {}
    try:
        built = cold_model_page(args, work, script)
        with Gunicorn(env={"REDIS_URL": REDIS_URL}, workers=2, threads=1) as server:
            for name, path in PATHS.items():
                status, _, body = fetch(server.port, path)
                assert status == 200, (path, status)
                (files / FILES[name]).write_bytes(body)
            warm(server.port, PATHS.values())
            with LocalNginx(server.port, static_root=files) as proxy:
                for name, path in PATHS.items():
                    size = (files / FILES[name]).stat().st_size
                    print(f"{name} ({size / 1024:.0f} KiB)")
                    static = f"/static/{FILES[name]}"
                    status, headers, _ = fetch(proxy.port, path)  # fills the proxy's cache
                    assert status == 200, (path, status)
                    status, headers, _ = fetch(proxy.port, path)
                    assert headers.get("X-Cache-Status") == "HIT", (path, headers)
                    both = in_turns(
                        {"nginx": (proxy.port, static), "proxy": (proxy.port, path)},
                        args.rounds, args.seconds, script,
                    )  # fmt: skip
                    rates[name, "nginx"] = report("nginx, a file of the same bytes", both["nginx"])
                    rates[name, "proxy"] = report("through the proxy, warm", both["proxy"])
                    rates[name, "gunicorn"] = report(
                        "straight from gunicorn, its page cache warm",
                        wrk(server.port, path, **run),
                    )
                print(
                    f"spike: {args.spike_connections} connections on {PATHS['model page']} "
                    f"through the proxy for {args.spike_seconds:.0f} s"
                )
                spike = wrk(
                    proxy.port, PATHS["model page"], connections=args.spike_connections,
                    seconds=args.spike_seconds, script=script,
                )  # fmt: skip
                report("through the proxy", spike)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print("ratios")
    for name in PATHS:
        ratio = rates[name, "proxy"] / rates[name, "nginx"]
        print(f"  {name:12} proxy / nginx for the same bytes: {ratio:.2f} (target 0.5 or better)")
    _, _, p95, _, errors = spike
    print(f"  spike: p95 {p95:.1f} ms (target under 50), errors {errors} (target 0)")
    for code, rate in built.items():
        print(
            f"  model page built by gunicorn, code {code}: {rate / MODEL_PAGE_BEFORE:.1f} times "
            f"{MODEL_PAGE_BEFORE} req/s (target 3 or better)"
        )
    if args.baseline:
        ratio = built["of this tree"] / built[f"at {args.baseline}"]
        print(f"  model page built by gunicorn, this tree / {args.baseline} in turns: {ratio:.2f}")


if __name__ == "__main__":
    main()
