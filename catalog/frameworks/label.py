"""The headline label, answering "open source or open weights?".

Open source AI: conforms to OSAID 1.0. Open weights: final weights downloadable without approval
under an open licence, with no use restriction (the base model's included), but not OSAID. Restricted
weights: downloadable, but gated or under a licence that restricts use. Closed: no weights.
"""

from catalog import components
from catalog.clauses import USE_RESTRICTIONS
from catalog.frameworks import osaid
from catalog.frameworks.evidence import (
    Criterion,
    Result,
    licence_is_open_for,
    licence_phrase,
)
from catalog.frameworks.restrictions import restrictions_of

ID = "label"
NAME = "Headline label"
VERSION = "1.1.0"
CHANGES = (
    ("1.0.0", "2026-11-23", "First rules."),
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

OPEN_SOURCE = "Open source AI"
OPEN_WEIGHTS = "Open weights"
RESTRICTED_WEIGHTS = "Restricted weights"
CLOSED = "Closed"
# Higher is more open: the order the directory sorts labels in.
RANK = {OPEN_SOURCE: 3, OPEN_WEIGHTS: 2, RESTRICTED_WEIGHTS: 1, CLOSED: 0}
# When each label applies, in words, tried in this order: the framework page shows them.
RULES = (
    (OPEN_SOURCE, "Conforms to the Open Source AI Definition 1.0 (see its page)."),
    (OPEN_WEIGHTS, "Final weights downloadable without approval under an open licence, "
     "with no use restriction, its base model's included; but not OSAID-conformant."),
    (RESTRICTED_WEIGHTS, "Final weights downloadable, but gated, released in part, or "
     "under a licence that is not open or restricts use (its own or its base model's)."),
    (CLOSED, "Final weights not released (or not verified)."),
)  # fmt: skip


def evaluate(evidence, osaid_result=None, restrictions=None):
    if restrictions is None:
        restrictions = restrictions_of(evidence)
    osaid_result = osaid_result or osaid.evaluate(evidence, restrictions)
    weights = evidence.get("weights_final")
    criteria = []
    if weights.availability not in (components.FULL, components.PARTIAL):
        why = "not verified" if weights.availability == components.UNKNOWN else "not released"
        criteria.append(
            Criterion("weights", False, f"Final weights are {why}.", ("weights_final",))
        )
        return _result(CLOSED, criteria)

    if osaid_result.verdict == osaid.CONFORMS:
        criteria.append(
            Criterion("osaid", True, "Conforms to the Open Source AI Definition 1.0.", ())
        )
        return _result(OPEN_SOURCE, criteria)
    failed = [c.reason for c in osaid_result.criteria if not c.passed]
    criteria.append(Criterion("osaid", False, "Not open source AI: " + " ".join(failed), ()))

    binding = [r for r in restrictions if r.flag in USE_RESTRICTIONS]
    problems = []
    if weights.availability == components.PARTIAL:
        problems.append("the weights are gated or released only in part")
    if not licence_is_open_for("weights_final", weights.license):
        problems.append(f"the weights are under {licence_phrase(weights)}, not an open licence")
    for r in binding:
        origin = f" (inherited from {r.inherited_from})" if r.inherited_from else ""
        text = f"{r.description.lower()}{origin}"
        if text not in problems:
            problems.append(text)
    if problems:
        criteria.append(
            Criterion(
                "weights", False, "Restricted: " + "; ".join(problems) + ".", ("weights_final",)
            )
        )
        return _result(RESTRICTED_WEIGHTS, criteria)
    criteria.append(
        Criterion(
            "weights",
            True,
            f"Final weights are downloadable under {licence_phrase(weights)} with no use restriction.",
            ("weights_final",),
        )
    )
    return _result(OPEN_WEIGHTS, criteria)  # fmt: skip


def _result(verdict, criteria):
    return Result(
        framework=ID, version=VERSION, verdict=verdict, score=float(RANK[verdict]),
        criteria=tuple(criteria),
    )  # fmt: skip
