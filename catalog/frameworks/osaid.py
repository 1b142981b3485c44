"""OSI's Open Source AI Definition 1.0: binary.

An AI system conforms when it releases (1) sufficiently detailed information about its data,
(2) the complete code to train and run it under OSI-approved licences, and (3) its parameters under
OSI-approved terms, with (4) no licence restricting use, persons or fields of endeavour.
"""

from catalog import components
from catalog.clauses import USE_RESTRICTIONS
from catalog.frameworks.evidence import (
    AVAILABILITY_WORDS,
    Criterion,
    Result,
    component_name,
    licence_phrase,
)
from catalog.frameworks.restrictions import restrictions_of

ID = "osaid"
NAME = "Open Source AI Definition 1.0"
VERSION = "1.1.0"
CHANGES = (
    ("1.0.0", "2026-11-23", "First rules, after OSAID 1.0 (October 2024)."),
    (
        "1.0.1",
        "2026-12-02",
        "The licensor's right to restrict use remotely is a clause of its own (before, it was read as revocability); both restrict use.",
    ),
    (
        "1.1.0",
        "2026-12-03",
        "Reads effective licences: a component with no licence of its own falls under the "
        "release licence of its kind, a fine-tune's model components under its base model's "
        "licence whatever its card states, and a clause scoped to some modalities binds only "
        "those releases; a click-through gate is full availability.",
    ),
)

# The complete code to train and run the system, the architecture included.
CODE = components.CODE_COMPONENTS
CONFORMS = "conforms"
DOES_NOT_CONFORM = "does not conform"


def _code_criterion(evidence):
    missing, closed = [], []
    for component_id in CODE:
        item = evidence.get(component_id)
        if item.availability == components.NOT_APPLICABLE:
            continue
        if item.availability != components.FULL:
            missing.append(f"{component_name(component_id).lower()} ({item.availability})")
        elif item.license is None or not item.license.osi_approved:
            closed.append(f"{component_name(component_id).lower()} ({licence_phrase(item)})")
    if not missing and not closed:
        return Criterion(
            "code",
            True,
            "All code to process data, train, evaluate and run the model is released under OSI-approved licences.",
            CODE,
        )
    parts = []
    if missing:
        parts.append("not released in full: " + ", ".join(missing))
    if closed:
        parts.append("not under an OSI-approved licence: " + ", ".join(closed))
    return Criterion("code", False, "Code incomplete; " + "; ".join(parts) + ".", CODE)  # fmt: skip


def _weights_criterion(evidence):
    item = evidence.get("weights_final")
    if item.availability != components.FULL:
        why = {
            components.PARTIAL: "released only in part or behind an approval gate",
            components.NONE: "not released",
            components.UNKNOWN: "not verified",
        }.get(item.availability, item.availability)
        return Criterion("parameters", False, f"Final weights {why}.", ("weights_final",))
    if item.license is None or not item.license.osi_approved:
        if item.license is None:
            return Criterion("parameters", False, "Final weights carry no stated licence, so no rights are granted.", ("weights_final",))  # fmt: skip
        return Criterion(
            "parameters",
            False,
            f"Final weights are under {licence_phrase(item)}, which is not OSI-approved.",
            ("weights_final",),
        )
    return Criterion("parameters", True, f"Final weights are released under {licence_phrase(item)}, an OSI-approved licence.", ("weights_final",))  # fmt: skip


def _data_criterion(evidence):
    item = evidence.get("data_information")
    if item.availability == components.FULL:
        return Criterion(
            "data_information",
            True,
            "Data information is published: what the training data is, where it came from and how it was processed.",
            ("data_information",),
        )
    return Criterion("data_information", False, f"Data information is {'incomplete' if item.availability == components.PARTIAL else AVAILABILITY_WORDS[item.availability]}: the training data is not described well enough to rebuild a substantially equivalent system.", ("data_information",))  # fmt: skip


def _terms_criterion(restrictions):
    binding = [r for r in restrictions if r.flag in USE_RESTRICTIONS]
    if not binding:
        return Criterion(
            "terms",
            True,
            "No licence on any released part restricts use, users or fields of endeavour.",
            (),
        )
    described = []
    for r in binding:
        source = (
            f"{r.license}, inherited from {r.inherited_from}" if r.inherited_from else r.license
        )
        text = f"{r.description} ({source})"
        if text not in described:
            described.append(text)
    involved = tuple(dict.fromkeys(c for r in binding for c in r.components))
    return Criterion("terms", False, "Licence restricts use: " + "; ".join(described) + ".", involved)  # fmt: skip


def evaluate(evidence, restrictions=None):
    """`restrictions` may be passed in when already computed for this evidence."""
    if restrictions is None:
        restrictions = restrictions_of(evidence)
    criteria = (
        _data_criterion(evidence),
        _code_criterion(evidence),
        _weights_criterion(evidence),
        _terms_criterion(restrictions),
    )
    passed = all(c.passed for c in criteria)
    return Result(
        framework=ID,
        version=VERSION,
        verdict=CONFORMS if passed else DOES_NOT_CONFORM,
        score=1.0 if passed else 0.0,
        criteria=criteria,
    )
