"""The read queries behind pages and the API."""

from dataclasses import fields as dataclass_fields

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from catalog import components
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
    `known` is a cache of evidence already built, shared across calls in a batch job.
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
    assessments = Assessment.objects.filter(model_id__in=list(rows)).values_list(
        "model_id", "component", "availability", "license_id", "evidence"
    )
    for model_id, component, availability, license_id, evidence in assessments:
        items[model_id][component] = ComponentEvidence(
            availability, terms.get(license_id), tuple(evidence)
        )

    def build(pk):
        if pk not in known:
            row = rows[pk]
            base = build(row["base_model_id"]) if row["base_model_id"] else None
            known[pk] = ModelEvidence(
                row["slug"], row["name"], items[pk], base, row["organization__slug"]
            )
        return known[pk]

    return {pk: build(pk) for pk in model_ids if pk in rows or pk in known}


def evidence_for(model):
    return evidence_by_model_id([model.pk])[model.pk]


def current_scores(model):
    """The model's current snapshot per framework id."""
    return {s.framework: s for s in model.snapshots.filter(is_current=True)}
