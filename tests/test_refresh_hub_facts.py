"""Reading what the Hub shows, fully: weights in any format, lineage, datasets, modality, counts.

The real adapters against the fake hub, applied to the database. Drafts and machine-read entries
are filled from the Hub; curated entries get observations and discrepancies, never overwrites.
"""

import pytest

from catalog import curation, selectors
from catalog.models import AIModel, Assessment, Change, HubRecord, License, Organization
from catalog.refresh import apply, discovery, dispatch
from tests.fakehub import model_payload

pytestmark = pytest.mark.django_db

BASE_REPO = "example-lab/Example-Base-7B"


@pytest.fixture
def tracked(catalogue_with_scores):
    Organization.objects.filter(slug="example-lab").update(hf_authors=["example-lab"])


def draft_of(hub, repo_id, **fields):
    """Serve `repo_id` and let discovery draft it; returns the draft."""
    hub.add_model(model_payload(repo_id, **fields))
    [slug] = discovery.discover().created
    return AIModel.objects.get(slug=slug)


def component(model, component_id):
    return Assessment.objects.select_related("license").get(model=model, component=component_id)


def test_a_draft_is_filled_from_the_hub_on_its_refresh_not_left_to_discrepancies(hub, tracked):
    draft = draft_of(
        hub, "example-lab/Example-Edge-1B", gated="auto", pipeline_tag="text-generation",
        cardData={"license": "apache-2.0"}, tags=["license:apache-2.0"],
        siblings=[{"rfilename": "README.md"}, {"rfilename": "example-edge-int4.litertlm"}],
    )  # fmt: skip
    outcome = apply.refresh_model(draft.pk)
    assert outcome.errors == [] and outcome.discrepancies_opened == 0
    weights = component(draft, "weights_final")
    assert (weights.availability, weights.access) == ("full", "click-through")
    assert weights.license.identifier == "Apache-2.0"
    assert weights.source == "hub"
    assert "LiteRT-LM" in weights.note
    assert component(draft, "doc_model_card").availability == "full"
    assert component(draft, "training_state").availability == "unknown"


def test_drafts_are_due_for_the_dispatcher_like_published_entries(hub, tracked):
    draft = draft_of(hub, "example-lab/Example-Edge-1B")
    assert draft.pk in dispatch.due_models()


def test_a_draft_takes_its_modality_and_size_from_the_hub(hub, tracked):
    draft = draft_of(
        hub, "example-lab/Example-Robot", pipeline_tag="robotics",
        safetensors={"parameters": {"F32": 450_000_000}, "total": 450_000_000},
    )  # fmt: skip
    apply.refresh_model(draft.pk)
    draft.refresh_from_db()
    assert (draft.modality, draft.parameters) == ("robotics", 450_000_000)


def test_a_curated_entry_keeps_its_modality_whatever_the_pipeline_tag(hub, tracked):
    base = AIModel.objects.get(slug="example-base-7b")
    hub.add_model(model_payload(BASE_REPO, pipeline_tag="robotics"))
    apply.refresh_model(base.pk)
    base.refresh_from_db()
    assert base.modality == "text"


def test_downloads_likes_and_last_modified_stay_current_on_an_unchanged_refresh(hub, tracked):
    base = AIModel.objects.get(slug="example-base-7b")
    hub.add_model(model_payload(BASE_REPO, downloads=10, likes=1))
    apply.refresh_model(base.pk)
    changes = Change.objects.count()
    hub.add_model(model_payload(BASE_REPO, downloads=5000, likes=42,
                                lastModified="2024-06-01T00:00:00.000Z"))  # fmt: skip
    outcome = apply.refresh_model(base.pk)
    assert outcome.changed == 0
    record = HubRecord.objects.get(model=base, hub="huggingface")
    assert (record.downloads, record.likes) == (5000, 42)
    assert record.last_modified.isoformat().startswith("2024-06-01")
    assert Change.objects.count() == changes  # counts moving are not history


def test_a_draft_is_linked_to_the_base_its_card_names_and_bound_by_its_terms(hub, tracked):
    # The base's weights are under a licence with a user cap and an acceptable-use policy.
    base = AIModel.objects.get(slug="example-base-7b")
    Assessment.objects.filter(model=base, component="weights_final").update(
        availability="full", license=License.objects.get(identifier="LicenseRef-example-community")
    )
    draft = draft_of(
        hub, "example-lab/Example-Tune", cardData={"license": "apache-2.0", "base_model": BASE_REPO},
        tags=["license:apache-2.0", f"base_model:finetune:{BASE_REPO}"],
        siblings=[{"rfilename": "model.gguf"}],
    )  # fmt: skip
    Organization.objects.create(slug="someone", name="Someone", kind="company")
    AIModel.objects.filter(pk=draft.pk).update(
        organization=Organization.objects.get(slug="someone")
    )
    apply.refresh_model(draft.pk)
    draft.refresh_from_db()
    assert draft.base_model_id == base.pk
    evidence = selectors.evidence_by_model_id([draft.pk])[draft.pk]
    weights = evidence.get("weights_final")
    assert weights.stated.identifier == "Apache-2.0"  # what its card states
    assert weights.license.identifier == "LicenseRef-example-community"  # what binds it
    assert weights.inherited_from == "example-base-7b"


def test_a_base_missing_from_the_catalogue_is_discovered_too(hub, tracked):
    draft = draft_of(hub, "example-lab/Example-Tune",
                     cardData={"base_model": "elsewhere/Big-Base"})  # fmt: skip
    apply.refresh_model(draft.pk)
    draft.refresh_from_db()
    base = draft.base_model
    assert base.hf_repos == ["elsewhere/Big-Base"]
    assert (base.status, base.review_status) == ("published", "machine-read")
    assert base.organization.slug == "elsewhere"
    assert HubRecord.objects.get(model=base).status == "pending"  # read at its own refresh
    hub.add_model(model_payload("elsewhere/Big-Base", siblings=[{"rfilename": "w.safetensors"}]))
    apply.refresh_model(base.pk)
    assert component(base, "weights_final").availability == "full"


def test_a_curated_lineage_is_never_changed_by_a_card_only_observed(hub, tracked):
    chat = AIModel.objects.get(slug="example-7b-chat")
    AIModel.objects.filter(pk=chat.pk).update(hf_repos=["example-lab/Example-Chat"])
    hub.add_model(model_payload("example-lab/Example-Chat", cardData={"base_model": "other/Base"}))
    apply.refresh_model(chat.pk)
    chat.refresh_from_db()
    assert chat.base_model.slug == "example-base-7b"
    observed = Change.objects.get(subject_key="example-7b-chat/base_model")
    assert observed.action == "observed" and "other/Base" in observed.reason
    assert not AIModel.objects.filter(hf_repos=["other/Base"]).exists()


def test_the_datasets_a_card_names_become_evidence_for_a_draft_data_component(hub, tracked):
    draft = draft_of(hub, "example-lab/Example-Data", cardData={"datasets": ["allenai/dolma"]})
    apply.refresh_model(draft.pk)
    data = component(draft, "data_pretraining")
    assert data.availability == "partial"
    assert data.evidence == [f"{hub.url}/datasets/allenai/dolma"]
    assert "names 1 dataset" in data.note


def test_datasets_never_overwrite_or_queue_against_a_curated_data_component(hub, tracked):
    base = AIModel.objects.get(slug="example-base-7b")
    before = component(base, "data_pretraining")
    hub.add_model(model_payload(BASE_REPO, cardData={"datasets": ["allenai/dolma"]}))
    outcome = apply.refresh_model(base.pk)
    after = component(base, "data_pretraining")
    assert (after.availability, after.evidence) == (before.availability, before.evidence)
    assert not base.discrepancies.filter(component="data_pretraining").exists()
    assert [repo for repo, _ in outcome.errors] == ["example-lab/example"]  # GitHub: not served


def test_a_curators_own_unknown_is_not_filled_by_the_hub(hub, tracked):
    draft = draft_of(hub, "example-lab/Example-Edge-1B",
                     siblings=[{"rfilename": "model.safetensors"}])  # fmt: skip
    weights = component(draft, "weights_final")
    curation.curate(draft, "weights_final", changes={"availability": "unknown"},
                    evidence_url=None, actor="alice", reason="Not verified yet")  # fmt: skip
    apply.refresh_model(draft.pk)
    weights = component(draft, "weights_final")
    assert (weights.availability, weights.source) == ("unknown", "curated")
    assert draft.discrepancies.filter(component="weights_final", field="availability").exists()
