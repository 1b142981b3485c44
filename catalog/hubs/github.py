"""The GitHub adapter: a code repository's licence and state, from `GET /repos/{owner}/{repo}`.

Uses httpx2 (the HTTP client huggingface_hub depends on) with an explicit timeout.
`parse_repo` is a pure function over the JSON.
"""

import json
import re
import time

import httpx2

from catalog.hubs import (
    GithubRepoObservation,
    MalformedPayload,
    PermanentHubError,
    RateLimited,
    TransientHubError,
    http_get,
    parse_retry_after,
    parse_timestamp,
)

API_VERSION = "2022-11-28"
USER_AGENT = "openness-scorecard"
FULL_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
# GitHub's answer when a licence file exists but matches no licence it knows.
UNRECOGNISED_LICENSE = "NOASSERTION"


def fetch_repo(full_name, *, base_url, allowed_hosts, token=None, timeout=10):
    """Read one repository from the GitHub REST API at `base_url`: a GithubRepoObservation.

    Raises PermanentHubError for 404 and other refusals, RateLimited when the quota is spent
    (with the seconds until it resets), TransientHubError for 5xx, timeouts and network errors.
    """
    if not FULL_NAME.match(full_name) or ".." in full_name:
        raise PermanentHubError(f"{full_name!r} is not owner/repo", code="InvalidRepoName")
    headers = {
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": API_VERSION,
        "User-Agent": USER_AGENT,
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    url = f"{base_url.rstrip('/')}/repos/{full_name}"
    with httpx2.Client() as client:
        response = http_get(
            client, url, headers=headers, allowed_hosts=allowed_hosts, timeout=timeout
        )
    raise_for_status(response)
    try:
        payload = json.loads(response.content)
    except ValueError as error:
        raise MalformedPayload(f"{response.url} answered a body that is not valid JSON") from error
    return parse_repo(payload)


def raise_for_status(response, *, now=None):
    """Raise the catalog.hubs error for a GitHub response that is not a success."""
    url, status, headers = response.url, response.status_code, response.headers
    if 200 <= status < 300:
        return
    # GitHub signals a spent quota with 403 or 429: the primary limit says remaining 0, the
    # secondary (abuse) limit sends Retry-After.
    rate_limited = headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers
    if status == 429 or (status == 403 and rate_limited):
        raise RateLimited(
            f"{url}: rate limited", status=status, retry_after=retry_after(headers, now=now)
        )
    if status == 408 or status >= 500:
        raise TransientHubError(
            f"{url} answered {status}", status=status, retry_after=retry_after(headers, now=now)
        )
    if status == 404:
        # GitHub answers 404 for a private repository too, so as not to reveal that it exists.
        raise PermanentHubError(
            f"{url} answered 404: {_message(response)}", status=status, code="RepoNotFound"
        )
    raise PermanentHubError(f"{url} answered {status}: {_message(response)}", status=status)


def retry_after(headers, *, now=None):
    """Seconds to wait, from `Retry-After` or else the `x-ratelimit-reset` epoch; None if neither."""
    headers = {key.lower(): value for key, value in headers.items()}
    now = time.time() if now is None else now
    seconds = parse_retry_after(headers.get("retry-after"), now=now)
    if seconds is not None:
        return seconds
    reset_at = headers.get("x-ratelimit-reset", "")
    if headers.get("x-ratelimit-remaining") == "0" and reset_at.isdigit():
        return max(0, int(reset_at) - int(now))
    return None


def _message(response):
    try:
        return json.loads(response.content)["message"]
    except (ValueError, KeyError, TypeError):
        return response.reason_phrase


def parse_repo(payload):
    """A GithubRepoObservation from the JSON of `GET /repos/{owner}/{repo}`."""
    if not isinstance(payload, dict):
        raise MalformedPayload(f"repository is a {type(payload).__name__}, not an object")
    full_name = payload.get("full_name")
    if not isinstance(full_name, str) or not FULL_NAME.match(full_name):
        raise MalformedPayload(f"repository has no full_name: {full_name!r}")
    license_info = payload.get("license")
    if license_info is not None and not isinstance(license_info, dict):
        raise MalformedPayload(f"{full_name}: license should be an object, not {license_info!r}")
    spdx_id = (license_info or {}).get("spdx_id")
    return GithubRepoObservation(
        full_name=full_name,
        license_spdx_id=spdx_id if spdx_id and spdx_id != UNRECOGNISED_LICENSE else None,
        archived=_flag(payload, "archived", full_name),
        private=_flag(payload, "private", full_name),
        default_branch=payload.get("default_branch"),
        pushed_at=parse_timestamp(payload.get("pushed_at"), field_name="pushed_at"),
        raw=payload,
    )


def _flag(payload, key, full_name):
    value = payload.get(key, False)
    if not isinstance(value, bool):
        raise MalformedPayload(f"{full_name}: {key} should be true or false, not {value!r}")
    return value
