"""Score snapshots: written when evidence or rules change, and only then; ranking is total."""

import pytest

from catalog import frameworks, history, publishing, selectors
from catalog.frameworks import label, osaid
from catalog.models import AIModel, Assessment, License, ScoreSnapshot
from catalog.scoring import rescore
from catalog.sync import load_catalogue

pytestmark = pytest.mark.django_db


def test_loading_scores_every_model_under_every_framework(catalogue_with_scores):
    current = ScoreSnapshot.objects.filter(is_current=True)
    assert current.count() == 2 * len(frameworks.FRAMEWORKS)
    base = current.get(model__slug="example-base-7b", framework="osaid")
    assert base.verdict == osaid.DOES_NOT_CONFORM
    assert base.version == osaid.VERSION
    assert base.result["criteria"][0]["id"] == "data_information"
    assert len(base.inputs_hash) == 64


def test_rescoring_unchanged_evidence_writes_nothing(catalogue_with_scores):
    before = ScoreSnapshot.objects.count()
    assert rescore(None) == 0
    assert ScoreSnapshot.objects.count() == before


def test_a_change_to_the_evidence_writes_new_snapshots_after_commit(
    catalogue_with_scores, django_capture_on_commit_callbacks
):
    assessment = Assessment.objects.get(model__slug="example-base-7b", component="weights_final")
    old = ScoreSnapshot.objects.get(
        model__slug="example-base-7b", framework="label", is_current=True
    )
    before = history.state_of(assessment)
    assessment.availability = "full"
    assessment.license = License.objects.get(identifier="Apache-2.0")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assessment.save()
        history.record(assessment, before=before, actor="alice", reason="Weights published")
        publishing.evidence_changed(publishing.models_scored_from(assessment))
        # Nothing is recomputed before the change commits.
        assert ScoreSnapshot.objects.get(pk=old.pk).is_current
    assert len(callbacks) >= 1
    new = ScoreSnapshot.objects.get(
        model__slug="example-base-7b", framework="label", is_current=True
    )
    assert new.pk != old.pk
    assert new.inputs_hash != old.inputs_hash
    assert (old.verdict, new.verdict) == (label.CLOSED, label.OPEN_WEIGHTS)
    old.refresh_from_db()
    assert not old.is_current
    # The derivative reads its base's evidence, so it is recomputed too.
    chat = ScoreSnapshot.objects.filter(model__slug="example-7b-chat", framework="label")
    assert chat.count() == 2


def test_a_new_framework_version_writes_new_snapshots(catalogue_with_scores, monkeypatch):
    old_version, new_version = osaid.VERSION, f"{osaid.VERSION}.1"
    monkeypatch.setattr(osaid, "VERSION", new_version)
    assert rescore(None) == 2  # one per model, for the one framework that changed
    versions = set(
        ScoreSnapshot.objects.filter(framework="osaid").values_list("version", flat=True)
    )
    assert versions == {old_version, new_version}
    assert set(
        ScoreSnapshot.objects.filter(framework="osaid", is_current=True).values_list(
            "version", flat=True
        )
    ) == {new_version}


def test_ranking_is_deterministic_with_documented_tie_breaks(catalogue_with_scores):
    for number in range(3):
        clone = AIModel.objects.get(slug="example-base-7b")
        clone.pk, clone.slug = None, f"tie-{number}"
        clone.save()
        for assessment in Assessment.objects.filter(model__slug="example-base-7b"):
            assessment.pk, assessment.model = None, clone
            assessment.save()
    rescore(None)
    order = [
        m.slug for m in selectors.ranked(selectors.with_scores(AIModel.objects.all()), "index")
    ]
    # Identical evidence and release date: the slug decides.
    ties = [slug for slug in order if slug.startswith("tie-") or slug == "example-base-7b"]
    assert ties == ["example-base-7b", "tie-0", "tie-1", "tie-2"]
    scores = [
        m.index_score
        for m in selectors.ranked(selectors.with_scores(AIModel.objects.all()), "index")
    ]
    assert scores == sorted(scores, reverse=True)
    with pytest.raises(ValueError):
        selectors.ranked(AIModel.objects.all(), "popularity")


# serialized_rollback: leave behind what migrations made (the role groups), as the backup tests do.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_rescores_of_one_model_at_once_take_turns(fixture_catalogue):
    import threading

    from django.db import connection

    assert load_catalogue(fixture_catalogue).ok
    model = AIModel.objects.get(slug="example-base-7b")
    assessment = Assessment.objects.get(model=model, component="weights_final")
    assessment.availability = "full"
    assessment.license = License.objects.get(identifier="Apache-2.0")
    assessment.save()
    # The first rescore holds the model's lock while the second starts.
    errors, started = [], threading.Barrier(2)

    def run():
        try:
            started.wait()
            rescore([model.pk])
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    current = ScoreSnapshot.objects.filter(model=model, is_current=True)
    assert current.count() == len(frameworks.FRAMEWORKS)
    assert current.get(framework="label").verdict == label.OPEN_WEIGHTS
    # One new snapshot per framework, not two.
    assert ScoreSnapshot.objects.filter(model=model, framework="label").count() == 2
