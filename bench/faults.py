"""Faults under load: Redis stopped and restarted, PostgreSQL restarted, a Celery worker killed
mid-refresh.

    .venv/bin/python bench/faults.py [--seconds 20] [--refreshes 100]

Everything faulted is private to this run, so nothing else on the machine is disturbed: a
PostgreSQL cluster of its own (initdb into a temporary directory with Debian's binaries, as the
postgres user when run as root), a redis-server of its own (the cache and the Celery broker), a
Celery worker and the fake Hub (tests/fakehub.py). The site runs under gunicorn on them, with
readers requesting pages all along. In every phase a curator-style writer records decisions
(curation.curate, each with an evidence URL of its own); afterwards every write that was
acknowledged is looked for, and the data version must have moved past each one.

1. Redis killed a third of the way in, started again at two thirds.
2. PostgreSQL restarted (pg_ctl restart -m fast) a third of the way in.
3. A refresh of many hub-backed models dispatched to a worker, the worker killed (SIGKILL) a
   third of the way in, a new one started; the curator meanwhile verifies the weights of the
   models being refreshed. Every refresh must complete (redelivered, or at worst dispatched
   again), the dispatcher's lock must be free, and no curator's decision may be overwritten.

Prints, for each phase, the requests served, the errors and when the last one happened, the
slowest request (none may hang past gunicorn's 30-second timeout), the writes acknowledged,
refused and lost (lost must be 0), and for the worker phase the refreshes dispatched,
completed, redelivered and lost (lost must be 0).
"""

import argparse
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _load import ROOT, Gunicorn, fetch, free_port
from _setup import django_on_fresh_database

PATHS = ["/", "/models/model-000010/", "/api/v1/models/", "/api/v1/models/model-000123/"]
HUB_MODELS_FROM = 200  # the worker phase's models: model-000200 onwards


class PrivatePostgres:
    """A PostgreSQL cluster of this run's own, on a free port, removed afterwards."""

    def __init__(self):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if not bins:
            sys.exit("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
        self.bin = bins[-1]
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"

    def run(self, program, *args):
        command = [str(self.bin / program), *map(str, args)]
        if os.geteuid() == 0:  # initdb and the server refuse to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=self.dir)

    def pg_ctl(self, *args):
        self.run("pg_ctl", "-D", self.data, "-l", self.dir / "server.log", "-w", *args)

    def __enter__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="faults-postgres-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--no-sync")  # fmt: skip
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir}"
        self.pg_ctl("-o", options, "start")
        return self

    def restart(self):
        """Stop fast (open sessions are ended, as in a deployment's restart) and start again."""
        self.pg_ctl("-m", "fast", "restart")

    def __exit__(self, *exc):
        try:
            self.pg_ctl("-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.command = [shutil.which("redis-server"), "--port", str(self.port), "--save", "",
                        "--appendonly", "no", "--bind", "127.0.0.1"]  # fmt: skip
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL)
        time.sleep(0.5)

    def kill(self):
        self.process.kill()
        self.process.wait()

    def url(self, db):
        return f"redis://127.0.0.1:{self.port}/{db}"


class Workers:
    """Celery worker processes (one solo pool each) on the private broker and database."""

    def __init__(self, env, log_dir):
        self.env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "0", "LOG_LEVEL": "WARNING",
                    **env}  # fmt: skip
        self.log_dir = log_dir
        self.processes = []

    def start(self):
        log = (self.log_dir / f"bench-faults-worker-{len(self.processes)}.log").open("w")
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "openness", "worker", "--pool",
             "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", f"faults{len(self.processes)}@%h"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.processes.append(process)
        return process

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()


def run_clients(port, seconds, clients=8):
    """Requests for `seconds`; returns the threads and [(seconds since start, ok, latency)]."""
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


def run_writer(seconds, phase, targets, changes):
    """A curator's decisions for `seconds`, one every 50 ms, each on the next of `targets`
    ((slug, component) pairs) with `changes`; returns the thread and its record:
    {"acknowledged": [(slug, component, url, data version just after)], "refused": int}."""
    from django.db import connection

    from catalog.curation import curate
    from catalog.data_version import data_version

    record, started = {"acknowledged": [], "refused": 0}, time.monotonic()

    def write():
        from catalog.models import AIModel

        number = 0
        while time.monotonic() - started < seconds:
            slug, component = targets[number % len(targets)]
            number += 1
            url = f"https://example.org/{phase}/decision-{number}"
            try:
                model = AIModel.objects.get(slug=slug)
                curate(model, component, changes=changes, evidence_url=url,
                       actor="bench-curator", reason=f"bench write {number}")  # fmt: skip
                record["acknowledged"].append((slug, component, url, data_version()))
            except Exception:
                record["refused"] += 1
                connection.close()
            time.sleep(0.05)
        connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    return thread, record


def lost_writes(record, changes):
    """Acknowledged writes missing from the database (the evidence gone, or the decision
    overwritten since), or not covered by the data version."""
    from catalog.data_version import data_version
    from catalog.models import Assessment, Change

    lost, newest = [], data_version()
    for slug, component, url, version_after in record["acknowledged"]:
        assessment = Assessment.objects.get(model__slug=slug, component=component)
        kept = url in assessment.evidence and assessment.source == "curated"
        if not kept or any(getattr(assessment, k) != v for k, v in changes.items()):
            lost.append(url)
        change = Change.objects.filter(after__evidence__contains=[url]).order_by("at").first()
        if change is None or version_after < change.at or newest < change.at:
            lost.append(url)
    return sorted(set(lost))


def report_writes(record, changes):
    lost = lost_writes(record, changes)
    print(f"  writes: {len(record['acknowledged'])} acknowledged, {record['refused']} refused "
          f"(errors the curator saw), {len(lost)} lost{': ' + ', '.join(lost[:5]) if lost else ''}")  # fmt: skip
    return len(lost)


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


def close_connections():
    """This thread's database connections, closed: the next query opens a fresh one."""
    from django.db import connections

    connections.close_all()


def redis_phase(server, redis, seconds):
    close_connections()
    third = seconds / 3
    threads, events = run_clients(server.port, seconds)
    writer, writes = run_writer(seconds, "redis", [("model-000010", "code_training")], {})
    time.sleep(third)
    redis.kill()
    time.sleep(third)
    redis.start()
    for thread in [*threads, writer]:
        thread.join()
    report("Redis stopped mid-run", events, third, 2 * third)
    return report_writes(writes, {})


def postgres_phase(server, postgres, seconds):
    close_connections()
    third = seconds / 3
    threads, events = run_clients(server.port, seconds)
    writer, writes = run_writer(seconds, "postgres", [("model-000010", "code_training")], {})
    time.sleep(third)
    restart_began = time.monotonic()
    postgres.restart()
    restart_took = time.monotonic() - restart_began
    for thread in [*threads, writer]:
        thread.join()
    report(f"PostgreSQL restarted mid-run (took {restart_took:.1f} s)", events, third,
           third + restart_took)  # fmt: skip
    return report_writes(writes, {})


def hub_backed_models(hub, count):
    """`count` models, each naming a repository the fake Hub serves (weights in safetensors
    under Apache-2.0), whose weights follow the Hub until a curator decides them."""
    from catalog import hub_records
    from catalog.models import AIModel, Assessment, License
    from tests.fakehub import Reply, model_payload

    License.objects.filter(identifier="Apache-2.0").update(hf_license_tag="apache-2.0")
    slugs = [f"model-{n:06d}" for n in range(HUB_MODELS_FROM, HUB_MODELS_FROM + count)]
    models = list(AIModel.objects.filter(slug__in=slugs))
    for model in models:
        model.hf_repos = [f"bench-org/{model.slug}"]
        repo = model.hf_repos[0]
        hub.add_model(model_payload(repo, siblings=[{"rfilename": "model.safetensors"}],
                                    cardData={"license": "apache-2.0"}))  # fmt: skip
        hub.add_refs(repo, ["main", "step1000"])
        # A Hub answering in a tenth of a second, so that the worker is killed mid-way.
        hub.queue(f"/api/models/{repo}", Reply.slow(0.1))
    AIModel.objects.bulk_update(models, ["hf_repos"])
    Assessment.objects.filter(model__in=models, component="weights_final").update(source="hub")
    hub_records.ensure_hub_records(AIModel.objects.filter(pk__in=[m.pk for m in models]))
    return models


def worker_phase(server, broker_url, seconds, count):
    from celery import Celery
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone
    from redis import Redis

    from catalog.models import Discrepancy, HubRecord
    from catalog.refresh import dispatch
    from tests.fakehub import FakeHub

    close_connections()
    third = seconds / 3
    hub = FakeHub().start()
    models = hub_backed_models(hub, count)
    db = settings.DATABASES["default"]
    env = {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_BROKER_URL": broker_url,
        # A message whose worker died is handed out again after 10 s, looked for every second.
        "CELERY_VISIBILITY_TIMEOUT": "10",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "HF_ENDPOINT": hub.url,
        "HUB_ALLOWED_HOSTS": hub.host,
        "REFRESH_BATCH_SIZE": str(count),
    }
    settings.REFRESH_BATCH_SIZE = count  # the dispatcher runs here, in this process
    workers = Workers(env, ROOT / "var")
    sender = Celery("bench", broker=broker_url)
    # The curator verifies the weights of the models being refreshed: the Hub says full.
    targets = [(m.slug, "weights_final") for m in models]
    decision = {"availability": "partial"}
    began = timezone.now()

    def completed():
        return set(
            HubRecord.objects.filter(
                model__in=models, status="ok", fetched_at__gte=began
            ).values_list("model_id", flat=True)
        )

    try:
        first = workers.start()
        # The dispatcher itself chooses the due models and sends one message each.
        dispatched = dispatch.dispatch(
            lambda model_id: sender.send_task("catalog.tasks.refresh_model", args=[model_id])
        )
        # The clock starts once the worker is at work, however slowly it started.
        deadline = time.monotonic() + 120
        while not completed() and time.monotonic() < deadline:
            time.sleep(0.1)
        threads, events = run_clients(server.port, seconds)
        writer, writes = run_writer(seconds, "worker", targets, decision)
        time.sleep(third)
        done_at_kill = len(completed())
        first.kill()  # SIGKILL: no warm shutdown, its message unacknowledged
        first.wait()
        time.sleep(2)
        workers.start()
        for thread in [*threads, writer]:
            thread.join()
        deadline = time.monotonic() + 90
        while len(completed()) < len(dispatched) and time.monotonic() < deadline:
            time.sleep(0.5)
        finished_after = (timezone.now() - began).total_seconds()
        done = completed()
        missing = [m for m in dispatched if m not in done]
        redispatched = []
        if missing:  # what a lost message leaves: the records stay due for the next dispatch
            redispatched = dispatch.dispatch(
                lambda model_id: sender.send_task("catalog.tasks.refresh_model", args=[model_id])
            )
            deadline = time.monotonic() + 60
            while not set(missing) <= completed() and time.monotonic() < deadline:
                time.sleep(0.5)
        lost = [m for m in dispatched if m not in completed()]
        fetched = {}
        for request in hub.requests:
            if request.path.startswith("/api/models/") and not request.path.endswith("/refs"):
                fetched[request.path] = fetched.get(request.path, 0) + 1
        redelivered = sum(1 for n in fetched.values() if n > 1)
        # -2: no such key (free); -1: a key that never expires (held forever).
        lock_ttl = Redis.from_url(os.environ["REDIS_URL"]).ttl(
            cache.make_key(dispatch.DISPATCHER_LOCK)
        )
        report(f"Worker killed mid-refresh ({done_at_kill} of {len(dispatched)} refreshes done "
               "at the kill)", events, third, third + 2)  # fmt: skip
        lost_count = report_writes(writes, decision)
        print(f"  refreshes: {len(dispatched)} dispatched, {len(done)} completed "
              f"{finished_after:.0f} s after dispatch, {redelivered} delivered again after the "
              f"kill, {len(redispatched or [])} dispatched again, {len(lost)} lost; "
              f"discrepancies opened for curators: "
              f"{Discrepancy.objects.filter(model__in=models, status='open').count()}; "
              f"dispatcher lock: {'free' if lock_ttl == -2 else f'held, {lock_ttl} s left'}")  # fmt: skip
        return lost_count + len(lost) + (lock_ttl == -1)
    finally:
        workers.stop()
        sender.close()
        hub.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--refreshes", type=int, default=100, help="models refreshed")
    args = parser.parse_args()
    redis = PrivateRedis()
    with PrivatePostgres() as postgres:
        redis.start()
        try:
            # This process (the writer) goes through the private services too, and meets
            # their faults.
            os.environ["DATABASE_URL"] = f"{postgres.url}/openness_bench"
            os.environ["REDIS_URL"] = redis.url(0)
            django_on_fresh_database()
            from synthetic import build_scored

            build_scored(1000)
            env = {"REDIS_URL": redis.url(0), "LOG_LEVEL": "ERROR"}
            with Gunicorn(workers=2, threads=4, env=env) as server:
                for path in PATHS:  # cold caches answered before the clock starts
                    status, _, _ = fetch(server.port, path, timeout=120)
                    assert status == 200, (path, status)
                lost = redis_phase(server, redis, args.seconds)
                lost += postgres_phase(server, postgres, args.seconds)
                lost += worker_phase(server, redis.url(1), args.seconds, args.refreshes)
        finally:
            close_connections()
            redis.kill()
    sys.exit(1 if lost else 0)


if __name__ == "__main__":
    main()
