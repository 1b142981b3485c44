"""Lineage read from model cards: a derivative's `base_model` becomes its base in the catalogue.

A draft or machine-read entry is linked to its base when the base is in the catalogue; when it is
not, the base is discovered too, as a machine-read entry, so that the derivative's effective terms
follow its base (frameworks/effective.py) once the base is read. A curated entry's lineage is a
curator's: what the card says is filed as an observation for them to decide, never applied.
"""

from django.db.models import Q

from catalog import history
from catalog.models import AIModel, HubRecord, names_hf_repo

ACTOR = "hub-refresh"


def model_for_repo(repo_id, *, exclude=None):
    """The id of the entry that tracks Hub repo `repo_id` (any letter case, old or new name)."""
    key = repo_id.strip().lower()
    records = HubRecord.objects.filter(hub=HubRecord.Hub.HUGGINGFACE).filter(
        Q(repo_id__lower=key) | Q(canonical_id__lower=key)
    )
    if exclude is not None:
        records = records.exclude(model_id=exclude)
    # A curated entry wins over a machine-read one naming the same repository.
    records = records.order_by("model__review_status", "model_id")
    found = records.values_list("model_id", flat=True).first()
    if found is None:  # named by the catalogue, not yet given its hub record
        models = AIModel.objects.filter(names_hf_repo(repo_id.strip()))
        if exclude is not None:
            models = models.exclude(pk=exclude)
        found = models.order_by("review_status", "pk").values_list("pk", flat=True).first()
    return found


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
        return
    if base_id is None:
        from catalog.machine_read import create_pending_entry

        base_id = create_pending_entry(base_repo, reason=f"Base model of {record.canonical_id}")
    if base_id == model.base_model_id or model.pk in ancestors(base_id):
        return
    before = history.state_of(model)
    model.base_model_id = base_id
    model.save(update_fields=["base_model", "updated_at"])
    history.record(model, before=before, actor=ACTOR,
                   reason=f"The model card of {record.canonical_id} names {base_repo} as its base "
                   "model")  # fmt: skip
