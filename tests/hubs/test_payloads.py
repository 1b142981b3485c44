"""The pure parsers, on the recorded Hub and GitHub payloads in tests/fixtures/hub/."""

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from catalog.hubs import (
    HostNotAllowed,
    MalformedPayload,
    check_host_allowed,
    retry_after_from_headers,
)
from catalog.hubs.github import parse_repo
from catalog.hubs.github import retry_after as github_retry_after
from catalog.hubs.huggingface import is_checkpoint_branch, parse_model_info, parse_refs
from tests.fakehub import load_payload, model_payload

BERT = "google-bert__bert-base-uncased.model_info.vcr2025-01.json"
BERT_LATER = "google-bert__bert-base-uncased.model_info.aibomgen2025-12.json"
ROBERTA_SQUAD = "deepset__roberta-base-squad2.model_info.json"
STABLE_DIFFUSION = "stabilityai__stable-diffusion-2-1.model_info.json"
PARAPHRASE = "sentence-transformers__paraphrase-albert-small-v2.model_info.json"
LEGACY = "Waynehillsdev__Waynehills-STT-doogie-server.model_info.legacy.json"
BLOBS = "mcpotato__42-eicar-street.model_info.revision_8b3861f.blobs.json"
PHI3_TRIMMED = "microsoft__Phi-3-mini-4k-instruct.model_info.trimmed.json"
PYGITHUB = "github__PyGithub__PyGithub.repos_get.json"


@pytest.mark.parametrize(
    ("name", "license_tag", "files"),
    [
        (BERT, "apache-2.0", 16),
        (BERT_LATER, "apache-2.0", 16),
        (ROBERTA_SQUAD, "cc-by-4.0", 12),
        (STABLE_DIFFUSION, "openrail++", 28),
        (PARAPHRASE, "apache-2.0", 28),
        (LEGACY, "apache-2.0", 0),
        (BLOBS, None, 7),
    ],
)
def test_it_parses_every_recorded_model_info_payload(name, license_tag, files):
    payload = load_payload(name)

    observation = parse_model_info(payload)

    assert observation.repo_id == payload["id"]
    assert observation.license == license_tag
    assert len(observation.files) == files
    assert observation.raw == payload


def test_it_reads_the_canonical_id_the_sha_and_the_dates():
    observation = parse_model_info(load_payload(BERT))

    assert observation.repo_id == "google-bert/bert-base-uncased"
    assert observation.sha == "86b5e0934494bd15c9632b12f734a8a67f723594"
    assert observation.last_modified == datetime(2024, 2, 19, 11, 6, 12, tzinfo=UTC)
    assert observation.created_at == datetime(2022, 3, 2, 23, 29, 4, tzinfo=UTC)
    assert observation.private is False
    assert observation.disabled is False
    assert observation.gated is False
    assert observation.pipeline_tag == "fill-mask"
    assert observation.library_name == "transformers"
    assert (observation.downloads, observation.likes) == (72376843, 2065)


def test_it_takes_the_licence_from_the_card():
    observation = parse_model_info(load_payload(ROBERTA_SQUAD))

    assert observation.license == "cc-by-4.0"
    assert observation.license_name is None
    assert observation.license_link is None


def test_it_falls_back_on_the_licence_tag_when_the_card_names_none():
    payload = load_payload(STABLE_DIFFUSION)
    del payload["cardData"]

    assert parse_model_info(payload).license == "openrail++"


def test_it_prefers_the_card_licence_to_the_tag():
    payload = model_payload("org/model", tags=["license:mit"], cardData={"license": "Apache-2.0"})

    assert parse_model_info(payload).license == "apache-2.0"


def test_it_has_no_licence_when_neither_card_nor_tags_name_one():
    assert parse_model_info(load_payload(BLOBS)).license is None


def test_it_keeps_the_licence_name_and_link_of_an_other_licence():
    card = {
        "license": "other",
        "license_name": "llama3.1",
        "license_link": "https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/LICENSE",
    }
    payload = model_payload("meta-llama/Llama-3.1-8B", tags=["license:other"], cardData=card)

    observation = parse_model_info(payload)

    assert observation.license == "other"
    assert observation.license_name == "llama3.1"
    assert observation.license_link == card["license_link"]


def test_it_keeps_the_licence_link_of_a_known_licence():
    payload = {"id": "microsoft/Phi-3-mini-4k-instruct", **load_payload(PHI3_TRIMMED)}

    observation = parse_model_info(payload)

    assert observation.license == "mit"
    assert observation.license_link == (
        "https://huggingface.co/microsoft/Phi-3-mini-4k-instruct/resolve/main/LICENSE"
    )
    assert observation.total_parameters == 3821079552
    assert "model-00002-of-00002.safetensors" in observation.files


def test_it_rejects_a_payload_without_an_id():
    with pytest.raises(MalformedPayload, match="no id"):
        parse_model_info(load_payload(PHI3_TRIMMED))


def test_it_reads_the_base_model_and_its_relation_from_the_tags():
    observation = parse_model_info(load_payload(ROBERTA_SQUAD))

    assert observation.base_models == ("FacebookAI/roberta-base",)
    assert observation.base_model_relation == "finetune"


@pytest.mark.parametrize(
    "base_model", ["meta-llama/Llama-3.1-8B", ["meta-llama/Llama-3.1-8B"]], ids=["string", "list"]
)
def test_it_reads_the_base_model_from_the_card(base_model):
    payload = model_payload(
        "org/llama-finetune",
        cardData={"base_model": base_model},
        tags=["base_model:finetune:meta-llama/Llama-3.1-8B", "base_model:org/other-base"],
    )

    observation = parse_model_info(payload)

    assert observation.base_models == ("meta-llama/Llama-3.1-8B", "org/other-base")
    assert observation.base_model_relation == "finetune"


def test_it_has_no_base_model_for_a_model_trained_from_scratch():
    observation = parse_model_info(load_payload(BERT))

    assert observation.base_models == ()
    assert observation.base_model_relation is None


def test_it_reads_datasets_from_the_card_and_the_tags_without_repeats():
    observation = parse_model_info(load_payload(PARAPHRASE))

    assert observation.datasets[:3] == (
        "flax-sentence-embeddings/stackexchange_xml",
        "s2orc",
        "ms_marco",
    )
    assert len(observation.datasets) == len(set(observation.datasets)) == 13


def test_it_lists_the_files_of_the_repo():
    observation = parse_model_info(load_payload(STABLE_DIFFUSION))

    assert len(observation.files) == 28
    assert "v2-1_768-ema-pruned.safetensors" in observation.files
    assert "unet/diffusion_pytorch_model.fp16.safetensors" in observation.files


def test_it_reads_the_total_parameter_count_from_safetensors():
    assert parse_model_info(load_payload(ROBERTA_SQUAD)).total_parameters == 124057092


def test_it_has_no_parameter_count_without_safetensors_metadata():
    assert parse_model_info(load_payload(STABLE_DIFFUSION)).total_parameters is None


def test_it_reads_the_legacy_payload_with_a_malformed_model_index():
    observation = parse_model_info(load_payload(LEGACY))

    assert observation.repo_id == "Waynehillsdev/Waynehills-STT-doogie-server"
    assert observation.license == "apache-2.0"
    assert observation.sha is None
    assert observation.last_modified is None
    assert observation.created_at == datetime(2022, 3, 2, 23, 29, 4, tzinfo=UTC)
    assert observation.files == ()
    assert observation.gated is False
    assert observation.pipeline_tag == "automatic-speech-recognition"


def test_it_reads_file_names_from_a_listing_with_blobs():
    observation = parse_model_info(load_payload(BLOBS))

    assert observation.sha == "8b3861f6931c4026b0cd22b38dbc09e7668983ac"
    assert observation.files == (
        ".gitattributes", "build_pickles.py", "danger.dat", "eicar_test_file",
        "eicar_test_file_bis", "pytorch_model.bin", "supposedly_safe.pkl",
    )  # fmt: skip


@pytest.mark.parametrize("gated", ["auto", "manual"])
def test_it_reads_how_a_repo_is_gated(gated):
    assert parse_model_info(model_payload("org/gated", gated=gated)).gated == gated


@pytest.mark.parametrize(
    "fields",
    [
        {"gated": "sometimes"},
        {"sha": 12},
        {"downloads": "many"},
        {"likes": True},
        {"lastModified": "yesterday"},
        {"siblings": [{"name": "README.md"}]},
        {"safetensors": {"total": "1B"}},
    ],
    ids=["gated", "sha", "downloads", "likes", "lastModified", "siblings", "safetensors"],
)
def test_it_rejects_hub_fields_of_the_wrong_type(fields):
    with pytest.raises(MalformedPayload):
        parse_model_info(model_payload("org/model", **fields))


def test_it_skips_card_values_of_the_wrong_type():
    card = {"license": ["", 3], "datasets": {"name": "x"}, "base_model": None}
    payload = model_payload("org/model", cardData=card, tags=["license:mit"])

    observation = parse_model_info(payload)

    assert observation.license == "mit"
    assert observation.datasets == ()
    assert observation.base_models == ()


def test_it_rejects_a_payload_that_is_not_an_object():
    with pytest.raises(MalformedPayload):
        parse_model_info([load_payload(BERT)])


def refs_payload(*branches):
    return {
        "branches": [
            {"name": name, "ref": f"refs/heads/{name}", "targetCommit": "0" * 40}
            for name in branches
        ],
        "converts": [],
        "tags": [{"name": "v1.0", "ref": "refs/tags/v1.0", "targetCommit": "1" * 40}],
    }


def test_it_picks_the_pythia_step_branches_as_checkpoints_in_training_order():
    payload = refs_payload("step143000", "main", "step0", "step1000", "step512")

    observation = parse_refs(payload, repo_id="EleutherAI/pythia-70m")

    assert observation.branches == ("step143000", "main", "step0", "step1000", "step512")
    assert observation.checkpoint_branches == ("step0", "step512", "step1000", "step143000")
    assert observation.tags == ("v1.0",)


def test_it_picks_the_olmo_stage_and_token_branches_as_checkpoints():
    payload = refs_payload(
        "main",
        "stage2-ingredient2-step11931-tokens50B",
        "stage1-step928646-tokens3896B",
        "stage1-step1000-tokens5B",
        "stage2-ingredient1-step11931-tokens50B",
    )

    observation = parse_refs(payload, repo_id="allenai/OLMo-2-1124-7B")

    assert observation.checkpoint_branches == (
        "stage1-step1000-tokens5B",
        "stage1-step928646-tokens3896B",
        "stage2-ingredient1-step11931-tokens50B",
        "stage2-ingredient2-step11931-tokens50B",
    )


@pytest.mark.parametrize("name", ["step1000-tokens4B", "step0", "stage1-step0-tokens0B"])
def test_it_recognises_a_checkpoint_branch(name):
    assert is_checkpoint_branch(name)


@pytest.mark.parametrize(
    "name", ["main", "step-by-step", "steps100", "v1.0", "stage1", "dev-step1"]
)
def test_it_does_not_take_other_branches_for_checkpoints(name):
    assert not is_checkpoint_branch(name)


def test_it_rejects_refs_without_branches():
    with pytest.raises(MalformedPayload):
        parse_refs({"tags": []}, repo_id="org/model")


def test_it_reads_the_spdx_id_of_a_github_repository():
    observation = parse_repo(load_payload(PYGITHUB))

    assert observation.full_name == "PyGithub/PyGithub"
    assert observation.license_spdx_id == "LGPL-3.0"
    assert observation.archived is False
    assert observation.private is False
    assert observation.default_branch == "main"
    assert observation.pushed_at == datetime(2024, 12, 19, 12, 1, 11, tzinfo=UTC)


def test_it_has_no_spdx_id_when_github_does_not_recognise_the_licence():
    payload = load_payload(PYGITHUB)
    payload["license"] = {"key": "other", "name": "Other", "spdx_id": "NOASSERTION", "url": None}

    assert parse_repo(payload).license_spdx_id is None


def test_it_has_no_spdx_id_when_the_repository_has_no_licence():
    assert parse_repo({**load_payload(PYGITHUB), "license": None}).license_spdx_id is None


def test_it_reads_that_a_repository_is_archived():
    assert parse_repo({**load_payload(PYGITHUB), "archived": True}).archived is True


def test_it_rejects_a_github_payload_without_a_full_name():
    payload = load_payload(PYGITHUB)
    del payload["full_name"]

    with pytest.raises(MalformedPayload):
        parse_repo(payload)


def test_it_reads_the_reset_time_from_the_hub_ratelimit_header():
    headers = {
        "RateLimit": '"api";r=0;t=55',
        "RateLimit-Policy": '"fixed window";"api";q=500;w=300',
    }

    assert retry_after_from_headers(headers) == 55


def test_it_ignores_the_ratelimit_header_while_calls_remain():
    assert retry_after_from_headers({"RateLimit": '"api";r=12;t=55'}) is None


def test_it_reads_retry_after_in_seconds_or_as_a_date():
    now = datetime(2025, 1, 22, 18, 24, 33, tzinfo=UTC)
    in_two_minutes = format_datetime(datetime(2025, 1, 22, 18, 26, 33, tzinfo=UTC), usegmt=True)

    assert retry_after_from_headers({"Retry-After": "120"}) == 120
    assert retry_after_from_headers({"retry-after": in_two_minutes}, now=now.timestamp()) == 120
    assert retry_after_from_headers({"Retry-After": "soon"}) is None
    assert retry_after_from_headers({}) is None


def test_it_reads_the_github_reset_epoch():
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1737570393"}

    assert github_retry_after(headers, now=1737570273.4) == 120
    assert github_retry_after({**headers, "Retry-After": "30"}, now=1737570273.4) == 30
    assert github_retry_after({"x-ratelimit-remaining": "59"}, now=1737570273.4) is None


@pytest.mark.parametrize(
    "url", ["https://huggingface.co/api/models/x/y", "http://HuggingFace.co:8080/"]
)
def test_it_allows_a_listed_host(url):
    check_host_allowed(url, ["huggingface.co"])


@pytest.mark.parametrize(
    "url",
    [
        "https://huggingface.co.evil.example/api/models/x/y",
        "https://hf-mirror.example/api/models/x/y",
        "ftp://huggingface.co/x",
        "/api/models/x/y",
    ],
)
def test_it_refuses_a_host_off_the_list(url):
    with pytest.raises(HostNotAllowed):
        check_host_allowed(url, ["huggingface.co"])
