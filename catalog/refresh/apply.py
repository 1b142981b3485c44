"""Applying a hub's answer to one model: refresh_model reads its repositories (outside any
transaction) and applies what changed in one transaction. The HubRecord keeps what was said,
hub-sourced and unverified assessments follow the hub, a curated assessment the hub disagrees with
gets a Discrepancy for a curator, and a repository the hub no longer serves is marked gone. What
did not change writes nothing but the fetch time."""

import datetime
import hashlib
import json
import logging
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from catalog import components, history, lineage, publishing
from catalog.data_version import bump_data_version
from catalog.hub_records import ensure_hub_records, observed_components
from catalog.hubs import (
    ADAPTER_VERSION,
    HubError,
    PermanentHubError,
    TransientHubError,
    huggingface,
    reading,
)
from catalog.models import AIModel, Assessment, Discrepancy, HubRecord, License
from catalog.refresh.discovery import DISCOVERY_ACTOR
from catalog.refresh.fetch import FETCHERS

# The refresh's log lines keep one logger name, whichever step writes them.
logger = logging.getLogger("catalog.refresh")

ACTOR = "hub-refresh"
BACKOFF_BASE = datetime.timedelta(minutes=15)
BACKOFF_MAX = datetime.timedelta(days=7)
# 15 minutes doubled 10 times is past the week: more doublings would only overflow.
BACKOFF_MAX_DOUBLINGS = 10
# Hub error codes meaning the repo is not there for us: deleted, private, or gated away.
GONE_CODES = ("RepoNotFound", "GatedRepo")


@dataclass
class Outcome:
    """What one model's refresh did."""

    unchanged: int = 0
    changed: int = 0
    errors: list = field(default_factory=list)  # (repo, message)
    transient: list = field(default_factory=list)  # TransientHubError, for the task to retry
    assessments_written: int = 0
    discrepancies_opened: int = 0


def refresh_model(model_id, *, now=None):
    """Refresh every hub record of one model. Safe to run twice; returns an Outcome."""
    now = now or timezone.now()
    # What fetching and the unchanged path need, in one light query; the model and the whole
    # records are read only to apply a change.
    records, named = _records_as_read(model_id)
    if named - {(record.hub, record.repo_id) for record in records}:
        ensure_hub_records(AIModel.objects.filter(pk=model_id))
        records, _ = _records_as_read(model_id)
    outcome = Outcome()
    answers = []
    for record in records:
        try:
            answer = FETCHERS[record.hub](record.repo_id)
        except HubError as error:
            answers.append((record, None, error))
            if isinstance(error, TransientHubError):
                outcome.transient.append(error)
            continue
        # Most refreshes find what the record already holds: that takes one UPDATE, without a
        # transaction or lock. Anything else is applied below.
        if _kept_current(record, answer, now=now):
            outcome.unchanged += 1
        else:
            answers.append((record, answer, None))
    if not answers:
        return outcome
    with transaction.atomic():
        model = AIModel.objects.get(pk=model_id)
        shown_facts_changed = False
        for record, answer, error in answers:
            record = HubRecord.objects.select_for_update().get(pk=record.pk)
            status_before, changed_before = record.status, outcome.changed
            if error is not None:
                _record_error(model, record, error, now=now, outcome=outcome)
                outcome.errors.append((record.repo_id, str(error)))
                logger.warning(
                    "refresh of %s %s (model %s) failed: %s", record.get_hub_display(),
                    record.repo_id, model.slug, record.last_error,
                    extra={"event": "refresh-error", "hub": record.hub, "repo": record.repo_id,
                           "model_slug": model.slug, "reason": record.last_error},
                )  # fmt: skip
            elif record.hub == HubRecord.Hub.HUGGINGFACE:
                _apply_huggingface(model, record, *answer, now=now, outcome=outcome)
            else:
                _apply_github(model, record, answer, now=now, outcome=outcome)
            shown_facts_changed |= (
                record.status != status_before or outcome.changed != changed_before
            )
        if shown_facts_changed:
            # Pages and the API show hub facts: their ETags and caches must move on.
            bump_data_version()
    return outcome


@dataclass(frozen=True)
class RecordAsRead:
    """What a refresh reads of a hub record before fetching: enough to fetch and to keep an
    unchanged record current."""

    pk: int
    hub: str
    repo_id: str
    status: str
    payload_digest: str


# The unchanged path runs for nearly every record on every refresh. Its two statements are
# written out: built by the ORM they took about 1.5 ms of CPU a model, three times all the rest
# of that path, which bench/refresh.py measures beside the fetching.
RECORDS_AS_READ = """
    SELECT m.hf_repos, m.github_repos, r.id, r.hub, r.repo_id, r.status, r.payload_digest
    FROM catalog_aimodel m LEFT JOIN catalog_hubrecord r ON r.model_id = m.id
    WHERE m.id = %s ORDER BY r.hub, r.repo_id
"""


def _records_as_read(model_id):
    """The model's hub records as RecordAsRead, and the (hub, repo_id) pairs the model names.
    Raises AIModel.DoesNotExist for a model that is not there."""
    with connection.cursor() as cursor:
        cursor.execute(RECORDS_AS_READ, [model_id])
        rows = cursor.fetchall()
    if not rows:
        raise AIModel.DoesNotExist(f"no model {model_id}")
    hf_repos, github_repos = json.loads(rows[0][0]), json.loads(rows[0][1])
    named = {(HubRecord.Hub.HUGGINGFACE, repo) for repo in hf_repos}
    named |= {(HubRecord.Hub.GITHUB, repo) for repo in github_repos}
    records = [RecordAsRead(*row[2:]) for row in rows if row[2] is not None]
    return records, named


def _kept_current(record, answer, *, now):
    """When `record` holds what the hub says (its digest is this answer's), move its fetch time
    and live counts on (one UPDATE) and return True; otherwise, or when the record moved since it
    was read (a concurrent refresh, a curator confirming it gone), return False for a full
    refresh."""
    if record.hub == HubRecord.Hub.HUGGINGFACE:
        info, refs = answer
        digest = _hf_digest(info, refs)
        live = {"downloads": info.downloads, "likes": info.likes,
                "last_modified": info.last_modified}  # fmt: skip
    else:
        digest, live = _github_digest(answer), {}
    if record.status != HubRecord.Status.OK or record.payload_digest != digest:
        return False
    # Every write of a record's facts writes its digest too, or its status: the record holds this
    # answer when both are still as read.
    return _keep_current_if_held(record.pk, digest, fetched_at=now, **live) == 1


def _keep_current_if_held(pk, digest, **columns):
    """Set these columns of hub record `pk` and clear its errors, if it is still OK and holds
    the answer whose digest is `digest`; return the number of rows written (0 or 1)."""
    assignments = "".join(f"{column} = %s, " for column in columns)
    values = [
        connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.datetime)
        else value
        for value in columns.values()
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE catalog_hubrecord SET {assignments}error_count = 0, last_error = '', "
            "next_attempt_at = NULL, missing_since = NULL "
            "WHERE id = %s AND status = %s AND payload_digest = %s",
            [*values, pk, HubRecord.Status.OK.value, digest],
        )
        return cursor.rowcount


def retry_countdown(
    retries, transient_errors, *, max_retries, base_seconds, uniform=random.uniform
):
    """Seconds before retrying a refresh that met `transient_errors`, or None not to retry.

    Exponential in the number of `retries` already made, with up to 50% jitter so that models
    failing together do not come back together, and never sooner than a hub asked.
    """
    if not transient_errors or retries >= max_retries:
        return None
    backoff = base_seconds * 2**retries * uniform(1.0, 1.5)
    asked = [error.retry_after for error in transient_errors if error.retry_after]
    return max([backoff, *asked])


def _record_error(model, record, error, *, now, outcome):
    record.error_count += 1
    code = f" ({error.code})" if error.code else ""
    record.last_error = f"{type(error).__name__}{code}: {error}"[:2000]
    delay = backoff(record.error_count, getattr(error, "retry_after", None))
    says_gone = isinstance(error, PermanentHubError) and error.code in GONE_CODES
    if says_gone and record.status != HubRecord.Status.GONE:
        # One answer is not enough: a Hub fault answers 401 too. Believe it when it still says
        # so some hours later (or when a curator confirms it: confirm_gone).
        record.missing_since = record.missing_since or now
        confirm_at = record.missing_since + datetime.timedelta(
            hours=settings.HUB_GONE_CONFIRM_AFTER_HOURS
        )
        if now >= confirm_at:
            _mark_gone(model, record, str(error), actor=ACTOR, outcome=outcome,
                       withdraw_weights=error.code == "RepoNotFound")  # fmt: skip
        else:
            record.status = HubRecord.Status.ERROR
            record.last_error = (
                f"{record.last_error} (not yet confirmed: asked again from {confirm_at:%Y-%m-%d %H:%M} UTC)"
            )[:2000]
            delay = max(delay, confirm_at - now)
    elif not says_gone:
        record.status = HubRecord.Status.ERROR
    record.next_attempt_at = now + delay * random.uniform(1.0, 1.25)
    record.fetched_at = now
    record.save()


def backoff(error_count, retry_after=None):
    """How long to wait after `error_count` failures in a row: 15 minutes doubling up to a week,
    however long the outage, and never sooner than a hub asked."""
    doublings = min(error_count - 1, BACKOFF_MAX_DOUBLINGS)
    delay = min(BACKOFF_BASE * 2**doublings, BACKOFF_MAX)
    if retry_after:
        delay = max(delay, datetime.timedelta(seconds=retry_after))
    return delay


def _mark_gone(model, record, why, *, actor, outcome, withdraw_weights):
    """Publish that a hub no longer serves a repository: filed, and the weights withdrawn when
    it was the model's primary Hub repo and answered before, unless it is gated (a gated repo
    still offers them, behind a form)."""
    message = f"{record.get_hub_display()} no longer serves {record.repo_id}: {why}"
    history.record_observation(
        model, _record_key(model, record), before={"status": record.status},
        after={"status": HubRecord.Status.GONE}, reason=message, actor=actor,
    )  # fmt: skip
    bump_data_version()
    answered_before = bool(record.sha)
    if withdraw_weights and answered_before:
        _weights_withdrawn(model, record, outcome, message)
    record.status = HubRecord.Status.GONE


def confirm_gone(record, *, actor):
    """A curator confirms what a hub said at once: the repository is gone (deleted or private)."""
    with transaction.atomic():
        record = HubRecord.objects.select_for_update().select_related("model").get(pk=record.pk)
        if record.status == HubRecord.Status.GONE:
            return record
        why = f"confirmed by {actor} ({record.last_error or 'no error recorded'})"
        gated = "(GatedRepo)" in record.last_error
        _mark_gone(record.model, record, why, actor=actor, outcome=Outcome(),
                   withdraw_weights=not gated)  # fmt: skip
        record.save()
        bump_data_version()
    return record


def _record_key(model, record):
    return f"{model.slug}/{record.hub}/{record.repo_id}"


def _fingerprint_hf(record):
    # Gone or not, rather than the status: recovering from a transient error is not a change.
    return (record.canonical_id, record.sha, record.gated, record.private, record.license_tag,
            record.license_name, tuple(record.checkpoint_branches),
            record.status == HubRecord.Status.GONE, tuple(record.weight_files))  # fmt: skip


# Counts the Hub keeps moving: kept current on every refresh, in the same one-row update as the
# fetch time, and never a change worth a history entry.
LIVE_COUNTS = ("downloads", "likes", "last_modified")


def _hf_facts(info, refs):
    """Everything a Hugging Face answer sets on its HubRecord, live counts and bookkeeping aside."""
    return {
        "canonical_id": info.repo_id,
        "sha": info.sha or "",
        "gated": info.gated or "",
        "private": info.private or info.disabled,
        "license_tag": info.license or "",
        "license_name": info.license_name or "",
        "license_link": info.license_link or "",
        "hub_created_at": info.created_at,
        "parameters": info.total_parameters,
        "base_models": list(info.base_models),
        "datasets": list(info.datasets),
        "files": list(info.files),
        "weight_files": list(info.weight_files),
        "weight_formats": list(info.weight_formats),
        "pipeline_tag": info.pipeline_tag or "",
        "checkpoint_branches": list(refs.checkpoint_branches),
    }


def _hf_digest(info, refs):
    """A digest of all that the adapter read of a Hugging Face answer, live counts aside: the
    facts it sets on the record, the payload's (huggingface.FACT_KEYS: the card, tags, files...)
    and the refs, by this ADAPTER_VERSION. Two answers with one digest are applied alike."""
    return _digest(
        [ADAPTER_VERSION, _hf_facts(info, refs), huggingface.facts_of(info.raw), refs.raw]
    )


def _github_digest(info):
    """A digest of all that a refresh reads of GitHub's answer, by this ADAPTER_VERSION."""
    return _digest(
        [ADAPTER_VERSION, info.full_name, info.license_spdx_id, info.archived, info.private]
    )


def _digest(value):
    # Dates as text, keys in order: the same answer always gives the same digest.
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _same_payload(record, info, refs):
    """Whether the Hub's answer is the one `record` keeps, in all that the adapter reads of it
    (huggingface.FACT_KEYS: the card, tags, files...) besides the live counts. The record's facts
    alone would miss a change read into the entry but not kept on the record (its tags, which
    say the modality)."""
    kept = record.raw or {}
    return kept.get("refs") == refs.raw and huggingface.facts_of(
        kept.get("model_info")
    ) == huggingface.facts_of(info.raw)


def _apply_huggingface(model, record, info, refs, *, now, outcome):
    before = _fingerprint_hf(record)
    facts = _hf_facts(info, refs)
    previous = {key: getattr(record, key) for key in facts}
    changed_facts = sorted(key for key, value in facts.items() if previous[key] != value)
    same_payload = _same_payload(record, info, refs)
    answered_before = bool(record.sha)
    for key, value in facts.items():
        setattr(record, key, value)
    record.status = HubRecord.Status.GONE if record.private else HubRecord.Status.OK
    record.error_count, record.last_error, record.next_attempt_at = 0, "", None
    record.missing_since = None
    record.fetched_at = now
    record.payload_digest = _hf_digest(info, refs)
    live = {"downloads": info.downloads, "likes": info.likes, "last_modified": info.last_modified}
    if not changed_facts and same_payload and _fingerprint_hf(record) == before:
        # Counts move every day: kept current, but they are not a change to file.
        HubRecord.objects.filter(pk=record.pk).update(
            fetched_at=now, error_count=0, last_error="", next_attempt_at=None,
            missing_since=None, status=record.status, payload_digest=record.payload_digest,
            **live,
        )  # fmt: skip
        outcome.unchanged += 1
        return
    for key, value in live.items():
        setattr(record, key, value)
    record.raw = {"model_info": dict(info.raw), "refs": dict(refs.raw)}
    record.changed_at = now
    record.save()
    outcome.changed += 1
    if answered_before and (changed_facts or _fingerprint_hf(record) != before):
        # Say what changed on the hub; a payload that differs only in what the record does not
        # keep (a listing's answer followed by the repository's own) changed nothing to file.
        others = [key for key in changed_facts if key not in DESCRIBED_HF]
        history.record_observation(
            model, _record_key(model, record),
            before=_describe_hf(before) | {key: _described(key, previous[key]) for key in others},
            after=_describe_hf(_fingerprint_hf(record))
            | {key: _described(key, facts[key]) for key in others},
            reason=f"Hugging Face Hub: {record.repo_id} changed", actor=ACTOR,
        )  # fmt: skip
        bump_data_version()
    primary = model.hf_repos[0] if model.hf_repos else None
    if record.repo_id != primary:
        return  # only the first repository speaks for the model
    if record.private:
        _weights_withdrawn(model, record, outcome,
                           f"{record.canonical_id} is private or disabled on the Hugging Face Hub")  # fmt: skip
        return
    if not is_curated(model):
        _fill_model_facts(model, record, info)
    lineage.link(model, record)
    apply_components(model, record, outcome)


def is_curated(model):
    """Whether a curator reviewed the entry: its model-level facts are then theirs alone."""
    return (
        model.status == AIModel.Status.PUBLISHED
        and model.review_status == AIModel.ReviewStatus.CURATED
    )


def _fill_model_facts(model, record, info):
    """A draft's or machine-read entry's modality and size follow the Hub."""
    changes = {}
    if info.modality != model.modality:
        changes["modality"] = info.modality
    if info.total_parameters and info.total_parameters != model.parameters:
        changes["parameters"] = info.total_parameters
    if model.is_machine_read and info.created_at and info.created_at.date() != model.release_date:
        changes["release_date"] = info.created_at.date()
    if not changes:
        return
    before = history.state_of(model)
    for key, value in changes.items():
        setattr(model, key, value)
    model.save(update_fields=[*changes, "updated_at"])
    history.record(model, before=before, actor=ACTOR,
                   reason=f"Read from the Hugging Face Hub: {record.canonical_id} "
                   f"({', '.join(changes)})")  # fmt: skip
    publishing.evidence_changed([model.pk])


def apply_components(model, record, outcome):
    """Reconcile every component the repository's facts speak for (hubs/reading.py)."""
    observed = observed_components(record)
    for component_id, seen in observed.items():
        licence, licence_problem = None, None
        if seen.license_key is not None or seen.binding:
            licence, licence_problem = _licence_for_hf(record)
        _reconcile(model, component_id, seen.availability, licence, seen.evidence[0], record,
                   outcome, seen.note.removesuffix("."), licence_problem=licence_problem,
                   access=seen.access, evidence=seen.evidence, binding=seen.binding)  # fmt: skip


def _weights_withdrawn(model, record, outcome, message):
    """The model's primary Hub repo no longer offers its weights to the public."""
    if record.hub != HubRecord.Hub.HUGGINGFACE or record.repo_id != next(
        iter(model.hf_repos), None
    ):
        return
    url = f"{settings.HF_ENDPOINT}/{record.canonical_id or record.repo_id}"
    _reconcile(model, "weights_final", components.NONE, None, url, record, outcome, message,
               access=components.ACCESS_OPEN)  # fmt: skip


DESCRIBED_HF = ("canonical_id", "sha", "gated", "private", "license_tag", "license_name",
                "checkpoint_branches", "gone", "weight_files")  # fmt: skip


def _describe_hf(fingerprint):
    described = dict(zip(DESCRIBED_HF, fingerprint, strict=True))
    described["checkpoint_branches"] = len(described["checkpoint_branches"])
    described["weight_files"] = len(described["weight_files"])
    return described


def _described(key, value):
    """A fact beyond _describe_hf's as a change filed on the history shows it: lists of files
    by their number, times as text."""
    if key == "files":
        return len(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def _licence_for_hf(record):
    """The catalogue's licence for a Hub licence tag, and a problem to report when there is none."""
    key = reading.licence_key(record.license_tag, record.license_name)
    if not key:
        return None, "the repository states no licence"
    licence = License.objects.filter(hf_license_tag=key).order_by("identifier").first()
    if licence is None:
        return None, f"the Hub's licence tag {key!r} matches no licence in the catalogue"
    return licence, None


def _fingerprint_github(record):
    return {
        "canonical_id": record.canonical_id,
        "license": record.license_tag,
        "archived": record.archived,
        "private": record.private,
        "gone": record.status == HubRecord.Status.GONE,
    }


def _apply_github(model, record, info, *, now, outcome):
    before = _fingerprint_github(record)
    answered_before = record.raw is not None
    record.canonical_id = info.full_name
    record.license_tag = info.license_spdx_id or ""
    record.archived = info.archived
    record.private = info.private
    record.status = HubRecord.Status.GONE if info.private else HubRecord.Status.OK
    record.error_count, record.last_error, record.next_attempt_at = 0, "", None
    record.missing_since = None
    record.fetched_at = now
    record.payload_digest = _github_digest(info)
    after = _fingerprint_github(record)
    if after == before:
        HubRecord.objects.filter(pk=record.pk).update(
            fetched_at=now, error_count=0, last_error="", next_attempt_at=None,
            missing_since=None, status=record.status, payload_digest=record.payload_digest,
        )  # fmt: skip
        outcome.unchanged += 1
        return
    record.raw = dict(info.raw)
    record.changed_at = now
    record.save()
    outcome.changed += 1
    if answered_before:
        differences = [key for key in after if after[key] != before[key]]
        history.record_observation(
            model, _record_key(model, record),
            before={key: before[key] for key in differences},
            after={key: after[key] for key in differences},
            reason=f"GitHub: {record.repo_id} changed ({', '.join(differences)})", actor=ACTOR,
        )  # fmt: skip
        bump_data_version()
    if not info.license_spdx_id:
        return  # GitHub could not tell: nothing to compare
    licence = License.objects.filter(identifier=info.license_spdx_id).first()
    problem = (
        None if licence else f"GitHub's licence {info.license_spdx_id!r} is not in the catalogue"
    )
    repo_url = f"https://github.com/{record.repo_id}".lower()
    for assessment in model.assessments.filter(component__in=components.CODE_COMPONENTS):
        if any(_is_within(url, repo_url) for url in assessment.evidence):
            _reconcile(model, assessment.component, None, licence, f"https://github.com/{info.full_name}",
                       record, outcome, f"GitHub detects {info.license_spdx_id} in {info.full_name}",
                       licence_problem=problem)  # fmt: skip


def _is_within(url, repo_url):
    """Whether `url` points at the repository `repo_url` (lower case) or a page inside it."""
    url = url.lower().removesuffix("/").removesuffix(".git")
    return url == repo_url or url.startswith(f"{repo_url}/") or url.startswith(f"{repo_url}#")


def _reconcile(model, component_id, availability, licence, url, record, outcome, message,
               licence_problem=None, access=None, evidence=(), binding=True):  # fmt: skip
    """Bring one assessment in line with an observation, or open a discrepancy for a curator.

    `availability` None means the hub says nothing about it; `licence` None with a
    `licence_problem` means the hub names a licence the catalogue cannot match. An observation
    that is not `binding` only fills what the hub speaks for, and never queues a discrepancy.
    """
    # Locked before it is read, and read again after any wait: a curator's decision committed
    # meanwhile makes it theirs, and the hub's view then goes to the queue instead of over it.
    # (No join: a row locked after waiting is read again, but not what it was joined to.)
    assessment = Assessment.objects.select_for_update().get(model=model, component=component_id)
    observed = {}
    if availability is not None:
        observed["availability"] = availability
    if licence is not None:
        observed["license"] = licence
    if access is not None:
        observed["access"] = access
    # Only what came from the hub follows the hub. A curated `unknown` is a curator's answer too
    # (often "not verified yet"): the hub's view goes to the queue rather than over it.
    if follows_hub(assessment):
        changes = {k: v for k, v in observed.items() if getattr(assessment, k) != v}
        if changes:
            before = history.state_of(assessment)
            for key, value in changes.items():
                setattr(assessment, key, value)
            assessment.evidence = list(dict.fromkeys([url, *evidence, *assessment.evidence]))
            assessment.source = Assessment.Source.HUB
            assessment.assessed_by = f"{ACTOR} ({record.get_hub_display()})"
            assessment.assessed_at = timezone.now().date()
            assessment.note = f"{message}."
            assessment.save()
            history.record(assessment, before=before, actor=ACTOR, reason=message)
            publishing.evidence_changed([model.pk])
            outcome.assessments_written += 1
    elif binding:
        for key, value in observed.items():
            current = getattr(assessment, key)
            if current != value:
                _open_discrepancy(
                    model, component_id, record, key, current, value, message, outcome
                )
    else:
        return
    if licence_problem and licence is None and binding and not model.is_machine_read:
        _open_discrepancy(model, component_id, record, "license",
                          assessment.license, None, f"{message}, but {licence_problem}", outcome)  # fmt: skip


def follows_hub(assessment):
    """Whether an assessment follows the hub: one the hub wrote, or one discovery created as
    `unknown` for a draft no curator has touched. A curator's own `unknown` never does."""
    return assessment.source == Assessment.Source.HUB or (
        assessment.assessed_by in (DISCOVERY_ACTOR, ACTOR)
        and assessment.availability == components.UNKNOWN
    )


def _value(value):
    return value.identifier if isinstance(value, License) else value


def _open_discrepancy(model, component_id, record, field_name, curated, hub, message, outcome):
    curated, hub = _value(curated), _value(hub)
    existing = Discrepancy.objects.filter(
        model=model, component=component_id, field=field_name, status=Discrepancy.Status.OPEN
    ).first()
    if existing and existing.hub_value == hub and existing.curated_value == curated:
        return
    if existing:
        existing.hub_value, existing.curated_value, existing.message = hub, curated, message
        existing.hub_record = record
        existing.save()
    else:
        Discrepancy.objects.create(
            model=model, component=component_id, hub_record=record, field=field_name,
            curated_value=curated, hub_value=hub, message=message,
        )  # fmt: skip
        outcome.discrepancies_opened += 1
    history.record_observation(
        model, f"{model.slug}/{component_id}",
        before={field_name: curated}, after={field_name: hub},
        reason=f"{message}; the curated {field_name} is {curated!r}: a curator decides",
        actor=ACTOR,
    )  # fmt: skip
    bump_data_version()
