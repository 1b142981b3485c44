"""Refreshing from the hubs: the real adapters against the fake hub, applied to the database."""

import pytest
from django.core.management import call_command

from catalog import refresh
from catalog.models import AIModel, Assessment, Change, Discrepancy, HubRecord, License
from tests.fakehub import FakeHub, Reply, model_payload

pytestmark = pytest.mark.django_db

WEIGHTS = [{"rfilename": "README.md"}, {"rfilename": "model.safetensors"}]


@pytest.fixture
def hub(settings):
    with FakeHub() as fake:
        settings.HF_ENDPOINT = fake.url
        settings.GITHUB_API_URL = fake.url
        settings.HUB_ALLOWED_HOSTS = [fake.host]
        yield fake


@pytest.fixture
def base_model(catalogue_with_scores):
    """example-base-7b tracks one Hub repo and one GitHub repo."""
    model = AIModel.objects.get(slug="example-base-7b")
    assert model.hf_repos == ["example-lab/Example-Base-7B"]
    assert model.github_repos == ["example-lab/example"]
    return model


def serve(hub, *, gated=False, license="apache-2.0", branches=("main",), sha="a" * 40, **fields):
    hub.add_model(
        model_payload(
            "example-lab/Example-Base-7B", sha=sha, gated=gated, siblings=WEIGHTS,
            cardData={"license": license}, tags=[f"license:{license}"], **fields,
        )
    )  # fmt: skip
    hub.add_refs("example-lab/Example-Base-7B", list(branches))
    hub.add_github_repo(
        {"full_name": "example-lab/example", "license": {"spdx_id": "Apache-2.0"},
         "archived": False, "private": False, "default_branch": "main", "pushed_at": None}
    )  # fmt: skip


def assessment(component):
    return Assessment.objects.select_related("license").get(
        model__slug="example-base-7b", component=component
    )


def test_the_first_refresh_stores_what_the_hub_said(hub, base_model):
    serve(hub, branches=("main", "step1000", "step2000"))
    outcome = refresh.refresh_model(base_model.pk)
    assert outcome.errors == []
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert record.status == "ok"
    assert record.sha == "a" * 40
    assert record.license_tag == "apache-2.0"
    assert record.checkpoint_branches == ["step1000", "step2000"]
    assert record.raw["model_info"]["id"] == "example-lab/Example-Base-7B"
    assert record.fetched_at is not None
    github = HubRecord.objects.get(model=base_model, hub="github")
    assert (github.status, github.license_tag) == ("ok", "Apache-2.0")


def test_the_hub_never_overwrites_a_curated_assessment(hub, base_model):
    # The fixture's curators say the weights are not released; the hub says they are.
    assert assessment("weights_final").availability == "none"
    serve(hub)
    outcome = refresh.refresh_model(base_model.pk)
    assert assessment("weights_final").availability == "none"
    discrepancy = Discrepancy.objects.get(
        model=base_model, component="weights_final", field="availability"
    )
    assert (discrepancy.curated_value, discrepancy.hub_value) == ("none", "full")
    licence = Discrepancy.objects.get(model=base_model, component="weights_final", field="license")
    assert (licence.curated_value, licence.hub_value) == (None, "Apache-2.0")
    assert discrepancy.status == "open"
    assert outcome.discrepancies_opened >= 1
    flagged = Change.objects.filter(subject="hub", subject_key="example-base-7b/weights_final")
    assert flagged.count() == 2
    assert all(c.action == "observed" and "a curator decides" in c.reason for c in flagged)


def test_an_unverified_component_follows_the_hub(hub, base_model):
    assert assessment("training_state").availability == "unknown"
    Assessment.objects.filter(model=base_model, component="weights_final").update(
        availability="unknown"
    )
    serve(hub, gated="manual", branches=("main", "step10"))
    refresh.refresh_model(base_model.pk)
    weights = assessment("weights_final")
    assert (weights.availability, weights.source) == ("partial", "hub")
    assert weights.license.identifier == "Apache-2.0"
    assert weights.evidence[0].endswith("/example-lab/Example-Base-7B")
    assert "gated (manual approval)" in weights.note
    assert weights.assessed_by == "hub-refresh (Hugging Face Hub)"
    change = Change.objects.filter(subject_key="example-base-7b/weights_final").first()
    assert (change.action, change.actor) == ("updated", "hub-refresh")
    assert change.after["source"] == "hub"


def test_an_unchanged_sha_writes_nothing_but_the_fetch_time(hub, base_model):
    serve(hub)
    refresh.refresh_model(base_model.pk)
    changes, discrepancies = Change.objects.count(), Discrepancy.objects.count()
    first = HubRecord.objects.get(model=base_model, hub="huggingface").fetched_at
    outcome = refresh.refresh_model(base_model.pk)
    assert (outcome.unchanged, outcome.changed) == (2, 0)
    assert Change.objects.count() == changes
    assert Discrepancy.objects.count() == discrepancies
    assert HubRecord.objects.get(model=base_model, hub="huggingface").fetched_at > first


def test_a_licence_change_on_the_hub_is_detected_and_flagged(hub, base_model):
    Assessment.objects.filter(model=base_model, component="weights_final").update(
        availability="full", license=License.objects.get(identifier="Apache-2.0")
    )
    serve(hub)
    refresh.refresh_model(base_model.pk)
    assert not Discrepancy.objects.filter(component="weights_final").exists()
    hub.add_model(
        model_payload("example-lab/Example-Base-7B", sha="b" * 40, siblings=WEIGHTS,
                      cardData={"license": "other", "license_name": "example-community"},
                      tags=["license:other"])
    )  # fmt: skip
    License.objects.filter(identifier="LicenseRef-example-community").update(
        hf_license_tag="example-community"
    )
    refresh.refresh_model(base_model.pk)
    discrepancy = Discrepancy.objects.get(component="weights_final", field="license")
    assert (discrepancy.curated_value, discrepancy.hub_value) == (
        "Apache-2.0", "LicenseRef-example-community",
    )  # fmt: skip
    assert assessment("weights_final").license.identifier == "Apache-2.0"
    changed = Change.objects.filter(
        subject="hub", subject_key__endswith="/huggingface/example-lab/Example-Base-7B"
    )
    assert changed.get().after["license_tag"] == "other"


def test_an_unknown_licence_tag_is_flagged_not_guessed(hub, base_model):
    Assessment.objects.filter(model=base_model, component="weights_final").update(
        availability="unknown"
    )
    serve(hub, license="wtfpl")
    refresh.refresh_model(base_model.pk)
    weights = assessment("weights_final")
    assert weights.license is None
    discrepancy = Discrepancy.objects.get(component="weights_final", field="license")
    assert "'wtfpl' matches no licence in the catalogue" in discrepancy.message


def test_a_deleted_repo_is_recorded_and_not_retried_forever(hub, base_model):
    serve(hub)
    hub.queue("/api/models/example-lab/Example-Base-7B", Reply.repo_not_found())
    outcome = refresh.refresh_model(base_model.pk)
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert record.status == "gone"
    assert record.error_count == 1
    assert "RepoNotFound" in record.last_error or "no such repo" in record.last_error
    assert record.next_attempt_at > record.fetched_at
    assert outcome.transient == []
    assert Change.objects.filter(subject="hub", reason__contains="no longer serves").exists()


def test_a_rate_limit_is_transient_and_waits_for_the_reset(hub, base_model):
    serve(hub)
    hub.queue("/api/models/example-lab/Example-Base-7B", Reply.rate_limited(reset_in=120))
    outcome = refresh.refresh_model(base_model.pk)
    assert [e.retry_after for e in outcome.transient] == [120]
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert record.status == "error"
    assert (record.next_attempt_at - record.fetched_at).total_seconds() >= 120


def test_a_malformed_payload_changes_nothing(hub, base_model):
    serve(hub)
    refresh.refresh_model(base_model.pk)
    before = HubRecord.objects.get(model=base_model, hub="huggingface")
    changes = Change.objects.count()
    hub.queue("/api/models/example-lab/Example-Base-7B", Reply.truncated_json())
    refresh.refresh_model(base_model.pk)
    after = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert (after.sha, after.raw) == (before.sha, before.raw)
    assert after.status == "error" and "MalformedPayload" in after.last_error
    assert Change.objects.count() == changes


def test_a_rename_stores_the_canonical_id(hub, base_model):
    hub.add_model(model_payload("example-lab/Example-Base-7B-v2", siblings=WEIGHTS))
    hub.add_rename("example-lab/Example-Base-7B", "example-lab/Example-Base-7B-v2")
    hub.add_github_repo({"full_name": "example-lab/example", "license": None, "archived": True,
                         "private": False, "default_branch": "main", "pushed_at": None})  # fmt: skip
    refresh.refresh_model(base_model.pk)
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert (record.repo_id, record.canonical_id) == (
        "example-lab/Example-Base-7B", "example-lab/Example-Base-7B-v2",
    )  # fmt: skip
    assert HubRecord.objects.get(model=base_model, hub="github").archived is True


def test_a_host_off_the_allow_list_is_never_contacted(hub, base_model, settings):
    settings.HUB_ALLOWED_HOSTS = ["huggingface.co"]
    serve(hub)
    outcome = refresh.refresh_model(base_model.pk)
    assert len(outcome.errors) == 2
    assert hub.requests == []
    assert HubRecord.objects.get(model=base_model, hub="huggingface").status == "error"


def test_the_dispatcher_takes_the_stalest_and_never_runs_twice(hub, base_model):
    serve(hub)
    enqueued = []
    assert refresh.dispatch(enqueued.append) == [base_model.pk]  # the only model with repos
    assert enqueued == [base_model.pk]
    # With the lock held, a second dispatcher does nothing.
    from django.core.cache import cache

    cache.add(refresh.DISPATCHER_LOCK, "someone-else", timeout=60)
    assert refresh.dispatch(enqueued.append) is None
    cache.delete(refresh.DISPATCHER_LOCK)
    # A fresh record is not due; one backing off after errors is not due either.
    refresh.refresh_model(base_model.pk)
    assert base_model.pk not in refresh.due_models()


def test_the_refresh_command_runs_synchronously(hub, base_model):
    serve(hub)
    from io import StringIO

    out = StringIO()
    call_command("refresh_hubs", "example-base-7b", stdout=out)
    assert "Refreshed 1 models: 2 records changed" in out.getvalue()


def post_hook(client, body, secret="s3cret"):
    return client.post(
        "/hooks/huggingface", data=body, content_type="application/json",
        HTTP_X_WEBHOOK_SECRET=secret,
    )  # fmt: skip


def test_the_webhook_refreshes_the_named_repo_at_once(
    client, hub, base_model, settings, django_capture_on_commit_callbacks
):
    settings.HF_WEBHOOK_SECRET = "s3cret"
    serve(hub)
    refresh.ensure_hub_records()
    body = {"event": {"action": "update", "scope": "repo.content"},
            "repo": {"type": "model", "name": "example-lab/Example-Base-7B"}}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = post_hook(client, body)
    assert response.status_code == 202
    assert response.json() == {"queued": 1}
    assert HubRecord.objects.get(model=base_model, hub="huggingface").status == "ok"


@pytest.mark.parametrize(
    ("secret", "body", "status"),
    [
        ("wrong", {"repo": {"type": "model", "name": "a/b"}}, 403),
        ("", {"repo": {"type": "model", "name": "a/b"}}, 403),
        ("s3cret", "not json", 400),
        ("s3cret", {"repo": "a/b"}, 400),
        ("s3cret", {"repo": {"type": "dataset", "name": "a/b"}}, 202),
    ],
)
def test_the_webhook_refuses_bad_calls(client, settings, secret, body, status):
    settings.HF_WEBHOOK_SECRET = "s3cret"
    response = post_hook(
        client, body if isinstance(body, str) else __import__("json").dumps(body), secret
    )
    assert response.status_code == status
    assert client.get("/hooks/huggingface").status_code == 405


def test_the_webhook_is_closed_without_a_configured_secret(client, settings):
    settings.HF_WEBHOOK_SECRET = ""
    assert post_hook(client, {"repo": {"type": "model", "name": "a/b"}}, "").status_code == 403


def test_discovery_drafts_new_repos_of_tracked_accounts(hub, base_model):
    from catalog.models import Organization

    Organization.objects.filter(slug="example-lab").update(hf_authors=["example-lab"])
    serve(hub)
    for name in ["example-lab/Example-Next-1B", "example-lab/Example-Next-3B", "someone/Else"]:
        hub.add_model(model_payload(name, createdAt="2026-10-01T00:00:00.000Z"))
    created = refresh.discover()
    assert created == ["example-next-1b", "example-next-3b"]
    draft = AIModel.objects.get(slug="example-next-1b")
    assert draft.status == "draft"
    assert draft.hf_repos == ["example-lab/Example-Next-1B"]
    assert draft.release_date.isoformat() == "2026-10-01"
    assert set(draft.assessments.values_list("availability", flat=True)) == {"unknown"}
    assert draft.assessments.count() == 20
    assert not AIModel.objects.published().filter(slug="example-next-1b").exists()
    # The listing was paged (two models a page) and a second run finds nothing new.
    assert len(hub.requests_to("/api/models")) >= 2
    assert refresh.discover() == []
