"""A real Celery worker on the real Redis broker runs a refresh end to end."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from catalog.models import AIModel, HubRecord
from catalog.services import load_catalogue
from tests.fakehub import FakeHub, model_payload

ROOT = Path(__file__).resolve().parent.parent
BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def fake_hub():
    with FakeHub() as hub:
        yield hub


@pytest.fixture
def worker(fake_hub, tmp_path):
    """A worker process on the test database and a dedicated Redis broker database."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "HF_ENDPOINT": fake_hub.url,
        "GITHUB_API_URL": fake_hub.url,
        "HUB_ALLOWED_HOSTS": fake_hub.host,
    }
    celery = str(Path(sys.executable).parent / "celery")
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [celery, "-A", "openness", "worker", "--pool", "solo", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    sender = Celery("tests", broker=BROKER)
    with sender.connection_for_write() as conn:
        conn.default_channel.client.flushdb()
    yield sender
    sender.close()
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def wait_for(condition, timeout=45):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_worker_refreshes_a_model_from_the_hub(fixture_catalogue, fake_hub, worker, tmp_path):
    report = load_catalogue(fixture_catalogue)
    assert report.ok
    fake_hub.add_model(
        model_payload("example-lab/Example-Base-7B", sha="c" * 40,
                      siblings=[{"rfilename": "model.safetensors"}],
                      cardData={"license": "apache-2.0"})
    )  # fmt: skip
    fake_hub.add_refs("example-lab/Example-Base-7B", ["main", "step100", "step200"])
    fake_hub.add_github_repo({"full_name": "example-lab/example", "license": {"spdx_id": "MIT"},
                              "archived": False, "private": False})  # fmt: skip
    model = AIModel.objects.get(slug="example-base-7b")
    # Sent by name through the broker, as the dispatcher's enqueue does.
    worker.send_task("catalog.tasks.refresh_model", args=[model.pk])

    def refreshed():
        return HubRecord.objects.filter(model=model, hub="huggingface", status="ok").exists()

    log = tmp_path / "worker.log"
    assert wait_for(refreshed), f"the worker did not refresh in time:\n{log.read_text()[-3000:]}"
    record = HubRecord.objects.get(model=model, hub="huggingface")
    assert record.sha == "c" * 40
    assert record.checkpoint_branches == ["step100", "step200"]
    assert fake_hub.requests_to("/api/models/example-lab/Example-Base-7B")
    # Running it twice is safe: the second run finds nothing new to write.
    worker.send_task("catalog.tasks.refresh_model", args=[model.pk])
    assert wait_for(lambda: HubRecord.objects.get(pk=record.pk).fetched_at > record.fetched_at)
    assert HubRecord.objects.get(pk=record.pk).changed_at == record.changed_at
