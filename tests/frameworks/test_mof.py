import pytest

from catalog.frameworks import mof
from tests.frameworks.builders import CC_BY, LLAMA, item, model


def test_a_fully_open_release_is_class_one():
    result = mof.evaluate(model())
    assert result.verdict == "Class I"
    assert result.details["progress"] == {"III": 1.0, "II": 1.0, "I": 1.0}
    assert result.details["class_name"] == "Open Science"
    assert result.score == 3.0


def test_classes_are_cumulative_and_lower_ones_show_zero_until_the_one_above_is_complete():
    result = mof.evaluate(model(doc_evaluation_results=item("none", None)))
    assert result.verdict == mof.UNCLASSIFIED
    assert result.details["progress"] == {
        "III": pytest.approx(5 / 6, abs=1e-4),
        "II": 0.0,
        "I": 0.0,
    }


def test_class_two_with_progress_towards_one():
    result = mof.evaluate(model(weights_intermediate=item("none", None)))
    assert result.verdict == "Class II"
    assert result.details["progress"] == {"III": 1.0, "II": 1.0, "I": 0.75}
    assert result.score == 2.75


def test_class_three_only():
    result = mof.evaluate(model(code_training=item("partial")))
    assert result.verdict == "Class III"
    assert result.details["class_name"] == "Open Model"
    assert result.details["progress"] == {"III": 1.0, "II": 0.75, "I": 0.0}


def test_a_research_paper_stands_in_for_the_technical_report():
    result = mof.evaluate(model(doc_technical_report=item("none", None)))
    assert result.verdict == "Class I"
    reasons = {c.id: c.reason for c in result.criteria}
    assert reasons["class_III:doc_technical_report"] == (
        "Technical report: the research paper stands in for it."
    )


def test_a_component_counts_only_under_an_open_licence():
    result = mof.evaluate(model(weights_final=item(license=LLAMA)))
    assert result.verdict == mof.UNCLASSIFIED
    failed = {c.id: c.reason for c in result.criteria if not c.passed}
    assert failed == {
        "class_III:weights_final": "Final weights is released under LicenseRef-llama-2, which is not an open licence for it."
    }


def test_an_open_licence_of_the_wrong_kind_warns_and_does_not_count():
    result = mof.evaluate(model(code_training=item(license=CC_BY)))
    assert result.verdict == "Class III"
    assert result.details["warnings"] == [
        "Training code is under CC-BY-4.0, an open licence of the wrong kind for it, so it does not count."
    ]


def test_optional_components_do_not_block_a_class():
    result = mof.evaluate(
        model(doc_sample_outputs=None, code_libraries=None, training_state=item("none", None))
    )
    assert result.verdict == "Class I"


def test_components_that_do_not_exist_are_not_required():
    result = mof.evaluate(model(data_evaluation=item("not_applicable", None)))
    assert result.verdict == "Class I"
