"""Curators' decisions are applied safely: at the same moment, on the same rows, nothing is lost."""

import threading
import time

import pytest
from django.db import connection, transaction

from catalog.models import AIModel, Assessment, CorrectionRequest, Discrepancy
from catalog.services import load_catalogue, resolve_correction, resolve_discrepancy


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


def decide_at_once(decisions, assessment):
    """Run `decisions` in threads of their own (each with its own connection), all of them
    started while another session holds the assessment's row, so that none of them can finish
    before all have read what they need; then let them go."""
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
        Assessment.objects.select_for_update().filter(pk=assessment.pk).get()
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while waiting_for_locks() < len(threads):
            assert time.monotonic() < deadline, f"the decisions never reached it: {errors}"
            time.sleep(0.02)
    for thread in threads:
        thread.join()
    assert errors == []


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
    decide_at_once(
        [
            lambda c=c: resolve_correction(c, accept=True, actor=f"curator-{c.pk}")
            for c in corrections
        ],
        assessment,
    )
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
    decide_at_once(
        [
            lambda d=d: resolve_discrepancy(d, accept=True, actor=f"curator-{d.pk}")
            for d in discrepancies
        ],
        assessment,
    )
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
