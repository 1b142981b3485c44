"""The Hugging Face adapter against the fake hub, over real HTTP through huggingface_hub's client."""

import socket

import httpx2
import pytest
from huggingface_hub import HfApi
from huggingface_hub.utils import get_session, set_client_factory
from huggingface_hub.utils._http import default_client_factory

from catalog.hubs import (
    HostNotAllowed,
    MalformedPayload,
    PermanentHubError,
    RateLimited,
    TransientHubError,
)
from catalog.hubs.huggingface import fetch_model, fetch_refs, list_author_models
from tests.fakehub import FIXTURES, FakeHub, Reply, load_payload, model_payload

ROBERTA_SQUAD = "deepset/roberta-base-squad2"
ROBERTA_SQUAD_PATH = f"/api/models/{ROBERTA_SQUAD}"


@pytest.fixture
def hub():
    with FakeHub() as hub:
        hub.add_model(load_payload("deepset__roberta-base-squad2.model_info.json"))
        yield hub


def fetch(hub, repo_id=ROBERTA_SQUAD, **options):
    return fetch_model(repo_id, endpoint=hub.url, allowed_hosts=[hub.host], **options)


def test_it_fetches_a_model(hub):
    observation = fetch(hub)

    assert observation.repo_id == ROBERTA_SQUAD
    assert observation.sha == "adc3b06f79f797d1c575d5479d6f5efe54a9e3b4"
    assert observation.license == "cc-by-4.0"
    assert observation.base_models == ("FacebookAI/roberta-base",)
    assert observation.raw["modelId"] == ROBERTA_SQUAD
    assert [request.path for request in hub.requests] == [ROBERTA_SQUAD_PATH]


def test_it_sends_no_token_unless_given_one(hub, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_from_the_environment")

    fetch(hub)
    fetch(hub, token="hf_configured")

    first, second = hub.requests_to(ROBERTA_SQUAD_PATH)
    assert "authorization" not in first.headers
    assert second.headers["authorization"] == "Bearer hf_configured"
    assert "openness-scorecard" in second.headers["user-agent"]


@pytest.mark.parametrize("gated", ["auto", "manual"])
def test_it_reads_a_gated_repo_without_a_token(hub, gated):
    hub.add_model(model_payload("meta-llama/Llama-3.1-8B", gated=gated))

    observation = fetch(hub, "meta-llama/Llama-3.1-8B")

    assert observation.gated == gated
    assert "authorization" not in hub.requests[-1].headers


def test_it_records_the_canonical_id_after_a_rename(hub):
    hub.add_model(load_payload("google-bert__bert-base-uncased.model_info.vcr2025-01.json"))
    hub.add_rename("bert-base-uncased", "google-bert/bert-base-uncased")

    observation = fetch(hub, "bert-base-uncased")

    assert observation.repo_id == "google-bert/bert-base-uncased"
    assert [request.path for request in hub.requests] == [
        "/api/models/bert-base-uncased",
        "/api/models/google-bert/bert-base-uncased",
    ]


def test_it_follows_a_rename_for_refs_too(hub):
    hub.add_model(model_payload("EleutherAI/pythia-70m"))
    hub.add_refs("EleutherAI/pythia-70m", ["main", "step1000"])
    hub.add_rename("pythia-70m", "EleutherAI/pythia-70m")

    refs = fetch_refs("pythia-70m", endpoint=hub.url, allowed_hosts=[hub.host])

    assert refs.repo_id == "EleutherAI/pythia-70m"
    assert refs.checkpoint_branches == ("step1000",)


def test_it_refuses_to_follow_a_redirect_to_a_host_off_the_list(hub):
    other_host = f"http://localhost:{hub.url.rsplit(':', 1)[1]}"
    hub.queue(
        ROBERTA_SQUAD_PATH,
        Reply(307, {"Location": f"{other_host}{ROBERTA_SQUAD_PATH}"}, b"Temporary Redirect"),
    )

    with pytest.raises(HostNotAllowed):
        fetch(hub, token="hf_configured")

    assert len(hub.requests) == 1


def test_it_does_not_send_the_token_to_another_host_after_a_redirect(hub):
    other_host = f"http://localhost:{hub.url.rsplit(':', 1)[1]}"
    hub.queue(
        ROBERTA_SQUAD_PATH,
        Reply(307, {"Location": f"{other_host}{ROBERTA_SQUAD_PATH}"}, b"Temporary Redirect"),
    )

    observation = fetch_model(
        ROBERTA_SQUAD,
        endpoint=hub.url,
        allowed_hosts=[hub.host, "localhost"],
        token="hf_configured",
    )

    assert observation.repo_id == ROBERTA_SQUAD
    first, second = hub.requests_to(ROBERTA_SQUAD_PATH)
    assert first.headers["authorization"] == "Bearer hf_configured"
    assert second.headers["host"].startswith("localhost:")
    assert "authorization" not in second.headers


def test_it_lists_pythia_checkpoint_branches(hub):
    branches = ["main", "step0", "step143000", "step1000", "step512"]
    hub.add_model(model_payload("EleutherAI/pythia-160m"))
    hub.add_refs("EleutherAI/pythia-160m", branches, tags=["v0"])

    refs = fetch_refs("EleutherAI/pythia-160m", endpoint=hub.url, allowed_hosts=[hub.host])

    assert refs.branches == tuple(branches)
    assert refs.checkpoint_branches == ("step0", "step512", "step1000", "step143000")
    assert refs.tags == ("v0",)
    assert refs.raw["branches"][0]["ref"] == "refs/heads/main"
    assert hub.requests[-1].path == "/api/models/EleutherAI/pythia-160m/refs"


def test_it_lists_olmo_checkpoint_branches(hub):
    hub.add_model(model_payload("allenai/OLMo-2-1124-7B"))
    hub.add_refs(
        "allenai/OLMo-2-1124-7B",
        [
            "main",
            "stage2-ingredient1-step11931-tokens50B",
            "stage1-step1000-tokens5B",
            "step1000-tokens4B",
        ],
    )

    refs = fetch_refs("allenai/OLMo-2-1124-7B", endpoint=hub.url, allowed_hosts=[hub.host])

    assert refs.checkpoint_branches == (
        "step1000-tokens4B",
        "stage1-step1000-tokens5B",
        "stage2-ingredient1-step11931-tokens50B",
    )


def test_it_fetches_a_model_at_a_branch(hub):
    hub.add_model(model_payload("EleutherAI/pythia-70m"))
    hub.add_refs("EleutherAI/pythia-70m", ["main", "step1000"])

    observation = fetch(hub, "EleutherAI/pythia-70m", revision="step1000")

    assert observation.sha == hub.refs["EleutherAI/pythia-70m"]["branches"][1]["targetCommit"]
    assert hub.requests[-1].path == "/api/models/EleutherAI/pythia-70m/revision/step1000"


def test_an_unknown_revision_is_permanent(hub):
    with pytest.raises(PermanentHubError) as raised:
        fetch(hub, revision="step999")

    assert raised.value.code == "RevisionNotFound"


def test_a_429_with_the_ratelimit_header_says_when_to_retry(hub):
    hub.queue(ROBERTA_SQUAD_PATH, Reply.rate_limited(reset_in=55))

    with pytest.raises(RateLimited) as raised:
        fetch(hub)

    assert raised.value.retry_after == 55
    assert raised.value.status == 429
    assert len(hub.requests) == 1  # huggingface_hub does not retry model info by itself


def test_a_429_with_retry_after_says_when_to_retry(hub):
    hub.queue(ROBERTA_SQUAD_PATH, Reply.retry_after(120))

    with pytest.raises(RateLimited) as raised:
        fetch(hub)

    assert raised.value.retry_after == 120


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_is_transient(hub, status):
    hub.queue(ROBERTA_SQUAD_PATH, Reply.server_error(status))

    with pytest.raises(TransientHubError) as raised:
        fetch(hub)

    assert not isinstance(raised.value, RateLimited)
    assert raised.value.status == status


def test_a_503_with_retry_after_carries_the_hint(hub):
    hub.queue(ROBERTA_SQUAD_PATH, Reply.retry_after(30, status=503))

    with pytest.raises(TransientHubError) as raised:
        fetch(hub)

    assert raised.value.retry_after == 30


def test_a_timeout_is_transient(hub):
    hub.queue(ROBERTA_SQUAD_PATH, Reply.slow(0.3))

    with pytest.raises(TransientHubError, match="did not answer"):
        fetch(hub, timeout=0.05)


def test_a_connection_cut_mid_answer_is_transient(hub):
    hub.queue(ROBERTA_SQUAD_PATH, Reply.hang_up())

    with pytest.raises(TransientHubError):
        fetch(hub)


def test_a_refused_connection_is_transient():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]

    with pytest.raises(TransientHubError):
        fetch_model(ROBERTA_SQUAD, endpoint=f"http://127.0.0.1:{port}", allowed_hosts=["127.0.0.1"])


def test_a_missing_repo_is_permanent(hub):
    with pytest.raises(PermanentHubError) as raised:
        fetch(hub, "deepset/no-such-model")

    assert not isinstance(raised.value, TransientHubError)
    assert (raised.value.status, raised.value.code) == (404, "RepoNotFound")


@pytest.mark.parametrize("status", [401, 403])
def test_a_gated_refusal_is_permanent(hub, status):
    hub.queue(ROBERTA_SQUAD_PATH, Reply.gated_repo(status))

    with pytest.raises(PermanentHubError) as raised:
        fetch(hub)

    assert (raised.value.status, raised.value.code) == (status, "GatedRepo")


def test_a_bare_401_is_permanent(hub):
    hub.queue(ROBERTA_SQUAD_PATH, Reply(401, {}, b"Invalid username or password."))

    with pytest.raises(PermanentHubError) as raised:
        fetch(hub)

    assert raised.value.status == 401


@pytest.mark.parametrize(
    "reply", [Reply.truncated_json(), Reply.malformed_json(), Reply.html()], ids=repr
)
def test_an_unreadable_body_is_a_malformed_payload(hub, reply):
    hub.queue(ROBERTA_SQUAD_PATH, reply)

    with pytest.raises(MalformedPayload):
        fetch(hub)


def test_a_body_without_an_id_is_a_malformed_payload(hub):
    hub.queue(ROBERTA_SQUAD_PATH, Reply(200, {}, b'{"sha": "adc3b06f"}'))

    with pytest.raises(MalformedPayload, match="no id"):
        fetch(hub)


def test_it_succeeds_once_the_scripted_failures_are_used_up(hub):
    hub.queue(ROBERTA_SQUAD_PATH, Reply.server_error(503), Reply.rate_limited())

    for expected in (TransientHubError, RateLimited):
        with pytest.raises(expected):
            fetch(hub)

    assert fetch(hub).repo_id == ROBERTA_SQUAD
    assert len(hub.requests_to(ROBERTA_SQUAD_PATH)) == 3


def test_it_never_contacts_a_host_off_the_list(hub):
    with pytest.raises(HostNotAllowed):
        fetch_model(ROBERTA_SQUAD, endpoint=hub.url, allowed_hosts=["huggingface.co"])
    with pytest.raises(HostNotAllowed):
        fetch_refs(ROBERTA_SQUAD, endpoint=hub.url, allowed_hosts=["huggingface.co"])

    assert hub.requests == []


@pytest.mark.parametrize("repo_id", ["../../etc/passwd", "a/b/c", ""])
def test_it_refuses_an_invalid_repo_id_before_any_request(hub, repo_id):
    with pytest.raises(PermanentHubError):
        fetch(hub, repo_id)

    assert hub.requests == []


def test_it_reads_through_hfapi(hub, monkeypatch):
    calls = []
    for name in ("model_info", "list_repo_refs"):
        method = getattr(HfApi, name)

        def spy(api, *args, _method=method, _name=name, **kwargs):
            calls.append((_name, api.endpoint, args))
            return _method(api, *args, **kwargs)

        monkeypatch.setattr(HfApi, name, spy)

    fetch(hub)
    fetch_refs(ROBERTA_SQUAD, endpoint=hub.url, allowed_hosts=[hub.host])

    assert calls == [
        ("model_info", hub.url, (ROBERTA_SQUAD,)),
        ("list_repo_refs", hub.url, (ROBERTA_SQUAD,)),
    ]


def test_a_slow_refs_answer_times_out_though_list_repo_refs_takes_no_timeout(hub):
    hub.queue(f"{ROBERTA_SQUAD_PATH}/refs", Reply.slow(0.3))

    with pytest.raises(TransientHubError, match="did not answer within 0.05s"):
        fetch_refs(ROBERTA_SQUAD, endpoint=hub.url, allowed_hosts=[hub.host], timeout=0.05)


def test_a_refs_redirect_to_a_host_off_the_list_is_not_followed(hub):
    other_host = f"http://localhost:{hub.url.rsplit(':', 1)[1]}"
    hub.queue(
        f"{ROBERTA_SQUAD_PATH}/refs",
        Reply(307, {"Location": f"{other_host}{ROBERTA_SQUAD_PATH}/refs"}, b"Temporary Redirect"),
    )

    with pytest.raises(HostNotAllowed):
        fetch_refs(ROBERTA_SQUAD, endpoint=hub.url, allowed_hosts=[hub.host])

    assert len(hub.requests) == 1


def test_endless_redirects_are_permanent(hub):
    loop = Reply(307, {"Location": ROBERTA_SQUAD_PATH}, b"Temporary Redirect")
    hub.queue(ROBERTA_SQUAD_PATH, *[loop] * 10)

    with pytest.raises(PermanentHubError) as raised:
        fetch(hub)

    assert raised.value.code == "TooManyRedirects"
    assert len(hub.requests) == 6  # the first request and five redirects


def test_the_guard_comes_back_if_the_client_factory_is_replaced(hub):
    set_client_factory(default_client_factory)  # as another library in the process might

    with pytest.raises(HostNotAllowed):
        fetch_model(ROBERTA_SQUAD, endpoint=hub.url, allowed_hosts=["huggingface.co"])

    assert hub.requests == []
    assert fetch(hub).repo_id == ROBERTA_SQUAD


def test_outside_the_adapter_the_session_is_huggingface_hubs_default(hub):
    # No allow-list applies to code that calls huggingface_hub itself, and no timeout is forced.
    get_session().get(f"{hub.url}{ROBERTA_SQUAD_PATH}").raise_for_status()

    assert [request.path for request in hub.requests] == [ROBERTA_SQUAD_PATH]


def test_an_answer_huggingface_hub_cannot_read_is_a_malformed_payload(hub):
    # Our parser reads `safetensors.total` alone; huggingface_hub requires `parameters` too.
    hub.add_model(model_payload("example/odd", safetensors={"total": 7}))

    with pytest.raises(MalformedPayload, match="huggingface_hub cannot read"):
        fetch(hub, "example/odd")


def test_it_lists_an_account_page_by_page(hub):
    for number in range(5):
        hub.add_model(model_payload(f"EleutherAI/pythia-{number}"))

    listed = list_author_models("EleutherAI", endpoint=hub.url, allowed_hosts=[hub.host])

    assert [repo_id for repo_id, _, _ in listed] == [f"EleutherAI/pythia-{n}" for n in range(5)]
    assert len(hub.requests_to("/api/models")) == 3


def test_a_rate_limited_listing_is_raised_not_slept_through(hub):
    hub.add_model(model_payload("EleutherAI/pythia-0"))
    hub.queue("/api/models", Reply.rate_limited(reset_in=55))

    with pytest.raises(RateLimited) as raised:
        list_author_models("EleutherAI", endpoint=hub.url, allowed_hosts=[hub.host])

    assert raised.value.retry_after == 55
    assert len(hub.requests_to("/api/models")) == 1


def test_huggingface_hub_reads_the_fake_model_info_and_refs(hub):
    hub.add_model(
        load_payload("Waynehillsdev__Waynehills-STT-doogie-server.model_info.legacy.json")
    )
    hub.add_refs("Waynehillsdev/Waynehills-STT-doogie-server", ["main", "step100"])
    api = HfApi(endpoint=hub.url, token=False)

    info = api.model_info("Waynehillsdev/Waynehills-STT-doogie-server")
    refs = api.list_repo_refs("Waynehillsdev/Waynehills-STT-doogie-server")

    assert info.id == "Waynehillsdev/Waynehills-STT-doogie-server"
    assert info.card_data.license == "apache-2.0"
    assert [branch.name for branch in refs.branches] == ["main", "step100"]


def test_the_fake_hub_paginates_listings_with_an_absolute_link(hub):
    for number in range(5):
        hub.add_model(model_payload(f"EleutherAI/pythia-{number}"))
    api = HfApi(endpoint=hub.url, token=False)

    models = list(api.list_models(author="EleutherAI"))

    assert [model.id for model in models] == [f"EleutherAI/pythia-{n}" for n in range(5)]
    listing_requests = hub.requests_to("/api/models")
    assert len(listing_requests) == 3
    assert listing_requests[-1].query["author"] == ["EleutherAI"]
    assert "cursor" in listing_requests[-1].query


def test_the_fake_rename_answers_like_the_recorded_one(hub):
    recorded = load_payload("bert-base-uncased.redirect_307.headers.json")
    recorded_body = (FIXTURES / "bert-base-uncased.redirect_307.body.txt").read_text().strip()
    hub.add_rename("bert-base-uncased", "google-bert/bert-base-uncased")

    response = httpx2.get(f"{hub.url}/api/models/bert-base-uncased", follow_redirects=False)

    assert response.status_code == recorded["status"]["code"] == 307
    assert response.headers["location"] == recorded["headers"]["Location"][0]
    assert response.text == recorded_body


def test_a_timeout_names_the_hub_url_that_did_not_answer(hub):
    hub.queue(ROBERTA_SQUAD_PATH, Reply.slow(0.3))

    with pytest.raises(TransientHubError) as raised:
        fetch(hub, timeout=0.05)

    assert str(raised.value).startswith(f"{hub.url}{ROBERTA_SQUAD_PATH}")
    assert "did not answer within 0.05s" in str(raised.value)


def test_a_refs_timeout_names_the_refs_url(hub):
    hub.queue(f"{ROBERTA_SQUAD_PATH}/refs", Reply.slow(0.3))

    with pytest.raises(TransientHubError) as raised:
        fetch_refs(ROBERTA_SQUAD, endpoint=hub.url, allowed_hosts=[hub.host], timeout=0.05)

    assert str(raised.value).startswith(f"{hub.url}{ROBERTA_SQUAD_PATH}/refs")
