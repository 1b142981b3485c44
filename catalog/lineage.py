"""Lineage read from model cards: a derivative's `base_model` becomes its base in the catalogue.

A draft or machine-read entry is linked to its base when the base is in the catalogue; when it is
not, the base is discovered too, as a machine-read entry, so that the derivative's effective terms
follow its base (frameworks/effective.py) once the base is read. A curated entry's lineage is a
curator's: what the card says is filed as an observation for them to decide, never applied.
"""

from catalog import history, publishing
from catalog.data_version import bump_data_version
from catalog.hub_records import model_for_repo
from catalog.machine_read import create_pending_entry
from catalog.models import AIModel

ACTOR = "hub-refresh"


def ancestors(model_id):
    """The ids of `model_id`'s bases, nearest first (a cycle is cut where it closes)."""
    found = []
    current = AIModel.objects.filter(pk=model_id).values_list("base_model_id", flat=True).first()
    while current and current not in found and current != model_id:
        found.append(current)
        current = AIModel.objects.filter(pk=current).values_list("base_model_id", flat=True).first()
    return found


def link(model, record):
    """Bring `model`'s base in line with the base_model its card names (on `record`)."""
    if not record.base_models:
        return
    base_repo = record.base_models[0]
    base_id = model_for_repo(base_repo, exclude=model.pk)
    curated = (
        model.status == AIModel.Status.PUBLISHED
        and model.review_status == AIModel.ReviewStatus.CURATED
    )
    if curated:
        if base_id != model.base_model_id:
            history.record_observation(
                model, f"{model.slug}/base_model",
                before={"base_model": model.base_model.slug if model.base_model_id else None},
                after={"base_model": base_repo},
                reason=f"The model card of {record.canonical_id} names {base_repo} as its base "
                "model; the curated lineage differs: a curator decides",
                actor=ACTOR,
            )  # fmt: skip
            bump_data_version()
        return
    if base_id is None:
        base_id = create_pending_entry(base_repo, reason=f"Base model of {record.canonical_id}")
    if base_id == model.base_model_id or model.pk in ancestors(base_id):
        return
    before = history.state_of(model)
    model.base_model_id = base_id
    model.save(update_fields=["base_model", "updated_at"])
    history.record(model, before=before, actor=ACTOR,
                   reason=f"The model card of {record.canonical_id} names {base_repo} as its base "
                   "model")  # fmt: skip
    publishing.evidence_changed([model.pk])
