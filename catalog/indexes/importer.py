"""Importing what other indexes publish: the writes, in one transaction per index.

`import_index(source)` reads the index's upstream (OSI's list from its data file; EOSAI and the
MOT from their public repositories, at their newest commit), and writes only what changed:
- an upstream revision already imported writes nothing;
- an entry whose content is unchanged is left alone (its link and date stay those of the
  revision where it last changed);
- a malformed file is reported (logged, and kept as the importer's last error, shown in the
  admin and /health/) and its entry stays as imported before; the other files are imported;
- an entry gone from the upstream is removed, with its matches;
- matches are worked out again for changed entries; a curator's matches are always kept.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.data_version import bump_data_version
from catalog.hubs import HubError
from catalog.indexes import EOSAI, MOT, OSI, MalformedEntry, eosai, matching, mot, osi, upstream
from catalog.models import AIModel, IndexEntry, IndexImport, IndexMatch

logger = logging.getLogger(__name__)

SOURCES = (OSI, EOSAI, MOT)
PARSERS = {EOSAI: eosai, MOT: mot}


@dataclass
class ImportOutcome:
    source: str
    revision: str = ""
    unchanged: bool = False
    written: int = 0
    removed: int = 0
    errors: list = field(default_factory=list)

    def counts(self):
        return {
            "unchanged": self.unchanged,
            "written": self.written,
            "removed": self.removed,
            "errors": len(self.errors),
        }


def repository_of(source):
    return {EOSAI: settings.EOSAI_REPOSITORY, MOT: settings.MOT_REPOSITORY}[source]


def branch_of(source):
    return {EOSAI: settings.EOSAI_BRANCH, MOT: settings.MOT_BRANCH}[source]


def import_index(source):
    """Import one index; returns an ImportOutcome. Never raises for an upstream's failure."""
    state, _ = IndexImport.objects.get_or_create(source=source)
    try:
        outcome = _import_osi(state) if source == OSI else _import_repository(state, source)
    except (HubError, MalformedEntry) as error:
        outcome = ImportOutcome(source, errors=[str(error)])
        _record_error(state, outcome.errors)
    with transaction.atomic():
        apply_catalogue_matches(source)
    for problem in outcome.errors:
        logger.error(
            "index import %s: %s", source, problem,
            extra={"event": "index-import-error", "index": source},
        )  # fmt: skip
    return outcome


CATALOGUE_MATCHES_FILE = "index_matches.yaml"


def apply_catalogue_matches(source):
    """Add the curators' matches kept in catalog/data/index_matches.yaml; returns how many.

    Idempotent: a match already there is left alone, and one naming an entry or a model that is
    not (yet) there waits for the next import.
    """
    path = settings.CATALOG_DIR / CATALOGUE_MATCHES_FILE
    if not path.exists():
        return 0
    wanted = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(source) or {}
    added = 0
    for name, slugs in wanted.items():
        entry = IndexEntry.objects.filter(source=source, name=name).first()
        if entry is None:
            continue
        for model in AIModel.objects.filter(slug__in=slugs):
            _, created = IndexMatch.objects.update_or_create(
                entry=entry, model=model, defaults={"method": IndexMatch.Method.CURATOR}
            )
            added += created
    if added:
        bump_data_version()
    return added


def import_all():
    return {source: import_index(source) for source in SOURCES}


def _import_osi(state):
    revision, text = osi.read_data_file(settings.OSI_VALIDATION_FILE)
    if revision == state.revision:
        return ImportOutcome(OSI, revision, unchanged=True)
    observations = osi.parse(text)  # a malformed list is rejected whole: it is one file
    return _apply(state, OSI, revision, None, {o.key: o for o in observations}, [])


def _import_repository(state, source):
    parser = PARSERS[source]
    options = {
        "api_url": settings.INDEXES_GITHUB_API_URL,
        "allowed_hosts": settings.INDEXES_ALLOWED_HOSTS,
        "token": settings.GITHUB_TOKEN,
        "timeout": settings.INDEXES_TIMEOUT,
    }
    repository = repository_of(source)
    commit = upstream.head_commit(repository, branch_of(source), **options)
    if commit.sha == state.revision:
        return ImportOutcome(source, commit.sha, unchanged=True)
    files = upstream.files_at(
        repository, commit.sha, parser.is_entry_path,
        max_bytes=settings.INDEXES_MAX_ARCHIVE_BYTES, **options,
    )  # fmt: skip
    observations, errors = {}, []
    dated = commit.date.date() if commit.date else None
    for path, content in sorted(files.items()):
        try:
            text = content.decode("utf-8")
            observation = parser.parse_entry(
                path, text, repository=repository, commit=commit.sha, dated=dated
            )
        except UnicodeDecodeError:
            errors.append(f"{path}: not UTF-8 text")
            observations[path] = None
        except MalformedEntry as error:
            errors.append(str(error))
            observations[path] = None  # present upstream, unreadable: keep what we had
        else:
            observations[path] = observation
    return _apply(state, source, commit.sha, commit.date, observations, errors)


def content_hash(observation):
    """What an entry says, hashed: links and dates of the revision read are left out."""
    said = {
        "name": observation.name,
        "verdict": observation.verdict,
        "names": observation.names,
        "hf_repos": observation.hf_repos,
        "related_names": observation.related_names,
        "related_hf_repos": observation.related_hf_repos,
        "details": observation.details,
    }
    if observation.source == OSI:
        said.update(url=observation.url, dated=str(observation.dated))
    return hashlib.sha256(json.dumps(said, sort_keys=True, default=str).encode()).hexdigest()


def model_refs():
    return [
        matching.ModelRef(m["slug"], m["name"], m["family"], tuple(m["hf_repos"] or ()))
        for m in AIModel.objects.published().values("slug", "name", "family", "hf_repos")
    ]


def _apply(state, source, revision, revision_date, observations, errors):
    outcome = ImportOutcome(source, revision, errors=errors)
    now = timezone.now()
    with transaction.atomic():
        existing = {e.key: e for e in IndexEntry.objects.filter(source=source)}
        refs = None
        for key, observation in observations.items():
            if observation is None:
                continue
            digest = content_hash(observation)
            entry = existing.get(key)
            if entry is not None and entry.content_hash == digest:
                continue
            if refs is None:
                refs = model_refs()
            entry = entry or IndexEntry(source=source, key=key)
            entry.name = observation.name
            entry.verdict = observation.verdict
            entry.details = json.loads(json.dumps(observation.details, default=str))
            entry.hf_repos = list(observation.hf_repos)
            entry.dated = observation.dated
            entry.date_meaning = observation.date_meaning
            entry.url = observation.url
            entry.content_hash = digest
            entry.imported_at = now
            found = matching.match(observation, refs)
            entry.candidates = list(found.candidates)
            entry.save()
            _rematch(entry, found)
            outcome.written += 1
        gone = [key for key in existing if key not in observations]
        if gone:
            IndexEntry.objects.filter(source=source, key__in=gone).delete()
            outcome.removed = len(gone)
        state.revision = revision
        state.revision_date = revision_date
        state.imported_at = now
        state.last_error = "\n".join(errors)
        state.last_error_at = now if errors else None
        state.save()
        if outcome.written or outcome.removed:
            bump_data_version()
    return outcome


def _rematch(entry, found):
    """Automatic matches follow the entry's content; a curator's stay as they are."""
    entry.matches.exclude(method=IndexMatch.Method.CURATOR).delete()
    if not found.slugs:
        return
    curated = set(entry.matches.values_list("model__slug", flat=True))
    for model in AIModel.objects.filter(slug__in=found.slugs).exclude(slug__in=curated):
        IndexMatch.objects.create(entry=entry, model=model, method=found.method)


def _record_error(state, errors):
    state.last_error = "\n".join(errors)
    state.last_error_at = timezone.now()
    state.save(update_fields=["last_error", "last_error_at"])
