"""Real Celery workers on the real Redis broker: a refresh end to end, and a worker killed
in the middle of one."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from catalog.models import AIModel, Discrepancy, HubRecord
from catalog.sync import load_catalogue
from tests.fakehub import FakeHub, Reply, model_payload

ROOT = Path(__file__).resolve().parent.parent
BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
REPO = "example-lab/Example-Base-7B"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


@pytest.fixture
def fake_hub():
    with FakeHub() as hub:
        hub.add_model(
            model_payload(REPO, sha="c" * 40, siblings=[{"rfilename": "model.safetensors"}],
                          cardData={"license": "apache-2.0"})
        )  # fmt: skip
        hub.add_refs(REPO, ["main", "step100", "step200"])
        hub.add_github_repo({"full_name": "example-lab/example", "license": {"spdx_id": "MIT"},
                             "archived": False, "private": False})  # fmt: skip
        yield hub


class Workers:
    """Starts worker processes on the test database and a broker database of their own."""

    def __init__(self, hub, tmp_path):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": BROKER,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            # A message whose worker died is handed out again after this many seconds.
            "CELERY_VISIBILITY_TIMEOUT": "2",
            # ...and looked for every second, not every hundred.
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            # A transient failure is retried once, a second or so later.
            "REFRESH_RETRY_BASE_SECONDS": "1",
            "REFRESH_MAX_RETRIES": "1",
            "HF_ENDPOINT": hub.url,
            "GITHUB_API_URL": hub.url,
            "HUB_ALLOWED_HOSTS": hub.host,
        }
        self.tmp_path = tmp_path
        self.processes = []
        self.sender = Celery("tests", broker=BROKER)
        with self.sender.connection_for_write() as conn:
            conn.default_channel.client.flushdb()

    def start(self):
        celery = str(Path(sys.executable).parent / "celery")
        log = (self.tmp_path / f"worker-{len(self.processes)}.log").open("w")
        process = subprocess.Popen(
            [celery, "-A", "openness", "worker", "--pool", "solo", "--loglevel", "WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", f"test{len(self.processes)}@%h"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.processes.append(process)
        return process

    def logs(self):
        return "\n".join(p.read_text()[-2000:] for p in sorted(self.tmp_path.glob("worker-*.log")))

    def stop(self):
        for process in self.processes:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.sender.close()


@pytest.fixture
def workers(fake_hub, tmp_path):
    started = Workers(fake_hub, tmp_path)
    yield started
    started.stop()


def wait_for(condition, timeout=45):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def model(fixture_catalogue):
    assert load_catalogue(fixture_catalogue).ok
    return AIModel.objects.get(slug="example-base-7b")


def refreshed(model):
    return HubRecord.objects.filter(model=model, hub="huggingface", status="ok").exists()


def test_a_worker_refreshes_a_model_from_the_hub(model, fake_hub, workers):
    workers.start()
    # Sent by name through the broker, as the dispatcher's enqueue does.
    workers.sender.send_task("catalog.tasks.refresh_model", args=[model.pk])
    assert wait_for(lambda: refreshed(model)), f"no refresh in time:\n{workers.logs()}"
    record = HubRecord.objects.get(model=model, hub="huggingface")
    assert record.sha == "c" * 40
    assert record.checkpoint_branches == ["step100", "step200"]
    # Running it twice is safe: the second run finds nothing new to write.
    workers.sender.send_task("catalog.tasks.refresh_model", args=[model.pk])
    assert wait_for(lambda: HubRecord.objects.get(pk=record.pk).fetched_at > record.fetched_at)
    assert HubRecord.objects.get(pk=record.pk).changed_at == record.changed_at


def other_connections():
    """The other client connections to the test database: (pid, when it connected)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return set(cursor.fetchall())


def test_a_worker_keeps_its_database_connection_from_one_task_to_the_next(model, fake_hub, workers):
    before = other_connections()  # a thread of an earlier test may have left one open
    workers.start()
    workers.sender.send_task("catalog.tasks.refresh_model", args=[model.pk])
    assert wait_for(lambda: refreshed(model)), f"no refresh in time:\n{workers.logs()}"
    fetched_at = HubRecord.objects.get(model=model, hub="huggingface").fetched_at
    kept = other_connections() - before
    assert len(kept) == 1
    workers.sender.send_task("catalog.tasks.refresh_model", args=[model.pk])
    assert wait_for(
        lambda: HubRecord.objects.get(model=model, hub="huggingface").fetched_at > fetched_at
    )
    assert other_connections() - before == kept


def test_a_worker_killed_mid_refresh_is_replaced_and_the_task_completes_once(
    model, fake_hub, workers
):
    fake_hub.queue(f"/api/models/{REPO}", Reply.slow(8))
    first = workers.start()
    workers.sender.send_task("catalog.tasks.refresh_model", args=[model.pk])
    # Kill the worker while it waits on the hub, before it has written anything.
    assert wait_for(lambda: fake_hub.requests_to(f"/api/models/{REPO}")), workers.logs()
    first.kill()
    first.wait(timeout=10)
    assert not refreshed(model)

    workers.start()
    assert wait_for(lambda: refreshed(model), timeout=60), f"not redelivered:\n{workers.logs()}"
    record = HubRecord.objects.get(model=model, hub="huggingface")
    assert record.sha == "c" * 40
    # Delivered again, completed once: one more fetch, and nothing written twice.
    assert len(fake_hub.requests_to(f"/api/models/{REPO}")) == 2
    discrepancies = Discrepancy.objects.filter(model=model, component="weights_final")
    assert discrepancies.count() == len({d.field for d in discrepancies})


def test_a_worker_retries_a_transient_failure_with_backoff_up_to_the_limit(
    model, fake_hub, workers
):
    path = f"/api/models/{REPO}"
    # Two failures, then the hub would answer; one retry is allowed, so it is never asked again.
    fake_hub.queue(path, Reply.server_error(503), Reply.server_error(503))
    workers.start()
    workers.sender.send_task("catalog.tasks.refresh_model", args=[model.pk])
    assert wait_for(lambda: len(fake_hub.requests_to(path)) == 2), workers.logs()
    assert wait_for(
        lambda: HubRecord.objects.filter(model=model, hub="huggingface", error_count=2).exists()
    ), workers.logs()
    first, second = fake_hub.requests_to(path)
    # The retry waited its backoff: a second (the base) and up to half as much again of jitter,
    # plus the worker's own work.
    assert 1.0 <= second.at - first.at < 3.0
    time.sleep(4)  # longer than a second retry's backoff (2 to 3 s) would have waited
    assert len(fake_hub.requests_to(path)) == 2
    record = HubRecord.objects.get(model=model, hub="huggingface")
    assert record.status == "error" and "503" in record.last_error
