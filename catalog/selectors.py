"""The read queries behind pages and the API."""

import datetime
from dataclasses import fields as dataclass_fields

from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404

from catalog import components, frameworks
from catalog.frameworks.evidence import ComponentEvidence, LicenseTerms, ModelEvidence
from catalog.models import AIModel, Assessment, License


def _with_evidence(queryset):
    return queryset.select_related("organization", "base_model").prefetch_related(
        Prefetch("assessments", queryset=Assessment.objects.select_related("license"))
    )


def published_models():
    """Every public model with its organisation and assessments, in a fixed number of queries."""
    return _with_evidence(AIModel.objects.published()).order_by(
        "organization__name", "release_date", "name"
    )


def model_for_page(slug):
    return get_object_or_404(_with_evidence(AIModel.objects.published()), slug=slug)


def assessments_in_order(model):
    """The model's assessments in taxonomy order (uses the prefetched rows)."""
    by_component = {a.component: a for a in model.assessments.all()}
    return [(component, by_component.get(component.id)) for component in components.COMPONENTS]


def licence_terms():
    """Every licence as the frameworks see it, keyed by database id."""
    fields = [f.name for f in dataclass_fields(LicenseTerms)]
    terms = {}
    for row in License.objects.values("id", *fields):
        pk = row.pop("id")
        terms[pk] = LicenseTerms(**row)
    return terms


def evidence_by_model_id(model_ids, *, terms=None, known=None):
    """ModelEvidence for each of `model_ids` (and, through `base`, their ancestors).

    Reads plain values, not model instances, so it stays fast over thousands of models.
    `known` caches the evidence of ancestors across calls in a batch job; only ancestors are
    kept in it, so it grows with the number of base models, not with the batch.
    """
    terms = terms if terms is not None else licence_terms()
    known = known if known is not None else {}
    wanted = [pk for pk in model_ids if pk not in known]
    rows = {}
    while wanted:
        batch = {
            row["id"]: row
            for row in AIModel.objects.filter(pk__in=wanted).values(
                "id", "slug", "name", "base_model_id", "organization__slug"
            )
        }
        rows.update(batch)
        wanted = [
            row["base_model_id"]
            for row in batch.values()
            if row["base_model_id"]
            and row["base_model_id"] not in rows
            and row["base_model_id"] not in known
        ]
    items = {pk: {} for pk in rows}
    # Only a few distinct (availability, licence) pairs exist: share one object for each.
    shared = {}
    assessments = Assessment.objects.filter(model_id__in=list(rows)).values_list(
        "model_id", "component", "availability", "license_id"
    )
    for model_id, component, availability, license_id in assessments:
        item = shared.get((availability, license_id))
        if item is None:
            item = shared[(availability, license_id)] = ComponentEvidence(
                availability, terms.get(license_id)
            )
        items[model_id][component] = item

    built = {}

    def build(pk, as_base=False):
        evidence = known.get(pk) or built.get(pk)
        if evidence is None:
            row = rows[pk]
            base = build(row["base_model_id"], as_base=True) if row["base_model_id"] else None
            evidence = built[pk] = ModelEvidence(
                row["slug"], row["name"], items[pk], base, row["organization__slug"]
            )
        if as_base:
            known[pk] = evidence
        return evidence

    return {pk: build(pk) for pk in model_ids if pk in rows or pk in known}


def evidence_for(model):
    return evidence_by_model_id([model.pk])[model.pk]


def current_scores(model):
    """The model's current snapshot per framework id."""
    return {s.framework: s for s in model.snapshots.filter(is_current=True)}


def with_scores(queryset):
    """Annotate each model with its current verdict and score under every framework.

    Adds `<framework>_score` and `<framework>_verdict` from the CurrentScores row: one join.
    """
    fields = {}
    for framework_id in frameworks.BY_ID:
        fields[f"{framework_id}_score"] = F(f"current__{framework_id}_score")
        fields[f"{framework_id}_verdict"] = F(f"current__{framework_id}_verdict")
    return queryset.annotate(**fields)


# Ties on the chosen framework are broken by the label, then the Openness Index, then the newer
# release, then the slug, so every ordering is total and the same on every run.
TIE_BREAKS = ("label_score", "index_score")


def ranked(queryset, framework_id, descending=True):
    """Order `queryset` (annotated by with_scores) by one framework's score, deterministically."""
    if framework_id not in frameworks.BY_ID:
        raise ValueError(f"unknown framework {framework_id!r}")
    primary = F(f"{framework_id}_score")
    primary = primary.desc(nulls_last=True) if descending else primary.asc(nulls_last=True)
    tie_breaks = [
        F(field).desc(nulls_last=True) for field in TIE_BREAKS if field != f"{framework_id}_score"
    ]
    return queryset.order_by(primary, *tie_breaks, F("release_date").desc(), "slug")


def directory():
    """Published models with everything a directory row shows, in one query."""
    queryset = AIModel.objects.published().select_related("organization", "base_model")
    return with_scores(queryset).annotate(
        weights_license=F("current__weights_license"),
        weights_availability=F("current__weights_availability"),
        mof_progress=F("current__mof_progress"),
        unknown_count=F("current__unknown_count"),
    )


def snapshots_as_of(model, day):
    """The snapshot per framework that was current at the end of `day` (a date)."""
    end = datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)
    found = {}
    for snapshot in model.snapshots.filter(computed_at__lte=end).order_by("-computed_at"):
        found.setdefault(snapshot.framework, snapshot)
    return found
