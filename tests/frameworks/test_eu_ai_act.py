import dataclasses

import pytest

from catalog import components
from catalog.frameworks import eu_ai_act
from catalog.frameworks.evidence import ComponentEvidence, LicenseTerms
from tests.frameworks.builders import CC_BY, LLAMA, NON_COMMERCIAL, RAIL, closed_model, item, model

GPL = LicenseTerms("GPL-3.0-only", "GNU GPL v3", osi_approved=True, flow_down=True)
ATTRIBUTION = LicenseTerms(
    "LicenseRef-attribution", "An attribution licence", osi_approved=True, name_prefix=True,
    litigation_termination=True,
)  # fmt: skip


def facts(evidence, **values):
    """The evidence with the lens's facts: 10^24 FLOP stated, unless a test says otherwise."""
    defaults = {
        "training_compute_flop": 1e24,
        "compute_source": eu_ai_act.COMPUTE_STATED,
        "training_summary_published": True,
    }
    return dataclasses.replace(evidence, **{**defaults, **values})


def failing(result):
    return {c.id: c.reason for c in result.criteria if not c.passed}


def articles(result):
    return [o["article"] for o in result.details["obligations"]]


def test_an_open_release_below_the_threshold_plausibly_qualifies():
    result = eu_ai_act.evaluate(facts(model(), training_summary_published=True))
    assert result.verdict == eu_ai_act.APPLIES
    assert result.score == 3.0
    assert failing(result) == {}
    assert [c.id for c in result.criteria] == [
        "licence", "weights_public", "architecture_information", "usage_information",
        "not_monetised", "systemic_risk", "training_summary",
    ]  # fmt: skip
    reasons = {c.id: c.reason for c in result.criteria}
    assert reasons["systemic_risk"] == (
        "Training compute 1.0 × 10^24 FLOP, as the developer states: not above 10^25 FLOP, so no "
        "systemic risk is presumed (Art. 51(2))."
    )
    # The exemption never lifts the copyright policy or the training-content summary.
    assert articles(result) == ["Art. 53(1)(c)", "Art. 53(1)(d)"]
    assert "not legal advice" in result.details["not_legal_advice"]
    assert result.details["training_compute_flop"] == 1e24


@pytest.mark.parametrize("terms", [GPL, ATTRIBUTION, CC_BY])
def test_attribution_and_share_alike_terms_are_allowed(terms):
    evidence = facts(model(weights_final=item(license=terms)))
    assert eu_ai_act.evaluate(evidence).verdict == eu_ai_act.APPLIES


@pytest.mark.parametrize(
    ("terms", "words"),
    [
        (LLAMA, "user cap"),
        (RAIL, "acceptable-use policy"),
        (NON_COMMERCIAL, "commercial use is forbidden"),
    ],
)
def test_a_restricted_licence_denies_the_exemption(terms, words):
    result = eu_ai_act.evaluate(facts(model(weights_final=item(license=terms))))
    assert result.verdict == eu_ai_act.DOES_NOT_APPLY
    assert set(failing(result)) == {"licence"}
    assert words in failing(result)["licence"]
    assert failing(result)["licence"].startswith(
        "The licence does not allow free access, use, modification and distribution"
    )
    assert articles(result) == ["Art. 53(1)(c)", "Art. 53(1)(d)", "Art. 53(1)(a)", "Art. 53(1)(b)"]


def test_a_base_models_restrictions_bind_a_fine_tune_under_an_open_licence():
    base = model("base-llama", organization="meta", weights_final=item(license=LLAMA))
    tune = facts(model("tune", base=base, organization="someone"))
    result = eu_ai_act.evaluate(tune)
    assert result.verdict == eu_ai_act.DOES_NOT_APPLY
    assert "inherited from base-llama" in failing(result)["licence"]


def test_a_monetised_release_is_not_exempt():
    result = eu_ai_act.evaluate(facts(model(), monetised=True))
    assert result.verdict == eu_ai_act.DOES_NOT_APPLY
    assert set(failing(result)) == {"not_monetised"}
    assert "recital 103" in failing(result)["not_monetised"]


def test_a_release_recorded_as_not_monetised_says_so():
    result = eu_ai_act.evaluate(facts(model(), monetised=False))
    assert result.verdict == eu_ai_act.APPLIES
    assert "recorded, with evidence" in {c.id: c.reason for c in result.criteria}["not_monetised"]


def test_a_model_above_the_systemic_risk_threshold_is_never_exempt():
    result = eu_ai_act.evaluate(
        facts(model(), training_compute_flop=3.8e25, compute_source=eu_ai_act.COMPUTE_STATED)
    )
    assert result.verdict == eu_ai_act.SYSTEMIC_RISK
    assert result.score == 0.0
    assert failing(result)["systemic_risk"] == (
        "Training compute 3.8 × 10^25 FLOP, as the developer states: above 10^25 FLOP, so "
        "systemic risk is presumed (Art. 51(2)) and the exemption does not apply (Art. 53(2))."
    )
    assert articles(result)[-1] == "Art. 52, 55"


def test_systemic_risk_comes_first_whatever_the_licence():
    evidence = facts(model(weights_final=item(license=LLAMA)), training_compute_flop=2e25)
    assert eu_ai_act.evaluate(evidence).verdict == eu_ai_act.SYSTEMIC_RISK


def test_exactly_the_threshold_is_not_above_it():
    assert (
        eu_ai_act.evaluate(facts(model(), training_compute_flop=1e25)).verdict == eu_ai_act.APPLIES
    )


def test_unknown_compute_leaves_an_otherwise_open_release_undecided():
    result = eu_ai_act.evaluate(model())
    assert result.verdict == eu_ai_act.NOT_ENOUGH
    assert set(failing(result)) == {"systemic_risk", "training_summary"}
    assert "cannot be ruled out" in failing(result)["systemic_risk"]
    assert "not known" in failing(result)["training_summary"]


def test_unknown_compute_does_not_save_a_failing_release():
    result = eu_ai_act.evaluate(model(weights_final=item(license=LLAMA)))
    assert result.verdict == eu_ai_act.DOES_NOT_APPLY


def test_derived_compute_says_how_and_small_models_may_not_be_general_purpose():
    result = eu_ai_act.evaluate(
        facts(model(), training_compute_flop=2.1e22, compute_source=eu_ai_act.COMPUTE_DERIVED)
    )
    reason = {c.id: c.reason for c in result.criteria}["systemic_risk"]
    assert "2.1 × 10^22 FLOP, derived from the parameters and training tokens" in reason
    assert "indicative criterion for a general-purpose AI model" in reason


def test_a_fine_tune_of_a_model_above_the_threshold_is_above_it_too():
    base = facts(model("big", organization="lab"), training_compute_flop=3.8e25)
    tune = model("tune", base=base, organization="lab")
    result = eu_ai_act.evaluate(tune)
    assert result.verdict == eu_ai_act.SYSTEMIC_RISK
    assert (
        "Its base model big was trained with 3.8 × 10^25 FLOP" in failing(result)["systemic_risk"]
    )


def test_a_fine_tune_of_a_small_base_with_its_own_compute_unknown_is_undecided():
    base = facts(model("small", organization="lab"))
    result = eu_ai_act.evaluate(model("tune", base=base, organization="lab"))
    assert result.verdict == eu_ai_act.NOT_ENOUGH
    assert "Only its base model's compute is known" in failing(result)["systemic_risk"]


@pytest.mark.parametrize(
    ("weights", "words"),
    [
        (item("partial"), "gate someone must approve"),
        (item("none", None), "not released"),
        (item("unknown", None), "not known"),
    ],
)
def test_weights_must_be_public(weights, words):
    result = eu_ai_act.evaluate(facts(model(weights_final=weights)))
    assert result.verdict == eu_ai_act.DOES_NOT_APPLY
    assert words in failing(result)["weights_public"]


def test_a_click_through_is_public():
    weights = ComponentEvidence(components.FULL, CC_BY, access=components.ACCESS_CLICK_THROUGH)
    result = eu_ai_act.evaluate(facts(model(weights_final=weights)))
    assert result.verdict == eu_ai_act.APPLIES
    assert "click-through" in {c.id: c.reason for c in result.criteria}["weights_public"]


def test_architecture_and_usage_information_must_be_public():
    hidden = {c: item("none", None) for c in eu_ai_act.ARCHITECTURE_INFORMATION}
    hidden.update({c: item("none", None) for c in eu_ai_act.USAGE_INFORMATION})
    result = eu_ai_act.evaluate(facts(model(**hidden)))
    assert result.verdict == eu_ai_act.DOES_NOT_APPLY
    assert {"architecture_information", "usage_information"} <= set(failing(result))
    # One source of each is enough: a technical report for the architecture, a model card.
    result = eu_ai_act.evaluate(
        facts(model(**{**hidden, "doc_technical_report": item(), "doc_model_card": item()}))
    )
    assert result.verdict == eu_ai_act.APPLIES


def test_a_closed_model_is_not_exempt_and_keeps_every_obligation():
    result = eu_ai_act.evaluate(closed_model())
    assert result.verdict == eu_ai_act.DOES_NOT_APPLY
    assert failing(result)["licence"] == (
        "No licence to assess: the final weights are not released."
    )
    assert articles(result) == ["Art. 53(1)(c)", "Art. 53(1)(d)", "Art. 53(1)(a)", "Art. 53(1)(b)"]


def test_a_published_training_summary_is_reported_but_does_not_decide_the_verdict():
    without = eu_ai_act.evaluate(facts(model(), training_summary_published=False))
    with_it = eu_ai_act.evaluate(facts(model(), training_summary_published=True))
    assert without.verdict == with_it.verdict == eu_ai_act.APPLIES
    assert "No public summary" in failing(without)["training_summary"]


def test_flops_reads_like_a_scientist_writes_it():
    assert eu_ai_act.flops(3.8e25) == "3.8 × 10^25 FLOP"
    assert eu_ai_act.flops(6.36e24) == "6.4 × 10^24 FLOP"
