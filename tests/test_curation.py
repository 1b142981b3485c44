"""Curators' decisions are applied safely: at the same moment, on the same rows, nothing is lost."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from catalog.curation import Refused, resolve_correction, resolve_discrepancy
from catalog.models import (
    AIModel,
    Assessment,
    Change,
    CorrectionRequest,
    Discrepancy,
    License,
    Organization,
)
from catalog.sync import load_catalogue


def waiting_for_locks():
    """How many sessions of the test database wait for a lock another holds."""
    with connection.cursor() as cursor:
        # Activity is read once per transaction unless the snapshot is cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database()"
        )
        return cursor.fetchone()[0]


def decide_at_once(decisions, held):
    """Run `decisions` in threads of their own (each with its own connection), all of them
    started while another session holds `held`'s row, so that none of them can finish before
    all have read what they need; then let them go. Returns the errors they raised."""
    errors = []

    def run(decide):
        try:
            decide()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(decide,)) for decide in decisions]
    with transaction.atomic():
        type(held).objects.select_for_update().filter(pk=held.pk).get()
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while waiting_for_locks() < len(threads):
            assert time.monotonic() < deadline, f"the decisions never reached it: {errors}"
            time.sleep(0.02)
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_keeps_both_evidence_urls_when_two_corrections_are_accepted_at_once(
    fixture_catalogue,
):
    assert load_catalogue(fixture_catalogue).ok
    model = AIModel.objects.get(slug="example-base-7b")
    assessment = Assessment.objects.get(model=model, component="code_training")
    urls = ["https://example.org/first", "https://example.org/second"]
    corrections = [
        CorrectionRequest.objects.create(
            model=model, component="code_training", evidence_url=url, explanation=url
        )
        for url in urls
    ]
    errors = decide_at_once(
        [
            lambda c=c: resolve_correction(c, accept=True, actor=f"curator-{c.pk}")
            for c in corrections
        ],
        assessment,
    )
    assert errors == []
    assessment.refresh_from_db()
    assert set(urls) <= set(assessment.evidence)
    assert set(CorrectionRequest.objects.values_list("status", flat=True)) == {"accepted"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_keeps_both_evidence_urls_when_two_discrepancies_are_accepted_at_once(
    fixture_catalogue, settings
):
    from catalog.models import HubRecord

    assert load_catalogue(fixture_catalogue).ok
    model = AIModel.objects.get(slug="example-base-7b")
    assessment = Assessment.objects.get(model=model, component="weights_final")
    discrepancies = []
    for repo, field, value in [
        ("example-lab/one", "availability", "full"),
        ("example-lab/two", "license", "Apache-2.0"),
    ]:
        record = HubRecord.objects.create(
            model=model, hub="huggingface", repo_id=repo, canonical_id=repo
        )
        discrepancies.append(
            Discrepancy.objects.create(
                model=model,
                component="weights_final",
                field=field,
                hub_record=record,
                curated_value=None,
                hub_value=value,
                message=f"{repo} says {value}",
            )  # fmt: skip
        )
    errors = decide_at_once(
        [
            lambda d=d: resolve_discrepancy(d, accept=True, actor=f"curator-{d.pk}")
            for d in discrepancies
        ],
        assessment,
    )
    assert errors == []
    assessment.refresh_from_db()
    expected = {f"{settings.HF_ENDPOINT}/{repo}" for repo in ("example-lab/one", "example-lab/two")}
    assert expected <= set(assessment.evidence)
    assert set(Discrepancy.objects.values_list("status", flat=True)) == {"accepted"}


def make_a_lineage_cycle():
    """Example Base 7B built on its own derivative, as a database restored from before lineage
    was checked may hold: nothing that reads lineage may fail on it."""
    base = AIModel.objects.get(slug="example-base-7b")
    chat = AIModel.objects.get(slug="example-7b-chat")
    AIModel.objects.filter(pk=base.pk).update(base_model=chat)
    return base, chat


@pytest.mark.django_db
def test_every_reader_of_lineage_survives_a_cycle_in_the_database(
    client, fixture_catalogue, django_capture_on_commit_callbacks
):
    from catalog.scoring import rescore

    assert load_catalogue(fixture_catalogue).ok
    base, chat = make_a_lineage_cycle()
    with django_capture_on_commit_callbacks(execute=True):
        rescore()
    assert base.current.label_verdict and chat.current.label_verdict
    for path in [
        "/models/example-base-7b/",
        "/models/example-7b-chat/",
        "/?restriction=acceptable_use_policy",
        "/api/v1/models/example-base-7b/",
        "/api/v1/models/?restriction=acceptable_use_policy",
        "/api/v1/dump/",
    ]:
        assert client.get(path).status_code == 200, path
    lineage = client.get("/api/v1/models/example-7b-chat/").json()["lineage"]
    assert lineage == ["example-base-7b"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_second_of_two_curators_accepting_one_correction_at_once_is_refused(
    fixture_catalogue,
):
    assert load_catalogue(fixture_catalogue).ok
    model = AIModel.objects.get(slug="example-base-7b")
    assessment = Assessment.objects.get(model=model, component="code_training")
    correction = CorrectionRequest.objects.create(
        model=model, component="code_training", proposed_availability="full",
        evidence_url="https://example.org/training-code", explanation="It is published",
    )  # fmt: skip
    # Each curator works from the queue item as their page read it.
    copies = [CorrectionRequest.objects.get(pk=correction.pk) for _ in range(2)]
    errors = decide_at_once(
        [
            lambda item=item, who=who: resolve_correction(item, accept=True, actor=who)
            for item, who in zip(copies, ["alice", "bob"], strict=True)
        ],
        correction,
    )
    assert len(errors) == 1 and isinstance(errors[0], Refused), errors
    assert "already accepted by" in str(errors[0])
    correction.refresh_from_db()
    assert correction.status == "accepted"
    assert correction.reviewed_by in ("alice", "bob")
    assert str(errors[0]).count(correction.reviewed_by) == 1
    # Decided once: one acceptance filed, one correction published, the evidence once.
    accepted = Change.objects.filter(
        subject_key="example-base-7b/code_training", reason__startswith="Correction from a reader"
    )
    assert [c.actor for c in accepted] == [correction.reviewed_by]
    assert model.corrections_made.filter(subject="code_training").count() == 1
    assessment.refresh_from_db()
    assert assessment.evidence.count("https://example.org/training-code") == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_discrepancy_accepted_and_dismissed_at_once_is_decided_once(fixture_catalogue):
    assert load_catalogue(fixture_catalogue).ok
    model = AIModel.objects.get(slug="example-base-7b")
    assessment = Assessment.objects.get(model=model, component="weights_final")
    discrepancy = Discrepancy.objects.create(
        model=model, component="weights_final", field="access", curated_value="",
        hub_value="click-through", message="The Hub gates the weights",
    )  # fmt: skip
    alices, bobs = (Discrepancy.objects.get(pk=discrepancy.pk) for _ in range(2))
    errors = decide_at_once(
        [
            lambda: resolve_discrepancy(alices, accept=True, actor="alice"),
            lambda: resolve_discrepancy(bobs, accept=False, actor="bob"),
        ],
        discrepancy,
    )
    assert len(errors) == 1 and isinstance(errors[0], Refused), errors
    discrepancy.refresh_from_db()
    decided = {"accepted": "alice", "dismissed": "bob"}
    assert discrepancy.resolved_by == decided[discrepancy.status]
    assert f"already {discrepancy.status} by {discrepancy.resolved_by}" in str(errors[0])
    # Only the decision that stood is filed and applied.
    filed = Change.objects.filter(subject_key="example-base-7b/weights_final").exclude(
        actor="catalogue"
    )
    assert [c.actor for c in filed] == [discrepancy.resolved_by]
    assessment.refresh_from_db()
    expected_access = "click-through" if discrepancy.status == "accepted" else ""
    assert assessment.access == expected_access


def admin_form_data(client, admin_name, obj):
    response = client.get(reverse(f"admin:catalog_{admin_name}_change", args=[obj.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    return {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None and form[name].value() is not False
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "admin_name, kind, lookup",
    [
        ("license", License, {"identifier": "LicenseRef-example-community"}),
        ("organization", Organization, {"slug": "example-lab"}),
    ],
)
def test_of_two_curators_saving_one_licence_or_organisation_at_once_the_second_is_told(
    fixture_catalogue, django_user_model, admin_name, kind, lookup
):
    assert load_catalogue(fixture_catalogue).ok
    obj = kind.objects.get(**lookup)
    url = reverse(f"admin:catalog_{admin_name}_change", args=[obj.pk])
    curators, forms, responses = {}, {}, {}
    for name in ("alice", "bob"):
        curators[name] = Client()
        curators[name].force_login(
            django_user_model.objects.create_superuser(name, f"{name}@example.org", "pw")
        )
        forms[name] = admin_form_data(curators[name], admin_name, obj)
        forms[name].update(name=f"{name}'s name", change_reason=f"Renamed by {name}")

    def save(name):
        responses[name] = curators[name].post(url, forms[name])

    errors = decide_at_once([lambda n=n: save(n) for n in ("alice", "bob")], obj)
    assert errors == []
    statuses = sorted(response.status_code for response in responses.values())
    assert statuses == [200, 302], statuses
    told = next(name for name, response in responses.items() if response.status_code == 200)
    saved = next(name for name in responses if name != told)
    assert f"by {saved}" in responses[told].text
    assert "changed since you opened this form" in responses[told].text
    obj.refresh_from_db()
    assert obj.name == f"{saved}'s name"
    assert not Change.objects.filter(actor=told).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refresh_never_overwrites_a_curators_decision_committed_while_it_runs(
    fixture_catalogue, hub
):
    from catalog.curation import curate
    from catalog.refresh import apply
    from tests.fakehub import model_payload

    assert load_catalogue(fixture_catalogue).ok
    model = AIModel.objects.get(slug="example-base-7b")
    repo = model.hf_repos[0]
    hub.add_model(model_payload(repo, sha="a" * 40, siblings=[{"rfilename": "model.safetensors"}],
                                cardData={"license": "apache-2.0"}))  # fmt: skip
    hub.add_refs(repo, ["main"])
    hub.add_github_repo({"full_name": model.github_repos[0], "license": {"spdx_id": "MIT"},
                         "archived": False, "private": False})  # fmt: skip
    # The weights follow the hub until a curator decides them.
    Assessment.objects.filter(model=model, component="weights_final").update(source="hub")
    errors = []

    def refresh_now():
        try:
            apply.refresh_model(model.pk)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=refresh_now)
    with transaction.atomic():
        curate(model, "weights_final", changes={"availability": "partial"},
               evidence_url="https://example.org/weights-on-request", actor="alice",
               reason="Weights only on request")  # fmt: skip
        # The refresh reads the hub while the curator's decision is not yet committed.
        thread.start()
        deadline = time.monotonic() + 10
        while waiting_for_locks() < 1:
            assert time.monotonic() < deadline and thread.is_alive(), errors
            time.sleep(0.02)
    thread.join()
    assert errors == []
    weights = Assessment.objects.get(model=model, component="weights_final")
    assert (weights.availability, weights.source, weights.assessed_by) == (
        "partial", "curated", "alice"
    )  # fmt: skip
    assert "https://example.org/weights-on-request" in weights.evidence
    # The hub's view waits for a curator instead.
    opened = Discrepancy.objects.get(model=model, component="weights_final", field="availability")
    assert (opened.curated_value, opened.hub_value) == ("partial", "full")
