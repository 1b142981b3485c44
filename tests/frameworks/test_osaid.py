import dataclasses

import pytest

from catalog import clauses
from catalog.clauses import RESTRICTIONS, USE_RESTRICTIONS
from catalog.frameworks import osaid
from tests.frameworks.builders import CC_BY, LLAMA, MIT, NON_COMMERCIAL, RAIL, item, model


def failing(result):
    return {c.id: c.reason for c in result.criteria if not c.passed}


def test_a_fully_open_release_conforms():
    result = osaid.evaluate(model())
    assert result.verdict == osaid.CONFORMS
    assert result.score == 1.0
    assert failing(result) == {}
    assert [c.id for c in result.criteria] == ["data_information", "code", "parameters", "terms"]


@pytest.mark.parametrize("component_id", osaid.CODE)
def test_each_piece_of_code_is_required(component_id):
    result = osaid.evaluate(model(**{component_id: item("none", None)}))
    assert result.verdict == osaid.DOES_NOT_CONFORM
    assert "not released in full" in failing(result)["code"]
    assert "(none)" in failing(result)["code"]


def test_code_under_a_non_osi_licence_fails_and_names_it():
    result = osaid.evaluate(model(code_training=item(license=CC_BY)))
    assert failing(result) == {
        "code": "Code incomplete; not under an OSI-approved licence: training code (CC-BY-4.0)."
    }


def test_code_that_does_not_exist_for_a_release_is_not_required():
    assert (
        osaid.evaluate(model(code_evaluation=item("not_applicable", None))).verdict
        == osaid.CONFORMS
    )


def test_data_itself_is_optional_but_data_information_is_not():
    assert osaid.evaluate(model(data_pretraining=item("none", None))).verdict == osaid.CONFORMS
    result = osaid.evaluate(model(data_information=item("partial", None)))
    assert set(failing(result)) == {"data_information"}
    assert "incomplete" in failing(result)["data_information"]


def test_intermediate_checkpoints_are_optional():
    assert osaid.evaluate(model(weights_intermediate=item("none", None))).verdict == osaid.CONFORMS


@pytest.mark.parametrize(
    ("weights", "reason"),
    [
        (item("partial"), "Final weights released only in part or behind an approval gate."),
        (item("none", None), "Final weights not released."),
        (item("unknown", None), "Final weights not verified."),
        (item(license=CC_BY), "Final weights are under CC-BY-4.0, which is not OSI-approved."),
        (
            item(license=None),
            "Final weights carry no stated licence, so no rights are granted.",
        ),
    ],
)
def test_weights_must_be_downloadable_under_osi_terms(weights, reason):
    assert failing(osaid.evaluate(model(weights_final=weights)))["parameters"] == reason


def test_mit_weights_pass():
    assert osaid.evaluate(model(weights_final=item(license=MIT))).verdict == osaid.CONFORMS


def test_a_user_cap_and_use_policy_fail_with_the_number_in_the_reason():
    reason = failing(osaid.evaluate(model(weights_final=item(license=LLAMA))))["terms"]
    assert "700,000,000 monthly active users" in reason
    assert "Acceptable-use policy" in reason
    assert "Outputs may not be used to improve other models" in reason


@pytest.mark.parametrize("licence", [RAIL, NON_COMMERCIAL])
def test_use_restrictions_on_any_part_fail(licence):
    result = osaid.evaluate(model(code_inference=item(license=licence)))
    assert "terms" in failing(result)


def test_a_derivative_inherits_its_base_models_restrictions():
    base = model("llama", organization="meta", weights_final=item(license=LLAMA))
    tune = model("tune", base=base, organization="someone")
    reason = failing(osaid.evaluate(tune))["terms"]
    assert "inherited from llama" in reason


def test_a_base_from_the_same_organisation_can_be_relicensed():
    base = model("v3", organization="deepseek", weights_final=item(license=LLAMA))
    r1 = model("r1", base=base, organization="deepseek")
    assert osaid.evaluate(r1).verdict == osaid.CONFORMS


@pytest.mark.parametrize("flag", RESTRICTIONS)
def test_each_clause_that_restricts_use_fails_and_no_other_does(flag):
    # An OSI-approved licence with one clause added: only the clause can fail the terms.
    value = 1_000 if flag == "mau_cap" else True
    terms = dataclasses.replace(MIT, identifier=f"LicenseRef-{flag}", **{flag: value})
    result = osaid.evaluate(model(weights_final=item(license=terms)))
    if flag in USE_RESTRICTIONS:
        assert result.verdict == osaid.DOES_NOT_CONFORM
        assert set(failing(result)) == {"terms"}
        assert clauses.get(flag).describe(1_000) in failing(result)["terms"]
    else:
        assert result.verdict == osaid.CONFORMS
