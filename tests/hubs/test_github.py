"""The GitHub adapter against the fake hub's `/repos/{owner}/{repo}`, over real HTTP."""

import time

import pytest

from catalog.hubs import (
    HostNotAllowed,
    MalformedPayload,
    PermanentHubError,
    RateLimited,
    TransientHubError,
)
from catalog.hubs.github import fetch_repo
from tests.fakehub import FakeHub, Reply, load_payload

PYGITHUB_PATH = "/repos/PyGithub/PyGithub"


@pytest.fixture
def hub():
    with FakeHub() as hub:
        hub.add_github_repo(load_payload("github__PyGithub__PyGithub.repos_get.json"))
        yield hub


def fetch(hub, full_name="PyGithub/PyGithub", **options):
    return fetch_repo(full_name, base_url=hub.url, allowed_hosts=[hub.host], **options)


def test_it_reads_the_licence_of_a_repository(hub):
    observation = fetch(hub)

    assert observation.full_name == "PyGithub/PyGithub"
    assert observation.license_spdx_id == "LGPL-3.0"
    assert observation.archived is False
    assert observation.raw["license"]["key"] == "lgpl-3.0"
    assert [request.path for request in hub.requests] == [PYGITHUB_PATH]


def test_it_asks_for_the_versioned_api_and_sends_the_token_only_when_given(hub):
    fetch(hub)
    fetch(hub, token="ghp_configured")

    first, second = hub.requests_to(PYGITHUB_PATH)
    assert first.headers["accept"] == "application/vnd.github+json"
    assert first.headers["x-github-api-version"] == "2022-11-28"
    assert "authorization" not in first.headers
    assert second.headers["authorization"] == "Bearer ghp_configured"


def test_an_unrecognised_licence_has_no_spdx_id(hub):
    payload = load_payload("github__PyGithub__PyGithub.repos_get.json")
    hub.add_github_repo(
        payload,
        full_name="org/custom-licence",
        license={"key": "other", "name": "Other", "spdx_id": "NOASSERTION", "url": None},
    )

    assert fetch(hub, "org/custom-licence").license_spdx_id is None


def test_it_reads_that_a_repository_is_archived(hub):
    payload = load_payload("github__PyGithub__PyGithub.repos_get.json")
    hub.add_github_repo(payload, full_name="org/old", archived=True)

    assert fetch(hub, "org/old").archived is True


def test_a_missing_repository_is_permanent(hub):
    with pytest.raises(PermanentHubError, match="Not Found") as raised:
        fetch(hub, "org/missing")

    assert (raised.value.status, raised.value.code) == (404, "RepoNotFound")
    assert not isinstance(raised.value, TransientHubError)


@pytest.mark.parametrize("status", [403, 429])
def test_a_spent_quota_says_when_it_resets(hub, status):
    hub.queue(PYGITHUB_PATH, Reply.github_rate_limited(int(time.time()) + 120, status=status))

    with pytest.raises(RateLimited) as raised:
        fetch(hub)

    assert 118 <= raised.value.retry_after <= 120
    assert raised.value.status == status


def test_a_secondary_rate_limit_says_when_to_retry(hub):
    hub.queue(PYGITHUB_PATH, Reply.retry_after(60, status=403))

    with pytest.raises(RateLimited) as raised:
        fetch(hub)

    assert raised.value.retry_after == 60


def test_a_403_with_calls_left_is_permanent(hub):
    body = b'{"message": "Repository access blocked"}'
    hub.queue(PYGITHUB_PATH, Reply(403, {"x-ratelimit-remaining": "42"}, body))

    with pytest.raises(PermanentHubError, match="access blocked") as raised:
        fetch(hub)

    assert not isinstance(raised.value, TransientHubError)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_is_transient(hub, status):
    hub.queue(PYGITHUB_PATH, Reply.server_error(status))

    with pytest.raises(TransientHubError) as raised:
        fetch(hub)

    assert raised.value.status == status


def test_a_timeout_is_transient(hub):
    hub.queue(PYGITHUB_PATH, Reply.slow(0.3))

    with pytest.raises(TransientHubError, match="did not answer"):
        fetch(hub, timeout=0.05)


@pytest.mark.parametrize("reply", [Reply.truncated_json(), Reply.malformed_json()], ids=repr)
def test_an_unreadable_body_is_a_malformed_payload(hub, reply):
    hub.queue(PYGITHUB_PATH, reply)

    with pytest.raises(MalformedPayload):
        fetch(hub)


def test_it_follows_a_renamed_repository(hub):
    hub.queue("/repos/PyGithub/old-name", Reply(301, {"Location": PYGITHUB_PATH}, b""))

    assert fetch(hub, "PyGithub/old-name", token="ghp_configured").full_name == "PyGithub/PyGithub"
    assert hub.requests[-1].headers["authorization"] == "Bearer ghp_configured"


def test_it_never_contacts_a_host_off_the_list(hub):
    with pytest.raises(HostNotAllowed):
        fetch_repo("PyGithub/PyGithub", base_url=hub.url, allowed_hosts=["api.github.com"])

    assert hub.requests == []


@pytest.mark.parametrize("full_name", ["PyGithub", "PyGithub/PyGithub/issues", "../etc"])
def test_it_refuses_a_name_that_is_not_owner_slash_repo(hub, full_name):
    with pytest.raises(PermanentHubError):
        fetch(hub, full_name)

    assert hub.requests == []
