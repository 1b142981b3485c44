"""Each framework's criteria as data: the ids its results use, what each asks, what it reads.

Built from the frameworks' own constants (OSAID's code components, the MOF classes, the Index
groups), so the list follows the rules when they change; the descriptions restate the rules of
the modules' docstrings for one criterion each. Pure: no ORM, no HTTP.
"""

from dataclasses import dataclass

from catalog import components
from catalog.frameworks import eu_ai_act, g7, index, label, mof, osaid


@dataclass(frozen=True)
class CriterionDefinition:
    id: str
    name: str
    description: str
    components: tuple = ()  # empty: the licences of every released component
    mof_class: str | None = None
    group: str | None = None
    optional: bool = False


OSAID = (
    CriterionDefinition(
        "data_information", "Data information", "Data information is released in full.",
        ("data_information",),
    ),
    CriterionDefinition(
        "code", "Code",
        "All the code to process data, train, evaluate and run the model is released in full "
        "under OSI-approved licences (components that do not exist for a release are not "
        "required).",
        osaid.CODE,
    ),
    CriterionDefinition(
        "parameters", "Parameters",
        "Final weights are released in full under an OSI-approved licence.", ("weights_final",),
    ),
    CriterionDefinition(
        "terms", "Terms",
        "No licence on any released part, nor inherited from a base model, restricts use, users "
        "or fields of endeavour.",
    ),
)  # fmt: skip

LABEL = (
    CriterionDefinition(
        "osaid", "Open Source AI Definition",
        f"Conforms to the Open Source AI Definition 1.0: the label is {label.OPEN_SOURCE!r}.",
    ),
    CriterionDefinition(
        "weights", "Final weights",
        f"Otherwise, final weights downloadable without approval under an open licence with no "
        f"use restriction, the base model's included, are {label.OPEN_WEIGHTS!r}; released but "
        f"gated, in part, or under other terms, {label.RESTRICTED_WEIGHTS!r}; not released, "
        f"{label.CLOSED!r}.",
        ("weights_final",),
    ),
)  # fmt: skip


G7 = (
    CriterionDefinition(
        "weights", "Weights",
        f"Final weights are released free of charge (in full, in part or behind a gate); "
        f"otherwise the model is {g7.NOT_RELEASED!r}, outside the G7 ladder.",
        ("weights_final",),
    ),
    CriterionDefinition(
        "deployment_code", "Deployment code", "Deployment (inference) code is released.",
        ("code_inference",),
    ),
    CriterionDefinition(
        "open_source_licence", "Open Source licence",
        f"Weights and deployment code are released in full under Open Source licences with no "
        f"use restriction, the base model's included: at least {g7.OPEN_WEIGHTS!r}; otherwise "
        f"{g7.WEIGHTS_AVAILABLE!r}.",
        ("weights_final", "code_inference"),
    ),
    CriterionDefinition(
        "training_code", "Training code",
        f"Training code is released in full under an Open Source licence: needed for "
        f"{g7.OPEN_SOURCE!r}.",
        ("code_training",),
    ),
    CriterionDefinition(
        "training_data", "Full training data",
        f"Pre-training and fine-tuning data are released in full under open licences: "
        f"{g7.OPEN_DATA!r}.",
        g7.TRAINING_DATA,
    ),
    CriterionDefinition(
        "data_exception", "Data information in place of training data",
        f"Where the developer states that sharing the training data is legally or technically "
        f"impossible, complete data information stands in for it: {g7.OPEN_SOURCE!r}.",
        ("data_information",),
    ),
)  # fmt: skip


EU_AI_ACT = (
    CriterionDefinition(
        "licence", "Free and open-source licence",
        "The final weights' effective licence, the base model's included, is open (OSI-approved, "
        "or an open data licence) and no clause binding the model restricts use, users or fields "
        "of use; attribution, notice and share-alike terms are allowed (Art. 53(2), recital 102).",
        ("weights_final",),
    ),
    CriterionDefinition(
        "weights_public", "Weights public",
        "The final weights are released in full: a click-through that grants access at once "
        "counts, a gate someone must approve does not (Art. 53(2)).",
        ("weights_final",),
    ),
    CriterionDefinition(
        "architecture_information", "Architecture information public",
        "The architecture code, a technical report or a research paper is released (Art. 53(2)).",
        eu_ai_act.ARCHITECTURE_INFORMATION,
    ),
    CriterionDefinition(
        "usage_information", "Usage information public",
        "A model card, code documentation or inference code is released (Art. 53(2)).",
        eu_ai_act.USAGE_INFORMATION,
    ),
    CriterionDefinition(
        "not_monetised", "Not monetised",
        "The model is not recorded, with evidence, as provided against a price or otherwise "
        "monetised (recital 103).",
    ),
    CriterionDefinition(
        "systemic_risk", "No systemic risk presumed",
        f"The cumulative training compute, stated by the developer or derived from the figures "
        f"it states, is known and not above 10^25 FLOP (Art. 51(2)); above it, the verdict is "
        f"{eu_ai_act.SYSTEMIC_RISK!r} (Art. 53(2)); unknown, {eu_ai_act.NOT_ENOUGH!r} at best.",
    ),
    CriterionDefinition(
        "training_summary", "Training-content summary",
        "A public summary of the training content following the AI Office's template is "
        "published (Art. 53(1)(d)). Reported, not part of the verdict: the obligation remains "
        "whatever the verdict (recital 104).",
        optional=True,
    ),
)  # fmt: skip


def _mof():
    stands_in = {"doc_technical_report": " A research paper included may stand in for it."}
    found = []
    for number, _title, required, optional in mof.CLASSES:
        for component_id in (*required, *optional):
            is_optional = component_id in optional
            found.append(
                CriterionDefinition(
                    f"class_{number}:{component_id}" + (" (optional)" if is_optional else ""),
                    components.get(component_id).name,
                    "Included: released in full under an open licence."
                    + stands_in.get(component_id, "")
                    + (" Optional: never holds the class back." if is_optional else ""),
                    (component_id,),
                    mof_class=number,
                    optional=is_optional,
                )
            )
    return tuple(found)


def _index():
    found = [
        CriterionDefinition(
            f"{group}:{component_id}",
            components.get(component_id).name,
            "Scores 1 if open, 0.5 if partly open (in part, gated, or under a restricted or no "
            "licence), 0 if closed or unknown; left out when not applicable.",
            (component_id,),
            group=group,
        )
        for group, group_components in index.GROUP_COMPONENTS
        for component_id in group_components
    ]
    found.append(
        CriterionDefinition(
            "terms",
            "Licence terms",
            f"Scores 1, less {index.PENALTY_PER_CLAUSE} for each restrictive clause binding the "
            "model (its base model's included); 0 when no weights are released or they carry no "
            "licence.",
            ("weights_final",),
            group="terms",
        )
    )
    return tuple(found)


CRITERIA = {
    g7.ID: G7, label.ID: LABEL, osaid.ID: OSAID, mof.ID: _mof(), index.ID: _index(),
    eu_ai_act.ID: EU_AI_ACT,
}  # fmt: skip


def criteria_of(framework_id):
    """The criteria a framework's results are made of, in the order its results list them."""
    return CRITERIA[framework_id]
