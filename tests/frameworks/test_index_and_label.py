import dataclasses

import pytest

from catalog import components
from catalog.frameworks import index, label
from catalog.frameworks.restrictions import flags_of, restrictions_of
from tests.frameworks.builders import (
    APACHE,
    LLAMA,
    MIT,
    NON_COMMERCIAL,
    RAIL,
    closed_model,
    item,
    model,
)


def test_a_fully_open_release_scores_100():
    result = index.evaluate(model())
    assert result.score == 100.0
    assert result.details["groups"] == {
        "model": 1.0,
        "code": 1.0,
        "data": 1.0,
        "docs": 1.0,
        "terms": 1.0,
    }
    assert result.details["unknown_count"] == 0


def test_partial_components_score_half():
    result = index.evaluate(
        model(weights_final=item("partial"), weights_intermediate=item("partial"))
    )
    assert result.details["groups"]["model"] == 0.75


def test_full_under_no_licence_scores_half():
    result = index.evaluate(model(doc_research_paper=item(license=None)))
    assert result.details["groups"]["docs"] == pytest.approx(6.5 / 7, abs=1e-4)


def test_unknowns_count_as_closed_and_are_reported():
    everything_unknown = {cid: None for cid in components.COMPONENT_IDS}
    result = index.evaluate(model(**everything_unknown))
    assert result.score == 0.0
    assert result.details["unknown_count"] == 20
    assert "unknown, counted as closed" in result.criteria[0].reason


def test_not_applicable_components_are_left_out_of_the_mean():
    result = index.evaluate(
        model(data_finetuning=item("not_applicable", None), data_evaluation=item("none", None))
    )
    assert result.details["groups"]["data"] == pytest.approx(2 / 3, abs=1e-4)


def test_each_restrictive_clause_costs_an_eighth():
    result = index.evaluate(model(weights_final=item(license=RAIL)))
    assert result.details["groups"]["terms"] == pytest.approx(1 - 3 / 8)
    result = index.evaluate(model(weights_final=item(license=LLAMA)))
    assert result.details["groups"]["terms"] == pytest.approx(1 - 7 / 8)


@pytest.mark.parametrize("flag", ["remote_restriction", "covers_trained_models"])
def test_the_newer_clauses_cost_an_eighth_too(flag):
    terms = dataclasses.replace(MIT, identifier="LicenseRef-x", **{flag: True})
    result = index.evaluate(model(weights_final=item(license=terms)))
    assert result.details["groups"]["terms"] == pytest.approx(1 - 1 / 8)


def test_no_weights_means_no_terms_score():
    result = index.evaluate(closed_model(doc_model_card=item(license=None)))
    assert result.details["groups"]["terms"] == 0.0
    assert result.score == pytest.approx(100 * (0.5 / 7) / 5, abs=0.1)


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (model(), label.OPEN_SOURCE),
        (model(code_training=item("none", None)), label.OPEN_WEIGHTS),
        (
            model(code_training=item("none", None), weights_final=item(license=MIT)),
            label.OPEN_WEIGHTS,
        ),
        (model(weights_final=item("partial")), label.RESTRICTED_WEIGHTS),
        (model(weights_final=item(license=LLAMA)), label.RESTRICTED_WEIGHTS),
        (model(weights_final=item(license=NON_COMMERCIAL)), label.RESTRICTED_WEIGHTS),
        (model(weights_final=item(license=None)), label.RESTRICTED_WEIGHTS),
        (closed_model(), label.CLOSED),
        (model(weights_final=None), label.CLOSED),
    ],
    ids=[
        "osaid",
        "open-weights",
        "mit-weights",
        "gated",
        "llama",
        "non-commercial",
        "no-licence",
        "closed",
        "unverified",
    ],
)
def test_every_label(evidence, expected):
    assert label.evaluate(evidence).verdict == expected


def test_restricted_weights_say_why():
    result = label.evaluate(model(code_training=None, weights_final=item("partial", LLAMA)))
    weights = [c for c in result.criteria if c.id == "weights"][0]
    assert weights.reason.startswith("Restricted: the weights are gated or released only in part; ")
    assert "700,000,000" in weights.reason


def test_a_fine_tune_under_mit_of_a_llama_model_is_restricted():
    llama = model("llama", organization="meta", weights_final=item("partial", LLAMA))
    tune = model(
        "tune",
        base=llama,
        organization="other",
        code_training=None,
        weights_final=item(license=MIT),
    )
    result = label.evaluate(tune)
    assert result.verdict == label.RESTRICTED_WEIGHTS
    assert "(inherited from llama)" in result.criteria[-1].reason


def test_restrictions_name_where_they_come_from():
    llama = model("llama", organization="meta", weights_final=item(license=LLAMA))
    tune = model(
        "tune", base=llama, organization="other", data_finetuning=item(license=NON_COMMERCIAL)
    )
    found = restrictions_of(tune)
    assert flags_of(found) == (
        "mau_cap", "acceptable_use_policy", "terms_changeable", "field_of_use",
        "no_improving_other_models", "litigation_termination", "non_commercial", "flow_down",
    )  # fmt: skip
    non_commercial = [r for r in found if r.flag == "non_commercial"][0]
    assert (non_commercial.license, non_commercial.components, non_commercial.inherited_from) == (
        "CC-BY-NC-4.0",
        ("data_finetuning",),
        None,
    )
    cap = [r for r in found if r.flag == "mau_cap"][0]
    assert cap.inherited_from == "llama"
    assert (
        cap.description
        == "User cap: a separate licence is needed above 700,000,000 monthly active users"
    )


def test_unreleased_components_bring_no_restrictions():
    assert restrictions_of(model(weights_final=item("none", LLAMA))) == []
    assert APACHE.restrictions == ()
