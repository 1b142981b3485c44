"""Synthetic catalogues for benchmarks: many models with realistic mixes of evidence."""

import datetime
import random

from django.db import connection

from catalog import components
from catalog.models import AIModel, Assessment, HubRecord, License, Organization

LICENCES = [
    dict(identifier="Apache-2.0", name="Apache", osi_approved=True, category="software", commercial_use=True),
    dict(identifier="MIT", name="MIT", osi_approved=True, category="software", commercial_use=True),
    dict(identifier="CC-BY-4.0", name="CC BY", osi_approved=False, open_data=True, open_content=True,
         category="content", commercial_use=True),
    dict(identifier="LicenseRef-bench-community", name="Community", osi_approved=False, category="model",
         commercial_use=True, mau_cap=700_000_000, acceptable_use_policy=True, field_of_use=True),
    dict(identifier="CC-BY-NC-4.0", name="CC BY-NC", osi_approved=False, category="content",
         commercial_use=False, non_commercial=True),
]  # fmt: skip
AVAILABILITIES = ["full", "full", "full", "partial", "none", "unknown"]


def build(count, seed=1):
    """Create `count` published models with all 20 assessments each; a tenth are fine-tunes."""
    rng = random.Random(seed)
    orgs = Organization.objects.bulk_create(
        [Organization(slug=f"org-{n}", name=f"Org {n}", kind="company") for n in range(50)]
    )
    licences = License.objects.bulk_create(
        [License(url="https://example.org/licence", source="synthetic", **row) for row in LICENCES]
    )
    start = datetime.date(2019, 1, 1)
    models = AIModel.objects.bulk_create(
        [
            AIModel(
                slug=f"model-{n:06d}",
                name=f"Model {n}",
                organization=rng.choice(orgs),
                family=f"Family {n // 10}",
                release_date=start + datetime.timedelta(days=rng.randrange(2500)),
                parameters=rng.choice([1, 7, 13, 70]) * 1_000_000_000,
                modality="text",
                kind=rng.choice(["base", "instruct", "chat"]),
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    bases = models[: max(1, count // 10)]
    tunes = [m for m in models[count // 10 :] if rng.random() < 0.1]
    for tune in tunes:
        tune.base_model = rng.choice(bases)
    AIModel.objects.bulk_update(tunes, ["base_model"], batch_size=2000)
    rows = []
    for model in models:
        for component_id in components.COMPONENT_IDS:
            availability = rng.choice(AVAILABILITIES)
            rows.append(
                Assessment(
                    model=model,
                    component=component_id,
                    availability=availability,
                    license=rng.choice(licences) if availability in ("full", "partial") else None,
                    evidence=[]
                    if availability == "unknown"
                    else [f"https://example.org/{model.slug}/{component_id}"],
                    assessed_at=datetime.date(2026, 1, 1),
                    assessed_by="bench",
                )
            )
        if len(rows) >= 20000:
            Assessment.objects.bulk_create(rows)
            rows = []
    Assessment.objects.bulk_create(rows)
    return models


def build_scored(count):
    """`count` models as build() makes them, scored, with PostgreSQL's planner statistics brought
    up to date as autovacuum would within minutes on a running site (without them it plans for
    the empty tables it last saw), and the pages the load dirtied written out as a checkpoint
    would (until they are, the writing weighs on whatever is measured next: the cold model page
    measured at once came out at 115 and 140 req/s, after a checkpoint at 176 and 164): the
    state a served benchmark measures."""
    from catalog.scoring import rescore

    models = build(count)
    rescore(None)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("CHECKPOINT")
    return models


MACHINE_READ_SHOWN = {
    # What the Hub shows of a machine-read entry (hubs/reading.py); every other component unknown.
    "weights_final": ["full", "full", "partial", "none"],
    "architecture": ["full"],
    "doc_model_card": ["full", "full", "unknown"],
    "data_pretraining": ["partial", "unknown", "unknown", "unknown"],
}


def build_machine_read(count, seed=2):
    """Create `count` machine-read entries as discovery leaves them: published, marked
    machine-read, one Hub record each, the components the Hub shows read, the rest unknown;
    every fourth a fine-tune of an earlier entry. Uses the licences build() made, if any."""
    rng = random.Random(seed)
    orgs = Organization.objects.bulk_create(
        [Organization(slug=f"hub-org-{n}", name=f"hub-org-{n}", kind="unknown") for n in range(997)]
    )
    licences = list(License.objects.all()) or [None]
    start = datetime.date(2021, 1, 1)
    models = []
    for first in range(0, count, 5000):
        batch = AIModel.objects.bulk_create(
            [
                AIModel(
                    slug=f"hub-org-{n % 997}-model-{n}",
                    name=f"model-{n}",
                    organization=orgs[n % 997],
                    family=f"model-{n}",
                    release_date=start + datetime.timedelta(days=n % 1800),
                    modality="text",
                    kind="unknown",
                    hf_repos=[f"hub-org-{n % 997}/model-{n}"],
                    review_status="machine-read",
                )
                for n in range(first, min(count, first + 5000))
            ]
        )
        tunes = [m for n, m in enumerate(batch, first) if n % 4 == 3 and n > 4]
        for tune in tunes:
            tune.base_model_id = models[0].pk if models else batch[0].pk
        AIModel.objects.bulk_update(tunes, ["base_model"])
        HubRecord.objects.bulk_create(
            [
                HubRecord(
                    model=m,
                    hub="huggingface",
                    repo_id=m.hf_repos[0],
                    canonical_id=m.hf_repos[0],
                    status="ok",
                    sha=f"{m.pk:040x}",
                )
                for m in batch
            ]  # fmt: skip
        )
        rows = []
        for model in batch:
            for component_id in components.COMPONENT_IDS:
                availability = rng.choice(MACHINE_READ_SHOWN.get(component_id, ["unknown"]))
                shown = availability in ("full", "partial")
                rows.append(
                    Assessment(
                        model=model,
                        component=component_id,
                        availability=availability,
                        license=rng.choice(licences) if shown else None,
                        evidence=[f"https://huggingface.co/{model.hf_repos[0]}"] if shown else [],
                        assessed_at=datetime.date(2026, 1, 1),
                        assessed_by="hub-discovery",
                        source="hub",
                    )  # fmt: skip
                )
        Assessment.objects.bulk_create(rows, batch_size=20000)
        models += batch
    return models
