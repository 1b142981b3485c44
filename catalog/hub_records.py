"""A model's hub records: the one every repository it names gets, which entry tracks a given
repository, and what a record's facts say of each component. Shared by the refresh, lineage and
the machine-read tier."""

from django.conf import settings
from django.db.models import Q

from catalog.hubs import reading
from catalog.models import AIModel, HubRecord, names_hf_repo


def ensure_hub_records(models=None):
    """A pending HubRecord for every repository the catalogue names (existing ones are kept)."""
    models = models if models is not None else AIModel.objects.all()
    wanted = []
    for model in models.only("pk", "hf_repos", "github_repos"):
        wanted += [HubRecord(model=model, hub=HubRecord.Hub.HUGGINGFACE, repo_id=repo)
                   for repo in model.hf_repos]  # fmt: skip
        wanted += [HubRecord(model=model, hub=HubRecord.Hub.GITHUB, repo_id=repo)
                   for repo in model.github_repos]  # fmt: skip
    HubRecord.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=1000)


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


def observed_components(record):
    """What a Hub record's facts say of each component (hubs/reading.py)."""
    return reading.read_components(
        endpoint=settings.HF_ENDPOINT, repo_id=record.canonical_id, gated=record.gated,
        license_key=reading.licence_key(record.license_tag, record.license_name),
        files=record.files, weight_files=record.weight_files,
        weight_formats=record.weight_formats, datasets=record.datasets,
        base_models=record.base_models, checkpoint_branches=record.checkpoint_branches,
    )  # fmt: skip
