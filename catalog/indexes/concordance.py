"""Where another index and ours differ about one model, and why, in the terms of our criteria.

`differences(source, verdict, details, results, evidence, open_licences)` is pure: it reads an
entry as imported (its verdict and details), our frameworks' Results for the model and its
evidence, and returns Differences, each with the reason our own criteria give:
- OSI: their validation outcome against our OSAID verdict; the reason is our OSAID criteria
  that fail (or, when we find it conforming, what our criteria found).
- EOSAI: each dimension that maps to one of our components, their class against ours (open,
  partial, closed, as our Openness Index grades it); the reason is our MOF criterion for that
  component, or our Openness Index's where the MOF has none.
- MOT: each MOF component, listed by them under an open licence or not, against whether our
  MOF criterion counts it; the reason is that criterion.
"""

from dataclasses import dataclass

from catalog import components
from catalog.frameworks import index, mof, osaid
from catalog.indexes import EOSAI, MOT, OSI
from catalog.indexes.eosai import DIMENSION_NAMES
from catalog.indexes.mot import COMPONENTS as MOT_COMPONENTS
from catalog.indexes.osi import OUTCOMES

# EOSAI dimensions that speak about one of our components (see DESIGN.md's EOSAI column).
EOSAI_COMPONENTS = {
    "datasources_basemodel": "data_pretraining",
    "datasources_endmodel": "data_finetuning",
    "weights_endmodel": "weights_final",
    "trainingcode": "code_training",
    "code": "doc_code_documentation",
    "hardware_architecture": "doc_training_setup",
    "preprint": "doc_technical_report",
    "paper": "doc_research_paper",
    "modelcard": "doc_model_card",
    "datasheet": "data_information",
}
GRADES = {1.0: "open", 0.5: "partial", 0.0: "closed"}


@dataclass(frozen=True)
class Difference:
    topic: str
    theirs: str
    ours: str
    reason: str

    def as_dict(self):
        return {
            "topic": self.topic,
            "theirs": self.theirs,
            "ours": self.ours,
            "reason": self.reason,
        }


def differences(source, verdict, details, results, evidence, open_licences=frozenset()):
    """The Differences between an index's entry and our results for one model."""
    if source == OSI:
        return _osi(verdict, results[osaid.ID])
    if source == EOSAI:
        return _eosai(details, results, evidence)
    if source == MOT:
        return _mot(details, results[mof.ID], open_licences)
    raise ValueError(f"unknown index {source!r}")


def _osi(verdict, ours):
    theirs_conforms = verdict == "conforms"
    if theirs_conforms == (ours.verdict == osaid.CONFORMS):
        return []
    failing = [c.reason for c in ours.criteria if not c.passed]
    if failing:
        reason = "Our OSAID criteria that fail: " + " ".join(failing)
    else:
        reason = "Our evidence meets every OSAID criterion: " + " ".join(
            c.reason for c in ours.criteria
        )
    return [Difference("OSAID 1.0", OUTCOMES.get(verdict, verdict), ours.verdict, reason)]


def _criterion_for(result, component_id):
    for criterion in result.criteria:
        if criterion.components == (component_id,) and criterion.id.endswith(f":{component_id}"):
            return criterion
    return None


def _eosai(details, results, evidence):
    found = []
    dimensions = details.get("dimensions", {})
    for dimension, component_id in EOSAI_COMPONENTS.items():
        theirs = dimensions.get(dimension, {}).get("class")
        item = evidence.get(component_id)
        if theirs is None or item.availability == components.NOT_APPLICABLE:
            continue
        ours = GRADES[index.component_score(component_id, item)]
        if theirs == ours:
            continue
        criterion = _criterion_for(results[mof.ID], component_id) or _criterion_for(
            results[index.ID], component_id
        )
        reason = criterion.reason if criterion else ""
        if item.availability == components.UNKNOWN:
            reason = f"{reason} We have no evidence either way yet.".strip()
        name = components.BY_ID[component_id].name
        found.append(Difference(f"{DIMENSION_NAMES[dimension]} ({name})", theirs, ours, reason))
    return found


def _mot(details, ours, open_licences):
    found = []
    listed = details.get("components", {})
    for name, (_kind, number, required, component_id) in MOT_COMPONENTS.items():
        criterion = _criterion_for(ours, component_id)
        if criterion is None:
            continue
        entry = listed.get(component_id)
        if entry is None:
            theirs, theirs_counts = "not listed", False
        elif not entry["licence"]:
            theirs, theirs_counts = "listed without a licence", False
        else:
            theirs_counts = entry["licence"] in open_licences
            theirs = f"listed under {entry['licence']}"
        if theirs_counts == criterion.passed:
            continue
        ours_text = "counts" if criterion.passed else "does not count"
        roman = {3: "III", 2: "II", 1: "I"}[number]
        kind = "required" if required else "optional"
        found.append(
            Difference(f"{name} (Class {roman}, {kind})", theirs, ours_text, criterion.reason)
        )
    return found
