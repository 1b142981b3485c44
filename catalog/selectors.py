"""The read queries behind pages and the API."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from catalog import components
from catalog.models import AIModel, Assessment


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
