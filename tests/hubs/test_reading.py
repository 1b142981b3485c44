"""What a Hub repository shows about each component, read by machine: plain data in and out."""

import pytest

from catalog.hubs.huggingface import modality_from_pipeline_tag, parse_model_info
from catalog.hubs.reading import licence_key, read_components
from tests.fakehub import load_payload, model_payload

HUB = "https://huggingface.co"


def read(**facts):
    defaults = {
        "endpoint": HUB, "repo_id": "org/model", "gated": "", "license_key": "apache-2.0",
        "files": ("README.md", "config.json", "model.safetensors"),
        "weight_files": ("model.safetensors",), "weight_formats": ("safetensors",),
        "datasets": (), "base_models": (), "checkpoint_branches": (),
    }  # fmt: skip
    return read_components(**{**defaults, **facts})


def test_published_weights_are_full_availability_under_the_repository_licence():
    weights = read()["weights_final"]
    assert (weights.availability, weights.license_key, weights.access) == ("full", "apache-2.0", "")
    assert weights.evidence == (f"{HUB}/org/model",)
    assert weights.binding


@pytest.mark.parametrize(
    ("gated", "availability", "access"),
    [("auto", "full", "click-through"), ("manual", "partial", "approval")],
)
def test_the_one_gating_rule_applies_to_machine_read_weights(gated, availability, access):
    weights = read(gated=gated)["weights_final"]
    assert (weights.availability, weights.access) == (availability, access)


def test_a_repository_without_weight_files_says_nothing_about_weights():
    found = read(files=("README.md",), weight_files=(), weight_formats=())
    assert "weights_final" not in found
    assert set(found) == {"doc_model_card"}


def test_checkpoint_branches_are_intermediate_weights():
    found = read(checkpoint_branches=("step1000", "step2000"))
    assert found["weights_intermediate"].evidence == (f"{HUB}/org/model/tree/step1000",)
    assert "2 intermediate checkpoints" in found["weights_intermediate"].note


def test_the_datasets_an_original_model_names_are_evidence_of_its_pretraining_data():
    found = read(datasets=("allenai/dolma", "HuggingFaceFW/fineweb"))
    data = found["data_pretraining"]
    assert data.availability == "partial" and data.license_key is None and not data.binding
    assert data.evidence == (
        f"{HUB}/datasets/allenai/dolma",
        f"{HUB}/datasets/HuggingFaceFW/fineweb",
    )
    assert "data_finetuning" not in found


def test_the_datasets_a_derivative_names_are_evidence_of_its_finetuning_data():
    found = read(datasets=("HuggingFaceH4/ultrachat_200k",), base_models=("org/base",))
    assert "data_pretraining" not in found
    assert found["data_finetuning"].evidence == (f"{HUB}/datasets/HuggingFaceH4/ultrachat_200k",)


def test_a_config_is_the_architecture_and_a_readme_the_model_card():
    found = read()
    assert found["architecture"].evidence == (f"{HUB}/org/model/blob/main/config.json",)
    assert found["doc_model_card"].evidence == (f"{HUB}/org/model/blob/main/README.md",)
    assert not found["architecture"].binding


def test_every_other_component_is_left_unknown():
    assert set(read()) == {"weights_final", "architecture", "doc_model_card"}


def test_an_other_licence_is_matched_by_the_name_the_card_gives_it():
    assert licence_key("other", "gemma") == "gemma"
    assert licence_key("apache-2.0", "") == "apache-2.0"
    assert licence_key("", "") is None


@pytest.mark.parametrize(
    ("pipeline_tag", "tags", "modality"),
    [("text-generation", (), "text"), ("text-generation", ("code",), "code"),
     ("image-text-to-text", (), "vision-language"), ("any-to-any", (), "multimodal"),
     ("automatic-speech-recognition", (), "audio"), ("text-to-image", (), "image"),
     ("text-to-video", (), "video"), ("robotics", (), "robotics"),
     (None, ("robotics", "lerobot"), "robotics"), (None, (), "other"),
     ("some-new-task", (), "other")],
)  # fmt: skip
def test_the_modality_is_read_from_the_pipeline_tag(pipeline_tag, tags, modality):
    assert modality_from_pipeline_tag(pipeline_tag, tags) == modality


def test_a_parsed_payload_carries_its_modality_weights_and_parameters():
    info = parse_model_info(load_payload("microsoft__Phi-3-mini-4k-instruct.model_info.trimmed.json")
                            | {"id": "microsoft/Phi-3-mini-4k-instruct", "pipeline_tag": "text-generation"})  # fmt: skip
    assert info.modality == "text"
    assert info.total_parameters == 3821079552
    assert info.weight_formats == ("safetensors",)


def test_sizes_and_lfs_pointers_from_blobs_let_an_unlisted_format_count():
    payload = model_payload(
        "google/gemma-3n-E4B-it-litert-preview",
        siblings=[
            {"rfilename": "README.md", "size": 5000, "blobId": "a" * 40},
            {"rfilename": "gemma.newformat", "size": 3_000_000_000, "blobId": "b" * 40,
             "lfs": {"sha256": "c" * 64, "size": 3_000_000_000, "pointerSize": 135}},
        ],
    )  # fmt: skip
    info = parse_model_info(payload)
    assert info.weight_files == ("gemma.newformat",)
    assert info.files == ("README.md", "gemma.newformat")
