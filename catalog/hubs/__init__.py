"""The seam between the catalogue and the hubs: typed errors, plain observations, one HTTP GET.

An adapter (huggingface.py, github.py) turns a hub's answer into one of the frozen observations
below or raises one of the errors below. Nothing here touches the database.

Errors say what the caller should do:
- TransientHubError (and RateLimited): retry later, after `retry_after` seconds when the hub said.
- PermanentHubError (and MalformedPayload, HostNotAllowed): record it; retrying will not help
  until something changes on the hub or in our configuration.
"""

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx2

MAX_REDIRECTS = 5
# The version of what the adapters and reading.py make of an answer. A hub record keeps a digest
# of the last answer applied, taken with this version: bump it when a change must reach records
# whose answers have not changed, and the next refresh of each compares its answer in full.
ADAPTER_VERSION = 1


class HubError(Exception):
    """A hub could not give a usable answer. `status` is the HTTP status, `code` the hub's reason."""

    def __init__(self, message, *, status=None, code=None):
        super().__init__(message)
        self.status = status
        self.code = code


class TransientHubError(HubError):
    """Worth retrying with backoff: 5xx, timeouts, connection errors.

    `retry_after` is the number of seconds the hub asked us to wait, or None when it did not say.
    """

    def __init__(self, message, *, status=None, code=None, retry_after=None):
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class RateLimited(TransientHubError):
    """The hub refused because we made too many calls; wait `retry_after` seconds (None: unknown)."""


class PermanentHubError(HubError):
    """Retrying will not help: the repo is missing or renamed away, gated without access, etc."""


class MalformedPayload(PermanentHubError):
    """The hub answered 200 with a body we cannot read: truncated or invalid JSON, missing fields."""


class HostNotAllowed(PermanentHubError):
    """A URL (an endpoint or a redirect) points at a host that is not on the allow-list."""


def check_host_allowed(url, allowed_hosts):
    """Raise HostNotAllowed unless `url` is http(s) on one of `allowed_hosts` (host names)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    allowed = {allowed_host.lower() for allowed_host in allowed_hosts}
    if parts.scheme not in ("http", "https") or host not in allowed:
        raise HostNotAllowed(f"{url} is not on an allowed hub host ({', '.join(sorted(allowed))})")


def http_get(client, url, *, headers, allowed_hosts, timeout, max_redirects=MAX_REDIRECTS):
    """GET `url` with an httpx2 client, following redirects only to allowed hosts.

    Returns the final response whatever its status; the caller classifies it. Raises HostNotAllowed
    before contacting a host off the list, and TransientHubError on timeouts and network errors.
    """
    headers = dict(headers)
    for _ in range(max_redirects + 1):
        check_host_allowed(url, allowed_hosts)
        try:
            response = client.get(url, headers=headers, timeout=timeout, follow_redirects=False)
        except httpx2.TimeoutException as error:
            raise TransientHubError(f"{url} did not answer within {timeout}s") from error
        except httpx2.DecodingError as error:
            raise MalformedPayload(f"{url} sent a body that cannot be decoded") from error
        except httpx2.RequestError as error:
            raise TransientHubError(f"{url} could not be reached: {error}") from error
        if not response.is_redirect:
            return response
        next_url = urljoin(str(response.url), response.headers["location"])
        if _origin(next_url) != _origin(url):
            # Credentials are for the host they were configured for, never for a redirect target.
            headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        url = next_url
    raise PermanentHubError(f"{url}: more than {max_redirects} redirects", code="TooManyRedirects")


def _origin(url):
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


# The IETF draft header the Hub sends, e.g. `"api";r=0;t=55`: r requests remain, reset in t seconds.
RATELIMIT_HEADER = re.compile(
    r'"[^"]*"\s*;\s*r\s*=\s*(?P<remaining>\d+)\s*;\s*t\s*=\s*(?P<reset>\d+)'
)


def retry_after_from_headers(headers, *, now=None):
    """Seconds to wait before calling again, from `RateLimit` (when exhausted) or `Retry-After`.

    `Retry-After` may be a number of seconds or an HTTP date. Returns None when neither says.
    """
    headers = {key.lower(): value for key, value in headers.items()}
    match = RATELIMIT_HEADER.search(headers.get("ratelimit", ""))
    if match and int(match["remaining"]) == 0:
        return int(match["reset"])
    return parse_retry_after(headers.get("retry-after"), now=now)


def parse_retry_after(value, *, now=None):
    """Seconds from a `Retry-After` value (delay-seconds or HTTP date), or None if unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    now = time.time() if now is None else now
    return max(0, round(moment.timestamp() - now))


@dataclass(frozen=True)
class HfModelObservation:
    """What the Hugging Face Hub says about one model repo, at one moment."""

    repo_id: str  # canonical, as the Hub returns it (after any rename)
    sha: str | None
    last_modified: datetime | None
    created_at: datetime | None
    private: bool
    disabled: bool
    gated: Literal[False, "auto", "manual"]
    license: str | None  # the Hub's licence tag, e.g. "apache-2.0", "llama3.1", "other"
    license_name: str | None  # for "other": the card's name for the licence
    license_link: str | None  # the card's link to the licence text
    pipeline_tag: str | None
    library_name: str | None
    tags: tuple[str, ...]
    files: tuple[str, ...]  # paths in the repo at `sha`
    weight_files: tuple[str, ...]  # those that are weights, in any format (hubs/weights.py)
    weight_formats: tuple[str, ...]  # their formats, e.g. ("safetensors", "GGUF")
    total_parameters: int | None  # from the safetensors metadata
    base_models: tuple[str, ...]
    base_model_relation: str | None  # finetune, adapter, quantized, merge
    datasets: tuple[str, ...]
    downloads: int | None  # in the Hub's reported window (the last 30 days)
    likes: int | None
    modality: str  # the catalogue's modality read from the pipeline tag ("other" if unknown)
    raw: Mapping = field(repr=False)  # the JSON as received, for provenance


@dataclass(frozen=True)
class HfRefsObservation:
    """The branches and tags of one model repo; intermediate checkpoints picked out."""

    repo_id: str
    branches: tuple[str, ...]
    checkpoint_branches: tuple[str, ...]  # in training order
    tags: tuple[str, ...]
    raw: Mapping = field(repr=False)


@dataclass(frozen=True)
class GithubRepoObservation:
    """What GitHub says about one code repository."""

    full_name: str
    license_spdx_id: str | None  # None when GitHub found no licence or could not recognise it
    archived: bool
    private: bool
    default_branch: str | None
    pushed_at: datetime | None
    raw: Mapping = field(repr=False)


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """The values in their first order, without repeats."""
    return tuple(dict.fromkeys(values))


def parse_timestamp(value, *, field_name):
    """An aware datetime from an ISO 8601 string such as `2024-02-19T11:06:12.000Z`, or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedPayload(f"{field_name} is not a timestamp: {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise MalformedPayload(f"{field_name} is not a timestamp: {value!r}") from error
    # Both hubs write UTC; a timestamp without an offset is read as UTC rather than local time.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
