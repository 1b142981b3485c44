"""The G7's shared language for AI openness (Paris, 29 May 2026): the headline label.

The G7 Digital and Technology Ministers' "Vision on AI Openness Opportunities and Shared
Language" names four labels, each for AI released free of charge:

- Open Source AI with Open Data: under an Open Source licence, including its weights, deployment
  code, training code and full training data.
- Open Source AI: the same, with the full training data where possible; where sharing it is
  legally or technically impossible, Data Information about the unavailable data in its place.
- Open Weights AI: its weights and deployment code under an Open Source licence.
- Weights Available AI: its weights and deployment code under a licence with restrictions on how
  they can be used (commercial, geographical or use-case restrictions).

A model whose weights are not released is outside the ladder: "Weights not released".

How the evidence is read: licences are effective licences (the release's, the base model's); an
Open Source licence is an OSI-approved one, or for weights and data an open data licence; a
restriction is any use-restricting clause binding the model, inherited ones included; weights
behind a gate someone must approve are not released free of charge to all and stay Weights
Available; a withheld training set counts as an exception only where the developer states a legal
or technical reason, recorded with evidence.
"""

from catalog import components
from catalog.clauses import USE_RESTRICTIONS
from catalog.frameworks.evidence import (
    AVAILABILITY_WORDS,
    Criterion,
    Result,
    component_name,
    licence_is_open_for,
    licence_phrase,
)
from catalog.frameworks.restrictions import restrictions_of

ID = "g7"
NAME = "G7 shared language for AI openness"
VERSION = "1.0.0"
CHANGES = (
    (
        "1.0.0",
        "2026-12-03",
        "First rules, after the G7 Vision on AI Openness Opportunities and Shared Language "
        "(29 May 2026); the Scorecard's headline from this version on.",
    ),
)

OPEN_DATA = "Open Source AI with Open Data"
OPEN_SOURCE = "Open Source AI"
OPEN_WEIGHTS = "Open Weights AI"
WEIGHTS_AVAILABLE = "Weights Available AI"
NOT_RELEASED = "Weights not released"
# Higher is more open: the order the directory sorts labels in.
RANK = {OPEN_DATA: 4, OPEN_SOURCE: 3, OPEN_WEIGHTS: 2, WEIGHTS_AVAILABLE: 1, NOT_RELEASED: 0}
LADDER = tuple(RANK)
# When each rung applies, in words: the framework page shows them.
RULES = (
    (OPEN_DATA, "Weights, deployment code and training code under Open Source "
     "licences with no use restriction, and the full training data (pre-training and "
     "fine-tuning) released under open licences."),
    (OPEN_SOURCE, "The same, except the training data: where the developer states that "
     "sharing it is legally or technically impossible (recorded with evidence), complete "
     "data information stands in for it. Withholding it for no stated reason, or for "
     "another reason, does not qualify."),
    (OPEN_WEIGHTS, "Weights and deployment code released in full under Open Source "
     "licences with no use restriction, its base model's included."),
    (WEIGHTS_AVAILABLE, "Weights released free of charge under a licence that is not "
     "Open Source or restricts use (commercial, geographical, use-case, user caps), or "
     "behind a gate someone must approve."),
    (NOT_RELEASED, "Outside the G7 ladder: the final weights are not released (or not "
     "verified)."),
)  # fmt: skip

# Why a developer withholds its training data, as it states it.
WITHHELD_LEGAL = "legal"
WITHHELD_TECHNICAL = "technical"
WITHHELD_UNSTATED = "unstated"
WITHHELD_REASONS = (WITHHELD_LEGAL, WITHHELD_TECHNICAL, WITHHELD_UNSTATED)
EXCEPTION_REASONS = (WITHHELD_LEGAL, WITHHELD_TECHNICAL)

RELEASED = (components.FULL, components.PARTIAL)
TRAINING_DATA = ("data_pretraining", "data_finetuning")


def _open_released(component_id, item):
    return item.availability == components.FULL and licence_is_open_for(component_id, item.license)


def _weights(evidence):
    item = evidence.get("weights_final")
    if item.availability not in RELEASED:
        why = "not verified" if item.availability == components.UNKNOWN else "not released"
        return Criterion("weights", False, f"Final weights are {why}.", ("weights_final",))
    gate = " behind a click-through" if item.access == components.ACCESS_CLICK_THROUGH else ""
    how = "released in full" if item.availability == components.FULL else "released only in part or behind an approval gate"  # fmt: skip
    return Criterion("weights", True, f"Final weights are {how}{gate}, free of charge.", ("weights_final",))  # fmt: skip


def _deployment_code(evidence):
    item = evidence.get("code_inference")
    if item.availability not in RELEASED:
        return Criterion("deployment_code", False, f"Deployment (inference) code is {AVAILABILITY_WORDS[item.availability]}.", ("code_inference",))  # fmt: skip
    return Criterion("deployment_code", True, f"Deployment (inference) code is released under {licence_phrase(item)}.", ("code_inference",))  # fmt: skip


def _open_source_licence(evidence, binding):
    """Weights and deployment code under an Open Source licence, with no use restriction."""
    weights, code = evidence.get("weights_final"), evidence.get("code_inference")
    problems = []
    if weights.availability == components.PARTIAL:
        problems.append("the weights are released only in part or behind an approval gate")
    if not licence_is_open_for("weights_final", weights.license):
        problems.append(f"the weights are under {licence_phrase(weights)}, not an Open Source licence")  # fmt: skip
    if code.availability != components.FULL or not licence_is_open_for(
        "code_inference", code.license
    ):
        problems.append(f"the deployment code is not released in full under an Open Source licence ({licence_phrase(code)})")  # fmt: skip
    for r in binding:
        origin = f", inherited from {r.inherited_from}" if r.inherited_from else ""
        text = f"{r.description.lower()} ({r.license}{origin})"
        if text not in problems:
            problems.append(text)
    ids = ("weights_final", "code_inference")
    if problems:
        return Criterion("open_source_licence", False, "Restrictions: " + "; ".join(problems) + ".", ids)  # fmt: skip
    return Criterion("open_source_licence", True, "Weights and deployment code are released under Open Source licences with no use restriction.", ids)  # fmt: skip


def _training_code(evidence):
    item = evidence.get("code_training")
    if _open_released("code_training", item):
        return Criterion("training_code", True, f"Training code is released under {licence_phrase(item)}.", ("code_training",))  # fmt: skip
    if item.availability == components.FULL:
        return Criterion("training_code", False, f"Training code is released under {licence_phrase(item)}, not an Open Source licence.", ("code_training",))  # fmt: skip
    return Criterion("training_code", False, f"Training code is {AVAILABILITY_WORDS[item.availability]}.", ("code_training",))  # fmt: skip


def _full_training_data(evidence):
    missing = []
    for component_id in TRAINING_DATA:
        item = evidence.get(component_id)
        if item.availability == components.NOT_APPLICABLE or _open_released(component_id, item):
            continue
        if item.availability == components.FULL:
            missing.append(f"{component_name(component_id).lower()} (under {licence_phrase(item)})")
        else:
            missing.append(f"{component_name(component_id).lower()} ({AVAILABILITY_WORDS[item.availability]})")  # fmt: skip
    if missing:
        return Criterion("training_data", False, "Full training data is not released under open licences: " + ", ".join(missing) + ".", TRAINING_DATA)  # fmt: skip
    return Criterion("training_data", True, "The full training data is released under open licences.", TRAINING_DATA)  # fmt: skip


def _data_exception(evidence):
    """Whether data information may stand in for training data the developer cannot share."""
    reason = evidence.data_withheld
    info = evidence.get("data_information")
    ids = ("data_information",)
    if reason not in EXCEPTION_REASONS:
        stated = (
            "the developer gives no legal or technical reason for withholding it"
            if reason == WITHHELD_UNSTATED
            else "no legal or technical impossibility of sharing it is recorded"
        )
        return Criterion("data_exception", False, f"The training data is not all released, and {stated}: the exception does not apply.", ids)  # fmt: skip
    if info.availability != components.FULL:
        return Criterion("data_exception", False, f"The developer states a {reason} reason for withholding training data, but data information is {AVAILABILITY_WORDS[info.availability]}.", ids)  # fmt: skip
    return Criterion("data_exception", True, f"Training data is withheld for a {reason} reason the developer states, and data information is published in its place.", ids)  # fmt: skip


def evaluate(evidence, restrictions=None):
    if restrictions is None:
        restrictions = restrictions_of(evidence)
    # The ladder's licence rung is about the weights and the deployment code: restrictions in
    # their licences, or inherited from a base model's weights. A data or training-code licence
    # is judged where the higher rungs read those components.
    binding = [
        r
        for r in restrictions
        if r.flag in USE_RESTRICTIONS
        and (r.inherited_from or set(r.components) & {"weights_final", "code_inference"})
    ]
    criteria = [_weights(evidence)]
    if not criteria[0].passed:
        return _result(NOT_RELEASED, criteria)
    criteria.append(_deployment_code(evidence))
    criteria.append(_open_source_licence(evidence, binding))
    if not criteria[-1].passed:
        return _result(WEIGHTS_AVAILABLE, criteria)
    if not criteria[1].passed:
        # Open Source terms, but no deployment code released: the weights are available.
        return _result(WEIGHTS_AVAILABLE, criteria)
    criteria.append(_training_code(evidence))
    data = _full_training_data(evidence)
    criteria.append(data)
    if not criteria[-2].passed:
        return _result(OPEN_WEIGHTS, criteria)
    if data.passed:
        return _result(OPEN_DATA, criteria)
    exception = _data_exception(evidence)
    criteria.append(exception)
    return _result(OPEN_SOURCE if exception.passed else OPEN_WEIGHTS, criteria)


def _result(verdict, criteria):
    return Result(
        framework=ID, version=VERSION, verdict=verdict, score=float(RANK[verdict]),
        criteria=tuple(criteria),
    )  # fmt: skip
