"""The machine-read tier: an entry for every popular Hub repository, read from what the Hub shows.

A machine-read entry is public but marked "machine-read from the Hub, not reviewed by a curator"
(`AIModel.review_status`) wherever it appears, is left out of the default ranking, and is never
allowed to stand over a curated entry: discovery skips any repository the catalogue already
names, and a curated file loaded for the same slug takes the entry over. Its components say what
the Hub shows (hubs/reading.py) and are unknown elsewhere; its hub record and assessments are
written in bulk, a page of the Hub's listing at a time, so that memory stays flat however many
repositories are read.
"""

import datetime
import json
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import JSONField, Q
from django.utils import timezone

from catalog import components, publishing, scoring
from catalog.data_version import bump_data_version
from catalog.hub_records import ensure_hub_records, model_for_repo, observed_components
from catalog.hubs import HubError, huggingface
from catalog.models import AIModel, Assessment, Change, HubRecord, License, Organization

logger = logging.getLogger(__name__)

ACTOR = "hub-discovery"
LOCK = "lock:hub-discovery-whole"
ASSESSED_BY = f"{ACTOR} (Hugging Face Hub)"
DESCRIPTION = (
    "Machine-read from the Hugging Face Hub as {repo_id}, not reviewed by a curator: every "
    "component says what the Hub shows, and is unknown where the Hub says nothing."
)


# --- Creating entries ---------------------------------------------------------------------------


def create_pending_entry(repo_id, *, reason, now=None):
    """A machine-read entry for `repo_id`, with every component unknown until its first refresh
    reads the Hub; returns its id (an existing entry's, when the catalogue already names it)."""
    existing = model_for_repo(repo_id)
    if existing is not None:
        return existing
    return create_entries([repo_id], now=now or timezone.now(), reason=reason)[0]


def create_entries(items, *, now, reason="Popular on the Hugging Face Hub"):
    """Create a machine-read entry for each item (an HfModelObservation, or a repo id to read
    later), in a fixed number of queries. Returns the new models' ids, in the items' order."""
    if not items:
        return []
    repo_ids = [_repo_id(item) for item in items]
    orgs = _organizations([repo.partition("/")[0] for repo in repo_ids])
    slugs = _free_slugs(repo_ids)
    licences = licence_ids_by_hub_key()
    models = []
    for item, repo_id, slug in zip(items, repo_ids, slugs, strict=True):
        observed = isinstance(item, huggingface.HfModelObservation)
        name = repo_id.partition("/")[2] or repo_id
        created = (item.created_at if observed else None) or now
        models.append(
            AIModel(
                slug=slug,
                name=name,
                organization_id=orgs[repo_id.partition("/")[0].lower()],
                family=name[:100],
                release_date=created.date(),
                parameters=item.total_parameters if observed else None,
                modality=item.modality if observed else AIModel.Modality.OTHER,
                kind=AIModel.Kind.UNKNOWN,
                hf_repos=[repo_id],
                description=DESCRIPTION.format(repo_id=repo_id),
                status=AIModel.Status.PUBLISHED,
                review_status=AIModel.ReviewStatus.MACHINE_READ,
            )  # fmt: skip
        )
    with transaction.atomic():
        AIModel.objects.bulk_create(models, batch_size=1000)
        # Plain rows, not model instances: at hundreds of rows a page, building and binding
        # instances costs more than the writes themselves.
        stamped = timezone.now()
        records, assessments, changes = [], [], []
        for item, model in zip(items, models, strict=True):
            observed = isinstance(item, huggingface.HfModelObservation)
            record = _record(model, item, now) if observed else _pending_record(model)
            records.append(record)
            assessments += _assessments(model, record if observed else None, licences, now, stamped)
            changes.append(
                {
                    "at": stamped,
                    "subject": Change.Subject.MODEL,
                    "subject_key": model.slug,
                    "model_id": model.pk,
                    "action": Change.Action.CREATED,
                    "actor": ACTOR,
                    "user_id": None,
                    "reason": f"Machine-read from the Hugging Face Hub: {reason}",
                    "before": None,
                    "after": {
                        "slug": model.slug,
                        "hf_repos": model.hf_repos,
                        "review_status": model.review_status,
                    },
                }
            )
        insert_rows(HubRecord, [_row(record) for record in records])
        insert_rows(Assessment, assessments)
        insert_rows(Change, changes)
        bump_data_version()
    return [model.pk for model in models]


def _repo_id(item):
    return item if isinstance(item, str) else item.repo_id


def _organizations(authors):
    """{author in lower case: organisation id}: the curated organisation that tracks the account,
    else one named after it (created, of unknown kind, when missing)."""
    wanted = {author.lower(): author for author in authors}
    found = {}
    for pk, hf_authors in Organization.objects.exclude(hf_authors=[]).values_list(
        "pk", "hf_authors"
    ):
        for author in hf_authors:
            if author.lower() in wanted:
                found.setdefault(author.lower(), pk)
    slugs = {key: _slugify(key)[:64] for key in wanted if key not in found}
    existing = dict(Organization.objects.filter(slug__in=slugs.values()).values_list("slug", "pk"))
    missing = [
        Organization(slug=slug, name=wanted[key], kind=Organization.Kind.UNKNOWN)
        for key, slug in slugs.items()
        if slug not in existing
    ]
    Organization.objects.bulk_create(missing, ignore_conflicts=True)
    existing = dict(Organization.objects.filter(slug__in=slugs.values()).values_list("slug", "pk"))
    found.update({key: existing[slug] for key, slug in slugs.items()})
    return found


def _slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "model"


def _free_slugs(repo_ids):
    """A slug per repo id (`org-name`), unique among the entries and each other."""
    bases = [_slugify(repo)[:90] for repo in repo_ids]
    # Two index lookups, never a scan of every entry: the bases themselves, then the numbered
    # variants (`name-2`) of only those bases already taken, which are few.
    taken = set(AIModel.objects.filter(slug__in=bases).values_list("slug", flat=True))
    if taken:
        prefixes = Q()
        for base in taken:
            prefixes |= Q(slug__startswith=f"{base}-")
        numbered = re.compile(_prefixes_pattern(taken))
        taken |= {
            slug
            for slug in AIModel.objects.filter(prefixes).values_list("slug", flat=True)
            if numbered.match(slug)
        }
    slugs = []
    for base in bases:
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _prefixes_pattern(bases):
    # Numbered variants of the same bases (`name-2`), taken by an earlier page.
    return r"^(" + "|".join(re.escape(base) for base in sorted(set(bases))) + r")-[0-9]+$"


def licence_ids_by_hub_key():
    """{Hub licence key: licence id}, the first licence by identifier for each key."""
    found = {}
    for pk, key in (
        License.objects.exclude(hf_license_tag="")
        .order_by("identifier")
        .values_list("pk", "hf_license_tag")
    ):
        found.setdefault(key, pk)
    return found


def _record(model, info, now):
    return HubRecord(
        model=model, hub=HubRecord.Hub.HUGGINGFACE, repo_id=info.repo_id,
        canonical_id=info.repo_id, status=HubRecord.Status.OK, sha=info.sha or "",
        last_modified=info.last_modified, hub_created_at=info.created_at,
        gated=info.gated or "", private=info.private or info.disabled,
        license_tag=info.license or "", license_name=info.license_name or "",
        license_link=info.license_link or "", parameters=info.total_parameters,
        base_models=list(info.base_models), datasets=list(info.datasets), files=list(info.files),
        weight_files=list(info.weight_files), weight_formats=list(info.weight_formats),
        pipeline_tag=info.pipeline_tag or "", downloads=info.downloads, likes=info.likes,
        raw={"listing": dict(info.raw)}, fetched_at=now, changed_at=now,
    )  # fmt: skip


def _pending_record(model):
    return HubRecord(model=model, hub=HubRecord.Hub.HUGGINGFACE, repo_id=model.hf_repos[0])


def _assessments(model, record, licences, now, stamped):
    observed = observed_components(record) if record is not None else {}
    rows = []
    for component_id in components.COMPONENT_IDS:
        seen = observed.get(component_id)
        rows.append(
            {
                "model_id": model.pk,
                "component": component_id,
                "availability": seen.availability if seen else components.UNKNOWN,
                "license_id": licences.get(seen.license_key) if seen and seen.license_key else None,
                "evidence": list(seen.evidence) if seen else [],
                "access": (seen.access or "") if seen else "",
                "pins": [],
                "note": seen.note if seen else "",
                "assessed_at": now.date(),
                "assessed_by": ASSESSED_BY,
                "source": Assessment.Source.HUB,
                "updated_at": stamped,
            }
        )
    return rows


def _row(instance):
    """An unsaved instance's columns, for insert_rows."""
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }


def insert_rows(model_class, rows):
    """Insert `rows` (dicts of column values, each with the same keys) into `model_class`'s table;
    on PostgreSQL through COPY, several times faster than INSERT for a listing page's thousands
    of assessments (scoring._insert_snapshots does the same for scores)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model_class.objects.bulk_create([model_class(**row) for row in rows], batch_size=1000)
        return
    fields = {field.attname: field for field in model_class._meta.concrete_fields}
    names = list(rows[0])
    json_names = {name for name in names if isinstance(fields[name], JSONField)}
    columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in names)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model_class._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    _json(row[name]) if name in json_names and row[name] is not None else row[name]
                    for name in names
                ]
            )


def _json(value):
    return "[]" if value == [] else json.dumps(value, separators=(",", ":"))


def link_bases(model_ids, *, now):
    """Give each of these machine-read entries the base its card names: the entry that tracks
    the base's repository, or a new machine-read entry for it. A fixed number of queries."""
    wanted = {}
    for model_id, base_models in (
        HubRecord.objects.filter(model_id__in=model_ids, hub=HubRecord.Hub.HUGGINGFACE)
        .exclude(base_models=[])
        .values_list("model_id", "base_models")
    ):
        wanted[model_id] = base_models[0]
    if not wanted:
        return 0
    keys = {repo.lower() for repo in wanted.values()}
    found = _models_for_repos(keys)
    missing = sorted({repo for repo in wanted.values() if repo.lower() not in found})
    if missing:
        create_entries(missing, now=now, reason="the base model of a popular repository")
        found = _models_for_repos(keys)
    updates = [
        AIModel(pk=model_id, base_model_id=found[repo.lower()])
        for model_id, repo in wanted.items()
        if found.get(repo.lower()) not in (None, model_id)
    ]
    AIModel.objects.bulk_update(updates, ["base_model"], batch_size=1000)
    return len(updates)


def _models_for_repos(keys):
    """{repo id in lower case: model id} for these keys; a curated entry wins over another."""
    found = {}
    rows = (
        HubRecord.objects.filter(hub=HubRecord.Hub.HUGGINGFACE)
        .filter(Q(repo_id__lower__in=keys) | Q(canonical_id__lower__in=keys))
        .order_by("-model__review_status", "model_id")  # machine-read first, curated last wins
        .values_list("repo_id", "canonical_id", "model_id")
    )
    for repo_id, canonical_id, model_id in rows:
        for key in {repo_id.lower(), canonical_id.lower()} & keys:
            found[key] = model_id
    return found


# --- Retiring entries a curated one now covers ----------------------------------------------------


def retire_duplicates():
    """Retire every public machine-read entry whose repository a curated entry now tracks.

    The entry leaves every public list and its page redirects to the curated one; its history,
    snapshots and hub records are kept, and models built on it are linked to the curated entry
    instead. A fixed number of queries when there is nothing to retire. Returns the retired ids.
    """
    curated = {}
    for pk, repos in AIModel.objects.curated().exclude(hf_repos=[]).values_list("pk", "hf_repos"):
        for repo in repos:
            curated.setdefault(repo.lower(), pk)
    for pk, canonical_id in (
        HubRecord.objects.filter(hub=HubRecord.Hub.HUGGINGFACE, model__in=AIModel.objects.curated())
        .exclude(canonical_id="")
        .values_list("model_id", "canonical_id")
    ):
        curated.setdefault(canonical_id.lower(), pk)
    if not curated:
        return []
    keys = set(curated)
    duplicates = {}
    for model_id, repo_id, canonical_id in (
        HubRecord.objects.filter(
            hub=HubRecord.Hub.HUGGINGFACE, model__in=AIModel.objects.machine_read()
        )
        .filter(Q(repo_id__lower__in=keys) | Q(canonical_id__lower__in=keys))
        .values_list("model_id", "repo_id", "canonical_id")
    ):
        key = repo_id.lower() if repo_id.lower() in keys else canonical_id.lower()
        duplicates.setdefault(model_id, curated[key])
    for model_id, curated_id in duplicates.items():
        _retire(model_id, curated_id)
    return sorted(duplicates)


def _retire(model_id, curated_id):
    with transaction.atomic():
        model = AIModel.objects.select_for_update().get(pk=model_id)
        if model.status != AIModel.Status.PUBLISHED or not model.is_machine_read:
            return
        into = AIModel.objects.get(pk=curated_id)
        model.status, model.merged_into = AIModel.Status.RETIRED, into
        model.save(update_fields=["status", "merged_into", "updated_at"])
        derivatives = list(model.derivatives.exclude(pk=curated_id).values_list("pk", flat=True))
        AIModel.objects.filter(pk__in=derivatives).update(base_model=into)
        Change.objects.create(
            subject=Change.Subject.MODEL, subject_key=model.slug, model=model,
            action=Change.Action.UPDATED, actor=ACTOR,
            reason=f"Retired: the curated entry {into.slug} now tracks {model.hf_repos[0]}",
            before={"status": AIModel.Status.PUBLISHED},
            after={"status": AIModel.Status.RETIRED, "merged_into": into.slug},
        )  # fmt: skip
        publishing.evidence_changed(derivatives)


# --- Discovery across the whole Hub --------------------------------------------------------------


@dataclass
class HubDiscovery:
    """What one whole-Hub discovery run did."""

    listed: int = 0
    created: int = 0
    linked: int = 0
    pages: int = 0
    errors: list = field(default_factory=list)


def known_repos(repo_ids):
    """The lower-case repo ids among `repo_ids` that some entry already tracks."""
    keys = {repo.lower() for repo in repo_ids}
    return set(_models_for_repos(keys))


def discover_hub(*, now=None, min_downloads=None, trending=None, max_pages=None, page_size=None):
    """Machine-read entries for every Hub model above `min_downloads` and the `trending` first.

    Reads the Hub's listing sorted by downloads, with the facts of each repository expanded in
    the same call (huggingface.list_models_page), and stops at the first repository below the
    threshold; then the trending listing. Each page is written and scored before the next is
    read. Returns a HubDiscovery.
    """
    now = now or timezone.now()
    min_downloads = settings.HUB_DISCOVERY_MIN_DOWNLOADS if min_downloads is None else min_downloads
    trending = settings.HUB_DISCOVERY_TRENDING if trending is None else trending
    max_pages = max_pages or settings.HUB_DISCOVERY_MAX_PAGES
    page_size = page_size or settings.HUB_LISTING_PAGE_SIZE
    # Every repository the catalogue names is known by its hub record: give the few curated
    # entries and drafts that lack one theirs, so that none is read into the tier twice.
    ensure_hub_records(AIModel.objects.exclude(review_status=AIModel.ReviewStatus.MACHINE_READ))
    retire_duplicates()
    run = HubDiscovery()
    listings = [("downloads", min_downloads, None)]
    if trending:
        listings.append(("trendingScore", None, trending))
    for sort, threshold, limit in listings:
        url = huggingface.listing_url(settings.HF_ENDPOINT, sort=sort, limit=page_size)
        taken = 0
        while url and run.pages < max_pages:
            try:
                page = huggingface.list_models_page(
                    url, allowed_hosts=settings.HUB_ALLOWED_HOSTS, token=settings.HF_TOKEN,
                    timeout=settings.HUB_TIMEOUT,
                )  # fmt: skip
            except HubError as error:
                logger.warning("whole-Hub discovery stopped at %s: %s", url, error)
                run.errors.append((url, f"{type(error).__name__}: {error}"))
                break
            run.pages += 1
            entries = page.entries
            if threshold is not None:
                entries = [e for e in entries if (e.downloads or 0) >= threshold]
            if limit is not None:
                entries = entries[: max(0, limit - taken)]
            taken += len(entries)
            run.listed += len(entries)
            _read_page(entries, now, run)
            done = (threshold is not None and len(entries) < len(page.entries)) or (
                limit is not None and taken >= limit
            )
            url = None if done else page.next_url
    return run


def _read_page(entries, now, run):
    known = known_repos([e.repo_id for e in entries])
    fresh = [e for e in entries if e.repo_id.lower() not in known and not e.private]
    if not fresh:
        return
    ids = create_entries(fresh, now=now)
    run.created += len(ids)
    run.linked += link_bases(ids, now=now)
    scoring.rescore(ids)


def refresh_period(model):
    """How long an entry may go unrefreshed: curated entries daily, the tier within its period."""
    if model.review_status == AIModel.ReviewStatus.MACHINE_READ:
        return datetime.timedelta(hours=settings.REFRESH_MACHINE_READ_PERIOD_HOURS)
    return datetime.timedelta(hours=settings.REFRESH_STALE_AFTER_HOURS)
