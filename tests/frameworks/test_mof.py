import pytest

from catalog import components
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


def test_class_two_with_progress_towards_one_counting_the_classes_above():
    result = mof.evaluate(model(weights_intermediate=item("none", None)))
    assert result.verdict == "Class II"
    # Class I's progress is over the fourteen components Classes III, II and I require.
    assert result.details["progress"] == {"III": 1.0, "II": 1.0, "I": round(13 / 14, 4)}
    assert result.score == round(2 + 13 / 14, 4)


def test_class_three_only():
    result = mof.evaluate(model(code_training=item("partial")))
    assert result.verdict == "Class III"
    assert result.details["class_name"] == "Open Model"
    assert result.details["progress"] == {"III": 1.0, "II": 0.9, "I": 0.0}


def test_an_unlicensed_component_does_not_count():
    result = mof.evaluate(model(code_evaluation=item(license=None)))
    assert result.verdict == "Class III"
    failed = {c.id: c.reason for c in result.criteria if not c.passed}
    assert failed == {
        "class_II:code_evaluation": "Evaluation code is released under no stated licence, which is not an open licence."
    }


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
        "class_III:weights_final": "Final weights is released under LicenseRef-llama-2, which is not an open licence."
    }


def test_an_open_licence_of_the_wrong_kind_counts_with_a_warning():
    documents_and_data_fit = {
        cid: item(license=CC_BY)
        for cid in components.COMPONENT_IDS
        if cid.startswith(("doc_", "data_"))
    }
    result = mof.evaluate(model(code_training=item(license=CC_BY), **documents_and_data_fit))
    assert result.verdict == "Class I"
    assert result.details["warnings"] == [
        "Training code is under CC-BY-4.0, an open licence but not of the kind the MOF expects "
        "for it; it counts."
    ]


def test_documents_are_expected_under_open_content_licences_and_data_under_open_data_ones():
    result = mof.evaluate(model())  # everything under Apache-2.0
    warned = {w.split(" is under ")[0] for w in result.details["warnings"]}
    assert warned == {
        components.get(cid).name
        for cid in components.COMPONENT_IDS
        if cid.startswith(("doc_", "data_"))
        and cid not in ("doc_code_documentation", "doc_training_setup", "data_finetuning")
    }


def test_optional_components_do_not_block_a_class():
    result = mof.evaluate(
        model(doc_sample_outputs=None, code_libraries=None, training_state=item("none", None))
    )
    assert result.verdict == "Class I"


def test_components_that_do_not_exist_are_not_required():
    result = mof.evaluate(model(data_evaluation=item("not_applicable", None)))
    assert result.verdict == "Class I"


def test_reasons_say_what_is_missing_in_words_and_optional_parts_show_as_they_are():
    result = mof.evaluate(model(doc_research_paper=item("none", None), doc_sample_outputs=None))
    criteria = {c.id: c for c in result.criteria}
    assert criteria["class_I:doc_research_paper"].reason == "Research paper is not released."
    optional = criteria["class_III:doc_sample_outputs (optional)"]
    assert (optional.passed, optional.reason) == (False, "Sample outputs is not known.")
    assert result.verdict == "Class II"  # the paper is required for Class I; samples never are
