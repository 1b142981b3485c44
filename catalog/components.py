"""The component taxonomy: what a model release can include, and how each framework names it.

The taxonomy is code, not rows: the frameworks read it, the catalogue is checked against it,
and changing it is a reviewed change with a methodology version bump.
"""

from dataclasses import dataclass

MODEL = "model"
CODE = "code"
DATA = "data"
DOCS = "docs"
GROUPS = (MODEL, CODE, DATA, DOCS)
GROUP_NAMES = {MODEL: "Model", CODE: "Code", DATA: "Data", DOCS: "Documentation"}


@dataclass(frozen=True)
class Component:
    id: str
    group: str
    name: str
    meaning: str
    mof: str  # "III", "II", "I", with " (optional)" where the class does not require it; "" if absent
    osaid: str  # the OSAID 1.0 element it evidences, "" if none
    eosai: str  # the European Open Source AI Index dimension it feeds, "" if none


COMPONENTS = (
    Component("architecture", MODEL, "Model architecture",
              "Code or configuration that defines the model architecture.",
              "III", "code", ""),
    Component("weights_final", MODEL, "Final weights",
              "The final trained parameters.",
              "III", "parameters", "weights"),
    Component("weights_intermediate", MODEL, "Intermediate checkpoints",
              "Parameters saved during training.",
              "I", "parameters (optional)", ""),
    Component("training_state", MODEL, "Training state",
              "Training configuration and optimizer state needed to resume training.",
              "I (optional)", "", ""),
    Component("code_data_processing", CODE, "Data processing code",
              "Code that cleans, filters, deduplicates and mixes the training data.",
              "I", "code", "training code"),
    Component("code_training", CODE, "Training code",
              "Code for pre-training and fine-tuning, with the settings used.",
              "II", "code", "training code"),
    Component("code_evaluation", CODE, "Evaluation code",
              "Code that runs the reported evaluations.",
              "II", "code (validation and testing)", ""),
    Component("code_inference", CODE, "Inference code",
              "Code to run the model.",
              "II", "code", ""),
    Component("code_libraries", CODE, "Supporting libraries",
              "Tokenizer and other libraries the model depends on.",
              "II (optional)", "code", ""),
    Component("data_pretraining", DATA, "Pre-training data",
              "The pre-training datasets themselves.",
              "I", "data (optional)", "base model data"),
    Component("data_finetuning", DATA, "Fine-tuning data",
              "Instruction, preference and reinforcement-learning data.",
              "", "data (optional)", "end model data"),
    Component("data_evaluation", DATA, "Evaluation data",
              "The data the model was evaluated on.",
              "II", "", ""),
    Component("data_information", DATA, "Data information",
              "A datasheet or data card: provenance, scope, selection and filtering of the data.",
              "III", "data information", "datasheet"),
    Component("doc_model_card", DOCS, "Model card",
              "A model card describing uses, limits and evaluation.",
              "III", "", "model card"),
    Component("doc_technical_report", DOCS, "Technical report",
              "A technical report or preprint on the model.",
              "III", "", "preprint"),
    Component("doc_research_paper", DOCS, "Research paper",
              "A peer-reviewed paper on the model.",
              "I", "", "paper"),
    Component("doc_evaluation_results", DOCS, "Evaluation results",
              "Published results of evaluations.",
              "III", "", ""),
    Component("doc_code_documentation", DOCS, "Code documentation",
              "Documentation of the released code.",
              "", "", "code documentation"),
    Component("doc_training_setup", DOCS, "Training setup",
              "The hardware and the setup the model was trained on.",
              "", "", "hardware architecture"),
    Component("doc_sample_outputs", DOCS, "Sample outputs",
              "Examples of the model's outputs.",
              "III (optional)", "", ""),
)  # fmt: skip

COMPONENT_IDS = tuple(component.id for component in COMPONENTS)
BY_ID = {component.id: component for component in COMPONENTS}


def get(component_id):
    """The component with this id; KeyError for an unknown one."""
    return BY_ID[component_id]


def in_group(group):
    return tuple(component for component in COMPONENTS if component.group == group)


# The groups of components that rules read, each said once (DESIGN.md, "The components").
# Code: the code group and the architecture, which is code or configuration; what OSAID asks
# for under OSI-approved licences, what a GitHub repository's licence speaks for.
CODE_COMPONENTS = (*(c.id for c in in_group(CODE)), "architecture")
# Documents: expected under open content licences.
DOC_COMPONENTS = tuple(c.id for c in in_group(DOCS))
# Components that live in repositories (weights, code, data): a claim that one is absent, or
# carries no licence, is a claim about a repository's contents. Documents, data information (a
# datasheet) included, are read as documents.
REPOSITORY_COMPONENTS = tuple(
    c.id for c in COMPONENTS if c.group in (MODEL, CODE, DATA) and c.id != "data_information"
)


# What each availability means, said once for the catalogue, the admin and the methodology page.
FULL = "full"
PARTIAL = "partial"
NONE = "none"
UNKNOWN = "unknown"
NOT_APPLICABLE = "not_applicable"
AVAILABILITY_CHOICES = (
    (FULL, "Full: released in full, downloadable without approval"),
    (PARTIAL, "Partial: released in part, or behind a gate or approval step"),
    (NONE, "None: not released"),
    (UNKNOWN, "Unknown: not yet verified"),
    (NOT_APPLICABLE, "Not applicable: the release has no such component"),
)
AVAILABILITIES = tuple(value for value, _ in AVAILABILITY_CHOICES)

# Release licences: the licence a release applies to each kind of component. A component with no
# licence of its own falls under the release licence of its kind.
LICENCE_KINDS = ("code", "data", "documents", "weights")
LICENCE_KIND_NAMES = {
    "code": "code",
    "data": "data",
    "documents": "documents",
    "weights": "weights",
}
_LICENCE_KIND_OF_GROUP = {CODE: "code", DATA: "data", DOCS: "documents"}


def licence_kind(component_id):
    """The release-licence kind a component falls under: the architecture is code."""
    if component_id in CODE_COMPONENTS:
        return "code"
    component = BY_ID[component_id]
    return _LICENCE_KIND_OF_GROUP.get(component.group, "weights")


# Components a fine-tune takes from its base model: bound by the base's licence.
INHERITED_FROM_BASE = ("architecture", "weights_final", "weights_intermediate", "training_state")

# How a released download may be gated. A click-through that grants access at once (the Hub's
# `gated: auto`) is full availability, marked; a gate someone must approve (`manual`) is partial.
ACCESS_OPEN = ""
ACCESS_CLICK_THROUGH = "click-through"
ACCESS_APPROVAL = "approval"
ACCESS_CHOICES = (
    (ACCESS_OPEN, "Open: no gate"),
    (ACCESS_CLICK_THROUGH, "Click-through: a form that grants access at once (full availability)"),
    (ACCESS_APPROVAL, "Approval: someone must approve each request (partial availability)"),
)
ACCESSES = tuple(value for value, _ in ACCESS_CHOICES)


def gated_availability(gated):
    """The availability and access of a released download behind a Hub gate.

    `gated` is the Hub's value: '' or False (no gate), 'auto' (a click-through that grants
    access at once: full availability) or 'manual' (someone approves each request: partial).
    """
    if gated == "manual":
        return PARTIAL, ACCESS_APPROVAL
    if gated:
        return FULL, ACCESS_CLICK_THROUGH
    return FULL, ACCESS_OPEN
