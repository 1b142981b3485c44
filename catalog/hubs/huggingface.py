"""The Hugging Face Hub adapter: a model's metadata and branches, as plain observations.

Calls go through huggingface_hub's own HTTP session, request headers and error classification
(`hf_raise_for_status`), to the same URLs `HfApi.model_info` and `HfApi.list_repo_refs` use. They
are made here rather than through those two methods because `ModelInfo` does not keep the JSON
we store for provenance, `list_repo_refs` takes no timeout, and the session would follow a
redirect to any host.

`parse_model_info` and `parse_refs` are pure functions over the JSON.
"""

import json
import re
from urllib.parse import quote, unquote, urlencode, urlsplit

from huggingface_hub.errors import (
    DisabledRepoError,
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import (
    build_hf_headers,
    get_session,
    hf_raise_for_status,
    validate_repo_id,
)

from catalog.hubs import (
    HfModelObservation,
    HfRefsObservation,
    MalformedPayload,
    PermanentHubError,
    RateLimited,
    TransientHubError,
    http_get,
    parse_timestamp,
    retry_after_from_headers,
    unique,
)

CLIENT_NAME = "openness-scorecard"

# Intermediate training checkpoints published as branches: Pythia `step143000`; OLMo
# `step1000-tokens4B`, `stage1-step928646-tokens3896B`, `stage2-ingredient1-step11931-tokens50B`.
CHECKPOINT_BRANCH = re.compile(
    r"^(?:stage(?P<stage>\d+)-)?(?:ingredient(?P<ingredient>\d+)-)?"
    r"step(?P<step>\d+)(?:-tokens\d+[KMBT]?)?$"
)
REFS_URL_PATH = re.compile(r"^/api/models/(?P<repo_id>.+)/refs$")


def fetch_model(repo_id, *, endpoint, allowed_hosts, token=None, revision=None, timeout=10):
    """Read one model repo from the Hub at `endpoint` and return an HfModelObservation.

    Follows a rename (307) to the canonical repo, whose id the observation carries. No token is
    sent unless one is given. Raises the errors of catalog.hubs.
    """
    _check_repo_id(repo_id)
    url = f"{endpoint.rstrip('/')}/api/models/{repo_id}"
    if revision is not None:
        url += f"/revision/{quote(revision, safe='')}"
    payload, _ = _get_json(url, allowed_hosts=allowed_hosts, token=token, timeout=timeout)
    return parse_model_info(payload)


def fetch_refs(repo_id, *, endpoint, allowed_hosts, token=None, timeout=10):
    """Read one model repo's branches and tags from the Hub and return an HfRefsObservation."""
    _check_repo_id(repo_id)
    url = f"{endpoint.rstrip('/')}/api/models/{repo_id}/refs"
    payload, final_url = _get_json(url, allowed_hosts=allowed_hosts, token=token, timeout=timeout)
    # After a rename the final URL names the canonical repo; the refs payload itself does not.
    match = REFS_URL_PATH.match(unquote(urlsplit(final_url).path))
    return parse_refs(payload, repo_id=match["repo_id"] if match else repo_id)


def list_author_models(author, *, endpoint, allowed_hosts, token=None, timeout=10, max_pages=20):
    """The model repos of one Hub account, following the listing's `Link: rel="next"` pages.

    Returns a list of (repo_id, created_at) pairs, newest listing order kept. Stops after
    `max_pages` pages, so one call is bounded however large the account.
    """
    url = f"{endpoint.rstrip('/')}/api/models?{urlencode({'author': author, 'limit': 100})}"
    found = []
    for _ in range(max_pages):
        headers = build_hf_headers(token=token or False, user_agent=CLIENT_NAME)
        response = http_get(
            get_session(), url, headers=headers, allowed_hosts=allowed_hosts, timeout=timeout
        )
        _raise_for_status(response)
        try:
            page = json.loads(response.content)
        except ValueError as error:
            raise MalformedPayload(f"{response.url} answered a listing that is not JSON") from error
        if not isinstance(page, list):
            raise MalformedPayload(f"{response.url} answered a listing that is not a list")
        for entry in page:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise MalformedPayload(f"{response.url} listed an entry without an id")
            created = parse_timestamp(entry.get("createdAt"), field_name="createdAt")
            found.append((entry["id"], created))
        next_link = response.links.get("next", {}).get("url")
        if not next_link:
            break
        url = next_link
    return found


def _check_repo_id(repo_id):
    try:
        validate_repo_id(repo_id)
    except HFValidationError as error:
        raise PermanentHubError(
            f"{repo_id!r} is not a Hub repo id", code="InvalidRepoId"
        ) from error


def _get_json(url, *, allowed_hosts, token, timeout):
    # token=False: never fall back on a token saved on this machine or in HF_TOKEN.
    headers = build_hf_headers(token=token or False, user_agent=CLIENT_NAME)
    try:
        response = http_get(
            get_session(), url, headers=headers, allowed_hosts=allowed_hosts, timeout=timeout
        )
    except OfflineModeIsEnabled as error:
        raise TransientHubError(f"{url}: huggingface_hub is in offline mode") from error
    _raise_for_status(response)
    try:
        payload = json.loads(response.content)
    except ValueError as error:
        raise MalformedPayload(
            f"{response.url} answered {len(response.content)} bytes that are not valid JSON"
        ) from error
    return payload, str(response.url)


def _raise_for_status(response):
    url, status = response.url, response.status_code
    try:
        hf_raise_for_status(response)
    except GatedRepoError as error:
        raise PermanentHubError(f"{url} is gated", status=status, code="GatedRepo") from error
    except RepositoryNotFoundError as error:
        raise PermanentHubError(
            f"{url}: no such repo, or private", status=status, code="RepoNotFound"
        ) from error
    except RevisionNotFoundError as error:
        raise PermanentHubError(
            f"{url}: no such revision", status=status, code="RevisionNotFound"
        ) from error
    except DisabledRepoError as error:
        raise PermanentHubError(f"{url} is disabled", status=status, code="Disabled") from error
    except HfHubHTTPError as error:
        retry_after = retry_after_from_headers(response.headers)
        if status == 429:
            raise RateLimited(
                f"{url}: rate limited", status=status, retry_after=retry_after
            ) from error
        if status == 408 or status >= 500:
            raise TransientHubError(
                f"{url} answered {status}", status=status, retry_after=retry_after
            ) from error
        # Over plain http a bare 401 (private or missing repo) lands here too.
        raise PermanentHubError(
            f"{url} answered {status}", status=status, code=response.headers.get("x-error-code")
        ) from error
    if not 200 <= status < 300:
        raise PermanentHubError(f"{url} answered {status}", status=status)


def parse_model_info(payload):
    """An HfModelObservation from the JSON of `GET /api/models/{repo_id}`.

    Fields the Hub generates (id, sha, dates, siblings, safetensors) must have their documented
    types or MalformedPayload is raised; card data is written by people, so odd values there are
    skipped rather than rejected.
    """
    if not isinstance(payload, dict):
        raise MalformedPayload(f"model info is a {type(payload).__name__}, not an object")
    repo_id = payload.get("id")
    if not isinstance(repo_id, str) or not repo_id:
        raise MalformedPayload("model info has no id")
    card = payload.get("cardData") if isinstance(payload.get("cardData"), dict) else {}
    tags = _strings(payload.get("tags"))
    base_models, base_model_relation = _base_models(card, tags)
    return HfModelObservation(
        repo_id=repo_id,
        sha=_optional(payload, "sha", str),
        last_modified=parse_timestamp(payload.get("lastModified"), field_name="lastModified"),
        created_at=parse_timestamp(payload.get("createdAt"), field_name="createdAt"),
        private=_optional(payload, "private", bool) or False,
        disabled=_optional(payload, "disabled", bool) or False,
        gated=_gated(payload.get("gated")),
        license=_license(card, tags),
        license_name=_first(card.get("license_name")),
        license_link=_first(card.get("license_link")),
        pipeline_tag=_optional(payload, "pipeline_tag", str),
        library_name=_optional(payload, "library_name", str),
        tags=tags,
        files=_files(payload.get("siblings")),
        total_parameters=_total_parameters(payload.get("safetensors")),
        base_models=base_models,
        base_model_relation=base_model_relation,
        datasets=unique([*_strings(card.get("datasets")), *_tag_values(tags, "dataset:")]),
        downloads=_optional(payload, "downloads", int),
        likes=_optional(payload, "likes", int),
        raw=payload,
    )


def parse_refs(payload, *, repo_id):
    """An HfRefsObservation from the JSON of `GET /api/models/{repo_id}/refs`."""
    if not isinstance(payload, dict) or not isinstance(payload.get("branches"), list):
        raise MalformedPayload(f"refs of {repo_id} have no list of branches")
    branches = _ref_names(payload["branches"], repo_id)
    checkpoints = sorted(filter(is_checkpoint_branch, branches), key=_training_order)
    return HfRefsObservation(
        repo_id=repo_id,
        branches=branches,
        checkpoint_branches=tuple(checkpoints),
        tags=_ref_names(payload.get("tags") or [], repo_id),
        raw=payload,
    )


def is_checkpoint_branch(name):
    """Whether a branch name is an intermediate training checkpoint (Pythia or OLMo style)."""
    return CHECKPOINT_BRANCH.match(name) is not None


def _training_order(name):
    match = CHECKPOINT_BRANCH.match(name)
    return (
        int(match["stage"] or 0),
        int(match["ingredient"] or 0),
        int(match["step"]),
        name,
    )


def _ref_names(refs, repo_id):
    names = []
    for ref in refs:
        if not isinstance(ref, dict) or not isinstance(ref.get("name"), str):
            raise MalformedPayload(f"refs of {repo_id} hold an entry without a name: {ref!r}")
        names.append(ref["name"])
    return tuple(names)


def _optional(payload, key, expected_type):
    value = payload.get(key)
    # bool is an int in Python; a count of True would be a malformed payload, not 1.
    wrong_bool = expected_type is int and isinstance(value, bool)
    if value is None or (isinstance(value, expected_type) and not wrong_bool):
        return value
    raise MalformedPayload(f"{key} should be {expected_type.__name__}, not {value!r}")


def _gated(value):
    if value is None or value is False:
        return False
    if value in ("auto", "manual"):
        return value
    raise MalformedPayload(f"gated should be false, 'auto' or 'manual', not {value!r}")


def _strings(value):
    """Card fields may hold a string or a list: the non-empty strings in either."""
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(item.strip() for item in values if isinstance(item, str) and item.strip())


def _first(value):
    strings = _strings(value)
    return strings[0] if strings else None


def _tag_values(tags, prefix):
    return [tag.removeprefix(prefix) for tag in tags if tag.startswith(prefix)]


def _license(card, tags):
    # A card may list several licences; the first is the one the Hub shows and tags.
    license_tag = _first(card.get("license")) or _first(_tag_values(tags, "license:"))
    return license_tag.lower() if license_tag else None


def _base_models(card, tags):
    """Base model ids from the card and from `base_model:[relation:]org/name` tags."""
    base_models = list(_strings(card.get("base_model")))
    relation = _first(card.get("base_model_relation"))
    for value in _tag_values(tags, "base_model:"):
        tag_relation, has_relation, base_model = value.partition(":")
        if has_relation:
            base_models.append(base_model)
            relation = relation or tag_relation
        else:
            base_models.append(value)
    return unique(base_models), relation


def _files(siblings):
    if siblings is None:  # old payloads say null rather than []
        return ()
    if not isinstance(siblings, list):
        raise MalformedPayload(f"siblings should be a list, not {siblings!r}")
    files = []
    for sibling in siblings:
        if not isinstance(sibling, dict) or not isinstance(sibling.get("rfilename"), str):
            raise MalformedPayload(f"a sibling has no rfilename: {sibling!r}")
        files.append(sibling["rfilename"])
    return tuple(files)


def _total_parameters(safetensors):
    if safetensors is None:
        return None
    if not isinstance(safetensors, dict):
        raise MalformedPayload(f"safetensors should be an object, not {safetensors!r}")
    return _optional(safetensors, "total", int)
