"""The EU AI Act's open-source exemption for general-purpose AI models: a reading, not advice.

Regulation (EU) 2024/1689 obliges every provider of a general-purpose AI model to keep technical
documentation for the AI Office (Art. 53(1)(a), Annex XI), to give information to providers who
build on the model (Art. 53(1)(b), Annex XII), to put in place a policy to comply with Union
copyright law (Art. 53(1)(c)) and to publish a sufficiently detailed summary of the content used
for training, following the AI Office's template (Art. 53(1)(d)). Art. 53(2) lifts the first two
for models released under a free and open-source licence that allows access, use, modification
and distribution, whose weights, architecture information and usage information are public;
recital 102 accepts licences that require attribution and identical or comparable terms of
distribution; recital 103 excludes components provided against a price or otherwise monetised.
The exemption does not apply to models with systemic risk (Art. 53(2)), presumed when the
cumulative training compute is greater than 10^25 floating-point operations (Art. 51(2)), and it
never lifts the copyright policy or the training-content summary (recital 104).

How the evidence is read: the licence is the effective licence of the final weights (its own, the
release's, or the base model's); it is free and open-source when it is an open licence for
weights (OSI-approved, or an open data licence) and no clause binding the model, inherited ones
included, restricts use, users or fields of use; attribution, notice and share-alike terms are
allowed. Weights are public when released in full (a click-through that grants access at once
counts; a gate someone must approve does not). Architecture information is public when the
architecture code or a technical report or paper is released; usage information when a model
card, code documentation or inference code is. A model is monetised only where the Scorecard
records it with evidence. The compute is the one the developer states, or derived from the
figures it publishes (six operations per parameter, active parameter for a mixture of experts,
per training token), and says which.

Verdicts: "Exemption plausibly applies"; "Not enough evidence" (every other condition holds, but
the training compute is not known, so systemic risk cannot be ruled out); "Exemption does not
apply" (a condition fails); "Systemic risk presumed: no exemption". None of this is legal advice.
"""

from catalog import components
from catalog.clauses import USE_RESTRICTIONS
from catalog.frameworks.evidence import (
    AVAILABILITY_WORDS,
    Criterion,
    Result,
    licence_is_open_for,
    licence_phrase,
)
from catalog.frameworks.restrictions import restrictions_of

ID = "eu_ai_act"
NAME = "EU AI Act open-source exemption"
VERSION = "1.0.0"
CHANGES = (
    (
        "1.0.0",
        "2026-12-04",
        "First rules, after Regulation (EU) 2024/1689, Art. 51(2), Art. 53(1) and (2), recitals "
        "102 to 104, and the Commission's guidelines for providers of general-purpose AI models "
        "(18 July 2025).",
    ),
)

APPLIES = "Exemption plausibly applies"
NOT_ENOUGH = "Not enough evidence"
DOES_NOT_APPLY = "Exemption does not apply"
SYSTEMIC_RISK = "Systemic risk presumed: no exemption"
# Higher is closer to the exemption: the order the directory sorts verdicts in.
RANK = {APPLIES: 3, NOT_ENOUGH: 2, DOES_NOT_APPLY: 1, SYSTEMIC_RISK: 0}
VERDICTS = tuple(RANK)

# Art. 51(2): presumed high-impact capabilities above this cumulative training compute.
SYSTEMIC_RISK_FLOP = 1e25
# The Commission's guidelines: an indicative criterion for a general-purpose AI model at all.
GPAI_INDICATIVE_FLOP = 1e23

# How a compute figure was obtained.
COMPUTE_STATED = "stated"  # the developer or its paper states the figure
COMPUTE_DERIVED = "derived"  # we derived it from the parameters and tokens the developer states
COMPUTE_SOURCES = (COMPUTE_STATED, COMPUTE_DERIVED)

NOT_LEGAL_ADVICE = (
    "This is the Scorecard's reading of public evidence against the text of the AI Act, not "
    "legal advice: whether the exemption applies to a provider is for the provider, the AI "
    "Office and the courts to decide."
)

RELEASED = (components.FULL, components.PARTIAL)
ARCHITECTURE_INFORMATION = ("architecture", "doc_technical_report", "doc_research_paper")
USAGE_INFORMATION = ("doc_model_card", "doc_code_documentation", "code_inference")

# The obligations, by the article that sets them.
COPYRIGHT_POLICY = ("Art. 53(1)(c)", "a policy to comply with Union copyright law, including text and data mining opt-outs (Art. 4(3) of Directive (EU) 2019/790)")  # fmt: skip
TRAINING_SUMMARY = ("Art. 53(1)(d)", "a public summary of the content used for training, following the AI Office's template")  # fmt: skip
DOCUMENTATION = ("Art. 53(1)(a)", "technical documentation of the model for the AI Office and national authorities (Annex XI)")  # fmt: skip
DOWNSTREAM = ("Art. 53(1)(b)", "information and documentation for providers who integrate the model (Annex XII)")  # fmt: skip
SYSTEMIC_DUTIES = ("Art. 52, 55", "notifying the Commission, model evaluation and adversarial testing, assessing and mitigating systemic risks, reporting serious incidents, and cybersecurity protection")  # fmt: skip


def flops(value):
    """A compute figure as a reader sees it: 3.8 × 10^25 FLOP."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} × 10^{int(exponent)} FLOP"


def _licence(evidence, binding):
    weights = evidence.get("weights_final")
    ids = ("weights_final",)
    if weights.availability not in RELEASED:
        return Criterion("licence", False, f"No licence to assess: the final weights are {AVAILABILITY_WORDS[weights.availability]}.", ids)  # fmt: skip
    problems = []
    if not licence_is_open_for("weights_final", weights.license):
        problems.append(f"the weights are under {licence_phrase(weights)}, not a free and open-source licence")  # fmt: skip
    for r in binding:
        origin = f", inherited from {r.inherited_from}" if r.inherited_from else ""
        text = f"{r.description.lower()} ({r.license}{origin})"
        if text not in problems:
            problems.append(text)
    if problems:
        return Criterion("licence", False, "The licence does not allow free access, use, modification and distribution (Art. 53(2), recital 102): " + "; ".join(problems) + ".", ids)  # fmt: skip
    return Criterion("licence", True, f"The weights are under {licence_phrase(weights)}, a free and open-source licence with no use restriction (attribution and share-alike terms are allowed, recital 102).", ids)  # fmt: skip


def _weights_public(evidence):
    item = evidence.get("weights_final")
    ids = ("weights_final",)
    if item.availability == components.FULL:
        gate = " (behind a click-through that grants access at once)" if item.access == components.ACCESS_CLICK_THROUGH else ""  # fmt: skip
        return Criterion("weights_public", True, f"The weights are publicly available{gate}.", ids)  # fmt: skip
    if item.availability == components.PARTIAL:
        return Criterion("weights_public", False, "The weights are released only in part or behind a gate someone must approve: not made publicly available.", ids)  # fmt: skip
    return Criterion("weights_public", False, f"The weights are {AVAILABILITY_WORDS[item.availability]}.", ids)  # fmt: skip


def _information(evidence, criterion_id, what, component_ids):
    found = [
        components.get(c).name.lower()
        for c in component_ids
        if evidence.get(c).availability in RELEASED
    ]
    if found:
        return Criterion(criterion_id, True, f"Information on the model {what} is public: {', '.join(found)}.", component_ids)  # fmt: skip
    return Criterion(criterion_id, False, f"No information on the model {what} is recorded as public.", component_ids)  # fmt: skip


def _not_monetised(evidence):
    if evidence.monetised is True:
        return Criterion("not_monetised", False, "The model is provided against a price or otherwise monetised (recital 103), as recorded with evidence.")  # fmt: skip
    if evidence.monetised is False:
        return Criterion("not_monetised", True, "The model is recorded, with evidence, as provided free of charge and not otherwise monetised (recital 103).")  # fmt: skip
    return Criterion("not_monetised", True, "No monetisation of the model is recorded (recital 103: making it available through open repositories is not, in itself, monetisation).")  # fmt: skip


def _compute(evidence):
    """(FLOP or None, how it was obtained, whose figure it is)."""
    if evidence.training_compute_flop is not None:
        return evidence.training_compute_flop, evidence.compute_source, ""
    for ancestor in evidence.lineage():
        if ancestor.training_compute_flop is not None:
            return ancestor.training_compute_flop, ancestor.compute_source, ancestor.slug
    return None, "", ""


def _systemic_risk(evidence):
    value, source, base = _compute(evidence)
    how = {COMPUTE_STATED: "as the developer states", COMPUTE_DERIVED: "derived from the parameters and training tokens the developer states"}.get(source, "")  # fmt: skip
    if value is None:
        return Criterion("systemic_risk", False, "The training compute is not known: a systemic risk presumed above 10^25 FLOP (Art. 51(2)) cannot be ruled out.")  # fmt: skip
    figure = f"{flops(value)}{', ' + how if how else ''}"
    if base:
        if value > SYSTEMIC_RISK_FLOP:
            return Criterion("systemic_risk", False, f"Its base model {base} was trained with {figure}; the cumulative compute is above 10^25 FLOP, so systemic risk is presumed (Art. 51(2)) and the exemption does not apply (Art. 53(2)).")  # fmt: skip
        return Criterion("systemic_risk", False, f"Only its base model's compute is known ({base}: {figure}); the cumulative compute of this model is not, so a systemic risk presumed above 10^25 FLOP cannot be ruled out.")  # fmt: skip
    if value > SYSTEMIC_RISK_FLOP:
        return Criterion("systemic_risk", False, f"Training compute {figure}: above 10^25 FLOP, so systemic risk is presumed (Art. 51(2)) and the exemption does not apply (Art. 53(2)).")  # fmt: skip
    note = ""
    if value <= GPAI_INDICATIVE_FLOP:
        note = " It is also at or below the 10^23 FLOP the Commission's guidelines give as an indicative criterion for a general-purpose AI model: it may not be one at all, and then none of these obligations apply."  # fmt: skip
    return Criterion("systemic_risk", True, f"Training compute {figure}: not above 10^25 FLOP, so no systemic risk is presumed (Art. 51(2)).{note}")  # fmt: skip


def _training_summary(evidence):
    published = evidence.training_summary_published
    if published is True:
        return Criterion("training_summary", True, "A public summary of the training content is published (Art. 53(1)(d)): this obligation remains in any case.")  # fmt: skip
    if published is False:
        return Criterion("training_summary", False, "No public summary of the training content is published (Art. 53(1)(d)): this obligation remains in any case (recital 104).")  # fmt: skip
    return Criterion("training_summary", False, "Whether a public summary of the training content is published is not known (Art. 53(1)(d)): this obligation remains in any case (recital 104).")  # fmt: skip


def evaluate(evidence, restrictions=None):
    if restrictions is None:
        restrictions = restrictions_of(evidence)
    binding = [r for r in restrictions if r.flag in USE_RESTRICTIONS]
    conditions = [
        _licence(evidence, binding),
        _weights_public(evidence),
        _information(
            evidence, "architecture_information", "architecture", ARCHITECTURE_INFORMATION
        ),  # fmt: skip
        _information(evidence, "usage_information", "usage", USAGE_INFORMATION),
        _not_monetised(evidence),
    ]
    risk = _systemic_risk(evidence)
    value, _, _ = _compute(evidence)
    if value is not None and value > SYSTEMIC_RISK_FLOP:
        verdict = SYSTEMIC_RISK
    elif not all(c.passed for c in conditions):
        verdict = DOES_NOT_APPLY
    elif not risk.passed:
        verdict = NOT_ENOUGH
    else:
        verdict = APPLIES
    criteria = (*conditions, risk, _training_summary(evidence))
    return Result(
        framework=ID, version=VERSION, verdict=verdict, score=float(RANK[verdict]),
        criteria=criteria, details=_details(evidence, verdict),
    )  # fmt: skip


def obligations(verdict):
    """(article, obligation) pairs that remain for a general-purpose AI model with this verdict."""
    remaining = [COPYRIGHT_POLICY, TRAINING_SUMMARY]
    if verdict != APPLIES:
        remaining += [DOCUMENTATION, DOWNSTREAM]
    if verdict == SYSTEMIC_RISK:
        remaining.append(SYSTEMIC_DUTIES)
    return remaining


def _details(evidence, verdict):
    value, source, base = _compute(evidence)
    return {
        "training_compute_flop": value,
        "compute_source": source,
        "compute_from_base": base,
        "training_summary_published": evidence.training_summary_published,
        "monetised": evidence.monetised,
        "obligations": [{"article": a, "obligation": o} for a, o in obligations(verdict)],
        "not_legal_advice": NOT_LEGAL_ADVICE,
    }
