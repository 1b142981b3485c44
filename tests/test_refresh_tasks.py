"""The refresh tasks and the paths that enqueue them: retries, the in-process default, a dead
broker. The real worker on the real broker is in test_worker.py."""

import json
import logging

import pytest

from catalog import hub_records, publishing, tasks
from catalog.hubs import RateLimited, TransientHubError
from catalog.models import AIModel, HubRecord
from catalog.refresh import apply, discovery, dispatch
from tests.fakehub import FakeHub, Reply, model_payload

REPO = "example-lab/Example-Base-7B"
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def no_jitter(low, high):
    return low


def most_jitter(low, high):
    return high


# How long a refresh waits before retrying: pure.


def test_it_does_not_retry_without_a_transient_error():
    assert apply.retry_countdown(0, [], max_retries=5, base_seconds=30) is None


def test_it_backs_off_exponentially_with_up_to_half_again_of_jitter():
    errors = [TransientHubError("503")]
    waits = [
        apply.retry_countdown(n, errors, max_retries=5, base_seconds=30, uniform=no_jitter)
        for n in range(4)
    ]
    assert waits == [30, 60, 120, 240]
    assert apply.retry_countdown(
        2, errors, max_retries=5, base_seconds=30, uniform=most_jitter
    ) == pytest.approx(180)


def test_the_jitter_spreads_retries_between_the_bounds():
    errors = [TransientHubError("503")]
    waits = {apply.retry_countdown(1, errors, max_retries=5, base_seconds=30) for _ in range(200)}
    assert len(waits) > 100
    assert min(waits) >= 60 and max(waits) <= 90


def test_it_waits_at_least_as_long_as_the_hub_asked():
    errors = [TransientHubError("503"), RateLimited("429", retry_after=300)]
    assert apply.retry_countdown(0, errors, max_retries=5, base_seconds=30) == 300
    # ...but not less than its own backoff when the hub asks for less.
    errors = [RateLimited("429", retry_after=5)]
    assert apply.retry_countdown(3, errors, max_retries=5, base_seconds=30, uniform=no_jitter) == (
        240
    )


def test_it_stops_retrying_at_the_limit():
    errors = [TransientHubError("503")]
    assert apply.retry_countdown(4, errors, max_retries=5, base_seconds=30) is not None
    assert apply.retry_countdown(5, errors, max_retries=5, base_seconds=30) is None


# The in-process default (CELERY_TASK_ALWAYS_EAGER, errors propagated).


@pytest.fixture
def hub(settings):
    with FakeHub() as fake:
        settings.HF_ENDPOINT = fake.url
        settings.GITHUB_API_URL = fake.url
        settings.HUB_ALLOWED_HOSTS = [fake.host]
        fake.add_model(model_payload(REPO, siblings=[{"rfilename": "model.safetensors"}]))
        fake.add_github_repo({"full_name": "example-lab/example", "license": None,
                              "archived": False, "private": False})  # fmt: skip
        yield fake


@pytest.fixture
def base_model(catalogue_with_scores):
    return AIModel.objects.get(slug="example-base-7b")


def hub_record(model):
    return HubRecord.objects.get(model=model, hub="huggingface")


@pytest.mark.django_db
@pytest.mark.parametrize("failure", [Reply.rate_limited(reset_in=600), Reply.server_error(503)])
def test_in_process_a_transient_failure_is_recorded_not_raised(hub, base_model, failure):
    hub.queue(f"/api/models/{REPO}", failure)

    result = tasks.refresh_model.delay(base_model.pk)

    assert result.get()["errors"] == 1
    assert len(hub.requests_to(f"/api/models/{REPO}")) == 1  # no retry in the caller's request
    record = hub_record(base_model)
    assert record.status == "error"
    assert record.next_attempt_at > record.fetched_at
    assert base_model.pk not in dispatch.due_models()  # until its backoff is over


def post_hook(client, repo=REPO):
    body = {"event": {"action": "update", "scope": "repo.content"},
            "repo": {"type": "model", "name": repo}}  # fmt: skip
    return client.post(
        "/hooks/huggingface", data=json.dumps(body), content_type="application/json",
        HTTP_X_WEBHOOK_SECRET="s3cret",
    )  # fmt: skip


@pytest.mark.django_db
def test_the_webhook_answers_cleanly_when_the_hub_rate_limits_the_refresh(
    client, hub, base_model, settings, django_capture_on_commit_callbacks
):
    settings.HF_WEBHOOK_SECRET = "s3cret"
    hub_records.ensure_hub_records()
    hub.queue(f"/api/models/{REPO}", Reply.rate_limited(reset_in=600))

    with django_capture_on_commit_callbacks(execute=True):
        response = post_hook(client)

    assert response.status_code == 202
    assert response.json() == {"queued": 1}
    record = hub_record(base_model)
    assert record.status == "error" and "RateLimited" in record.last_error
    assert (record.next_attempt_at - record.fetched_at).total_seconds() >= 600


# A broker that cannot be reached.


@pytest.fixture
def dead_broker():
    """Tasks are sent to a broker nobody listens on, as when Redis is down."""
    from openness.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, DEAD_BROKER
    # Connections and producers are pooled per app: start from none, and leave none behind.
    app._pool = app.amqp._producer_pool = None
    yield app
    app.conf.task_always_eager, app.conf.broker_url = saved
    app._pool = app.amqp._producer_pool = None


@pytest.mark.django_db
def test_the_webhook_answers_cleanly_when_the_broker_is_down(
    client, hub, base_model, settings, django_capture_on_commit_callbacks, dead_broker, caplog
):
    settings.HF_WEBHOOK_SECRET = "s3cret"
    hub_records.ensure_hub_records()

    with (
        caplog.at_level(logging.ERROR, logger="catalog.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post_hook(client)

    assert response.status_code == 202
    assert "could not enqueue the refresh of model" in caplog.text
    assert hub.requests == []
    assert base_model.pk in dispatch.due_models()  # the dispatcher will take it


@pytest.mark.django_db
def test_a_rescore_after_commit_does_not_fail_the_request_when_the_broker_is_down(
    base_model, django_capture_on_commit_callbacks, dead_broker, caplog
):
    with (
        caplog.at_level(logging.ERROR, logger="catalog.publishing"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        publishing.evidence_changed([base_model.pk])

    assert len(callbacks) == 1
    assert "could not enqueue the rescore of 1 models" in caplog.text


@pytest.mark.django_db
def test_a_rescore_lost_while_the_broker_was_down_is_caught_up_on_schedule(
    base_model, django_capture_on_commit_callbacks, dead_broker, settings
):
    from catalog import history
    from catalog.models import Assessment, License, ScoreSnapshot

    def label():
        return ScoreSnapshot.objects.get(
            model=base_model, framework="label", is_current=True
        ).verdict

    weights = Assessment.objects.get(model=base_model, component="weights_final")
    assert label() == "Closed"
    before = history.state_of(weights)
    weights.availability, weights.license = "full", License.objects.get(identifier="Apache-2.0")
    with django_capture_on_commit_callbacks(execute=True):
        weights.save()
        history.record(weights, before=before, actor="alice", reason="Weights published")
        publishing.evidence_changed(publishing.models_scored_from(weights))
    assert label() == "Closed"  # the rescore's message never reached a worker
    assert settings.CELERY_BEAT_SCHEDULE["rescore-all"]["task"] == "catalog.tasks.rescore_all"
    assert publishing.rescore_all.name == settings.CELERY_BEAT_SCHEDULE["rescore-all"]["task"]
    publishing.rescore_all.apply()  # as beat would send it once the broker is back
    assert label() == "Open weights"


@pytest.mark.django_db
def test_the_dispatcher_task_refreshes_in_process(hub, base_model):
    assert tasks.dispatch_refreshes.delay().get() == 1
    assert hub_record(base_model).status == "ok"


@pytest.mark.django_db
def test_the_discovery_task_reports_and_holds_its_lock(hub, base_model):
    from django.core.cache import cache

    from catalog.models import Organization

    Organization.objects.filter(slug="example-lab").update(hf_authors=["example-lab", "gone"])
    hub.add_model(model_payload("example-lab/Example-Next-1B"))
    hub.queue("/api/models", Reply(), Reply.server_error(502))
    assert tasks.discover_models.delay().get() == {"created": 1, "errors": 1}
    cache.add(discovery.DISCOVERY_LOCK, "another-run", timeout=60)
    assert tasks.discover_models.delay().get() is None


def test_every_task_ends_before_the_broker_would_deliver_it_again(settings):
    from openness.celery import app

    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = {
        name: task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        for name, task in app.tasks.items()
        if name.startswith("catalog.")
    }
    assert limits["catalog.tasks.discover_models"] == max(limits.values())
    assert max(limits.values()) < visibility
    assert limits["catalog.tasks.discover_models"] < discovery.DISCOVERY_LOCK_SECONDS
