"""The read queries behind pages and the API."""

import datetime
import functools
import hashlib
from dataclasses import fields as dataclass_fields

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import Lag
from django.http import Http404
from django.shortcuts import get_object_or_404

from catalog import components, frameworks
from catalog.data_version import (
    data_version,
    data_version_column,
    data_version_read,
    once_a_request,
    once_a_version,
)
from catalog.frameworks import effective
from catalog.frameworks.evidence import (
    CLOSED,
    OPEN,
    PARTLY_OPEN,
    ComponentEvidence,
    LicenseTerms,
    ModelEvidence,
    component_state,
    licence_is_open,
)
from catalog.indexes import concordance
from catalog.models import (
    AIModel,
    Assessment,
    Change,
    Correction,
    CurrentScores,
    HubRecord,
    IndexEntry,
    IndexImport,
    IndexMatch,
    License,
    Organization,
    ScoreSnapshot,
)
from catalog.prepared import Prepared


def _with_evidence(queryset):
    return queryset.select_related("organization", "base_model").prefetch_related(
        Prefetch("assessments", queryset=Assessment.objects.select_related("license"))
    )


def published_models():
    """Every curated public model as detail_rows reads them, in a fixed number of queries: the
    dataset the downloads carry (the machine-read tier is the Hub's, read again)."""
    return (
        detail_rows()
        .filter(review_status=AIModel.ReviewStatus.CURATED)
        .order_by("organization__name", "release_date", "name")
    )


def model_for_page(slug):
    return get_object_or_404(_with_evidence(AIModel.objects.published()), slug=slug)


def with_related_flags(queryset):
    """Each model says whether it has published derivatives, hub records, corrections or
    matches in other indexes: most models have none, and their pages then read none."""
    model = OuterRef("pk")
    return queryset.annotate(
        has_derivatives=Exists(AIModel.objects.published().filter(base_model=model)),
        has_hub_records=Exists(HubRecord.objects.filter(model=model)),
        has_corrections=Exists(Correction.objects.filter(model=model)),
        has_index_matches=Exists(IndexMatch.objects.filter(model=model)),
    )


def published_model_reads(slug):
    """What validates the answers about the published model `slug` (its page, its API detail),
    in one light query made once a request: {"pk", "last_fetched": when a hub was last read for
    it (its answers hold its hub facts), "data_version"}; None when there is no such model."""

    def read():
        found = next(iter(_PUBLISHED_MODEL_READS.rows(slug)), None)
        if found is not None:
            found["data_version"] = data_version_read(found.pop("read_version"))
        return found

    return once_a_request(("published_model_reads", slug), read)


def _published_model_reads(slug):
    last_fetched = HubRecord.objects.filter(model=OuterRef("pk"), fetched_at__isnull=False)
    return (
        AIModel.objects.published()
        .filter(slug=slug)
        .values(
            "pk",
            last_fetched=Subquery(last_fetched.order_by("-fetched_at").values("fetched_at")[:1]),
            read_version=data_version_column(),
        )
        .order_by()[:1]
    )


_PUBLISHED_MODEL_READS = Prepared(_published_model_reads, "\x00slug")


def model_version(reads):
    """The version of the answers about a model, from its published_model_reads: the data
    version, or a hub read of it since, if later."""
    return max(filter(None, [reads["data_version"], reads["last_fetched"]]))


def published_model(slug):
    """The published model `slug` with its organisation, base model and related flags, without
    its assessments (model_assessments reads them); Http404 when there is no such model."""
    return _published_row(slug, _PUBLISHED_MODEL)


def published_detail_row(slug):
    """The published model `slug` as detail_rows reads it; Http404 when there is no such model."""
    return _published_row(slug, _DETAIL_ROW)


def _published_row(slug, read):
    # By the id its ETag read: a prepared query, however many annotations the row carries.
    reads = published_model_reads(slug)
    model = next(iter(read.instances(reads["pk"])), None) if reads else None
    if model is None:
        raise Http404(f"No published model {slug!r}")
    return model


_PUBLISHED_MODEL = Prepared(
    lambda pk: with_related_flags(
        AIModel.objects.published().select_related("organization", "base_model")
    ).filter(pk=pk),
    -1_000_004,
)


def merged_into(slug):
    """The slug of the curated entry a retired entry `slug` was merged into, or None."""
    return (
        AIModel.objects.filter(slug=slug, status=AIModel.Status.RETIRED)
        .values_list("merged_into__slug", flat=True)
        .first()
    )


def assessments_in_order(assessments):
    """A model's assessments in taxonomy order, as (component, its assessment or None)."""
    by_component = {a.component: a for a in assessments}
    return [(component, by_component.get(component.id)) for component in components.COMPONENTS]


def licence_terms():
    """Every licence as the frameworks see it, keyed by database id."""
    fields = [f.name for f in dataclass_fields(LicenseTerms) if f.name != "scopes"]
    terms = {}
    for row in License.objects.values("id", "clause_scopes", *fields):
        pk = row.pop("id")
        scopes = tuple(
            (flag, tuple(scope["modalities"]))
            for flag, scope in sorted(row.pop("clause_scopes").items())
        )
        terms[pk] = LicenseTerms(**row, scopes=scopes)
    return terms


# What evidence_by_model_id reads of a model.
EVIDENCE_FIELDS = (
    "id", "slug", "name", "base_model_id", "organization__slug", "modality", "release_licenses",
    "training_data_withheld", "eu_ai_act_facts",
)  # fmt: skip


def evidence_by_model_id(model_ids, *, terms=None, known=None, given=None):
    """ModelEvidence for each of `model_ids` (and, through `base`, their ancestors).

    Components carry their effective licences (catalog.frameworks.effective). Reads plain
    values, not model instances, so it stays fast over thousands of models. `known` caches the
    evidence of ancestors across calls in a batch job; only ancestors are kept in it, so it grows
    with the number of base models, not with the batch. `given` holds models already read, as
    {id: (row of EVIDENCE_FIELDS, [(component, availability, license id, access), ...])}: they
    are not read again.
    """
    terms = terms if terms is not None else licence_terms()
    by_identifier = {t.identifier: t for t in terms.values()}
    known = known if known is not None else {}
    given = given or {}
    rows = {pk: row for pk, (row, _) in given.items()}
    wanted = [pk for pk in model_ids if pk not in known and pk not in rows]
    wanted += [
        row["base_model_id"]
        for row in rows.values()
        if row["base_model_id"]
        and row["base_model_id"] not in rows
        and row["base_model_id"] not in known
    ]
    while wanted:
        batch = {
            row["id"]: row for row in AIModel.objects.filter(pk__in=wanted).values(*EVIDENCE_FIELDS)
        }
        rows.update(batch)
        wanted = [
            row["base_model_id"]
            for row in batch.values()
            if row["base_model_id"]
            and row["base_model_id"] not in rows
            and row["base_model_id"] not in known
        ]
    assessments = {pk: list(items) for pk, (_, items) in given.items()}
    read = [pk for pk in rows if pk not in given]
    assessments.update({pk: [] for pk in read})
    if read:
        for row in Assessment.objects.filter(model_id__in=read).values_list(
            "model_id", "component", "availability", "license_id", "access"
        ):
            assessments[row[0]].append(row[1:])
    # Only a few distinct items exist: share one object for each.
    shared = {}

    def item(component_id, availability, own, release, base, access):
        key = (component_id, availability, own, release, base.slug if base else None, access)
        if key not in shared:
            shared[key] = effective.component_evidence(
                component_id, availability, own, release, base, access
            )
        return shared[key]

    built = {}

    def build(pk, as_base=False, below=()):
        evidence = known.get(pk) or built.get(pk)
        if evidence is None:
            row = rows[pk]
            base_id, below = row["base_model_id"], (*below, pk)
            # Lineage cycles are refused wherever lineage is written, but a database restored
            # from before may hold one: the lineage then ends before it would repeat a model.
            base = build(base_id, True, below) if base_id and base_id not in below else None
            binding = (
                base
                if base and effective.binds(base.organization, row["organization__slug"])
                else None
            )
            release = {
                kind: by_identifier.get(value.get("license"))
                for kind, value in (row["release_licenses"] or {}).items()
            }
            items = {
                component: item(
                    component,
                    availability,
                    terms.get(license_id),
                    release.get(components.licence_kind(component)),
                    binding,
                    access,
                )  # fmt: skip
                for component, availability, license_id, access in assessments[pk]
            }
            evidence = built[pk] = ModelEvidence(
                row["slug"], row["name"], items, base, row["organization__slug"], row["modality"],
                (row["training_data_withheld"] or {}).get("reason", ""),
                **eu_ai_act_evidence(row["eu_ai_act_facts"]),
            )  # fmt: skip
        if as_base:
            known[pk] = evidence
        return evidence

    return {pk: build(pk) for pk in model_ids if pk in rows or pk in known}


def eu_ai_act_evidence(facts):
    """The ModelEvidence fields the EU AI Act lens reads, from a model's `eu_ai_act_facts`."""
    facts = facts or {}
    compute = facts.get("training_compute") or {}
    summary = facts.get("training_summary") or {}
    monetised = facts.get("monetised") or {}
    flop = compute.get("flop")
    return {
        "training_compute_flop": float(flop) if flop is not None else None,
        "compute_source": compute.get("source", "") if flop is not None else "",
        "training_summary_published": summary.get("published"),
        "monetised": monetised.get("value"),
    }


def release_licences(model):
    """The model's release licences in kind order: (kind, License or None, entry)."""
    given = model.release_licenses or {}
    if not given:
        return []  # most models: no query to build
    ids = [entry.get("license") for entry in given.values()]
    licences = {lic.identifier: lic for lic in License.objects.filter(identifier__in=ids)}
    return [
        (kind, licences.get(given[kind].get("license")), given[kind])
        for kind in components.LICENCE_KINDS
        if kind in given
    ]


def model_corrections(model):
    return list(model.corrections_made.order_by("-date", "-position"))


def corrections_by_model(model_ids):
    """Each model's published corrections, newest first, in one query."""
    found = {pk: [] for pk in model_ids}
    for correction in (
        Correction.objects.filter(model_id__in=model_ids)
        .select_related("model")
        .order_by("-date", "-position")
    ):
        found[correction.model_id].append(correction)
    return found


def corrections_log(limit=None):
    """Every published correction of a verdict-relevant fact, newest first."""
    queryset = Correction.objects.filter(
        Q(model__status=AIModel.Status.PUBLISHED) | Q(license__isnull=False)
    ).select_related("model", "license")
    queryset = queryset.order_by("-date", "model__slug", "license__identifier", "-position")
    return list(queryset[:limit] if limit else queryset)


def evidence_for(model, terms=None):
    """The model's ModelEvidence, from the model and its assessments as they are in hand: only
    its ancestors are read."""
    return evidence_for_models([model], terms)[model.pk]


def evidence_for_models(models, terms=None, assessments=None):
    """{model id: ModelEvidence} for models in hand with their assessments prefetched (or given
    as {model id: assessments}): only their ancestors are read, all in one batch."""
    given = {}
    for model in models:
        row = {
            "id": model.pk,
            "slug": model.slug,
            "name": model.name,
            "base_model_id": model.base_model_id,
            "organization__slug": model.organization.slug,
            "modality": model.modality,
            "release_licenses": model.release_licenses,
            "training_data_withheld": model.training_data_withheld,
            "eu_ai_act_facts": model.eu_ai_act_facts,
        }
        own = assessments[model.pk] if assessments is not None else model.assessments.all()
        items = [(a.component, a.availability, a.license_id, a.access) for a in own]
        given[model.pk] = (row, items)
    return evidence_by_model_id(list(given), terms=terms, given=given)


def licence_terms_now():
    """licence_terms(), kept for the current data version (every licence edit changes it): a
    model page and a model's detail read them on every build."""
    return once_a_version("licence terms", licence_terms)


def licences_now():
    """{id: License} of every licence, kept for the current data version: what an assessment's
    licence is, without reading it again with each assessment."""
    return once_a_version("licences", lambda: License.objects.in_bulk())


def with_scores(queryset):
    """Annotate each model with its current verdict and score under every framework.

    Adds `<framework>_score` and `<framework>_verdict` from the CurrentScores row: one join.
    """
    fields = {}
    for framework_id in frameworks.BY_ID:
        fields[f"{framework_id}_score"] = F(f"current__{framework_id}_score")
        fields[f"{framework_id}_verdict"] = F(f"current__{framework_id}_verdict")
    return queryset.annotate(**fields)


# Ties on the chosen framework are broken by the headline (the G7 label), then the Openness
# Index, then the newer release, then the slug, so every ordering is total and the same on every
# run.
TIE_BREAKS = ("g7_score", "index_score")


def ranked(queryset, framework_id, descending=True):
    """Order `queryset` (annotated by with_scores) by one framework's score, deterministically."""
    if framework_id not in frameworks.BY_ID:
        raise ValueError(f"unknown framework {framework_id!r}")
    # Plain DESC and ASC, as the CurrentScores indexes are built: scores are never null in a
    # queryset of scored models (directory()), and a NULLS LAST here would keep PostgreSQL from
    # reading the index in order and make it sort every model for a page of fifty.
    primary = F(f"{framework_id}_score")
    primary = primary.desc() if descending else primary.asc()
    tie_breaks = [F(field).desc() for field in TIE_BREAKS if field != f"{framework_id}_score"]
    return queryset.order_by(primary, *tie_breaks, F("release_date").desc(), "slug")


def directory():
    """Published models with everything a directory row shows, in one query."""
    queryset = AIModel.objects.published().select_related("organization", "base_model")
    return with_scores(queryset).annotate(
        weights_license=F("current__weights_license"),
        weights_availability=F("current__weights_availability"),
        mof_progress=F("current__mof_progress"),
        unknown_count=F("current__unknown_count"),
        component_states=F("current__component_states"),
    )


def detail_rows():
    """Directory rows, each saying whether it has related records (with_related_flags): what
    the API's detail of a model reads first (assessments_by_model reads its assessments)."""
    return with_related_flags(directory())


_DETAIL_ROW = Prepared(lambda pk: detail_rows().filter(pk=pk), -1_000_005)


def assessments_by_model(model_ids):
    """{model id: its assessments}, in one query, each with its licence as licences_now()
    keeps it rather than read again with every assessment."""
    found = {pk: [] for pk in model_ids}
    if len(found) == 1:  # a model's detail: the prepared read
        read = model_assessments(*found)
    else:
        read = Assessment.objects.filter(model_id__in=list(found))
    licences = licences_now()
    for assessment in read:
        if assessment.license_id is not None:
            assessment.license = licences[assessment.license_id]
        found[assessment.model_id].append(assessment)
    return found


def model_assessments(model_id):
    """The model's assessments (their licences not read), in one prepared query."""
    return _MODEL_ASSESSMENTS.instances(model_id)


# Ordered by component alone: the default ordering's model name would join the model's table.
_MODEL_ASSESSMENTS = Prepared(
    lambda pk: Assessment.objects.filter(model_id=pk).order_by("component"), -1_000_001
)


def curated_directory():
    return directory().filter(review_status=AIModel.ReviewStatus.CURATED)


def ranking():
    """The published models a ranked list shows: those with scores (a model is scored as soon as
    its evidence commits). Joining the scores, rather than left-joining them, lets PostgreSQL
    read a page of the ranking from an index instead of sorting every model."""
    return directory().filter(current__isnull=False)


class RankingPaginator(Paginator):
    """Pages of a ranking whose total is kept per data version and query: counting 100,000
    scored models costs tens of milliseconds, where the page itself, read from an index, costs
    a few."""

    @functools.cached_property
    def count(self):
        try:
            # The total does not depend on the order, whose SQL costs the most to build.
            sql = str(self.object_list.order_by().query)
        except EmptyResultSet:
            return 0  # a filter no model can match (say, an empty list of ids): no query at all
        query = hashlib.sha256(sql.encode()).hexdigest()[:32]
        key = f"ranking-count:{data_version().isoformat()}:{query}"
        return cache.get_or_set(key, self.object_list.count, 3600)


def snapshots_as_of(model, day):
    """The snapshot per framework that was current at the end of `day` (a date)."""
    end = datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)
    found = {}
    for snapshot in model.snapshots.filter(computed_at__lte=end).order_by("-computed_at"):
        found.setdefault(snapshot.framework, snapshot)
    return found


# --- The public pages ----------------------------------------------------------------------------


def cell_state(component_id, availability, terms):
    """What a directory cell shows for a component of this availability under these terms."""
    return component_state(component_id, ComponentEvidence(availability, terms))


STATE_CODES = {
    OPEN: "o", PARTLY_OPEN: "p", CLOSED: "c", components.UNKNOWN: "u", components.NOT_APPLICABLE: "n",
}  # fmt: skip
STATES_BY_CODE = {code: state for state, code in STATE_CODES.items()}


def encode_states(evidence):
    """The directory cells of one model's evidence as a string, one letter a component."""
    return "".join(
        STATE_CODES[component_state(cid, evidence.get(cid))] for cid in components.COMPONENT_IDS
    )


def attach_component_states(models):
    """Set `states` on each model: (component, state) in taxonomy order.

    Read from the `component_states` the scorer stored (directory() annotates it); only models
    without them cost a query, two at most in all.
    """
    models = list(models)
    missing = [
        m
        for m in models
        if len(getattr(m, "component_states", None) or "") != len(components.COMPONENTS)
    ]
    found = {model.pk: {} for model in missing}
    if missing:
        terms = licence_terms()
        rows = Assessment.objects.filter(model_id__in=list(found)).values_list(
            "model_id", "component", "availability", "license_id"
        )
        for model_id, component, availability, license_id in rows:
            found[model_id][component] = cell_state(component, availability, terms.get(license_id))
    for model in models:
        if model.pk in found:
            states = found[model.pk]
            model.states = [
                (component, states.get(component.id, components.UNKNOWN))
                for component in components.COMPONENTS
            ]
        else:
            model.states = list(
                zip(
                    components.COMPONENTS,
                    map(STATES_BY_CODE.__getitem__, model.component_states),
                    strict=True,
                )
            )
    return models


def directory_choices():
    """The values the directory's filters offer, each from the published catalogue."""
    published = AIModel.objects.curated()
    return {
        "organizations": list(
            Organization.objects.filter(models__in=published)
            .distinct()
            .order_by("name")
            .values_list("slug", "name")
        ),
        "licenses": list(
            License.objects.filter(
                identifier__in=CurrentScores.objects.filter(model__in=published).values(
                    "weights_license"
                )
            )
            .order_by("identifier")
            .values_list("identifier", "name")
        ),
        "years": [day.year for day in published.dates("release_date", "year", order="DESC")],
    }


def chart_points(queryset=None):
    """(slug, name, organisation, release date, label, index) of every scored model."""
    queryset = curated_directory() if queryset is None else queryset
    return list(
        queryset.filter(current__isnull=False)
        .order_by("release_date", "slug")
        .values_list(
            "slug", "name", "organization__name", "release_date", "label_verdict", "index_score"
        )
    )


def model_page_snapshots(model):
    """Every snapshot of a model, oldest first (for its history chart and table)."""
    return _MODEL_SNAPSHOTS.instances(model.pk)


_MODEL_SNAPSHOTS = Prepared(
    lambda pk: ScoreSnapshot.objects.filter(model_id=pk).order_by("computed_at", "framework"),
    -1_000_002,
)


def hub_records(model):
    return list(model.hub_records.order_by("hub", "repo_id"))


# What the API shows of a hub record: not the hub's raw answer nor its file list, which can be long.
HUB_FACTS = (
    "model_id", "hub", "repo_id", "canonical_id", "status", "sha", "last_modified", "gated",
    "license_tag", "checkpoint_branches", "fetched_at", "last_error",
)  # fmt: skip


def hub_records_by_model(model_ids):
    """{model id: its hub records, by hub and repository}, in one query."""
    found = {pk: [] for pk in model_ids}
    records = HubRecord.objects.filter(model_id__in=list(found)).only(*HUB_FACTS)
    for record in records.order_by("model_id", "hub", "repo_id"):
        found[record.model_id].append(record)
    return found


def hub_facts_last_fetched():
    """When any hub was last read, or None when none ever was."""
    return HubRecord.objects.aggregate(at=Max("fetched_at"))["at"]


def current_scores_by_model(model_ids):
    """{model id: {framework id: its current snapshot}}, in one query."""
    found = {pk: {} for pk in model_ids}
    if len(found) == 1:  # a model's detail: the prepared read
        read = _CURRENT_SNAPSHOTS.instances(*found)
    else:
        read = ScoreSnapshot.objects.filter(model_id__in=list(found), is_current=True)
    for snapshot in read:
        found[snapshot.model_id][snapshot.framework] = snapshot
    return found


_CURRENT_SNAPSHOTS = Prepared(
    lambda pk: ScoreSnapshot.objects.filter(model_id=pk, is_current=True), -1_000_003
)


def published_derivative_slugs(model_ids):
    """{model id: the slugs of the published models built on it, sorted}, in one query."""
    found = {pk: [] for pk in model_ids}
    rows = (
        AIModel.objects.published()
        .filter(base_model_id__in=list(found))
        .order_by("slug")
        .values_list("base_model_id", "slug")
    )
    for base_id, slug in rows:
        found[base_id].append(slug)
    return found


def published_derivatives(model):
    return list(
        model.derivatives.filter(status=AIModel.Status.PUBLISHED)
        .select_related("organization")
        .order_by("release_date", "slug")
    )


def models_for_compare(slugs):
    """Directory rows for these slugs, each with its assessments and their licences prefetched."""
    queryset = (
        directory()
        .filter(slug__in=slugs)
        .prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.select_related("license"))
        )
    )
    by_slug = {model.slug: model for model in queryset}
    return [by_slug[slug] for slug in slugs if slug in by_slug]


def compare_choices():
    return list(AIModel.objects.curated().order_by("name").values_list("slug", "name"))


def organisations_with_counts():
    """Every organisation with its number of curated models and its first and latest release
    (accounts known only from the machine-read tier are left out)."""
    published = Q(
        models__status=AIModel.Status.PUBLISHED,
        models__review_status=AIModel.ReviewStatus.CURATED,
    )
    return (
        Organization.objects.exclude(kind=Organization.Kind.UNKNOWN)
        .annotate(
            model_count=Count("models", filter=published),
            first_release=Min("models__release_date", filter=published),
            latest_release=Max("models__release_date", filter=published),
        )
        .order_by("name")
    )


def organisation_for_page(slug):
    return get_object_or_404(Organization, slug=slug)


def licences_with_counts():
    """Every licence with the number of published models that release something under it."""
    used = Q(
        assessments__model__status=AIModel.Status.PUBLISHED,
        assessments__model__review_status=AIModel.ReviewStatus.CURATED,
        assessments__availability__in=[components.FULL, components.PARTIAL],
    )
    return License.objects.annotate(
        model_count=Count("assessments__model", filter=used, distinct=True)
    ).order_by("identifier")


def licence_for_page(identifier):
    return get_object_or_404(License, identifier=identifier)


def models_under_licence(lic):
    """Directory rows of models releasing a component under `lic`, each with `components_under`
    (the names of those components). Three queries."""
    under = Assessment.objects.filter(
        license=lic, availability__in=[components.FULL, components.PARTIAL]
    )
    models = list(
        directory()
        .filter(Exists(under.filter(model=OuterRef("pk"))))
        .order_by("organization__name", "release_date", "slug")
    )
    names = {}
    for model_id, component in under.filter(model__in=[m.pk for m in models]).values_list(
        "model_id", "component"
    ):
        names.setdefault(model_id, []).append(component)
    for model in models:
        ids = set(names.get(model.pk, ()))
        model.components_under = [c.name for c in components.COMPONENTS if c.id in ids]
    return models


def recent_changes():
    """The audit trail, newest first, without changes to draft models."""
    return (
        Change.objects.select_related("model")
        .exclude(model__status=AIModel.Status.DRAFT)
        .exclude(model__review_status=AIModel.ReviewStatus.MACHINE_READ)
        .order_by("-at", "-id")
    )


def score_changes(limit=50):
    """The newest snapshots of published models, each with the verdict it replaced (or None)."""
    ordering = F("computed_at").asc()
    partition = [F("model_id"), F("framework")]
    return list(
        ScoreSnapshot.objects.filter(
            model__status=AIModel.Status.PUBLISHED,
            model__review_status=AIModel.ReviewStatus.CURATED,
        )
        .select_related("model")
        .annotate(
            previous_verdict=Window(Lag("verdict"), partition_by=partition, order_by=ordering),
            previous_score=Window(Lag("score"), partition_by=partition, order_by=ordering),
        )
        .order_by("-computed_at", "model__slug", "framework")[:limit]
    )


def dataset_rows():
    """One row per published model and component: the whole evidence base, flat, for CSV.

    Three queries whatever the size of the catalogue.
    """
    models = (
        curated_directory()
        .prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.select_related("license"))
        )
        .order_by("slug")
    )
    for model in models:
        by_component = {a.component: a for a in model.assessments.all()}
        for component in components.COMPONENTS:
            a = by_component.get(component.id)
            yield {
                "model": model.slug,
                "name": model.name,
                "organization": model.organization.slug,
                "family": model.family,
                "release_date": model.release_date.isoformat(),
                "parameters": model.parameters if model.parameters is not None else "",
                "modality": model.modality,
                "kind": model.kind,
                "base_model": model.base_model.slug if model.base_model_id else "",
                "review_status": model.review_status,
                "g7": model.g7_verdict or "",
                "label": model.label_verdict or "",
                "openness_index": "" if model.index_score is None else model.index_score,
                "osaid": model.osaid_verdict or "",
                "mof_class": model.mof_verdict or "",
                "eu_ai_act": model.eu_ai_act_verdict or "",
                "component": component.id,
                "component_group": component.group,
                "availability": a.availability if a else components.UNKNOWN,
                "license": a.license.identifier if a and a.license_id else "",
                "evidence": " ".join(a.evidence_links) if a else "",
                "note": a.note if a else "",
                "assessed_at": a.assessed_at.isoformat() if a else "",
                "assessed_by": a.assessed_by if a else "",
                "source": a.source if a else "",
            }


DATASET_COLUMNS = (
    "model", "name", "organization", "family", "release_date", "parameters", "modality", "kind",
    "base_model", "review_status", "g7", "label", "openness_index", "osaid", "mof_class",
    "eu_ai_act", "component", "component_group",
    "availability", "license", "evidence", "note", "assessed_at", "assessed_by", "source",
)  # fmt: skip


INDEX_ORDER = {source: number for number, source in enumerate(("osi", "eosai", "mot"))}


def index_verdicts(model_ids, *, terms=None, known=None):
    """What other indexes say about each of these models, and where we differ, and why.

    {model id: [{"entry": IndexEntry, "method": ..., "differences": [Difference, ...]}, ...]}, in
    the order OSI, EOSAI, MOT. The reasons come from our frameworks' criteria on the current
    evidence (catalog.indexes.concordance). `terms` and `known` (evidence by model id) spare
    reading what the caller has in hand.
    """
    matches = list(
        IndexMatch.objects.filter(model_id__in=model_ids)
        .select_related("entry")
        .order_by("model_id", "entry__source", "entry__name")
    )
    if not matches:
        return {pk: [] for pk in model_ids}
    terms = terms if terms is not None else licence_terms()
    open_licences = frozenset(t.identifier for t in terms.values() if licence_is_open(t))
    matched_ids = sorted({m.model_id for m in matches})
    known = known or {}
    evidence = {pk: known[pk] for pk in matched_ids if pk in known}
    missing = [pk for pk in matched_ids if pk not in evidence]
    if missing:
        evidence.update(evidence_by_model_id(missing, terms=terms))
    results = {pk: frameworks.evaluate_all(evidence[pk]) for pk in matched_ids}
    found = {pk: [] for pk in model_ids}
    for match in matches:
        entry = match.entry
        differences = concordance.differences(
            entry.source, entry.verdict, entry.details, results[match.model_id],
            evidence[match.model_id], open_licences,
        )  # fmt: skip
        found[match.model_id].append(
            {"entry": entry, "method": match.method, "differences": differences}
        )
    for items in found.values():
        items.sort(key=lambda item: (INDEX_ORDER[item["entry"].source], item["entry"].name))
    return found


def concordance_rows():
    """Every match of a published model, with its differences: the concordance page's rows."""
    models = {
        m.pk: m for m in AIModel.objects.published().filter(index_matches__isnull=False).distinct()
    }
    verdicts = index_verdicts(list(models))
    rows = []
    for pk, items in verdicts.items():
        for item in items:
            rows.append({"model": models[pk], **item})
    rows.sort(key=lambda r: (INDEX_ORDER[r["entry"].source], r["model"].name))
    return rows


def unmatched_index_entries():
    return IndexEntry.objects.filter(matches__isnull=True).order_by("source", "name")


def index_imports():
    return list(IndexImport.objects.order_by("source"))
