"""Scores: every framework evaluated over each model's evidence, kept as snapshots.

A snapshot is written only where a model's inputs or a framework's version changed, so a
recompute is safe to run twice. What schedules a recompute after a change to the evidence is
publishing.evidence_changed.
"""

import functools
import hashlib
import json

from django.db import connection, transaction
from django.utils import timezone

from catalog import frameworks, selectors
from catalog.data_version import bump_data_version
from catalog.frameworks.restrictions import flags_of, restrictions_of
from catalog.models import AIModel, CurrentScores, ScoreSnapshot


def inputs_hash(evidence):
    """A digest of everything the frameworks read for one model, its ancestors included."""
    return hashlib.sha256(repr(_inputs(evidence)).encode()).hexdigest()


def _inputs(evidence):
    # Plain strings in a fixed order: much cheaper than dataclasses.asdict over 20 components.
    items = "".join(_item_key(cid, item) for cid, item in sorted(evidence.components.items()))
    base = _inputs(evidence.base) if evidence.base is not None else None
    return (
        evidence.slug, evidence.organization, evidence.modality, evidence.data_withheld, items, base,
        evidence.training_compute_flop, evidence.compute_source,
        evidence.training_summary_published, evidence.monetised,
    )  # fmt: skip


@functools.lru_cache(maxsize=4096)
def _item_key(component_id, item):
    return repr((component_id, item))


def rescore(model_ids=None, *, batch_size=2000, now=None):
    """Recompute every framework for these models (all when None) and their derivatives.

    A snapshot is written only where a model's inputs or a framework's version changed; the rest
    is left alone, so running this twice writes nothing the second time. Returns the number of
    snapshots written.
    """
    now = now or timezone.now()
    if model_ids is None:
        queryset = AIModel.objects.order_by("pk").values_list("pk", flat=True)
    else:
        queryset = _with_derivatives(model_ids)
    terms = selectors.licence_terms()
    versions = frameworks.versions()
    known = {}  # evidence of base models, shared across batches
    written = 0
    ids = list(queryset)
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        written += _rescore_batch(batch, terms, versions, known, now)
    return written


def _rescore_batch(batch, terms, versions, known, now):
    # Two rescores of one model (say, after two edits committed close together) take turns: the
    # second waits for the first's commit, then reads the newest evidence and the snapshots the
    # first wrote, so neither fails on the one-current-snapshot constraint nor leaves a stale one.
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Scores are derived: were the last commits lost in a crash, the next recompute would
            # find them stale and write them again, so the commit need not wait for the disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        list(AIModel.objects.select_for_update().filter(pk__in=batch).order_by("pk").values("pk"))
        evidence = selectors.evidence_by_model_id(batch, terms=terms, known=known)
        # (model, framework) -> (snapshot id, version, inputs hash): plain rows, not instances.
        current = {
            (model_id, framework): (pk, version, digest)
            for pk, model_id, framework, version, digest in ScoreSnapshot.objects.filter(
                model_id__in=batch, is_current=True
            ).values_list("id", "model_id", "framework", "version", "inputs_hash")
        }
        summarised = set(
            CurrentScores.objects.filter(model_id__in=batch)
            .exclude(component_states="")
            .exclude(restriction_flags="")
            .values_list("model_id", flat=True)
        )
        retired, fresh, summaries = [], [], []
        for model_id in batch:
            if model_id not in evidence:
                continue  # deleted since it was scheduled
            digest = inputs_hash(evidence[model_id])
            stale = [
                framework_id
                for framework_id, version in versions.items()
                if not (
                    (old := current.get((model_id, framework_id))) and old[1:] == (version, digest)
                )
            ]
            if not stale and model_id in summarised:
                continue
            results = frameworks.evaluate_all(evidence[model_id])
            for framework_id in stale:
                result = results[framework_id]
                if (old := current.get((model_id, framework_id))) is not None:
                    retired.append(old[0])
                key = f"{framework_id}-{result.version}-{now:%Y%m%d%H%M%S%f}"
                fresh.append(
                    (model_id, framework_id, result.version, now, digest, key, True,
                     result.verdict, result.score, result.as_dict())
                )  # fmt: skip
            summaries.append(_current_scores(model_id, evidence[model_id], results, now))
        ScoreSnapshot.objects.filter(pk__in=retired).update(is_current=False)
        _insert_snapshots(fresh)
        CurrentScores.objects.bulk_create(
            summaries,
            update_conflicts=True,
            unique_fields=["model"],
            update_fields=CURRENT_FIELDS,
        )
        if fresh or summaries:
            bump_data_version()
    return len(fresh)


CURRENT_FIELDS = [f.name for f in CurrentScores._meta.concrete_fields if f.name != "model"]


def _current_scores(model_id, evidence, results, now):
    weights = evidence.get("weights_final")
    return CurrentScores(
        model_id=model_id,
        g7_verdict=results["g7"].verdict,
        g7_score=results["g7"].score,
        eu_ai_act_verdict=results["eu_ai_act"].verdict,
        eu_ai_act_score=results["eu_ai_act"].score,
        label_verdict=results["label"].verdict,
        label_score=results["label"].score,
        osaid_verdict=results["osaid"].verdict,
        osaid_score=results["osaid"].score,
        mof_verdict=results["mof"].verdict,
        mof_score=results["mof"].score,
        mof_progress=results["mof"].details["progress"],
        index_verdict=results["index"].verdict,
        index_score=results["index"].score,
        weights_license=weights.license.identifier if weights.license else "",
        weights_availability=weights.availability,
        unknown_count=results["index"].details["unknown_count"],
        component_states=selectors.encode_states(evidence),
        restriction_flags=encode_flags(flags_of(restrictions_of(evidence))),
        computed_at=now,
    )


def encode_flags(flags):
    """Clause flags as CurrentScores.restriction_flags stores them: `,flag,flag,` (or `,`)."""
    return f",{','.join(flags)},"


SNAPSHOT_COLUMNS = (
    "model_id", "framework", "version", "computed_at", "inputs_hash", "key", "is_current",
    "verdict", "score", "result",
)  # fmt: skip


def _insert_snapshots(rows):
    """Insert snapshot rows (tuples in SNAPSHOT_COLUMNS order); on PostgreSQL through COPY,
    several times faster than INSERT for the thousands a full recompute writes."""
    if connection.vendor != "postgresql" or len(rows) < 100:
        ScoreSnapshot.objects.bulk_create(
            [ScoreSnapshot(**dict(zip(SNAPSHOT_COLUMNS, row, strict=True))) for row in rows]
        )
        return
    columns = ", ".join(SNAPSHOT_COLUMNS)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {ScoreSnapshot._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row((*row[:-1], json.dumps(row[-1], separators=(",", ":"))))


def _with_derivatives(model_ids):
    """These models and everything built on them, at any depth."""
    found, frontier = set(model_ids), set(model_ids)
    while frontier:
        frontier = (
            set(AIModel.objects.filter(base_model_id__in=frontier).values_list("pk", flat=True))
            - found
        )
        found |= frontier
    return sorted(found)
