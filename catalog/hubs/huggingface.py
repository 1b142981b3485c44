"""The Hugging Face Hub adapter: a model's metadata and branches, as plain observations.

Model info and refs are read with `HfApi(endpoint=...).model_info` and `.list_repo_refs`. Every
request they make goes through huggingface_hub's shared session (`get_session`), which this
module builds (`set_client_factory`) as huggingface_hub's own client plus two event hooks that
act only inside `_guarded`: one checks each request and redirect against the host allow-list and
sets the timeout, the other keeps the responses, so the JSON as received is stored for
provenance. Outside `_guarded` the session behaves exactly as huggingface_hub's default.

`parse_model_info` and `parse_refs` are pure functions over the JSON.
"""

import json
import re
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode, urlsplit

import httpx2
from huggingface_hub import HfApi
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
    set_client_factory,
)
from huggingface_hub.utils._http import default_client_factory

from catalog.hubs import (
    MAX_REDIRECTS,
    RATELIMIT_HEADER,
    HfModelObservation,
    HfRefsObservation,
    MalformedPayload,
    PermanentHubError,
    RateLimited,
    TransientHubError,
    check_host_allowed,
    parse_timestamp,
    retry_after_from_headers,
    unique,
)
from catalog.hubs.weights import RepoFile, weight_files, weight_formats

CLIENT_NAME = "openness-scorecard"

# Intermediate training checkpoints published as branches: Pythia `step143000`; OLMo
# `step1000-tokens4B`, `stage1-step928646-tokens3896B`, `stage2-ingredient1-step11931-tokens50B`.
CHECKPOINT_BRANCH = re.compile(
    r"^(?:stage(?P<stage>\d+)-)?(?:ingredient(?P<ingredient>\d+)-)?"
    r"step(?P<step>\d+)(?:-tokens\d+[KMBT]?)?$"
)
REFS_URL_PATH = re.compile(r"^/api/models/(?P<repo_id>.+)/refs$")
# What huggingface_hub raises when it cannot build its objects from a 200 answer.
UNREADABLE_ANSWER = (ValueError, KeyError, TypeError, AttributeError)


def fetch_model(repo_id, *, endpoint, allowed_hosts, token=None, revision=None, timeout=10):
    """Read one model repo from the Hub at `endpoint` and return an HfModelObservation.

    Follows a rename (307) to the canonical repo, whose id the observation carries. No token is
    sent unless one is given. Raises the errors of catalog.hubs.
    """
    api = _hf_api(endpoint, token)
    with _guarded(allowed_hosts, timeout) as call:
        # blobs=true: file sizes and LFS pointers, to recognise weights in formats no list names.
        call.run(api.model_info, repo_id, revision=revision, timeout=timeout, files_metadata=True)
    return call.parsed(parse_model_info)


def fetch_refs(repo_id, *, endpoint, allowed_hosts, token=None, timeout=10):
    """Read one model repo's branches and tags from the Hub and return an HfRefsObservation."""
    api = _hf_api(endpoint, token)
    with _guarded(allowed_hosts, timeout) as call:
        call.run(api.list_repo_refs, repo_id)
    # After a rename the final URL names the canonical repo; the refs payload itself does not.
    match = REFS_URL_PATH.match(unquote(urlsplit(str(call.responses[-1].url)).path))
    canonical_id = match["repo_id"] if match else repo_id
    return call.parsed(lambda payload: parse_refs(payload, repo_id=canonical_id))


def list_author_models(author, *, endpoint, allowed_hosts, token=None, timeout=10, max_pages=20):
    """The model repos of one Hub account, following the listing's `Link: rel="next"` pages.

    Returns a list of (repo_id, created_at, licence tag or None) triples, the listing's order
    kept; the licence is the one the listing's tags show. Stops after `max_pages` pages, so one
    call is bounded however large the account.
    """
    # Not HfApi.list_models: its pager (http_backoff) sleeps in-process through 429s and 5xx,
    # holding a worker for the Hub's whole reset window; the pages are read here instead, through
    # the same guarded session, and a 429 is raised for the caller to retry later.
    url = f"{endpoint.rstrip('/')}/api/models?{urlencode({'author': author, 'limit': 100})}"
    headers = build_hf_headers(token=token or False, user_agent=CLIENT_NAME)
    found = []
    for _ in range(max_pages):
        with _guarded(allowed_hosts, timeout) as call:
            call.run(_get_checked, url, headers)
        page = call.json()
        if not isinstance(page, list):
            raise MalformedPayload(f"{url} answered a listing that is not a list")
        for entry in page:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise MalformedPayload(f"{url} listed an entry without an id")
            created = parse_timestamp(entry.get("createdAt"), field_name="createdAt")
            found.append((entry["id"], created, _license({}, _strings(entry.get("tags")))))
        url = call.responses[-1].links.get("next", {}).get("url")
        if not url:
            break
    return found


# What one listing call carries of each repository (the Hub's `expand[]`): everything a
# machine-read entry is made of, so that discovery needs no call per repository. File sizes are
# not among them (`blobs` is per repository): weights are recognised by name in a listing, and
# by name or size on the repository's own refresh.
LISTING_EXPAND = (
    "author", "cardData", "createdAt", "disabled", "downloads", "gated", "lastModified",
    "library_name", "likes", "pipeline_tag", "private", "safetensors", "sha", "siblings", "tags",
    "trendingScore",
)  # fmt: skip


@dataclass(frozen=True)
class ListingPage:
    """One page of the Hub's model listing: its entries read as observations, the next page's
    URL (None on the last), and the quota the Hub reported (remaining, reset seconds, or None)."""

    entries: tuple
    next_url: str | None
    rate_limit: tuple | None


def listing_url(endpoint, *, sort="downloads", limit=500, author=None):
    """The first page of the Hub's model listing, sorted descending, with LISTING_EXPAND."""
    params = [("sort", sort), ("direction", "-1"), ("limit", str(limit))]
    if author:
        params.append(("author", author))
    params += [("expand[]", name) for name in LISTING_EXPAND]
    return f"{endpoint.rstrip('/')}/api/models?{urlencode(params)}"


def list_models_page(url, *, allowed_hosts, token=None, timeout=10):
    """Read one page of the listing at `url` (listing_url, then each page's next_url).

    A 429 raises RateLimited with the Hub's reset time rather than waiting in-process.
    """
    headers = build_hf_headers(token=token or False, user_agent=CLIENT_NAME)
    with _guarded(allowed_hosts, timeout) as call:
        call.run(_get_checked, url, headers)
    page = call.json()
    if not isinstance(page, list):
        raise MalformedPayload(f"{url} answered a listing that is not a list")
    response = call.responses[-1]
    return ListingPage(
        entries=tuple(parse_model_info(entry) for entry in page),
        next_url=response.links.get("next", {}).get("url"),
        rate_limit=rate_limit_from_headers(response.headers),
    )


def rate_limit_from_headers(headers):
    """(remaining calls, seconds until the window resets) from the Hub's `RateLimit` header."""
    match = RATELIMIT_HEADER.search(headers.get("ratelimit", "") or "")
    return (int(match["remaining"]), int(match["reset"])) if match else None


def _get_checked(url, headers):
    hf_raise_for_status(get_session().get(url, headers=headers))


def _hf_api(endpoint, token):
    # token=False: never fall back on a token saved on this machine or in HF_TOKEN.
    return HfApi(endpoint=endpoint.rstrip("/"), token=token or False, user_agent=CLIENT_NAME)


@dataclass
class _HubCall:
    """One adapter call: the hosts and timeout its requests must respect, the answers it got."""

    allowed_hosts: tuple
    timeout: float
    responses: list = field(default_factory=list)
    requested: list = field(default_factory=list)  # the URL of every request, redirects too
    unreadable: Exception | None = None  # what huggingface_hub raised reading a received answer

    def run(self, method, *args, **kwargs):
        """Call a huggingface_hub function, turning whatever it raises into a catalog.hubs error."""
        try:
            method(*args, **kwargs)
        except HFValidationError as error:
            raise PermanentHubError(
                f"{args[0]!r} is not a Hub repo id", code="InvalidRepoId"
            ) from error
        except HfHubHTTPError as error:
            raise _classify(error) from error
        except OfflineModeIsEnabled as error:
            raise TransientHubError(f"{self._url()}: huggingface_hub is in offline mode") from error
        except httpx2.TimeoutException as error:
            raise TransientHubError(
                f"{self._url()} did not answer within {self.timeout}s"
            ) from error
        except httpx2.TooManyRedirects as error:
            raise PermanentHubError(
                f"{self._url()}: more than {MAX_REDIRECTS} redirects", code="TooManyRedirects"
            ) from error
        except httpx2.DecodingError as error:
            raise MalformedPayload(f"{self._url()} sent a body that cannot be decoded") from error
        except httpx2.RequestError as error:
            raise TransientHubError(f"{self._url()} could not be reached: {error}") from error
        except UNREADABLE_ANSWER as error:
            if not self.responses:
                raise
            self.unreadable = error

    def parsed(self, parse):
        """The final answer read by `parse`, or MalformedPayload when it or huggingface_hub cannot.

        `parse` runs first so that its more precise complaint is the one reported.
        """
        observation = parse(self.json())
        if self.unreadable is not None:
            raise MalformedPayload(
                f"{self._url()}: huggingface_hub cannot read the answer: {self.unreadable!r}"
            ) from self.unreadable
        return observation

    def json(self):
        """The final answer's body as JSON, as received."""
        response = self.responses[-1]
        try:
            payload = json.loads(response.content)
        except ValueError as error:
            raise MalformedPayload(
                f"{response.url} answered {len(response.content)} bytes that are not valid JSON"
            ) from error
        return payload

    def _url(self):
        # The request that failed is the last one made: it may have had no answer at all.
        return self.requested[-1] if self.requested else "the Hub"


_current_call: ContextVar[_HubCall | None] = ContextVar("hub_call", default=None)
_INSTALL_LOCK = threading.Lock()


@contextmanager
def _guarded(allowed_hosts, timeout):
    """Requests made through huggingface_hub's session in this block obey `allowed_hosts` and
    `timeout`, and their responses are kept on the yielded _HubCall."""
    _install_guarded_session()
    call = _HubCall(tuple(allowed_hosts), timeout)
    token = _current_call.set(call)
    try:
        yield call
    finally:
        _current_call.reset(token)


def _install_guarded_session():
    """Make huggingface_hub's shared session the guarded one: on first use, and again should
    anything else in the process have replaced the client factory since."""
    if _check_request in get_session().event_hooks["request"]:
        return
    with _INSTALL_LOCK:
        if _check_request not in get_session().event_hooks["request"]:
            set_client_factory(_guarded_client)


def _guarded_client():
    client = default_client_factory()
    hooks = client.event_hooks
    client.event_hooks = {
        "request": [_check_request, *hooks["request"]],
        "response": [*hooks["response"], _keep_response],
    }
    client.max_redirects = MAX_REDIRECTS
    return client


def _check_request(request):
    """Before every request and every redirect: the allow-list, then the timeout."""
    call = _current_call.get()
    if call is None:
        return
    call.requested.append(str(request.url))
    check_host_allowed(str(request.url), call.allowed_hosts)
    request.extensions["timeout"] = httpx2.Timeout(call.timeout).as_dict()


def _keep_response(response):
    call = _current_call.get()
    if call is not None:
        call.responses.append(response)
        if (seen := rate_limit_from_headers(response.headers)) is not None:
            global _last_rate_limit
            _last_rate_limit = seen


_last_rate_limit = None


def last_rate_limit():
    """(remaining calls, seconds to reset) the Hub last reported in this process, or None."""
    return _last_rate_limit


def _classify(error):
    """The catalog.hubs error for an HfHubHTTPError raised by `hf_raise_for_status`."""
    response = error.response
    url, status = response.url, response.status_code
    if isinstance(error, GatedRepoError):
        return PermanentHubError(f"{url} is gated", status=status, code="GatedRepo")
    if isinstance(error, RepositoryNotFoundError):
        return PermanentHubError(
            f"{url}: no such repo, or private", status=status, code="RepoNotFound"
        )
    if isinstance(error, RevisionNotFoundError):
        return PermanentHubError(f"{url}: no such revision", status=status, code="RevisionNotFound")
    if isinstance(error, DisabledRepoError):
        return PermanentHubError(f"{url} is disabled", status=status, code="Disabled")
    retry_after = retry_after_from_headers(response.headers)
    if status == 429:
        return RateLimited(f"{url}: rate limited", status=status, retry_after=retry_after)
    if status == 408 or status >= 500:
        return TransientHubError(f"{url} answered {status}", status=status, retry_after=retry_after)
    # Over plain http a bare 401 (private or missing repo) lands here too.
    return PermanentHubError(
        f"{url} answered {status}", status=status, code=response.headers.get("x-error-code")
    )


# What parse_model_info reads of a payload besides the counts the Hub keeps moving (downloads,
# likes, lastModified): two payloads alike in these read as the same repository. Keys it does not
# read (`spaces`, `inference`, `trendingScore`...) move without the repository changing.
FACT_KEYS = (
    "id", "sha", "createdAt", "private", "disabled", "gated", "cardData", "tags", "pipeline_tag",
    "library_name", "siblings", "safetensors",
)  # fmt: skip


def facts_of(payload):
    """The part of a model info payload (or None) that says what the repository is: FACT_KEYS."""
    payload = payload if isinstance(payload, dict) else {}
    return {key: payload.get(key) for key in FACT_KEYS}


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
    files = _files(payload.get("siblings"))
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
        files=tuple(file.path for file in files),
        weight_files=weight_files(files),
        weight_formats=weight_formats(files),
        total_parameters=_total_parameters(payload.get("safetensors")),
        base_models=base_models,
        base_model_relation=base_model_relation,
        datasets=unique([*_strings(card.get("datasets")), *_tag_values(tags, "dataset:")]),
        downloads=_optional(payload, "downloads", int),
        likes=_optional(payload, "likes", int),
        modality=modality_from_pipeline_tag(_optional(payload, "pipeline_tag", str), tags),
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
        lfs = sibling.get("lfs") if isinstance(sibling.get("lfs"), dict) else None
        size = (lfs or {}).get("size", sibling.get("size"))
        size = size if isinstance(size, int) and not isinstance(size, bool) else None
        files.append(RepoFile(sibling["rfilename"], size, lfs is not None))
    return tuple(files)


def _total_parameters(safetensors):
    if safetensors is None:
        return None
    if not isinstance(safetensors, dict):
        raise MalformedPayload(f"safetensors should be an object, not {safetensors!r}")
    return _optional(safetensors, "total", int)


# The Hub's pipeline tags (its task taxonomy) -> the catalogue's modalities. A tag not listed
# reads as "other": a curator says more, the machine does not guess.
PIPELINE_MODALITIES = {
    "text": (
        "text-generation text2text-generation fill-mask text-classification token-classification "
        "question-answering summarization translation sentence-similarity feature-extraction "
        "zero-shot-classification table-question-answering text-ranking conversational"
    ),
    "vision-language": (
        "image-text-to-text visual-question-answering document-question-answering "
        "image-to-text video-text-to-text zero-shot-image-classification"
    ),
    "multimodal": "any-to-any audio-text-to-text visual-document-retrieval",
    "audio": (
        "automatic-speech-recognition text-to-speech text-to-audio audio-classification "
        "audio-to-audio voice-activity-detection"
    ),
    "image": (
        "text-to-image image-to-image image-classification object-detection image-segmentation "
        "depth-estimation unconditional-image-generation image-feature-extraction mask-generation "
        "zero-shot-object-detection keypoint-detection image-to-3d text-to-3d"
    ),
    "video": "text-to-video image-to-video video-classification video-to-video",
    "robotics": "robotics reinforcement-learning",
}
MODALITY_OF_PIPELINE = {
    tag: modality for modality, tags in PIPELINE_MODALITIES.items() for tag in tags.split()
}
CODE_TAGS = frozenset({"code", "code-generation"})


def modality_from_pipeline_tag(pipeline_tag, tags=()):
    """The catalogue's modality for a Hub pipeline tag: `robotics` for a robotics repo, `text`
    for a text generator (`code` when its tags say it writes code), `other` when unknown."""
    modality = MODALITY_OF_PIPELINE.get(pipeline_tag or "", "other")
    if modality == "text" and CODE_TAGS & set(tags):
        return "code"
    if modality == "other" and "robotics" in tags:
        return "robotics"
    return modality


HUB_HOSTS = ("huggingface.co", "www.huggingface.co", "hf.co")
REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
# What a Hub URL may carry after the repo id: a page of the repo, not part of its name.
REPO_PAGES = ("tree", "blob", "resolve", "commit", "commits", "discussions", "raw", "edit")


def repo_id_from_text(text):
    """The Hub repo id a reader pasted: `org/name`, or a Hub URL of the repo or one of its pages
    (`https://huggingface.co/org/name/tree/main`); None when the text is neither."""
    text = text.strip()
    if "://" not in text and text.split("/", 1)[0].lower() in HUB_HOSTS:
        text = f"https://{text}"
    if "://" in text:
        parts = urlsplit(text)
        if (parts.hostname or "").lower() not in HUB_HOSTS:
            return None
        segments = [segment for segment in unquote(parts.path).split("/") if segment]
        if segments[:1] == ["models"]:
            segments = segments[1:]
        if len(segments) < 2 or segments[0] in ("datasets", "spaces"):
            return None
        if len(segments) > 2 and segments[2] not in REPO_PAGES:
            return None
        text = "/".join(segments[:2])
    return text if REPO_ID.match(text) else None
