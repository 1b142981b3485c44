"""Refreshing from the hubs: the real adapters against the fake hub, applied to the database."""

import datetime

import pytest
from django.core.management import call_command

from catalog import hub_records
from catalog.hubs import ADAPTER_VERSION, huggingface
from catalog.models import AIModel, Assessment, Change, Discrepancy, HubRecord, License
from catalog.refresh import apply, discovery, dispatch, fetch
from tests.fakehub import Reply, model_payload

pytestmark = pytest.mark.django_db

WEIGHTS = [{"rfilename": "README.md"}, {"rfilename": "model.safetensors"}]


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
            **{"cardData": {"license": license}, "tags": [f"license:{license}"], **fields},
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
    outcome = apply.refresh_model(base_model.pk)
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
    outcome = apply.refresh_model(base_model.pk)
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


def follow_the_hub(*component_ids):
    """Mark these assessments as taken from the hub, as a curator does with `source: hub`."""
    Assessment.objects.filter(model__slug="example-base-7b", component__in=component_ids).update(
        source="hub"
    )


def test_a_hub_sourced_component_follows_the_hub(hub, base_model):
    follow_the_hub("weights_final")
    serve(hub, gated="manual", branches=("main", "step10"))
    apply.refresh_model(base_model.pk)
    weights = assessment("weights_final")
    assert (weights.availability, weights.source) == ("partial", "hub")
    assert weights.license.identifier == "Apache-2.0"
    assert weights.evidence[0].endswith("/example-lab/Example-Base-7B")
    assert "each request must be approved" in weights.note
    assert weights.access == "approval"
    assert weights.assessed_by == "hub-refresh (Hugging Face Hub)"
    change = Change.objects.filter(subject_key="example-base-7b/weights_final").first()
    assert (change.action, change.actor) == ("updated", "hub-refresh")
    assert change.after["source"] == "hub"


def test_a_click_through_gate_is_full_availability_marked_as_such(hub, base_model):
    follow_the_hub("weights_final")
    serve(hub, gated="auto")
    apply.refresh_model(base_model.pk)
    weights = assessment("weights_final")
    assert (weights.availability, weights.access) == ("full", "click-through")
    assert "click-through that grants access at once" in weights.note


def test_an_unchanged_sha_writes_nothing_but_the_fetch_time(hub, base_model):
    serve(hub)
    apply.refresh_model(base_model.pk)
    changes, discrepancies = Change.objects.count(), Discrepancy.objects.count()
    first = HubRecord.objects.get(model=base_model, hub="huggingface").fetched_at
    outcome = apply.refresh_model(base_model.pk)
    assert (outcome.unchanged, outcome.changed) == (2, 0)
    assert Change.objects.count() == changes
    assert Discrepancy.objects.count() == discrepancies
    assert HubRecord.objects.get(model=base_model, hub="huggingface").fetched_at > first


def test_a_licence_change_on_the_hub_is_detected_and_flagged(hub, base_model):
    Assessment.objects.filter(model=base_model, component="weights_final").update(
        availability="full", license=License.objects.get(identifier="Apache-2.0")
    )
    serve(hub)
    apply.refresh_model(base_model.pk)
    assert not Discrepancy.objects.filter(component="weights_final").exists()
    hub.add_model(
        model_payload("example-lab/Example-Base-7B", sha="b" * 40, siblings=WEIGHTS,
                      cardData={"license": "other", "license_name": "example-community"},
                      tags=["license:other"])
    )  # fmt: skip
    License.objects.filter(identifier="LicenseRef-example-community").update(
        hf_license_tag="example-community"
    )
    apply.refresh_model(base_model.pk)
    discrepancy = Discrepancy.objects.get(component="weights_final", field="license")
    assert (discrepancy.curated_value, discrepancy.hub_value) == (
        "Apache-2.0", "LicenseRef-example-community",
    )  # fmt: skip
    assert assessment("weights_final").license.identifier == "Apache-2.0"
    changed = Change.objects.filter(
        subject="hub", subject_key__endswith="/huggingface/example-lab/Example-Base-7B"
    )
    assert changed.get().after["license_tag"] == "other"


def test_a_curated_unknown_is_flagged_not_filled(hub, base_model):
    Assessment.objects.filter(model=base_model, component="weights_final").update(
        availability="unknown"
    )
    serve(hub)
    outcome = apply.refresh_model(base_model.pk)
    weights = assessment("weights_final")
    assert (weights.availability, weights.source, weights.license) == ("unknown", "curated", None)
    discrepancy = Discrepancy.objects.get(component="weights_final", field="availability")
    assert (discrepancy.curated_value, discrepancy.hub_value) == ("unknown", "full")
    assert outcome.assessments_written == 0
    assert not Change.objects.filter(subject="assessment", actor="hub-refresh").exists()


def test_an_unknown_licence_tag_is_flagged_not_guessed(hub, base_model):
    Assessment.objects.filter(model=base_model, component="weights_final").update(
        availability="unknown"
    )
    serve(hub, license="wtfpl")
    apply.refresh_model(base_model.pk)
    weights = assessment("weights_final")
    assert weights.license is None
    discrepancy = Discrepancy.objects.get(component="weights_final", field="license")
    assert "'wtfpl' matches no licence in the catalogue" in discrepancy.message


def test_a_deleted_repo_is_recorded_and_not_retried_forever(hub, base_model, settings):
    settings.HUB_GONE_CONFIRM_AFTER_HOURS = 0  # believed at once
    serve(hub)
    hub.queue("/api/models/example-lab/Example-Base-7B", Reply.repo_not_found())
    outcome = apply.refresh_model(base_model.pk)
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
    outcome = apply.refresh_model(base_model.pk)
    assert [e.retry_after for e in outcome.transient] == [120]
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert record.status == "error"
    assert (record.next_attempt_at - record.fetched_at).total_seconds() >= 120


def test_a_malformed_payload_changes_nothing(hub, base_model):
    serve(hub)
    apply.refresh_model(base_model.pk)
    before = HubRecord.objects.get(model=base_model, hub="huggingface")
    changes = Change.objects.count()
    hub.queue("/api/models/example-lab/Example-Base-7B", Reply.truncated_json())
    apply.refresh_model(base_model.pk)
    after = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert (after.sha, after.raw) == (before.sha, before.raw)
    assert after.status == "error" and "MalformedPayload" in after.last_error
    assert Change.objects.count() == changes


def test_a_rename_stores_the_canonical_id(hub, base_model):
    hub.add_model(model_payload("example-lab/Example-Base-7B-v2", siblings=WEIGHTS))
    hub.add_rename("example-lab/Example-Base-7B", "example-lab/Example-Base-7B-v2")
    hub.add_github_repo({"full_name": "example-lab/example", "license": None, "archived": True,
                         "private": False, "default_branch": "main", "pushed_at": None})  # fmt: skip
    apply.refresh_model(base_model.pk)
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert (record.repo_id, record.canonical_id) == (
        "example-lab/Example-Base-7B", "example-lab/Example-Base-7B-v2",
    )  # fmt: skip
    assert HubRecord.objects.get(model=base_model, hub="github").archived is True


def test_a_host_off_the_allow_list_is_never_contacted(hub, base_model, settings):
    settings.HUB_ALLOWED_HOSTS = ["huggingface.co"]
    serve(hub)
    outcome = apply.refresh_model(base_model.pk)
    assert len(outcome.errors) == 2
    assert hub.requests == []
    assert HubRecord.objects.get(model=base_model, hub="huggingface").status == "error"


def test_the_dispatcher_takes_the_stalest_and_never_runs_twice(hub, base_model):
    serve(hub)
    enqueued = []
    assert dispatch.dispatch(enqueued.append) == [base_model.pk]  # the only model with repos
    assert enqueued == [base_model.pk]
    # With the lock held, a second dispatcher does nothing.
    from django.core.cache import cache

    cache.add(dispatch.DISPATCHER_LOCK, "someone-else", timeout=60)
    assert dispatch.dispatch(enqueued.append) is None
    cache.delete(dispatch.DISPATCHER_LOCK)
    # A fresh record is not due (backing off after errors: see the test below).
    apply.refresh_model(base_model.pk)
    assert base_model.pk not in dispatch.due_models()


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
    hub_records.ensure_hub_records()
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
    run = discovery.discover()
    assert run.created == ["example-next-1b", "example-next-3b"]
    assert run.errors == []
    draft = AIModel.objects.get(slug="example-next-1b")
    assert draft.status == "draft"
    assert draft.hf_repos == ["example-lab/Example-Next-1B"]
    assert draft.release_date.isoformat() == "2026-10-01"
    assert set(draft.assessments.values_list("availability", flat=True)) == {"unknown"}
    assert draft.assessments.count() == 20
    assert not AIModel.objects.published().filter(slug="example-next-1b").exists()
    # The listing was paged (two models a page) and a second run finds nothing new.
    assert len(hub.requests_to("/api/models")) >= 2
    assert discovery.discover().created == []


def test_a_draft_keeps_the_licence_the_accounts_listing_shows(hub, base_model):
    from catalog.models import Organization

    Organization.objects.filter(slug="example-lab").update(hf_authors=["example-lab"])
    hub.add_model(model_payload("example-lab/Example-Next-1B", tags=["license:apache-2.0"]))
    hub.add_model(model_payload("example-lab/Example-Next-3B"))
    assert discovery.discover().created == ["example-next-1b", "example-next-3b"]
    licensed = HubRecord.objects.get(repo_id="example-lab/Example-Next-1B")
    assert (licensed.license_tag, licensed.status) == ("apache-2.0", "pending")
    assert HubRecord.objects.get(repo_id="example-lab/Example-Next-3B").license_tag == ""
    created = Change.objects.get(model__slug="example-next-1b", subject="model", action="created")
    assert "licence apache-2.0 on the Hub" in created.reason


def test_every_call_to_the_hub_carries_the_configured_token(hub, base_model, settings):
    from catalog import machine_read
    from catalog.models import Organization

    settings.HF_TOKEN = "hf_configured_secret"
    Organization.objects.filter(slug="example-lab").update(hf_authors=["example-lab"])
    serve(hub, downloads=50_000)
    hub.add_model(model_payload("example-lab/Example-Next-1B", downloads=20_000))
    apply.refresh_model(base_model.pk)
    discovery.discover()
    machine_read.discover_hub(min_downloads=10_000, trending=0)
    hub_calls = [r for r in hub.requests if r.path.startswith("/api/models")]
    assert {r.path for r in hub_calls} >= {
        "/api/models", "/api/models/example-lab/Example-Base-7B",
        "/api/models/example-lab/Example-Base-7B/refs",
    }  # fmt: skip
    assert {r.headers.get("authorization") for r in hub_calls} == {"Bearer hf_configured_secret"}
    # GitHub's calls carry GitHub's token (none here), never the Hub's.
    github_calls = [r for r in hub.requests if r.path.startswith("/repos/")]
    assert github_calls and all("authorization" not in r.headers for r in github_calls)


def test_no_token_is_sent_when_none_is_configured(hub, base_model, settings):
    settings.HF_TOKEN = None
    serve(hub)
    apply.refresh_model(base_model.pk)
    assert hub.requests and all("authorization" not in r.headers for r in hub.requests)


def test_discovery_lists_every_account_even_when_one_fails(hub, base_model):
    from catalog.models import Organization

    Organization.objects.filter(slug="example-lab").update(
        hf_authors=["broken-account", "example-lab"]
    )
    hub.add_model(model_payload("example-lab/Example-Next-1B"))
    hub.queue("/api/models", Reply.server_error(503))  # the first account's listing
    run = discovery.discover()
    assert run.created == ["example-next-1b"]
    [(author, message)] = run.errors
    assert author == "broken-account" and "503" in message
    assert [r.query["author"] for r in hub.requests_to("/api/models")] == [
        ["broken-account"], ["example-lab"],
    ]  # fmt: skip


def test_discovery_never_drafts_a_repo_the_catalogue_already_names(hub, base_model):
    from catalog.models import Organization

    Organization.objects.filter(slug="example-lab").update(hf_authors=["example-lab"])
    # The catalogue writes the id in another letter case; the Hub's ids ignore case.
    AIModel.objects.filter(slug="example-7b-chat").update(hf_repos=["EXAMPLE-LAB/example-chat"])
    hub.add_model(model_payload("example-lab/Example-Chat"))
    hub.add_model(model_payload("example-lab/Example-Base-7B"))
    models = AIModel.objects.count()
    assert discovery.discover().created == []
    assert discovery.discover().created == []
    assert AIModel.objects.count() == models


def test_discovery_never_runs_twice_at_once(hub, base_model):
    from django.core.cache import cache

    from catalog.models import Organization

    Organization.objects.filter(slug="example-lab").update(hf_authors=["example-lab"])
    hub.add_model(model_payload("example-lab/Example-Next-1B"))
    cache.add(discovery.DISCOVERY_LOCK, "another-run", timeout=60)
    assert discovery.discover() is None
    assert hub.requests == []
    assert not AIModel.objects.filter(slug="example-next-1b").exists()
    cache.delete(discovery.DISCOVERY_LOCK)
    assert discovery.discover().created == ["example-next-1b"]
    assert cache.get(discovery.DISCOVERY_LOCK) is None  # released after the run


# A second refresh notices what changed on the Hub.


def serve_again(hub, **fields):
    """Serve the Hub repo anew, as `serve` does, with these fields changed."""
    options = {"license": "apache-2.0", "branches": ("main",), "sha": "a" * 40, **fields}
    serve(hub, **options)


def hub_observations(hub_name="huggingface"):
    return Change.objects.filter(
        subject="hub", action="observed",
        subject_key=f"example-base-7b/{hub_name}/"
        + ("example-lab/Example-Base-7B" if hub_name == "huggingface" else "example-lab/example"),
    ).order_by("at", "pk")  # fmt: skip


def test_a_new_checkpoint_branch_is_detected_on_a_second_refresh(hub, base_model):
    follow_the_hub("weights_intermediate")
    serve(hub, branches=("main", "step1000"))
    apply.refresh_model(base_model.pk)
    assert hub_observations().count() == 0  # the first answer is not a change
    serve_again(hub, branches=("main", "step1000", "step2000"))  # same sha: only a new branch
    outcome = apply.refresh_model(base_model.pk)
    assert outcome.changed == 1
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert record.checkpoint_branches == ["step1000", "step2000"]
    change = hub_observations().get()
    assert (change.before["checkpoint_branches"], change.after["checkpoint_branches"]) == (1, 2)
    assert assessment("weights_intermediate").availability == "full"


def test_a_gating_change_is_detected_on_a_second_refresh(hub, base_model):
    follow_the_hub("weights_final")
    serve(hub)
    apply.refresh_model(base_model.pk)
    assert assessment("weights_final").availability == "full"
    serve_again(hub, gated="manual", sha="b" * 40)
    apply.refresh_model(base_model.pk)
    change = hub_observations().get()
    assert (change.before["gated"], change.after["gated"]) == ("", "manual")
    weights = assessment("weights_final")
    assert weights.availability == "partial"
    assert "each request must be approved" in weights.note
    updated = Change.objects.filter(
        subject="assessment", subject_key="example-base-7b/weights_final"
    )
    assert updated.latest("at").after["availability"] == "partial"


def test_a_repo_made_private_is_detected_on_a_second_refresh(hub, base_model):
    follow_the_hub("weights_final")
    serve(hub)
    apply.refresh_model(base_model.pk)
    serve_again(hub, private=True)
    apply.refresh_model(base_model.pk)
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert (record.status, record.private) == ("gone", True)
    change = hub_observations().get()
    assert (change.before["private"], change.after["private"]) == (False, True)
    assert assessment("weights_final").availability == "none"


@pytest.mark.parametrize(
    ("source", "expected_availability", "discrepancies"),
    [("hub", "none", 0), ("curated", "full", 1)],
)
def test_a_deleted_repo_withdraws_the_weights(hub, base_model, source, expected_availability,
                                              discrepancies, settings):  # fmt: skip
    settings.HUB_GONE_CONFIRM_AFTER_HOURS = 0  # believed at once
    Assessment.objects.filter(model=base_model, component="weights_final").update(
        availability="full", source=source, license=License.objects.get(identifier="Apache-2.0")
    )
    serve(hub)
    apply.refresh_model(base_model.pk)
    hub.models.clear()  # deleted, or made private to everyone without a token
    outcome = apply.refresh_model(base_model.pk)
    assert HubRecord.objects.get(model=base_model, hub="huggingface").status == "gone"
    assert assessment("weights_final").availability == expected_availability
    withdrawn = Discrepancy.objects.filter(
        component="weights_final", field="availability", hub_value="none"
    )
    assert withdrawn.count() == discrepancies
    assert outcome.assessments_written == 1 - discrepancies


def test_a_transient_error_then_the_same_answer_is_not_a_change(hub, base_model):
    serve(hub)
    apply.refresh_model(base_model.pk)
    first = HubRecord.objects.get(model=base_model, hub="huggingface")
    hub.queue("/api/models/example-lab/Example-Base-7B", Reply.server_error(503))
    apply.refresh_model(base_model.pk)
    assert HubRecord.objects.get(pk=first.pk).status == "error"
    changes = Change.objects.count()
    outcome = apply.refresh_model(base_model.pk)
    assert (outcome.unchanged, outcome.changed) == (2, 0)
    assert Change.objects.count() == changes
    recovered = HubRecord.objects.get(pk=first.pk)
    assert (recovered.status, recovered.last_error, recovered.error_count) == ("ok", "", 0)
    assert recovered.next_attempt_at is None
    assert recovered.changed_at == first.changed_at
    assert recovered.fetched_at > first.fetched_at


def test_a_deleted_github_repo_is_recorded_as_gone(hub, base_model, settings):
    settings.HUB_GONE_CONFIRM_AFTER_HOURS = 0  # believed at once
    serve(hub)
    apply.refresh_model(base_model.pk)
    hub.github_repos.clear()
    outcome = apply.refresh_model(base_model.pk)
    record = HubRecord.objects.get(model=base_model, hub="github")
    assert record.status == "gone"
    assert "404" in record.last_error
    assert record.next_attempt_at > record.fetched_at
    assert outcome.transient == []
    change = hub_observations("github").get()
    assert (change.before, change.after) == ({"status": "ok"}, {"status": "gone"})
    assert "GitHub no longer serves example-lab/example" in change.reason


def test_a_github_licence_or_archive_change_is_in_the_changes_feed(hub, base_model):
    serve(hub)
    apply.refresh_model(base_model.pk)
    assert hub_observations("github").count() == 0
    hub.add_github_repo({"full_name": "example-lab/example", "license": {"spdx_id": "MIT"},
                         "archived": True, "private": False})  # fmt: skip
    apply.refresh_model(base_model.pk)
    change = hub_observations("github").get()
    assert change.before == {"license": "Apache-2.0", "archived": False}
    assert change.after == {"license": "MIT", "archived": True}
    assert change.actor == "hub-refresh"


def test_github_disagreeing_with_a_curated_code_licence_opens_a_discrepancy(hub, base_model):
    Assessment.objects.filter(model=base_model, component="code_training").update(
        availability="full", license=License.objects.get(identifier="Apache-2.0"),
        evidence=["https://github.com/example-lab/example/tree/main/train"],
    )  # fmt: skip
    # A page of another repository whose name merely starts the same is not evidence of this one.
    Assessment.objects.filter(model=base_model, component="code_evaluation").update(
        evidence=["https://github.com/example-lab/example-evals"]
    )
    serve(hub)
    hub.add_github_repo({"full_name": "example-lab/example",
                         "license": {"spdx_id": "LicenseRef-example-community"},
                         "archived": False, "private": False})  # fmt: skip
    apply.refresh_model(base_model.pk)
    discrepancy = Discrepancy.objects.get(component="code_training", field="license")
    assert (discrepancy.curated_value, discrepancy.hub_value) == (
        "Apache-2.0", "LicenseRef-example-community",
    )  # fmt: skip
    assert discrepancy.hub_record.hub == "github"
    training = assessment("code_training")
    assert (training.license.identifier, training.source) == ("Apache-2.0", "curated")
    assert not Discrepancy.objects.filter(component="code_evaluation").exists()


def test_all_writes_of_one_refresh_roll_back_together(hub, base_model, monkeypatch):
    follow_the_hub("weights_final")
    serve(hub)
    apply_huggingface = apply._apply_huggingface

    def fail_after_writing(*args, **kwargs):
        apply_huggingface(*args, **kwargs)  # the record, the assessment, the history
        raise RuntimeError("the database went away")

    monkeypatch.setattr(apply, "_apply_huggingface", fail_after_writing)
    with pytest.raises(RuntimeError):
        apply.refresh_model(base_model.pk)
    # GitHub's record was written first and the Hub's after it: neither was kept.
    records = HubRecord.objects.filter(model=base_model)
    assert [(r.hub, r.status, r.raw) for r in records] == [
        ("github", "pending", None), ("huggingface", "pending", None),
    ]  # fmt: skip
    assert assessment("weights_final").availability == "none"
    assert not Change.objects.filter(actor="hub-refresh").exists()
    assert not Discrepancy.objects.exists()


def test_a_refresh_that_changes_hub_facts_moves_the_data_version(hub, base_model):
    from catalog import data_version

    # Nothing here writes a change entry: no weights to compare, no licence on GitHub.
    hub.add_model(model_payload("example-lab/Example-Base-7B"))
    hub.add_github_repo({"full_name": "example-lab/example", "license": None,
                         "archived": False, "private": False})  # fmt: skip
    version = data_version.data_version()
    outcome = apply.refresh_model(base_model.pk)
    assert outcome.changed == 2 and not Change.objects.filter(actor="hub-refresh").exists()
    assert data_version.data_version() > version
    version = data_version.data_version()
    apply.refresh_model(base_model.pk)  # unchanged
    assert data_version.data_version() == version
    hub.queue("/api/models/example-lab/Example-Base-7B", Reply.server_error(503))
    apply.refresh_model(base_model.pk)  # ok -> error is shown on the model's page
    assert data_version.data_version() > version


# The dispatcher.


@pytest.fixture
def two_tracked_models(base_model):
    """example-7b-chat tracks a Hub repo too; both models have their records."""
    AIModel.objects.filter(slug="example-7b-chat").update(
        hf_repos=["example-lab/Example-7B-Chat"], github_repos=[]
    )
    hub_records.ensure_hub_records()
    return base_model, AIModel.objects.get(slug="example-7b-chat")


def fetched(model, when, **fields):
    HubRecord.objects.filter(model=model).update(fetched_at=when, status="ok", **fields)


def test_the_dispatcher_takes_the_oldest_first_in_bounded_batches(two_tracked_models, settings):
    from django.utils import timezone

    base, chat = two_tracked_models
    now = timezone.now()
    fetched(base, now - datetime.timedelta(days=2))
    fetched(chat, now - datetime.timedelta(days=3))
    assert dispatch.due_models(now) == [chat.pk, base.pk]
    fetched(chat, now - datetime.timedelta(days=1, hours=1))
    assert dispatch.due_models(now) == [base.pk, chat.pk]
    HubRecord.objects.filter(model=chat).update(fetched_at=None)  # never fetched: first of all
    assert dispatch.due_models(now) == [chat.pk, base.pk]
    settings.REFRESH_BATCH_SIZE = 1
    enqueued = []
    assert dispatch.dispatch(enqueued.append, now=now) == [chat.pk]
    assert enqueued == [chat.pk]
    fetched(base, now - datetime.timedelta(hours=1))  # fresh: not due at all
    fetched(chat, now - datetime.timedelta(hours=2))
    assert dispatch.due_models(now) == []


def test_the_dispatcher_backs_off_records_in_error_and_gone_ones(hub, two_tracked_models):
    from django.utils import timezone

    base, chat = two_tracked_models
    serve(hub)
    hub.queue("/api/models/example-lab/Example-Base-7B", Reply.server_error(503))
    now = timezone.now()
    apply.refresh_model(base.pk, now=now)  # the Hub repo errs; GitHub is fine
    record = HubRecord.objects.get(model=base, hub="huggingface")
    assert record.status == "error"
    backoff = record.next_attempt_at - now
    assert apply.BACKOFF_BASE <= backoff <= apply.BACKOFF_BASE * 1.25
    assert base.pk not in dispatch.due_models(now + datetime.timedelta(minutes=1))
    assert base.pk in dispatch.due_models(record.next_attempt_at)
    # Each further error doubles the wait.
    hub.queue("/api/models/example-lab/Example-Base-7B", Reply.server_error(503))
    apply.refresh_model(base.pk, now=record.next_attempt_at)
    again = HubRecord.objects.get(pk=record.pk)
    assert again.error_count == 2
    assert again.next_attempt_at - record.next_attempt_at >= apply.BACKOFF_BASE * 2
    # A repo gone private is not asked again at every run: it waits until stale like the rest.
    hub.add_model(model_payload("example-lab/Example-7B-Chat", private=True))
    apply.refresh_model(chat.pk, now=now)
    assert HubRecord.objects.get(model=chat).status == "gone"
    assert chat.pk not in dispatch.due_models(now + datetime.timedelta(hours=1))
    assert chat.pk in dispatch.due_models(now + datetime.timedelta(hours=25))


# A disappearance is confirmed before it is published; counts follow the hub; errors never overflow.


def test_a_single_not_found_changes_no_label_until_confirmed_hours_later(hub, base_model, settings):
    settings.HUB_GONE_CONFIRM_AFTER_HOURS = 6
    follow_the_hub("weights_final")
    serve(hub)
    first = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    apply.refresh_model(base_model.pk, now=first)
    assert assessment("weights_final").availability == "full"
    hub.models.clear()  # a 401: deleted, made private, or a passing fault of the Hub

    apply.refresh_model(base_model.pk, now=first + datetime.timedelta(hours=1))
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert record.status == "error"
    assert "not yet confirmed" in record.last_error
    assert record.next_attempt_at >= first + datetime.timedelta(hours=7)
    assert assessment("weights_final").availability == "full"
    assert not hub_observations().exists()

    # A retry sooner than the confirmation delay confirms nothing either.
    apply.refresh_model(base_model.pk, now=first + datetime.timedelta(hours=2))
    assert HubRecord.objects.get(pk=record.pk).status == "error"
    assert assessment("weights_final").availability == "full"

    apply.refresh_model(base_model.pk, now=first + datetime.timedelta(hours=7))
    assert HubRecord.objects.get(pk=record.pk).status == "gone"
    assert assessment("weights_final").availability == "none"
    assert "no longer serves" in hub_observations().get().reason


def test_a_repo_back_before_confirmation_is_not_a_change(hub, base_model):
    follow_the_hub("weights_final")
    serve(hub)
    first = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    apply.refresh_model(base_model.pk, now=first)
    hub.queue("/api/models/example-lab/Example-Base-7B", Reply.repo_not_found())
    apply.refresh_model(base_model.pk, now=first + datetime.timedelta(hours=1))
    apply.refresh_model(base_model.pk, now=first + datetime.timedelta(hours=8))
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert (record.status, record.missing_since) == ("ok", None)
    assert assessment("weights_final").availability == "full"
    assert not hub_observations().exists()


def test_a_curator_can_confirm_a_disappearance_at_once(hub, base_model):
    follow_the_hub("weights_final")
    serve(hub)
    apply.refresh_model(base_model.pk)
    hub.models.clear()
    apply.refresh_model(base_model.pk)
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert record.status == "error"
    apply.confirm_gone(record, actor="carol")
    assert HubRecord.objects.get(pk=record.pk).status == "gone"
    assert assessment("weights_final").availability == "none"
    assert hub_observations().get().actor == "carol"


def test_downloads_and_likes_follow_the_hub_without_a_recorded_change(hub, base_model):
    serve(hub, downloads=10, likes=1)
    apply.refresh_model(base_model.pk)
    first = HubRecord.objects.get(model=base_model, hub="huggingface")
    changes = Change.objects.count()
    serve_again(hub, downloads=2500, likes=40)
    outcome = apply.refresh_model(base_model.pk)
    record = HubRecord.objects.get(pk=first.pk)
    assert (record.downloads, record.likes) == (2500, 40)
    assert outcome.unchanged == 2 and outcome.assessments_written == 0
    assert Change.objects.count() == changes
    assert record.changed_at == first.changed_at


def test_a_long_outage_backs_off_at_most_a_week_and_keeps_the_refresh(hub, base_model):
    serve(hub)
    apply.refresh_model(base_model.pk)
    HubRecord.objects.filter(model=base_model).update(error_count=60)
    hub.queue("/api/models/example-lab/Example-Base-7B", Reply.server_error(503))
    now = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    outcome = apply.refresh_model(base_model.pk, now=now)
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert (record.status, record.error_count) == ("error", 61)
    assert now + datetime.timedelta(days=7) <= record.next_attempt_at
    assert record.next_attempt_at <= now + datetime.timedelta(days=7) * 1.25
    assert HubRecord.objects.get(model=base_model, hub="github").fetched_at == now
    assert outcome.unchanged == 1


def test_a_failed_refresh_is_logged_at_warning_with_the_repo_and_the_reason(
    hub, base_model, caplog
):
    serve(hub)
    hub.queue("/api/models/example-lab/Example-Base-7B", Reply.server_error(503))
    with caplog.at_level("WARNING", logger="catalog.refresh"):
        apply.refresh_model(base_model.pk)
    [line] = [r for r in caplog.records if r.levelname == "WARNING"]
    assert "example-lab/Example-Base-7B" in line.getMessage()
    assert "answered 503" in line.getMessage()
    assert line.repo == "example-lab/Example-Base-7B"


# An unchanged answer is the common case: it moves the fetch time and live counts, nothing else.


def test_an_unchanged_answer_takes_one_update_per_record_without_a_lock_and_rescores_nothing(
    hub, base_model, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalog.data_version import data_version
    from catalog.models import CurrentScores, ScoreSnapshot

    serve(hub)
    apply.refresh_model(base_model.pk)
    first = HubRecord.objects.get(model=base_model, hub="huggingface")
    written = (Change.objects.count(), ScoreSnapshot.objects.count(),
               list(CurrentScores.objects.values_list("computed_at", flat=True)),
               list(Assessment.objects.values_list("updated_at", flat=True)))  # fmt: skip
    version = data_version()
    serve_again(hub, downloads=1234, likes=56, lastModified="2024-06-01T12:00:00.000Z")
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks() as callbacks,
    ):
        outcome = apply.refresh_model(base_model.pk)
    assert (outcome.unchanged, outcome.changed) == (2, 0)
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [statement for statement in sql if "FOR UPDATE" in statement]
    assert len(sql) == 3, sql  # the model with its records, one UPDATE per record
    assert callbacks == []  # no rescore scheduled
    assert data_version() == version
    assert written == (Change.objects.count(), ScoreSnapshot.objects.count(),
                       list(CurrentScores.objects.values_list("computed_at", flat=True)),
                       list(Assessment.objects.values_list("updated_at", flat=True)))  # fmt: skip
    record = HubRecord.objects.get(pk=first.pk)
    assert (record.downloads, record.likes) == (1234, 56)
    assert record.last_modified.month == 6
    assert record.fetched_at > first.fetched_at
    assert (record.changed_at, record.raw) == (first.changed_at, first.raw)


def test_a_changed_card_under_the_same_sha_is_still_applied(hub, base_model):
    serve(hub)
    apply.refresh_model(base_model.pk)
    # Same sha, same licence: only the card's datasets and base model moved.
    serve_again(hub, cardData={"license": "apache-2.0", "datasets": ["example-lab/corpus"],
                               "base_model": "example-lab/Other-7B"})  # fmt: skip
    outcome = apply.refresh_model(base_model.pk)
    assert outcome.changed == 1
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert (record.datasets, record.base_models) == (
        ["example-lab/corpus"],
        ["example-lab/Other-7B"],
    )
    assert record.raw["model_info"]["cardData"]["datasets"] == ["example-lab/corpus"]
    change = hub_observations().get()
    assert (change.before["datasets"], change.after["datasets"]) == ([], ["example-lab/corpus"])


def test_a_change_the_record_does_not_keep_is_still_applied(hub, base_model):
    serve(hub)
    apply.refresh_model(base_model.pk)
    # New tags (a code model) under the same sha: no field of the record moves, the model's
    # modality would; the stored answer is replaced, and nothing is filed as a hub change.
    serve_again(hub, tags=["license:apache-2.0", "code"])
    outcome = apply.refresh_model(base_model.pk)
    assert outcome.changed == 1
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert "code" in record.raw["model_info"]["tags"]
    assert hub_observations().count() == 0
    assert apply.refresh_model(base_model.pk).changed == 0


def test_facts_an_older_adapter_read_differently_are_read_again(hub, base_model, monkeypatch):
    serve(hub)
    # Stored by an adapter that knew no weight format: the same answer now reads otherwise.
    with monkeypatch.context() as older_adapter:
        older_adapter.setattr(huggingface, "weight_files", lambda files: ())
        apply.refresh_model(base_model.pk)
    assert HubRecord.objects.get(model=base_model, hub="huggingface").weight_files == []
    outcome = apply.refresh_model(base_model.pk)
    assert outcome.changed == 1
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert record.weight_files == ["model.safetensors"]


def refreshed_record_and_answer(hub, model):
    """The model's Hugging Face record after a refresh, and the hub's answer read again."""
    serve(hub)
    apply.refresh_model(model.pk)
    read = HubRecord.objects.get(model=model, hub="huggingface")
    return read, fetch.fetch_huggingface(read.repo_id)


def test_a_record_that_moved_since_it_was_read_is_not_short_cut(hub, base_model):
    read, answer = refreshed_record_and_answer(hub, base_model)
    # Another refresh, or a curator confirming the repository gone, wrote it meanwhile.
    HubRecord.objects.filter(pk=read.pk).update(status="gone")
    assert apply._kept_current(read, answer, now=read.fetched_at) is False
    assert HubRecord.objects.get(pk=read.pk).status == "gone"
    HubRecord.objects.filter(pk=read.pk).update(status="ok")
    assert apply._kept_current(read, answer, now=read.fetched_at) is True


def test_a_record_another_refresh_wrote_meanwhile_is_not_short_cut(hub, base_model):
    read, answer = refreshed_record_and_answer(hub, base_model)
    # Another refresh applied another answer: the record no longer holds this one.
    HubRecord.objects.filter(pk=read.pk).update(payload_digest="another answer's")
    assert apply._kept_current(read, answer, now=read.fetched_at) is False
    assert HubRecord.objects.get(pk=read.pk).fetched_at == read.fetched_at


def test_the_unchanged_path_writes_only_the_fetch_time_and_live_counts(hub, base_model):
    from django.db import connection
    from django.forms.models import model_to_dict
    from django.test.utils import CaptureQueriesContext

    serve(hub)
    apply.refresh_model(base_model.pk)
    before = {r.hub: model_to_dict(r) for r in HubRecord.objects.filter(model=base_model)}
    serve_again(hub, downloads=99, likes=7)
    with CaptureQueriesContext(connection) as queries:
        outcome = apply.refresh_model(base_model.pk)
    assert (outcome.unchanged, outcome.changed) == (2, 0)
    updates = [
        query["sql"] for query in queries.captured_queries if query["sql"].startswith("UPDATE")
    ]
    assert len(updates) == 2
    for update in updates:
        assigned = update.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
        columns = {part.split(" = ")[0].strip('"') for part in assigned.split(", ")}
        assert columns <= {"fetched_at", "error_count", "last_error", "next_attempt_at",
                           "missing_since", "downloads", "likes", "last_modified"}  # fmt: skip
    moved = {"fetched_at", "downloads", "likes"}
    for record in HubRecord.objects.filter(model=base_model):
        after = model_to_dict(record)
        unmoved = {key for key in after if key not in moved}
        assert {k: after[k] for k in unmoved} == {k: before[record.hub][k] for k in unmoved}
    hf = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert (hf.downloads, hf.likes) == (99, 7)


def test_a_card_change_the_payload_alone_keeps_takes_the_full_path(hub, base_model):
    serve(hub)
    apply.refresh_model(base_model.pk)
    digest = HubRecord.objects.get(model=base_model, hub="huggingface").payload_digest
    # A tag in the card only: no fact of the record moves, the stored answer does.
    serve_again(hub, cardData={"license": "apache-2.0", "tags": ["robotics"]})
    outcome = apply.refresh_model(base_model.pk)
    assert (outcome.unchanged, outcome.changed) == (1, 1)
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert record.raw["model_info"]["cardData"]["tags"] == ["robotics"]
    assert record.payload_digest not in ("", digest)
    assert hub_observations().count() == 0
    assert apply.refresh_model(base_model.pk).unchanged == 2


def paths_taken(monkeypatch):
    """A list that says, for each record refreshed from now on, whether it took the unchanged
    path (True) or the full one (False)."""
    taken = []
    kept_current = apply._kept_current

    def recorded(record, answer, *, now):
        taken.append(kept_current(record, answer, now=now))
        return taken[-1]

    monkeypatch.setattr(apply, "_kept_current", recorded)
    return taken


def test_a_record_without_a_digest_gets_one_on_the_full_path(hub, base_model, monkeypatch):
    serve(hub)
    apply.refresh_model(base_model.pk)
    digests = dict(HubRecord.objects.filter(model=base_model).values_list("hub", "payload_digest"))
    assert all(len(digest) == 64 for digest in digests.values())
    # As the records were before digests were kept.
    HubRecord.objects.filter(model=base_model).update(payload_digest="")
    changes = Change.objects.count()
    taken = paths_taken(monkeypatch)
    outcome = apply.refresh_model(base_model.pk)
    assert (outcome.unchanged, outcome.changed) == (2, 0)
    assert taken == [False, False]
    assert (
        dict(HubRecord.objects.filter(model=base_model).values_list("hub", "payload_digest"))
        == digests
    )
    assert Change.objects.count() == changes
    assert apply.refresh_model(base_model.pk).unchanged == 2
    assert taken == [False, False, True, True]


def test_a_new_adapter_version_compares_every_answer_in_full(hub, base_model, monkeypatch):
    serve(hub)
    apply.refresh_model(base_model.pk)
    # A fact the digest vouches for but the record lost: taken on trust by the same version...
    HubRecord.objects.filter(model=base_model, hub="huggingface").update(weight_files=[])
    assert apply.refresh_model(base_model.pk).unchanged == 2
    assert HubRecord.objects.get(model=base_model, hub="huggingface").weight_files == []
    digests = set(
        HubRecord.objects.filter(model=base_model).values_list("payload_digest", flat=True)
    )
    # ...and read again in full by the next one, which keeps digests of its own.
    monkeypatch.setattr(apply, "ADAPTER_VERSION", ADAPTER_VERSION + 1)
    outcome = apply.refresh_model(base_model.pk)
    assert (outcome.unchanged, outcome.changed) == (1, 1)
    record = HubRecord.objects.get(model=base_model, hub="huggingface")
    assert record.weight_files == ["model.safetensors"]
    assert not digests & set(
        HubRecord.objects.filter(model=base_model).values_list("payload_digest", flat=True)
    )
    assert apply.refresh_model(base_model.pk).unchanged == 2


def test_a_repository_the_model_names_since_its_last_refresh_gets_its_record(hub, base_model):
    serve(hub)
    apply.refresh_model(base_model.pk)
    hub.add_model(model_payload("example-lab/Example-Base-7B-Instruct", siblings=WEIGHTS))
    AIModel.objects.filter(pk=base_model.pk).update(
        hf_repos=[*base_model.hf_repos, "example-lab/Example-Base-7B-Instruct"]
    )
    outcome = apply.refresh_model(base_model.pk)
    assert (outcome.unchanged, outcome.changed) == (2, 1)
    record = HubRecord.objects.get(repo_id="example-lab/Example-Base-7B-Instruct")
    assert (record.model_id, record.status) == (base_model.pk, "ok")
    assert len(record.payload_digest) == 64


def test_a_model_that_is_not_there_is_not_refreshed(hub, base_model):
    missing = AIModel.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    with pytest.raises(AIModel.DoesNotExist):
        apply.refresh_model(missing)
    assert hub.requests == []
