"""Plain data the frameworks read and write: no ORM, no HTTP.

`ModelEvidence` is everything a framework may look at for one model; `Result` is what it says.
"""

import functools
from dataclasses import dataclass, field
from typing import NamedTuple

from catalog import components

# Clause flags, in the order the methodology page lists them, with the words a reader sees.
RESTRICTION_LABELS = {
    "mau_cap": "User cap: a separate licence is needed above {mau_cap:,} monthly active users",
    "acceptable_use_policy": "Acceptable-use policy restricts what the model may be used for",
    "terms_changeable": "The licensor can change the terms or the use policy unilaterally",
    "field_of_use": "Some fields of use are forbidden",
    "no_improving_other_models": "Outputs may not be used to improve other models",
    "name_prefix": "Derivatives must carry the licensor's name",
    "litigation_termination": "Suing the licensor ends the licence",
    "geographic": "Some places or people are excluded",
    "non_commercial": "Commercial use is forbidden",
    "revocable": "The licensor can revoke the licence",
    "remote_restriction": "The licensor may restrict use remotely, for instance by updating the model",
    "flow_down": "The use restrictions must be passed on to every derivative",
    "covers_trained_models": "Models distilled from it or trained on its outputs are bound by its terms",
}
RESTRICTIONS = tuple(RESTRICTION_LABELS)
# Each clause in a few words, as the pages and the filters name it.
RESTRICTION_NAMES = {
    "mau_cap": "User cap",
    "acceptable_use_policy": "Acceptable-use policy",
    "terms_changeable": "Terms changeable by licensor",
    "field_of_use": "Field-of-use limits",
    "no_improving_other_models": "No improving other models",
    "name_prefix": "Name prefix on derivatives",
    "litigation_termination": "Ends if you sue",
    "geographic": "Geographic limits",
    "non_commercial": "Non-commercial only",
    "revocable": "Revocable",
    "remote_restriction": "Remote restriction",
    "flow_down": "Flow-down to derivatives",
    "covers_trained_models": "Binds models trained on outputs",
}
# How a reason names an availability: "Research paper is not released."
AVAILABILITY_WORDS = {
    components.FULL: "released in full",
    components.PARTIAL: "released only in part",
    components.NONE: "not released",
    components.UNKNOWN: "not known",
    components.NOT_APPLICABLE: "not applicable",
}
# The clauses that restrict use, persons or fields of endeavour: what OSAID and the label forbid.
USE_RESTRICTIONS = (
    "mau_cap", "acceptable_use_policy", "field_of_use", "no_improving_other_models",
    "geographic", "non_commercial", "revocable", "remote_restriction",
)  # fmt: skip


@dataclass(frozen=True)
class LicenseTerms:
    identifier: str
    name: str
    osi_approved: bool
    open_data: bool = False
    open_content: bool = False
    mau_cap: int | None = None
    acceptable_use_policy: bool = False
    terms_changeable: bool = False
    field_of_use: bool = False
    no_improving_other_models: bool = False
    name_prefix: bool = False
    litigation_termination: bool = False
    geographic: bool = False
    non_commercial: bool = False
    revocable: bool = False
    remote_restriction: bool = False
    flow_down: bool = False
    covers_trained_models: bool = False
    # Clauses that bind only releases of some modalities: ((flag, (modality, ...)), ...).
    scopes: tuple = ()

    def __hash__(self):
        # Terms are lru_cache keys (inside ComponentEvidence) thousands of times a recompute;
        # hashing all eighteen fields each time was a tenth of it. Equality still compares all.
        return hash(self.identifier)

    @functools.cached_property
    def restrictions(self):
        # Asked of the same few licences for every model of a full recompute: worked out once.
        return tuple(
            flag
            for flag in RESTRICTIONS
            if (self.mau_cap is not None if flag == "mau_cap" else getattr(self, flag))
        )

    def restrictions_for(self, modality):
        """The restrictive clauses that bind a release of this modality (see `scopes`)."""
        if not self.scopes:
            return self.restrictions
        return _scoped_restrictions(self, modality)

    def describe(self, flag):
        return RESTRICTION_LABELS[flag].format(mau_cap=self.mau_cap or 0)

    @property
    def is_free(self):
        """Open, with no clause that restricts use: terms a derivative may relicense under."""
        return licence_is_open(self) and not any(
            flag in USE_RESTRICTIONS for flag in self.restrictions
        )


@functools.lru_cache(maxsize=1024)
def _scoped_restrictions(terms, modality):
    scoped = dict(terms.scopes)
    return tuple(
        flag for flag in terms.restrictions if flag not in scoped or modality in scoped[flag]
    )


# Where a component's effective licence comes from.
OWN = "own"  # its own stated licence
RELEASE = "release"  # the release licence of its kind (it states none of its own)
BASE = "base"  # its base model's licence, which binds a fine-tune whatever its card states


@dataclass(frozen=True)
class ComponentEvidence:
    """What the frameworks read of one assessment: its availability and its effective licence.

    `license` is the effective licence (see catalog.frameworks.effective); `stated` is the
    component's own licence as stated, `origin` where the effective one comes from. Evidence
    links are what a reader checks a verdict against, but no rule reads them, so they are not
    inputs: editing a link writes no new score snapshot.
    """

    availability: str
    license: LicenseTerms | None = None
    stated: LicenseTerms | None = None
    origin: str = ""
    inherited_from: str = ""
    access: str = ""


@dataclass(frozen=True)
class ModelEvidence:
    slug: str
    name: str
    components: dict  # component id -> ComponentEvidence
    base: "ModelEvidence | None" = None
    organization: str = ""
    modality: str = ""
    # Why the developer withholds training data, as it states it: legal, technical, unstated; ""
    # when nothing is recorded.
    data_withheld: str = ""
    # The EU AI Act lens's facts (catalog.frameworks.eu_ai_act): the cumulative training compute
    # in FLOP and how it was obtained (stated or derived); whether a public summary of the
    # training content is published, and whether the model is monetised. None: not known.
    training_compute_flop: float | None = None
    compute_source: str = ""
    training_summary_published: bool | None = None
    monetised: bool | None = None

    def get(self, component_id):
        return self.components.get(component_id) or ComponentEvidence(components.UNKNOWN)

    def lineage(self):
        """This model's ancestors, nearest first."""
        ancestors, base = [], self.base
        while base is not None and base is not self and all(base is not a for a in ancestors):
            ancestors.append(base)
            base = base.base
        return ancestors


class Criterion(NamedTuple):
    id: str
    passed: bool
    reason: str
    components: tuple = ()


@dataclass(frozen=True)
class Result:
    framework: str
    version: str
    verdict: str
    score: float | None
    criteria: tuple = ()
    details: dict = field(default_factory=dict)

    def as_dict(self):
        return {
            "framework": self.framework,
            "version": self.version,
            "verdict": self.verdict,
            "score": self.score,
            "criteria": [_criterion_dict(c) for c in self.criteria],
            "details": self.details,
        }


@functools.lru_cache(maxsize=8192)
def _criterion_dict(criterion):
    # The same criterion recurs across thousands of models: build its dict once. The dicts are
    # only ever serialised, never changed.
    return {
        "id": criterion.id,
        "passed": criterion.passed,
        "reason": criterion.reason,
        "components": list(criterion.components),
    }


# What "open" means for each kind of component (DESIGN.md, "The components").
CODE_COMPONENTS = {"architecture"} | {c.id for c in components.in_group(components.CODE)}
DOC_COMPONENTS = {c.id for c in components.in_group(components.DOCS)}


def licence_is_open_for(component_id, terms):
    """Whether `terms` is an open licence of the right kind for this component."""
    if terms is None:
        return False
    if component_id in CODE_COMPONENTS:
        return terms.osi_approved
    if component_id in DOC_COMPONENTS:
        return terms.open_content or terms.osi_approved
    return terms.open_data or terms.osi_approved


def licence_is_open(terms):
    return terms is not None and (terms.osi_approved or terms.open_data or terms.open_content)


def is_open(component_id, item):
    """A component is open when released in full under an open licence of the right kind."""
    return item.availability == components.FULL and licence_is_open_for(component_id, item.license)


def licence_phrase(item):
    """How a reason names a component's effective licence and where it comes from."""
    if item.license is None:
        return "no stated licence"
    if item.origin == RELEASE:
        return f"{item.license.identifier} (the release's licence)"
    if item.origin == BASE:
        stated = f"; its card states {item.stated.identifier}" if item.stated else ""
        return f"{item.license.identifier} (inherited from {item.inherited_from}{stated})"
    return item.license.identifier


def component_name(component_id):
    return components.get(component_id).name
