"""Publishing a change: the audit log only records; evidence_changed moves the data version with
the write, and rescores the models once it commits, in one task a commit."""

import pytest

from catalog import data_version, history, publishing
from catalog.models import AIModel, Assessment, Change, License, Organization, ScoreSnapshot

pytestmark = pytest.mark.django_db


def publish_weights():
    """The base model's weights, released under Apache-2.0: saved and recorded, not published."""
    weights = Assessment.objects.get(model__slug="example-base-7b", component="weights_final")
    before = history.state_of(weights)
    weights.availability = "full"
    weights.license = License.objects.get(identifier="Apache-2.0")
    weights.save()
    history.record(weights, before=before, actor="alice", reason="Weights published")
    return weights


def current_label(slug):
    return ScoreSnapshot.objects.get(model__slug=slug, framework="label", is_current=True)


def test_the_audit_log_only_records(catalogue_with_scores, django_capture_on_commit_callbacks):
    version = data_version.data_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish_weights()
    assert callbacks == []  # no rescore scheduled
    assert data_version.data_version() == version
    assert current_label("example-base-7b").verdict == "Closed"
    # The change itself is filed.
    assert Change.objects.filter(
        actor="alice", subject_key="example-base-7b/weights_final", action="updated"
    ).exists()


def test_a_change_to_the_evidence_moves_the_version_and_rescores_after_commit(
    catalogue_with_scores, django_capture_on_commit_callbacks
):
    version = data_version.data_version()
    old = current_label("example-base-7b")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        weights = publish_weights()
        publishing.evidence_changed([weights.model_id])
        assert data_version.data_version() > version
        assert current_label("example-base-7b").pk == old.pk  # nothing recomputed yet
    assert len(callbacks) == 1
    assert current_label("example-base-7b").verdict == "Open weights"
    # The derivative reads its base's weights: it is recomputed with it.
    assert current_label("example-7b-chat").computed_at > old.computed_at


def test_changes_in_one_transaction_are_rescored_by_one_task(
    catalogue_with_scores, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(publishing.rescore_models, "delay", sent.append)
    base = AIModel.objects.get(slug="example-base-7b").pk
    chat = AIModel.objects.get(slug="example-7b-chat").pk
    with django_capture_on_commit_callbacks(execute=True):
        publishing.evidence_changed([chat])
        publishing.evidence_changed([base, chat])
        publishing.evidence_changed([])  # an organisation: the version moves, nothing to rescore
    assert sent == [sorted([base, chat])]


def test_a_licence_is_read_by_the_models_under_it_and_those_releasing_under_it(
    catalogue_with_scores,
):
    apache = License.objects.get(identifier="Apache-2.0")
    under = set(Assessment.objects.filter(license=apache).values_list("model_id", flat=True))
    assert publishing.models_scored_from(apache) == sorted(under)
    chat = AIModel.objects.get(slug="example-7b-chat")
    Assessment.objects.filter(model=chat, license=apache).update(license=None)
    assert chat.pk not in publishing.models_scored_from(apache)
    chat.release_licenses = {
        "code": {"license": "Apache-2.0", "evidence": ["https://example.org/code"]}
    }
    chat.save()
    assert chat.pk in publishing.models_scored_from(apache)


def test_an_assessment_or_model_is_read_by_its_model_and_an_organisation_by_none(
    catalogue_with_scores,
):
    model = AIModel.objects.get(slug="example-base-7b")
    assert publishing.models_scored_from(model.assessments.first()) == [model.pk]
    assert publishing.models_scored_from(model) == [model.pk]
    assert publishing.models_scored_from(Organization.objects.first()) == []
