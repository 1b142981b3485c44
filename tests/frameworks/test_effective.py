"""Effective licences: the release's licence, the base model's terms, scoped clauses."""

from catalog import components
from catalog.frameworks import effective, label, mof, osaid
from catalog.frameworks.evidence import LicenseTerms, ModelEvidence
from catalog.frameworks.restrictions import flags_of, restrictions_of
from tests.frameworks.builders import APACHE, CC_BY, LLAMA, MIT, item, model

LLAMA_32 = LicenseTerms(
    "LicenseRef-llama-3.2", "Llama 3.2 Community License", osi_approved=False,
    mau_cap=700_000_000, acceptable_use_policy=True, geographic=True,
    scopes=(("geographic", ("vision-language", "multimodal")),),
)  # fmt: skip


def test_a_component_without_its_own_licence_falls_under_the_release_licence_of_its_kind():
    found = effective.component_evidence("doc_technical_report", "full", None, CC_BY)
    assert (found.license, found.origin, found.stated) == (CC_BY, "release", None)


def test_a_components_own_licence_wins_over_the_release_licence():
    found = effective.component_evidence("code_training", "full", MIT, APACHE)
    assert (found.license, found.origin) == (MIT, "own")


def test_an_unreleased_component_takes_no_release_licence():
    found = effective.component_evidence("code_training", "none", None, APACHE)
    assert (found.license, found.origin) == (None, "")


def test_release_licence_kinds_follow_the_component_groups():
    kinds = {cid: components.licence_kind(cid) for cid in components.COMPONENT_IDS}
    assert kinds["architecture"] == "code"
    assert kinds["code_data_processing"] == "code"
    assert kinds["data_information"] == "data"
    assert kinds["doc_model_card"] == "documents"
    assert kinds["weights_intermediate"] == "weights"


def llama_base():
    return model(
        "llama-2-13b", organization="meta", architecture=item(license=LLAMA),
        weights_final=item(license=LLAMA),
    )  # fmt: skip


def test_a_fine_tune_is_bound_by_its_bases_licence_whatever_its_card_states():
    base = llama_base()
    weights = effective.component_evidence("weights_final", "full", MIT, None, base)
    assert (weights.license, weights.stated, weights.origin) == (LLAMA, MIT, "base")
    assert weights.inherited_from == "llama-2-13b"


def test_a_free_base_licence_does_not_override_the_derivatives_own():
    base = model("apache-base", organization="other")
    weights = effective.component_evidence("weights_final", "full", MIT, None, base)
    assert (weights.license, weights.origin) == (MIT, "own")


def test_a_base_of_the_same_organisation_does_not_bind_its_derivative():
    assert not effective.binds("deepseek", "deepseek")
    assert effective.binds("meta", "nous-research")


def test_documents_of_a_fine_tune_are_its_own():
    base = llama_base()
    card = effective.component_evidence("doc_model_card", "full", MIT, None, base)
    assert (card.license, card.origin) == (MIT, "own")


def test_the_mof_counts_a_fine_tunes_weights_under_its_bases_licence():
    # Everything of the base under its own licence, as Llama 2 13B's materials are.
    base = model(
        "llama-2-13b", organization="meta",
        **{cid: item(license=LLAMA) for cid in components.COMPONENT_IDS},
    )  # fmt: skip
    items = {
        cid: effective.component_evidence(cid, "full", MIT, None, base)
        for cid in components.COMPONENT_IDS
    }
    fine_tune = ModelEvidence("nous-hermes", "Nous", items, base, "nous-research")
    result = mof.evaluate(fine_tune)
    reasons = {c.id: c.reason for c in result.criteria}
    assert result.verdict == mof.UNCLASSIFIED
    assert reasons["class_III:weights_final"] == (
        "Final weights is released under LicenseRef-llama-2 (inherited from llama-2-13b; its card "
        "states MIT), which is not an open licence."
    )
    assert result.details["progress"] == mof.evaluate(base).details["progress"]
    assert "held at that of the base model llama-2-13b" in result.details["warnings"][-1]
    assert label.evaluate(fine_tune).verdict == label.RESTRICTED_WEIGHTS
    found = restrictions_of(fine_tune)
    assert {r.inherited_from for r in found} == {"llama-2-13b"}


def test_reasons_name_the_release_licence():
    release_item = effective.component_evidence("weights_final", "full", None, APACHE)
    result = osaid.evaluate(model(weights_final=release_item))
    weights = next(c for c in result.criteria if c.id == "parameters")
    assert weights.reason == (
        "Final weights are released under Apache-2.0 (the release's licence), an OSI-approved licence."
    )


def test_a_scoped_clause_binds_only_releases_of_its_modalities():
    weights = item(license=LLAMA_32)
    text_model = ModelEvidence(
        "llama-3.2-1b", "1B", {"weights_final": weights}, None, "meta", "text"
    )
    vision_model = ModelEvidence(
        "llama-3.2-11b-vision", "11B", {"weights_final": weights}, None, "meta", "vision-language"
    )
    assert "geographic" not in flags_of(restrictions_of(text_model))
    assert "geographic" in flags_of(restrictions_of(vision_model))
    assert "acceptable_use_policy" in flags_of(restrictions_of(text_model))


def test_a_click_through_gate_is_full_availability_and_approval_is_partial():
    assert components.gated_availability("auto") == ("full", "click-through")
    assert components.gated_availability("manual") == ("partial", "approval")
    assert components.gated_availability("") == ("full", "")
