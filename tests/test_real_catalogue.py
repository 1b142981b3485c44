"""The curated catalogue shipped in catalog/data: it loads cleanly, is complete, and round-trips."""

import pytest

from catalog import components, pins, selectors
from catalog.models import AIModel, Assessment, Correction, License
from catalog.sync import export_catalogue

pytestmark = pytest.mark.django_db

# The systems the public debate names: each must be in the catalogue.
REQUIRED = [
    "olmo-7b", "olmo-2-1124-7b", "olmo-2-1124-13b", "pythia-6.9b", "pythia-12b", "amber-7b",
    "crystalcoder-7b", "t5-11b", "bloom-176b", "bloomz-176b", "gpt-neox-20b", "starcoder2-15b",
    "falcon-7b", "falcon-40b", "falcon-180b", "smollm2-1.7b", "granite-3.0-8b-instruct",
    "llama-2-7b", "llama-3-8b", "llama-3.1-8b", "llama-3.2-1b", "llama-3.3-70b-instruct",
    "llama-4-scout-17b-16e", "mistral-7b-v0.1", "mixtral-8x7b-v0.1", "mistral-large-2407",
    "qwen2.5-7b", "qwen2.5-72b", "qwen3-8b", "deepseek-v3", "deepseek-r1", "gemma-2-9b",
    "gemma-3-27b", "phi-2", "phi-4", "grok-1", "gpt-oss-120b", "command-r-plus", "gpt-4o",
    "claude-3.5-sonnet", "gemini-1.5-pro", "deepseek-r1-distill-llama-70b",
]  # fmt: skip
CLOSED = ["gpt-4o", "claude-3.5-sonnet", "gemini-1.5-pro"]


@pytest.fixture
def catalogue(real_catalogue_for_module, db):
    return real_catalogue_for_module


def test_the_catalogue_loads_without_problems_and_is_large_enough(catalogue):
    assert AIModel.objects.published().count() >= 45
    assert set(REQUIRED) <= set(AIModel.objects.values_list("slug", flat=True))


def test_every_model_has_every_component(catalogue):
    for model in AIModel.objects.prefetch_related("assessments"):
        assert sorted(a.component for a in model.assessments.all()) == sorted(
            components.COMPONENT_IDS
        ), model.slug


def test_every_verdict_has_evidence_unless_unknown(catalogue):
    bare = Assessment.objects.exclude(availability=components.UNKNOWN).filter(evidence=[])
    assert list(bare.values_list("model__slug", "component")) == []


def test_closed_models_release_no_weights(catalogue):
    for slug in CLOSED:
        weights = Assessment.objects.get(model__slug=slug, component="weights_final")
        assert weights.availability == components.NONE, slug
        assert weights.license is None


def test_llama_weights_are_gated_under_metas_licences(catalogue):
    for slug, licence in [
        ("llama-2-7b", "LicenseRef-llama-2"),
        ("llama-3-8b", "LicenseRef-llama-3"),
        ("llama-3.1-8b", "LicenseRef-llama-3.1"),
        ("llama-3.3-70b-instruct", "LicenseRef-llama-3.3"),
        ("llama-4-scout-17b-16e", "LicenseRef-llama-4"),
    ]:
        weights = Assessment.objects.get(model__slug=slug, component="weights_final")
        assert weights.availability == components.PARTIAL, slug
        assert weights.license.identifier == licence


def test_the_llama_derivative_keeps_its_lineage(catalogue):
    distill = AIModel.objects.get(slug="deepseek-r1-distill-llama-70b")
    assert distill.base_model.slug == "llama-3.3-70b-instruct"
    weights = distill.assessments.get(component="weights_final")
    # Its card says MIT; the base's licence still binds it, which the frameworks must see.
    assert weights.license.identifier == "MIT"
    assert distill.base_model.assessments.get(component="weights_final").license.identifier == (
        "LicenseRef-llama-3.3"
    )
    assert AIModel.objects.get(slug="bloomz-176b").base_model.slug == "bloom-176b"


def test_fully_open_models_publish_checkpoints_and_data(catalogue):
    for slug in ["pythia-12b", "olmo-2-1124-13b", "amber-7b"]:
        for component in ["weights_intermediate", "data_pretraining", "code_training"]:
            assessment = Assessment.objects.get(model__slug=slug, component=component)
            assert assessment.availability == components.FULL, (slug, component)


def test_licence_clause_facts(catalogue):
    llama2 = License.objects.get(identifier="LicenseRef-llama-2")
    assert llama2.mau_cap == 700_000_000
    assert llama2.no_improving_other_models and llama2.acceptable_use_policy
    assert not License.objects.get(identifier="LicenseRef-llama-3.1").no_improving_other_models
    assert License.objects.get(identifier="LicenseRef-qwen").mau_cap == 100_000_000
    assert License.objects.get(identifier="CC-BY-NC-4.0").kind == "non-commercial"
    assert License.objects.get(identifier="Apache-2.0").kind == "open"
    assert (
        License.objects.get(identifier="LicenseRef-bigscience-bloom-rail-1.0").kind == "restricted"
    )
    assert all(
        not lic.is_spdx for lic in License.objects.filter(identifier__startswith="LicenseRef-")
    )
    # Every clause column of the reference table has a field: remote restriction and models
    # trained on outputs included.
    gemma = License.objects.get(identifier="LicenseRef-gemma")
    assert gemma.remote_restriction and gemma.covers_trained_models and not gemma.revocable
    assert License.objects.get(identifier="LicenseRef-llama-3.1").covers_trained_models
    assert not License.objects.get(identifier="LicenseRef-llama-3").covers_trained_models
    assert License.objects.get(identifier="LicenseRef-nvidia-open-model").revocable
    assert not License.objects.get(identifier="LicenseRef-mistral-research").revocable


def test_the_shipped_files_are_what_export_writes(catalogue, real_catalogue_dir, tmp_path):
    """The repository holds the canonical form: load then export reproduces every file."""
    export_catalogue(tmp_path)
    shipped = sorted(
        p.relative_to(real_catalogue_dir)
        for p in real_catalogue_dir.rglob("*.yaml")
        # The audits' record and the curators' matches of other indexes: kept by hand, not
        # exported from the evidence base.
        if p.name not in ("audits.yaml", "index_matches.yaml")
    )
    exported = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.yaml"))
    assert shipped == exported
    for relative in shipped:
        assert (tmp_path / relative).read_text() == (real_catalogue_dir / relative).read_text(), (
            f"{relative} is not in canonical form: run manage.py export_catalog"
        )


def test_every_absence_claim_names_the_commit_that_was_read(catalogue):
    """ "Not released" and "no licence" about a model with public repositories are claims too:
    each names the tree or file and the commit read (a search index's silence proves nothing)."""
    unpinned = []
    for model in AIModel.objects.prefetch_related("assessments"):
        if not (model.hf_repos or model.github_repos):
            continue  # an API-only model: its absences rest on the developer's documentation
        evidence = selectors.evidence_for(model)
        for assessment in model.assessments.all():
            item = evidence.get(assessment.component)
            if not pins.is_absence_claim(assessment.component, item.availability, item.license):
                continue
            if not any(pins.COMMIT_RE.match(pin["commit"]) for pin in assessment.pins):
                unpinned.append(f"{model.slug}/{assessment.component}")
    assert unpinned == []


def test_every_licence_claim_about_a_repository_is_pinned_where_the_release_states_it(catalogue):
    for model in AIModel.objects.exclude(release_licenses={}):
        for kind, entry in model.release_licenses.items():
            assert entry["evidence"], (model.slug, kind)


def test_every_released_model_has_a_parameter_count(catalogue):
    missing = [
        model.slug
        for model in AIModel.objects.published()
        if model.assessments.get(component="weights_final").availability
        in (components.FULL, components.PARTIAL)
        and not model.parameters
    ]
    assert missing == []


def test_corrections_are_published_with_reasons(catalogue):
    assert Correction.objects.count() > 0
    assert not Correction.objects.filter(reason="").exists()


def test_a_pages_evidence_is_the_scorers_evidence(catalogue):
    # The model page builds evidence from the model it has read; the scorer reads it as values.
    models = AIModel.objects.select_related("organization").prefetch_related("assessments")
    for model in models:
        assert selectors.evidence_for(model) == selectors.evidence_by_model_id([model.pk])[model.pk]
