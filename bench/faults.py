"""Faults under load: Redis stopped mid-run, then PostgreSQL restarted mid-run.

    .venv/bin/python bench/faults.py [--seconds 30]

The Redis phase runs against a private redis-server, so nothing else is disturbed. The PostgreSQL
phase restarts the machine's cluster (pg_ctlcluster): run it only where nothing else uses it.
Prints, for each phase, the requests served, the errors and when the last one happened, and the
slowest request (none may hang past gunicorn's 30-second timeout).
"""

import argparse
import http.client
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
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    django_on_fresh_database()
    from synthetic import build_scored

    build_scored(1000)
    third = args.seconds / 3

    redis_port = free_port()
    redis_cmd = [shutil.which("redis-server"), "--port", str(redis_port), "--save", "",
                 "--appendonly", "no", "--bind", "127.0.0.1"]  # fmt: skip
    redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    env = {"REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "LOG_LEVEL": "ERROR"}
    with Gunicorn(workers=2, threads=4, env=env) as server:
        threads, events = run_clients(server.port, args.seconds)
        time.sleep(third)
        redis.kill()
        time.sleep(third)
        redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
        for thread in threads:
            thread.join()
        report("Redis stopped mid-run", events, third, 2 * third)

        if not args.skip_postgres:
            version = sorted(Path("/etc/postgresql").iterdir())[-1].name
            threads, events = run_clients(server.port, args.seconds)
            time.sleep(third)
            restart_began = time.monotonic()
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main",
                            "restart"], check=True)  # fmt: skip
            restart_took = time.monotonic() - restart_began
            for thread in threads:
                thread.join()
            report("PostgreSQL restarted mid-run", events, third, third + restart_took)
    redis.kill()


if __name__ == "__main__":
    main()
