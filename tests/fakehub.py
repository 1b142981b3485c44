"""A fake Hugging Face Hub and GitHub REST API on 127.0.0.1, for tests that make real HTTP calls.

    with FakeHub() as hub:
        hub.add_model(load_payload("deepset__roberta-base-squad2.model_info.json"))
        hub.queue("/api/models/deepset/roberta-base-squad2", Reply.rate_limited(reset_in=55))
        ...  # call the adapter with endpoint=hub.url, allowed_hosts=[hub.host]
        assert len(hub.requests_to("/api/models/deepset/roberta-base-squad2")) == 1

It serves, in the shapes of the recorded payloads in tests/fixtures/hub/:
- GET /api/models/{repo_id} and /api/models/{repo_id}/revision/{revision}: the payload registered
  with add_model (gated repos included: their metadata needs no token);
- GET /api/models/{repo_id}/refs: branches and tags registered with add_refs (else only main);
- GET /api/models?author={org}: a paginated listing with an absolute `Link: <...>; rel="next"`;
- GET /repos/{owner}/{repo}: GitHub repositories registered with add_github_repo;
- GET /repos/{owner}/{repo}/commits/{branch} and /repos/{owner}/{repo}/tarball/{sha}: a repository
  snapshot registered with add_github_snapshot, the archive behind a 302 to /codeload/..., as
  GitHub redirects to codeload.github.com;
- a 307 from an old repo id to its new one (add_rename), like the Hub after a rename;
- 404 with `X-Error-Code: RepoNotFound` or `RevisionNotFound` for unknown repos and revisions.

`queue(path, *replies)` scripts the next answers for one path (429, 5xx, truncated JSON, slow
answers...); once they are used up the path answers normally again. Every request is recorded.
"""

import base64
import hashlib
import io
import json
import tarfile
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "hub"
JSON = "application/json; charset=utf-8"
LISTING_FIELDS = (
    "_id", "id", "likes", "private", "downloads", "tags", "pipeline_tag", "library_name",
    "createdAt", "modelId",
)  # fmt: skip


def load_payload(name):
    """A recorded payload from tests/fixtures/hub/, as a fresh dict or list."""
    return json.loads((FIXTURES / name).read_text())


def model_payload(repo_id, **fields):
    """A minimal model-info payload in the Hub's shape, for repos no recording covers."""
    payload = {
        "_id": hashlib.sha1(repo_id.encode()).hexdigest()[:24],
        "id": repo_id,
        "modelId": repo_id,
        "author": repo_id.partition("/")[0],
        "sha": hashlib.sha1(f"{repo_id}@main".encode()).hexdigest(),
        "lastModified": "2024-05-01T12:00:00.000Z",
        "createdAt": "2024-04-01T12:00:00.000Z",
        "private": False,
        "gated": False,
        "disabled": False,
        "downloads": 0,
        "likes": 0,
        "tags": [],
        "cardData": {},
        "siblings": [{"rfilename": ".gitattributes"}, {"rfilename": "README.md"}],
    }
    payload.update(fields)
    return payload


@dataclass
class Reply:
    """One scripted answer. With `body=None` the path answers as it normally would."""

    status: int = 200
    headers: dict = field(default_factory=dict)
    body: bytes | None = None
    delay: float = 0  # seconds to wait before answering
    truncate: bool = False  # serve the first half of the normal body, with a matching length
    disconnect: bool = False  # announce the whole normal body, send half of it, hang up

    @classmethod
    def rate_limited(cls, reset_in=55):
        """429 with the Hub's `RateLimit` header: no calls left, quota resets in `reset_in`s."""
        return cls(
            429,
            {
                "RateLimit": f'"api";r=0;t={reset_in}',
                "RateLimit-Policy": '"fixed window";"api";q=500;w=300',
                "Content-Type": JSON,
            },
            json.dumps({"error": "Too many requests"}).encode(),
        )

    @classmethod
    def retry_after(cls, seconds, status=429):
        """`status` (429 or 503) with a `Retry-After: seconds` header."""
        return cls(status, {"Retry-After": str(seconds)}, b"Too Many Requests")

    @classmethod
    def server_error(cls, status=500):
        return cls(status, {"Content-Type": JSON}, json.dumps({"error": "Internal Error"}).encode())

    @classmethod
    def repo_not_found(cls):
        return cls(
            404,
            {
                "X-Error-Code": "RepoNotFound",
                "X-Error-Message": "Repository not found",
                "Content-Type": JSON,
            },
            json.dumps({"error": "Repository not found"}).encode(),
        )

    @classmethod
    def gated_repo(cls, status=401):
        message = (
            "Access to this model is restricted. You must have access to it and be authenticated."
        )
        return cls(
            status,
            {"X-Error-Code": "GatedRepo", "X-Error-Message": message, "Content-Type": JSON},
            json.dumps({"error": message}).encode(),
        )

    @classmethod
    def truncated_json(cls):
        return cls(truncate=True)

    @classmethod
    def malformed_json(cls):
        return cls(200, {"Content-Type": JSON}, b'{"id": "broken", "tags": [,]}')

    @classmethod
    def html(cls):
        """200 with an HTML page, as a captive portal or a misconfigured proxy would answer."""
        return cls(200, {"Content-Type": "text/html"}, b"<html><body>Sign in</body></html>")

    @classmethod
    def slow(cls, seconds):
        return cls(delay=seconds)

    @classmethod
    def hang_up(cls):
        return cls(disconnect=True)

    @classmethod
    def github_rate_limited(cls, reset_at, status=403):
        """GitHub's primary rate limit: no calls left until the epoch second `reset_at`."""
        return cls(
            status,
            {
                "x-ratelimit-limit": "60",
                "x-ratelimit-remaining": "0",
                "x-ratelimit-used": "60",
                "x-ratelimit-reset": str(reset_at),
                "x-ratelimit-resource": "core",
                "Content-Type": JSON,
            },
            json.dumps(
                {
                    "message": "API rate limit exceeded for 127.0.0.1.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                }
            ).encode(),
        )


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # as sent, without the query string
    query: dict  # name -> list of values
    headers: dict  # lower-case names
    at: float = field(default_factory=time.monotonic)  # when it arrived


class FakeHub:
    """The fake server. Use as a context manager, or call start() and stop()."""

    host = "127.0.0.1"

    def __init__(self, page_size=2, synthetic=0):
        self.page_size = page_size
        self.synthetic = synthetic  # how many synthetic repos it serves besides added ones
        self.models = {}
        self.refs = {}
        self.renames = {}
        self.github_repos = {}
        self.github_snapshots = {}
        self.requests = []
        self._queued = defaultdict(deque)
        self._lock = threading.Lock()
        handler = type("FakeHubHandler", (_Handler,), {"hub": self})
        self._server = ThreadingHTTPServer((self.host, 0), handler)
        # A short poll interval keeps stop() quick: shutdown() waits for the next poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self):
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def add_model(self, payload, **fields):
        """Serve a model-info payload under its `id`; `fields` override its values."""
        payload = {**payload, **fields}
        self.models[payload["id"]] = payload
        return payload

    def add_refs(self, repo_id, branches, tags=()):
        """Serve /refs for `repo_id` with these branch and tag names (main is not implied)."""

        def ref(kind, name):
            commit = hashlib.sha1(f"{repo_id}@{name}".encode()).hexdigest()
            return {"name": name, "ref": f"refs/{kind}/{name}", "targetCommit": commit}

        self.refs[repo_id] = {
            "branches": [ref("heads", name) for name in branches],
            "converts": [],
            "tags": [ref("tags", name) for name in tags],
        }

    def add_rename(self, old_id, new_id):
        """Answer requests for `old_id` with a 307 to `new_id`, as the Hub does after a rename."""
        self.renames[old_id] = new_id

    def add_github_repo(self, payload, **fields):
        payload = {**payload, **fields}
        self.github_repos[payload["full_name"].lower()] = payload
        return payload

    def add_github_snapshot(self, full_name, branch, sha, date, files):
        """Serve `files` ({path: bytes or str}) as `branch` of `full_name` at commit `sha`."""
        top = f"{full_name.replace('/', '-')}-{sha[:7]}"
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for path, content in files.items():
                data = content.encode() if isinstance(content, str) else content
                info = tarfile.TarInfo(f"{top}/{path}")
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        self.github_snapshots[full_name.lower()] = {
            "branch": branch, "sha": sha, "date": date, "archive": buffer.getvalue(),
        }  # fmt: skip

    def queue(self, path, *replies):
        """Answer the next requests to `path` with `replies`, in order, then normally again."""
        with self._lock:
            self._queued[path].extend(replies)

    def requests_to(self, path):
        """The recorded requests to one path (query strings ignored)."""
        return [request for request in self.requests if request.path == path]

    def _record(self, request):
        with self._lock:
            self.requests.append(request)
            queued = self._queued.get(request.path)
            return queued.popleft() if queued else None

    def _route(self, path, query):
        """(status, headers, body) of the normal answer to a GET."""
        if path == "/api/models":
            return self._listing(query)
        if path.startswith("/api/models/"):
            return self._model_api(path.removeprefix("/api/models/"))
        if path.startswith("/codeload/"):
            return self._codeload(path.removeprefix("/codeload/"))
        if path.startswith("/repos/") and path.count("/") >= 5:
            return self._github_snapshot(path.removeprefix("/repos/"))
        if path.startswith("/repos/"):
            return self._github_repo(path.removeprefix("/repos/"))
        return 404, {"Content-Type": "text/plain"}, b"Not Found"

    def _model_api(self, rest):
        repo_id, suffix = rest, ""
        if rest.endswith("/refs") and synthetic_index(rest.removesuffix("/refs")) is not None:
            index = synthetic_index(rest.removesuffix("/refs"))
            if index < self.synthetic:
                return _json(synthetic_refs(index), rate_limited=True)
        if rest.endswith("/refs"):
            repo_id, suffix = rest.removesuffix("/refs"), "/refs"
        elif "/revision/" in rest:
            repo_id, _, revision = rest.partition("/revision/")
            suffix = f"/revision/{revision}"
        if repo_id in self.renames:
            location = f"/api/models/{self.renames[repo_id]}{suffix}"
            headers = {"Location": location, "Content-Type": "text/plain; charset=utf-8"}
            return 307, headers, f"Temporary Redirect. Redirecting to {location}".encode()
        index = synthetic_index(repo_id)
        if repo_id not in self.models and index is not None and index < self.synthetic:
            return _json(synthetic_payload(index), rate_limited=True)
        if repo_id not in self.models:
            not_found = Reply.repo_not_found()
            return not_found.status, not_found.headers, not_found.body
        payload = self.models[repo_id]
        if suffix == "/refs":
            return _json(self.refs.get(repo_id) or _main_only(payload), rate_limited=True)
        if suffix:
            return self._revision(payload, unquote(suffix.removeprefix("/revision/")))
        return _json(payload, rate_limited=True)

    def _revision(self, payload, revision):
        branches = self.refs.get(payload["id"], {}).get("branches", [])
        commits = {branch["name"]: branch["targetCommit"] for branch in branches}
        commits.setdefault("main", payload.get("sha"))
        if revision in commits:
            return _json({**payload, "sha": commits[revision]}, rate_limited=True)
        if revision in commits.values():
            return _json({**payload, "sha": revision}, rate_limited=True)
        headers = {"X-Error-Code": "RevisionNotFound", "X-Error-Message": "Invalid rev id"}
        return 404, {**headers, "Content-Type": JSON}, b'{"error": "Invalid rev id"}'

    def _listing(self, query):
        """The listing: by author, sorted descending by `sort`, `expand[]` fields of each repo
        (else the Hub's default few), `limit` a page (at most page_size), a cursor to the next."""
        author = query.get("author", [""])[0]
        size = min(int(query.get("limit", [self.page_size])[0]), self.page_size)
        offset = int(base64.urlsafe_b64decode(query["cursor"][0])) if "cursor" in query else 0
        models = [m for m in self.models.values() if not author or m["id"].startswith(f"{author}/")]
        sort = query.get("sort", [""])[0]
        if sort:
            models.sort(key=lambda m: m.get(sort) or 0, reverse=True)
        total = len(models)
        page = models[offset : offset + size]
        if self.synthetic and not author:
            # Synthetic repos come after the added ones, already in descending download order.
            total += self.synthetic
            first = max(0, offset - len(models))
            page += [
                synthetic_payload(i)
                for i in range(first, min(self.synthetic, first + size - len(page)))
            ]
        fields = query.get("expand[]") or LISTING_FIELDS
        status, headers, body = _json(
            [{key: m[key] for key in ("_id", "id", *fields) if key in m} for m in page],
            rate_limited=True,
        )
        if offset + size < total:
            cursor = base64.urlsafe_b64encode(str(offset + size).encode()).decode()
            params = [(key, value) for key, values in query.items() if key != "cursor"
                      for value in values]  # fmt: skip
            next_url = f"{self.url}/api/models?{urlencode([*params, ('cursor', cursor)])}"
            headers["Link"] = f'<{next_url}>; rel="next"'
        return status, headers, body

    def _github_snapshot(self, rest):
        owner, name, kind, ref = rest.split("/", 3)
        snapshot = self.github_snapshots.get(f"{owner}/{name}".lower())
        if snapshot is None or ref not in (snapshot["branch"], snapshot["sha"]):
            body = {"message": "No commit found for SHA: " + ref, "status": "422"}
            return 422, {"Content-Type": JSON}, json.dumps(body).encode()
        if kind == "commits":
            committer = {"name": "curator", "date": snapshot["date"]}
            return _json({"sha": snapshot["sha"], "commit": {"committer": committer}})
        if kind == "tarball":
            location = f"{self.url}/codeload/{owner}/{name}/legacy.tar.gz/{snapshot['sha']}"
            return 302, {"Location": location}, b""
        return 404, {"Content-Type": "text/plain"}, b"Not Found"

    def _codeload(self, rest):
        owner, name, _kind, sha = rest.split("/", 3)
        snapshot = self.github_snapshots.get(f"{owner}/{name}".lower())
        if snapshot is None or snapshot["sha"] != sha:
            return 404, {"Content-Type": "text/plain"}, b"Not Found"
        return 200, {"Content-Type": "application/x-gzip"}, snapshot["archive"]

    def _github_repo(self, full_name):
        payload = self.github_repos.get(full_name.lower())
        if payload is None:
            body = {
                "message": "Not Found",
                "documentation_url": "https://docs.github.com/rest/repos/repos#get-a-repository",
                "status": "404",
            }
            return 404, {"Content-Type": JSON}, json.dumps(body).encode()
        return _json(payload)


def _json(data, rate_limited=False):
    body = json.dumps(data).encode()
    # The Hub answers with weak ETags and its quota on every API response.
    headers = {"Content-Type": JSON, "ETag": f'W/"{hashlib.sha1(body).hexdigest()[:27]}"'}
    if rate_limited:
        headers["RateLimit"] = '"api";r=499;t=300'
        headers["RateLimit-Policy"] = '"fixed window";"api";q=500;w=300'
    return 200, headers, body


def _main_only(payload):
    main = {"name": "main", "ref": "refs/heads/main", "targetCommit": payload.get("sha")}
    return {"branches": [main], "converts": [], "tags": []}


class _Handler(BaseHTTPRequestHandler):
    hub: FakeHub
    server_version = "fakehub"

    def do_GET(self):
        parts = urlsplit(self.path)
        request = RecordedRequest(
            method="GET",
            path=parts.path,
            query=parse_qs(parts.query),
            headers={name.lower(): value for name, value in self.headers.items()},
        )
        reply = self.hub._record(request) or Reply()
        if reply.delay:
            time.sleep(reply.delay)
        if reply.body is None:
            status, headers, body = self.hub._route(parts.path, request.query)
        else:
            status, headers, body = reply.status, reply.headers, reply.body
        if reply.truncate:
            body = body[: len(body) // 2]
        announced_length = len(body)
        if reply.disconnect:
            body = body[: len(body) // 2]
        self._send(status, headers, body, announced_length)

    def _send(self, status, headers, body, announced_length):
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(announced_length))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first, e.g. after its timeout

    def log_message(self, format, *args):
        pass


# --- Synthetic repos, for scale: the recorded payloads' shapes, made up deterministically ------

SYNTHETIC_ORGS = 997  # a prime, so that orgs and other cycles do not line up
SYNTHETIC_FORMATS = (
    ("model.safetensors",), ("model-Q4_K_M.gguf",), ("pytorch_model.bin",), ("model.onnx",),
    ("gemma-int4.litertlm",), ("model.tflite",), ("model.task",), ("policy.pte",),
    ("parakeet.nemo",), ("README.md",),
)  # fmt: skip
SYNTHETIC_LICENCES = ("apache-2.0", "mit", "llama3.1", "other", "cc-by-nc-4.0", None)
SYNTHETIC_PIPELINES = (
    "text-generation", "image-text-to-text", "automatic-speech-recognition", "text-to-image",
    "robotics", "feature-extraction", None,
)  # fmt: skip


def synthetic_repo_id(index):
    return f"synth-org-{index % SYNTHETIC_ORGS}/model-{index}"


def synthetic_index(repo_id):
    """The index of a synthetic repo id, or None for any other id."""
    org, _, name = repo_id.partition("/")
    if not org.startswith("synth-org-") or not name.startswith("model-"):
        return None
    number = name.removeprefix("model-")
    return int(number) if number.isdigit() else None


def synthetic_payload(index):
    """Repo number `index`: downloads fall with the index; every tenth is gated (auto or manual),
    every fourth a fine-tune of an earlier repo, every seventh has checkpoints; weights in many
    formats, cards with licences, datasets and parameter counts, as the recorded payloads have."""
    repo_id = synthetic_repo_id(index)
    licence = SYNTHETIC_LICENCES[index % len(SYNTHETIC_LICENCES)]
    card = {"license": licence} if licence else {}
    if licence == "other":
        card["license_name"] = "gemma"
    tags = [f"license:{licence}"] if licence else []
    if index % 4 == 3 and index > 4:
        base = synthetic_repo_id(index // 4)
        card["base_model"] = base
        tags.append(f"base_model:finetune:{base}")
    if index % 5 == 0:
        card["datasets"] = [f"synth-data/corpus-{index % 31}"]
    files = SYNTHETIC_FORMATS[index % len(SYNTHETIC_FORMATS)]
    payload = model_payload(
        repo_id,
        sha=hashlib.sha1(f"{repo_id}@main".encode()).hexdigest(),
        gated=("auto", "manual")[index // 10 % 2] if index % 10 == 0 else False,
        downloads=10_000 + 100_000_000 // (index + 1),
        likes=index % 1000,
        trendingScore=(index * 7919) % 1000,
        pipeline_tag=SYNTHETIC_PIPELINES[index % len(SYNTHETIC_PIPELINES)],
        library_name="transformers",
        cardData=card,
        tags=tags,
        siblings=[{"rfilename": ".gitattributes"}, {"rfilename": "README.md"},
                  {"rfilename": "config.json"}, *({"rfilename": f} for f in files)],
    )  # fmt: skip
    if files[0].endswith(".safetensors"):
        payload["safetensors"] = {"parameters": {"BF16": 1_000_000 * (index % 9000 + 1)},
                                  "total": 1_000_000 * (index % 9000 + 1)}  # fmt: skip
    return payload


def synthetic_refs(index):
    names = ["main"] + ([f"step{1000 * n}" for n in range(1, 4)] if index % 7 == 0 else [])
    return {
        "branches": [
            {"name": name, "ref": f"refs/heads/{name}",
             "targetCommit": hashlib.sha1(f"{index}@{name}".encode()).hexdigest()}
            for name in names
        ],
        "converts": [], "tags": [],
    }  # fmt: skip
