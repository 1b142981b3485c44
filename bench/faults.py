"""Faults under load: Redis stopped mid-run, then (with --postgres) PostgreSQL restarted mid-run.

    .venv/bin/python bench/faults.py [--seconds 30] [--postgres]

The Redis phase runs against a private redis-server, so nothing else is disturbed. The PostgreSQL
phase restarts the machine's cluster (pg_ctlcluster, as root): run it only where nothing else
uses it. While the faults happen, a curator-style writer records decisions (services.curate,
each with an evidence URL of its own); afterwards every write that was acknowledged is looked
for, and the data version must have moved past each one.
Prints, for each phase, the requests served, the errors and when the last one happened, the
slowest request (none may hang past gunicorn's 30-second timeout), and the writes acknowledged,
refused and lost (lost must be 0).
"""

import argparse
import http.client
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

from _load import Gunicorn, free_port
from _setup import django_on_fresh_database

PATHS = ["/", "/models/model-000010/", "/api/v1/models/", "/api/v1/models/model-000123/"]


def run_clients(port, seconds, clients=8):
    """Requests for `seconds`; returns [(seconds since start, ok, latency)]."""
    events, lock, started = [], threading.Lock(), time.monotonic()

    def client(offset):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=35)
        index = offset
        while time.monotonic() - started < seconds:
            path = PATHS[index % len(PATHS)]
            index += 1
            t0 = time.monotonic()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=35)
                ok = False
            with lock:
                events.append((t0 - started, ok, time.monotonic() - t0))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    return threads, events


def run_writer(seconds, phase):
    """A curator's decisions for `seconds`, one every 50 ms; returns the thread and its record:
    {"acknowledged": [(url, data version just after)], "refused": int}."""
    from django.db import connection

    from catalog.data_version import data_version
    from catalog.services import curate

    record, started = {"acknowledged": [], "refused": 0}, time.monotonic()

    def write():
        from catalog.models import AIModel

        number = 0
        while time.monotonic() - started < seconds:
            number += 1
            url = f"https://example.org/{phase}/decision-{number}"
            try:
                model = AIModel.objects.get(slug="model-000010")
                curate(model, "code_training", changes={}, evidence_url=url,
                       actor="bench-curator", reason=f"bench write {number}")  # fmt: skip
                record["acknowledged"].append((url, data_version()))
            except Exception:
                record["refused"] += 1
                connection.close()
            time.sleep(0.05)
        connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    return thread, record


def lost_writes(record):
    """Acknowledged writes missing from the database, or not covered by the data version."""
    from catalog.data_version import data_version
    from catalog.models import Assessment, Change

    evidence = set(
        Assessment.objects.get(model__slug="model-000010", component="code_training").evidence
    )
    lost = [url for url, _ in record["acknowledged"] if url not in evidence]
    newest = data_version()
    for url, version_after in record["acknowledged"]:
        change = Change.objects.filter(after__evidence__contains=[url]).order_by("at").first()
        if change is None or version_after < change.at or newest < change.at:
            lost.append(url)
    return sorted(set(lost))


def report_writes(record):
    lost = lost_writes(record)
    print(f"  writes: {len(record['acknowledged'])} acknowledged, {record['refused']} refused "
          f"(errors the curator saw), {len(lost)} lost{': ' + ', '.join(lost[:5]) if lost else ''}")  # fmt: skip


def report(name, events, fault_at, back_at):
    errors = [e for e in events if not e[1]]
    latencies = sorted(e[2] for e in events)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    after_back = [e for e in errors if e[0] > back_at + 5]
    print(f"{name}: {len(events)} requests, {len(errors)} errors"
          f" (fault at {fault_at:.0f} s, back at {back_at:.0f} s;"
          f" last error at {max((e[0] for e in errors), default=0):.1f} s;"
          f" errors more than 5 s after recovery: {len(after_back)});"
          f" p95 {p95 * 1000:.0f} ms; slowest request {latencies[-1]:.2f} s")  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="also restart the machine's PostgreSQL cluster (needs root; disturbs its users)",
    )
    args = parser.parse_args()
    redis_port = free_port()
    # The writer in this process goes through the private Redis too, and meets its faults.
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    django_on_fresh_database()
    from synthetic import build_scored

    build_scored(1000)
    third = args.seconds / 3

    redis_cmd = [shutil.which("redis-server"), "--port", str(redis_port), "--save", "",
                 "--appendonly", "no", "--bind", "127.0.0.1"]  # fmt: skip
    redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    env = {"REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "LOG_LEVEL": "ERROR"}
    with Gunicorn(workers=2, threads=4, env=env) as server:
        threads, events = run_clients(server.port, args.seconds)
        writer, writes = run_writer(args.seconds, "redis")
        time.sleep(third)
        redis.kill()
        time.sleep(third)
        redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
        for thread in [*threads, writer]:
            thread.join()
        report("Redis stopped mid-run", events, third, 2 * third)
        report_writes(writes)

        if args.postgres:
            version = sorted(Path("/etc/postgresql").iterdir())[-1].name
            threads, events = run_clients(server.port, args.seconds)
            writer, writes = run_writer(args.seconds, "postgres")
            time.sleep(third)
            restart_began = time.monotonic()
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main",
                            "restart"], check=True)  # fmt: skip
            restart_took = time.monotonic() - restart_began
            for thread in [*threads, writer]:
                thread.join()
            report("PostgreSQL restarted mid-run", events, third, third + restart_took)
            report_writes(writes)
    redis.kill()


if __name__ == "__main__":
    main()
