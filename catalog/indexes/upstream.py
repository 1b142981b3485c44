"""Reading an index's public GitHub repository: its newest commit, then its files at that commit.

Two calls to the GitHub REST API at `api_url`, through the one HTTP choke point
(catalog.hubs.http_get, allow-listed hosts, explicit timeouts): `GET /repos/{repo}/commits/{branch}`
for the commit and its date, and, only when the commit is new, `GET /repos/{repo}/tarball/{sha}`,
which GitHub answers with a redirect to codeload.github.com (that host must be allowed too).
Errors are catalog.hubs errors: transient ones are worth a retry, permanent ones are not.
"""

import io
import json
import tarfile
from dataclasses import dataclass
from datetime import datetime

import httpx2

from catalog.hubs import MalformedPayload, PermanentHubError, http_get, parse_timestamp
from catalog.hubs.github import API_VERSION, USER_AGENT, raise_for_status

MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Commit:
    sha: str
    date: datetime | None


def _headers(token, accept="application/vnd.github+json"):
    headers = {"Accept": accept, "X-GitHub-Api-Version": API_VERSION, "User-Agent": USER_AGENT}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def head_commit(repository, branch, *, api_url, allowed_hosts, token=None, timeout=30):
    """The newest commit of `branch`: its sha and committer date."""
    url = f"{api_url.rstrip('/')}/repos/{repository}/commits/{branch}"
    with httpx2.Client() as client:
        response = http_get(
            client, url, headers=_headers(token), allowed_hosts=allowed_hosts, timeout=timeout
        )
    raise_for_status(response)
    try:
        payload = json.loads(response.content)
        sha = payload["sha"]
        date = payload["commit"]["committer"]["date"]
    except (ValueError, KeyError, TypeError) as error:
        raise MalformedPayload(f"{url} did not answer a commit with a sha and a date") from error
    if not isinstance(sha, str) or len(sha) != 40:
        raise MalformedPayload(f"{url} answered a sha that is not 40 hex digits: {sha!r}")
    return Commit(sha, parse_timestamp(date, field_name="commit.committer.date"))


def files_at(repository, sha, wanted, *, api_url, allowed_hosts, token=None, timeout=60,
             max_bytes=100_000_000):  # fmt: skip
    """{path: bytes} of the files at commit `sha` whose repository path `wanted(path)` accepts."""
    url = f"{api_url.rstrip('/')}/repos/{repository}/tarball/{sha}"
    with httpx2.Client() as client:
        response = http_get(
            client, url, headers=_headers(token), allowed_hosts=allowed_hosts, timeout=timeout
        )
    raise_for_status(response)
    if len(response.content) > max_bytes:
        raise PermanentHubError(f"{url}: the archive is larger than {max_bytes} bytes")
    return read_archive(response.content, wanted)


def read_archive(content, wanted):
    """{path: bytes} from a GitHub tarball (one top folder, `owner-repo-sha/`, around the tree)."""
    found = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
            for member in archive:
                if not member.isfile() or "/" not in member.name:
                    continue
                path = member.name.split("/", 1)[1]
                if not wanted(path):
                    continue
                if member.size > MAX_FILE_BYTES:
                    raise MalformedPayload(f"{path} is larger than {MAX_FILE_BYTES} bytes")
                found[path] = archive.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError) as error:
        raise MalformedPayload(f"the repository archive cannot be read: {error}") from error
    return found
