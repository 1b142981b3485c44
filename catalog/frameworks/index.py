"""The Openness Index: our graded score, 0 to 100.

Every applicable component scores 1 if open, 0.5 if partly open (partly available, gated, or under
a restricted or no licence) and 0 if closed or unknown; the mean within each group (model, code,
data, docs) and a licence-terms score (1, less 1/8 for each restrictive clause binding the model;
0 when no weights are released) are averaged with equal weight.
"""

import functools

from catalog import components
from catalog.frameworks.evidence import (
    OPEN,
    PARTLY_OPEN,
    Criterion,
    Result,
    component_name,
    component_state,
)
from catalog.frameworks.restrictions import flags_of, restrictions_of

ID = "index"
NAME = "Openness Index"
VERSION = "1.2.0"
CHANGES = (
    ("1.0.0", "2026-11-23", "First rules."),
    (
        "1.1.0",
        "2026-12-02",
        "Two more licence clauses count against the licence-terms score: the licensor's right to "
        "restrict use remotely, and terms that bind models distilled or trained on outputs.",
    ),
    (
        "1.2.0",
        "2026-12-03",
        "Reads effective licences: a component with no licence of its own falls under the "
        "release licence of its kind, a fine-tune's model components under its base model's "
        "licence whatever its card states, and a clause scoped to some modalities binds only "
        "those releases; a click-through gate is full availability.",
    ),
)

PENALTY_PER_CLAUSE = 0.125
GROUPS = (*components.GROUPS, "terms")
GROUP_COMPONENTS = tuple(
    (group, tuple(c.id for c in components.in_group(group))) for group in components.GROUPS
)


# What each component state scores; closed and unknown score 0.
STATE_SCORES = {OPEN: 1.0, PARTLY_OPEN: 0.5}


def component_score(component_id, item):
    return STATE_SCORES.get(component_state(component_id, item), 0.0)


def terms_score(evidence, restrictions):
    weights = evidence.get("weights_final")
    if weights.availability not in (components.FULL, components.PARTIAL):
        return 0.0, "No weights are released, so no licence grants any rights to the model."
    if weights.license is None:
        return 0.0, "The weights carry no stated licence, so no rights are granted."
    flags = flags_of(restrictions)
    if not flags:
        return 1.0, "No restrictive clause binds the model."
    score = max(0.0, 1.0 - PENALTY_PER_CLAUSE * len(flags))
    return (
        score,
        f"{len(flags)} restrictive clauses: {', '.join(f.replace('_', ' ') for f in flags)}.",
    )


@functools.lru_cache(maxsize=4096)
def _component_criterion(group, component_id, item):
    """(score, criterion) for one component; the same pair recurs across many models."""
    score = component_score(component_id, item)
    state = {1.0: "open", 0.5: "partly open", 0.0: "closed"}[score]
    if item.availability == components.UNKNOWN:
        state = "unknown, counted as closed"
    reason = f"{component_name(component_id)}: {state}."
    return score, Criterion(f"{group}:{component_id}", score == 1.0, reason, (component_id,))


def evaluate(evidence, restrictions=None):
    if restrictions is None:
        restrictions = restrictions_of(evidence)
    group_scores, criteria, unknown = {}, [], []
    for group, group_components in GROUP_COMPONENTS:
        scores = []
        for component_id in group_components:
            item = evidence.get(component_id)
            if item.availability == components.NOT_APPLICABLE:
                continue
            if item.availability == components.UNKNOWN:
                unknown.append(component_id)
            score, criterion = _component_criterion(group, component_id, item)
            scores.append(score)
            criteria.append(criterion)
        group_scores[group] = round(sum(scores) / len(scores), 4) if scores else 0.0
    terms, reason = terms_score(evidence, restrictions)
    group_scores["terms"] = round(terms, 4)
    criteria.append(Criterion("terms", terms == 1.0, reason, ("weights_final",)))
    total = round(100 * sum(group_scores.values()) / len(GROUPS), 1)
    return Result(
        framework=ID,
        version=VERSION,
        verdict=f"{total:.1f}",
        score=total,
        criteria=tuple(criteria),
        details={"groups": group_scores, "unknown": unknown, "unknown_count": len(unknown)},
    )  # fmt: skip
