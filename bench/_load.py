"""A small closed-loop load generator and a gunicorn launcher for benchmarks on loopback."""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "var" / "bench-gunicorn.log"


def code_at(rev, directory):
    """The project's files at git revision `rev`, written into `directory` (a temporary copy that
    a second Gunicorn can serve beside this tree, on the same database)."""
    directory.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive.stdout, check=True)
    return directory


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """The project under gunicorn, on the benchmark database, for the length of a `with`."""

    def __init__(self, workers=2, threads=1, env=None, root=ROOT):
        self.port = free_port()
        self.root = root  # the code it serves: this tree, or another version of it
        self.workers, self.threads = workers, threads
        self.env = {
            **os.environ,
            "SECRET_KEY": "bench",
            "EMBEDDED": "0",
            "HTTPS": "0",  # plain http on loopback
            "ALLOWED_HOSTS": "127.0.0.1",
            "API_ANON_RATE": "100000000/minute",
            "LOG_LEVEL": "WARNING",
            **(env or {}),
        }

    def __enter__(self):
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        # The site's request log (a JSON line a request, as deployed) goes to a file, not the
        # terminal with the figures.
        LOG.parent.mkdir(exist_ok=True)
        self.log = LOG.open("a")
        self.process = subprocess.Popen(
            [gunicorn, "openness.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers",
             str(self.workers), "--threads", str(self.threads), "--log-level", "warning"],
            cwd=self.root, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise RuntimeError(f"gunicorn did not start: see {LOG}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


def hammer(port, paths, *, headers=None, concurrency=8, seconds=5.0, expect=200):
    """Request `paths` round-robin from `concurrency` clients for `seconds`.

    Returns (requests per second, p50 ms, p95 ms, errors): an error is any status but `expect`.
    """
    latencies, errors, lock = [], [0], threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, index = [], offset
        while time.monotonic() < stop:
            path = paths[index % len(paths)]
            index += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers or {})
                response = conn.getresponse()
                response.read()
                ok = response.status == expect
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            mine.append(time.perf_counter() - started)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p95 * 1000, errors[0]


def fetch(port, path, headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def hammer_each(port, paths, *, concurrency=4, seconds=5.0):
    """{name: hammer's figures} for each of `paths` ({name: path}), each checked to answer 200
    first."""
    figures = {}
    for name, path in paths.items():
        status, _, _ = fetch(port, path)
        assert status == 200, (path, status)
        figures[name] = hammer(port, [path], concurrency=concurrency, seconds=seconds)
    return figures
