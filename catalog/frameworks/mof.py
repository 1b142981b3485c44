"""The Model Openness Framework 1.0: Class III (Open Model), II (Open Tooling), I (Open Science).

Classes are cumulative, as the Model Openness Tool computes them: a class is reached when every
component it requires is included under an open licence and every class above it is reached. A
class's progress counts the components of that class and of every class above it (included over
required), and shows 0% until the class above is complete. A component is included when released
in full under any open licence (OSI-approved, open data or open content); one whose licence is
open but of the wrong kind for it (code not under an OSI-approved licence, data not under an open
data licence, a document not under an open content licence) still counts, with a warning. A
research paper may stand in for the technical report. Components that do not exist for a release
are not required of it. A fine-tune whose weights are bound by its base model's licence is held
at its base's progress: it cannot be more open than the model it is built on.
"""

import functools

from catalog import components
from catalog.frameworks.evidence import (
    AVAILABILITY_WORDS,
    BASE,
    Criterion,
    Result,
    component_name,
    licence_is_open,
    licence_phrase,
)

ID = "mof"
NAME = "Model Openness Framework 1.0"
VERSION = "1.2.0"
CHANGES = (
    ("1.0.0", "2026-11-23", "First rules, after MOF 1.0 and the Model Openness Tool."),
    (
        "1.1.0",
        "2026-12-02",
        "As the Model Openness Tool computes them: a class's progress counts the classes above "
        "it too; an open licence of the wrong kind for a component counts, with a warning; "
        "documents are expected under open content licences.",
    ),
    (
        "1.2.0",
        "2026-12-03",
        "Components without a licence of their own count under the release licence of their "
        "kind, as the Model Openness Tool reads a release; a fine-tune's architecture and weights "
        "count under its base model's licence when that binds them, and such a fine-tune's "
        "progress is held at its base's.",
    ),
)

CLASSES = (
    ("III", "Open Model", ("architecture", "weights_final", "doc_model_card", "data_information",
                           "doc_technical_report", "doc_evaluation_results"),
     ("doc_sample_outputs",)),
    ("II", "Open Tooling", ("code_training", "code_inference", "code_evaluation", "data_evaluation"),
     ("code_libraries",)),
    ("I", "Open Science", ("data_pretraining", "code_data_processing", "weights_intermediate",
                           "doc_research_paper"),
     ("training_state",)),
)  # fmt: skip
# The verdict for each class reached: "III" -> "Class III".
CLASS_NAMES = {number: f"Class {number}" for number, *_ in CLASSES}
UNCLASSIFIED = "Unclassified"


WEIGHT_COMPONENTS = {"weights_final", "weights_intermediate", "training_state"}


def included(item):
    """Released in full under an open licence of any kind."""
    return item.availability == components.FULL and licence_is_open(item.license)


def licence_fits(component_id, terms):
    """Whether an open licence is of the kind the MOF expects for this component."""
    if component_id in components.CODE_COMPONENTS:
        return terms.osi_approved
    if component_id in components.DOC_COMPONENTS:
        return terms.open_content
    if component_id in WEIGHT_COMPONENTS:
        return terms.osi_approved or terms.open_data
    return terms.open_data


@functools.lru_cache(maxsize=4096)
def _wrong_kind_warning(component_id, item):
    if included(item) and not licence_fits(component_id, item.license):
        return (
            f"{component_name(component_id)} is under {item.license.identifier}, an open "
            "licence but not of the kind the MOF expects for it; it counts."
        )
    return None


def _included(evidence, component_id):
    """Whether the component counts, and the reason a reader sees."""
    if (
        component_id == "doc_technical_report"
        and included(evidence.get("doc_research_paper"))
        and not included(evidence.get(component_id))
    ):
        return True, "Technical report: the research paper stands in for it."
    return _included_item(component_id, evidence.get(component_id))


@functools.lru_cache(maxsize=4096)
def _included_item(component_id, item):
    name = component_name(component_id)
    if included(item):
        return True, f"{name} included under {licence_phrase(item)}."
    if item.availability == components.FULL:
        return (
            False,
            f"{name} is released under {licence_phrase(item)}, which is not an open licence.",
        )
    if item.availability == components.PARTIAL:
        return False, f"{name} is released only in part or behind a gate."
    return False, f"{name} is {AVAILABILITY_WORDS[item.availability]}."


def _base_ceiling(evidence):
    """(base slug, base progress) when a base model's licence binds this model's weights."""
    weights = evidence.get("weights_final")
    if weights.origin != BASE or evidence.base is None:
        return None
    base = evidence.base
    while base is not None and base.slug != weights.inherited_from:
        base = base.base
    if base is None:
        return None
    return base.slug, evaluate(base).details["progress"]


def evaluate(evidence):
    criteria, progress, warnings = [], {}, []
    reached, reached_name, complete_so_far = None, "", True
    required_so_far = included_so_far = 0
    for number, title, required, optional in CLASSES:
        counted = [c for c in required if evidence.get(c).availability != components.NOT_APPLICABLE]
        included_here = 0
        for component_id in counted:
            passed, reason = _included(evidence, component_id)
            included_here += passed
            criteria.append(
                Criterion(f"class_{number}:{component_id}", passed, reason, (component_id,))
            )
        for component_id in optional:
            # Shown as met or not, as it is; an optional component never holds a class back.
            passed, reason = _included(evidence, component_id)
            criteria.append(
                Criterion(
                    f"class_{number}:{component_id} (optional)", passed, reason, (component_id,)
                )
            )
        for component_id in (*required, *optional):
            if warning := _wrong_kind_warning(component_id, evidence.get(component_id)):
                warnings.append(warning)
        required_so_far += len(counted)
        included_so_far += included_here
        share = included_so_far / required_so_far if required_so_far else 1.0
        progress[number] = round(share, 4) if complete_so_far else 0.0
        complete_so_far = complete_so_far and included_here == len(counted)
        if complete_so_far:
            reached, reached_name = CLASS_NAMES[number], title
    if (capped := _base_ceiling(evidence)) is not None:
        base_slug, base_progress = capped
        if any(progress[number] > base_progress[number] for number in progress):
            progress = {
                number: min(share, base_progress[number]) for number, share in progress.items()
            }
            warnings.append(
                f"Progress is held at that of the base model {base_slug}: this model's weights "
                "are bound by the base's licence, so it cannot be more open than its base."
            )
    # Score: the classes' progress summed, 0 to 3, so that ordering by it follows the classes.
    score = round(sum(progress.values()), 4)
    return Result(
        framework=ID,
        version=VERSION,
        verdict=reached or UNCLASSIFIED,
        score=score,
        criteria=tuple(criteria),
        details={"progress": progress, "class_name": reached_name, "warnings": warnings},
    )  # fmt: skip
