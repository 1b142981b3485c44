"""The G7 shared language: every rung of the ladder, and every transition, with its reason."""

import pytest

from catalog import components
from catalog.frameworks import effective, g7
from catalog.frameworks.evidence import ComponentEvidence, ModelEvidence
from tests.frameworks.builders import APACHE, CC_BY, LLAMA, NON_COMMERCIAL, item, model


def failing(result):
    return {c.id: c.reason for c in result.criteria if not c.passed}


def with_open_data(**overrides):
    """Everything under Apache-2.0, the training data under CC-BY-4.0, unless overridden."""
    data = {"data_pretraining": item(license=CC_BY), "data_finetuning": item(license=CC_BY)}
    return model(**{**data, **overrides})


def withheld(reason, **overrides):
    evidence = with_open_data(data_pretraining=item(components.NONE, None), **overrides)
    return ModelEvidence(
        evidence.slug, evidence.name, evidence.components, None, "lab", "text", reason
    )


def test_everything_open_with_the_full_training_data_is_open_source_ai_with_open_data():
    result = g7.evaluate(with_open_data())
    assert result.verdict == g7.OPEN_DATA
    assert failing(result) == {}
    assert result.score == 4.0


def test_no_fine_tuning_data_to_release_is_not_held_against_a_base_model():
    result = g7.evaluate(with_open_data(data_finetuning=item(components.NOT_APPLICABLE, None)))
    assert result.verdict == g7.OPEN_DATA


@pytest.mark.parametrize("reason", [g7.WITHHELD_LEGAL, g7.WITHHELD_TECHNICAL])
def test_data_withheld_for_a_legal_or_technical_reason_with_data_information_is_open_source_ai(
    reason,
):
    result = g7.evaluate(withheld(reason))
    assert result.verdict == g7.OPEN_SOURCE
    exception = next(c for c in result.criteria if c.id == "data_exception")
    assert exception.passed
    assert f"withheld for a {reason} reason" in exception.reason


def test_data_withheld_for_no_stated_reason_stays_open_weights_ai():
    result = g7.evaluate(withheld(g7.WITHHELD_UNSTATED))
    assert result.verdict == g7.OPEN_WEIGHTS
    assert "gives no legal or technical reason" in failing(result)["data_exception"]


def test_data_withheld_with_nothing_recorded_stays_open_weights_ai():
    result = g7.evaluate(withheld(""))
    assert result.verdict == g7.OPEN_WEIGHTS
    assert "no legal or technical impossibility" in failing(result)["data_exception"]


def test_a_legal_reason_without_complete_data_information_is_not_enough():
    result = g7.evaluate(
        withheld(g7.WITHHELD_LEGAL, data_information=item(components.PARTIAL, None))
    )
    assert result.verdict == g7.OPEN_WEIGHTS
    assert "data information is released only in part" in failing(result)["data_exception"]


def test_training_data_under_a_licence_that_is_not_open_is_not_open_data():
    result = g7.evaluate(with_open_data(data_pretraining=item(license=NON_COMMERCIAL)))
    assert result.verdict == g7.OPEN_WEIGHTS
    assert "under CC-BY-NC-4.0" in failing(result)["training_data"]


def test_no_training_code_is_open_weights_ai():
    result = g7.evaluate(with_open_data(code_training=item(components.NONE, None)))
    assert result.verdict == g7.OPEN_WEIGHTS
    assert failing(result)["training_code"] == "Training code is not released."


def test_training_code_under_a_licence_that_is_not_open_source_is_open_weights_ai():
    result = g7.evaluate(with_open_data(code_training=item(license=LLAMA)))
    assert result.verdict == g7.OPEN_WEIGHTS
    assert "not an Open Source licence" in failing(result)["training_code"]


def test_weights_under_a_restrictive_licence_are_weights_available_ai():
    result = g7.evaluate(with_open_data(weights_final=item(license=LLAMA)))
    assert result.verdict == g7.WEIGHTS_AVAILABLE
    reason = failing(result)["open_source_licence"]
    assert "the weights are under LicenseRef-llama-2, not an Open Source licence" in reason
    assert "700,000,000 monthly active users" in reason


def test_a_non_commercial_clause_makes_weights_available_ai():
    result = g7.evaluate(with_open_data(weights_final=item(license=NON_COMMERCIAL)))
    assert result.verdict == g7.WEIGHTS_AVAILABLE
    assert "commercial use is forbidden" in failing(result)["open_source_licence"]


def test_weights_behind_an_approval_gate_are_weights_available_ai():
    gated = ComponentEvidence(components.PARTIAL, APACHE, APACHE, "own", "", "approval")
    result = g7.evaluate(with_open_data(weights_final=gated))
    assert result.verdict == g7.WEIGHTS_AVAILABLE
    assert "behind an approval gate" in failing(result)["open_source_licence"]


def test_weights_behind_a_click_through_are_released_in_full():
    clicked = ComponentEvidence(components.FULL, APACHE, APACHE, "own", "", "click-through")
    result = g7.evaluate(with_open_data(weights_final=clicked))
    assert result.verdict == g7.OPEN_DATA
    assert "behind a click-through" in result.criteria[0].reason


def test_deployment_code_not_released_keeps_open_weights_on_the_lowest_rung():
    result = g7.evaluate(with_open_data(code_inference=item(components.NONE, None)))
    assert result.verdict == g7.WEIGHTS_AVAILABLE
    assert failing(result)["deployment_code"] == "Deployment (inference) code is not released."


def test_a_fine_tune_of_a_restricted_base_is_weights_available_whatever_its_card_says():
    base = model("llama-2-13b", organization="meta", weights_final=item(license=LLAMA))
    items = {
        cid: effective.component_evidence(cid, "full", APACHE, None, base)
        for cid in components.COMPONENT_IDS
    }
    derivative = ModelEvidence("fine-tune", "Fine-tune", items, base, "lab")
    result = g7.evaluate(derivative)
    assert result.verdict == g7.WEIGHTS_AVAILABLE
    assert "inherited from llama-2-13b" in failing(result)["open_source_licence"]


@pytest.mark.parametrize("availability", [components.NONE, components.UNKNOWN])
def test_weights_not_released_or_not_verified_are_outside_the_ladder(availability):
    result = g7.evaluate(with_open_data(weights_final=item(availability, None)))
    assert result.verdict == g7.NOT_RELEASED
    assert result.score == 0.0
    assert len(result.criteria) == 1


def test_the_ladder_is_ordered_from_most_to_least_open():
    assert [g7.RANK[verdict] for verdict in g7.LADDER] == [4, 3, 2, 1, 0]
