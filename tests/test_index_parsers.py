"""The other indexes' files read into plain observations, matched and compared: no database."""

import datetime
from pathlib import Path

import pytest

from catalog.frameworks.evidence import Criterion, Result
from catalog.indexes import EOSAI, MOT, OSI, MalformedEntry, concordance, eosai, matching, mot, osi

FIXTURES = Path(__file__).parent / "fixtures" / "indexes"
COMMIT = "376230f18fa16f9d6da6fba8aeb210402c359be7"
DAY = datetime.date(2026, 6, 12)


def eosai_entry(name):
    text = (FIXTURES / "eosai" / name).read_text()
    return eosai.parse_entry(name, text, repository="L/m", commit=COMMIT, dated=DAY)


def mot_entry(name):
    text = (FIXTURES / "mot" / "models" / name).read_text()
    return mot.parse_entry(
        f"models/{name}", text, repository="lfai/model_openness_tool", commit=COMMIT
    )


def test_osi_list_reads_every_published_outcome_with_its_source_and_date():
    _revision, text = osi.read_data_file()
    found = {o.name: o for o in osi.parse(text)}
    conform = {n for n, o in found.items() if o.verdict == "conforms"}
    assert conform == {"Pythia", "OLMo", "Amber", "CrystalCoder", "T5"}
    would = {n for n, o in found.items() if o.verdict == "would conform with other licence terms"}
    assert would == {"BLOOM", "Starcoder2", "Falcon"}
    fail = {n for n, o in found.items() if o.verdict == "does not conform"}
    assert fail == {"Llama2", "Grok", "Phi-2", "Mixtral"}
    assert {o.url for o in found.values()} == {"https://opensource.org/ai"}
    assert found["Pythia"].dated == datetime.date(2025, 1, 24)


def test_osi_list_with_an_unknown_outcome_is_rejected_naming_the_system():
    text = "source: https://opensource.org/ai\nas_of: 2025-01-24\nsystems:\n  - {name: X, outcome: maybe}\n"
    with pytest.raises(MalformedEntry, match=r"systems\[1\] \(X\): outcome 'maybe'"):
        osi.parse(text)


def test_eosai_entry_keeps_each_dimension_class_and_the_systems_own_repositories():
    entry = eosai_entry("Pythia.yaml")
    assert entry.source == EOSAI
    assert entry.name == "Pythia"
    assert entry.verdict == "8 open, 4 partial, 0 closed of 12 dimensions"
    assert entry.hf_repos == ("togethercomputer/Pythia-Chat-Base-7B",)
    assert entry.related_hf_repos == ("EleutherAI/pythia-6.9b",)
    assert entry.details["dimensions"]["preprint"]["class"] == "partial"
    assert entry.url == f"https://github.com/L/m/blob/{COMMIT}/Pythia.yaml"
    assert entry.dated == DAY


def test_eosai_entry_with_a_class_outside_open_partial_closed_is_malformed():
    text = (
        (FIXTURES / "eosai" / "Pythia.yaml").read_text().replace("class: partial", "class: half", 1)
    )
    with pytest.raises(MalformedEntry, match=r"Pythia.yaml: .*class 'half'"):
        eosai.parse_entry("Pythia.yaml", text, repository="L/m", commit=COMMIT, dated=DAY)


def test_eosai_entry_that_is_not_yaml_is_malformed():
    with pytest.raises(MalformedEntry, match="Pythia.yaml: not valid YAML"):
        eosai.parse_entry("Pythia.yaml", "system: [", repository="L/m", commit=COMMIT, dated=DAY)


def test_mot_entry_resolves_each_components_licence_as_the_mot_does():
    entry = mot_entry("Pythia-6.9B.yml")
    assert entry.source == MOT
    assert entry.hf_repos == ("EleutherAI/pythia-6.9b",)
    assert entry.dated == datetime.date(2025, 11, 3)
    components = entry.details["components"]
    # Its own licence where it states one, else the release's distribution licence.
    assert components["code_data_processing"]["licence"] == "MIT"
    assert components["weights_final"]["licence"] == "Apache-2.0"
    assert components["doc_research_paper"]["licence"] == "CC-BY-SA-4.0"
    assert entry.verdict == "lists 15 of 17 MOF components"


def test_mot_entry_with_a_component_the_mof_does_not_have_is_malformed():
    text = (FIXTURES / "mot" / "models" / "Phi-2.yml").read_text()
    text = text.replace("name: 'Model architecture'", "name: 'Vibes'", 1)
    assert "Vibes" in text
    with pytest.raises(MalformedEntry, match=r"models/Phi-2.yml: .*'Vibes' is no MOF component"):
        mot.parse_entry("models/Phi-2.yml", text, repository="l/m", commit=COMMIT)


REFS = [
    matching.ModelRef("pythia-6.9b", "Pythia 6.9B", "Pythia", ("EleutherAI/pythia-6.9b",)),
    matching.ModelRef("pythia-12b", "Pythia 12B", "Pythia", ("EleutherAI/pythia-12b",)),
    matching.ModelRef("phi-2", "Phi-2", "Phi", ("microsoft/phi-2",)),
]


def test_an_entry_naming_one_of_our_repositories_matches_that_model():
    assert matching.match(mot_entry("Pythia-6.9B.yml"), REFS) == matching.Matching(
        ("pythia-6.9b",), matching.HUB_REPO, ()
    )


def test_an_entry_whose_system_is_a_fine_tune_of_ours_waits_for_a_curator():
    found = matching.match(eosai_entry("Pythia.yaml"), REFS)
    assert found.slugs == ()
    assert found.candidates == ("pythia-12b", "pythia-6.9b")


def test_a_family_wide_verdict_waits_for_a_curator_and_a_unique_name_matches():
    _revision, text = osi.read_data_file()
    found = {o.name: matching.match(o, REFS) for o in osi.parse(text)}
    assert found["Pythia"].slugs == () and found["Pythia"].candidates == (
        "pythia-12b",
        "pythia-6.9b",
    )
    assert found["Phi-2"] == matching.Matching(("phi-2",), matching.NAME, ())
    assert found["Mixtral"] == matching.Matching((), None, ())


def _result(framework, verdict, criteria):
    return Result(framework, "1", verdict, None, tuple(Criterion(*c) for c in criteria))


def test_osi_disagreement_is_explained_by_our_failing_osaid_criteria():
    results = {"osaid": _result("osaid", "does not conform", [
        ("code", False, "Code incomplete; data processing code (no licence stated).", ()),
        ("parameters", True, "Final weights are released under Apache-2.0.", ()),
    ])}  # fmt: skip
    found = concordance.differences(OSI, "conforms", {}, results, evidence=None)
    assert [d.as_dict() for d in found] == [{
        "topic": "OSAID 1.0", "theirs": "Conforms", "ours": "does not conform",
        "reason": "Our OSAID criteria that fail: Code incomplete; data processing code "
        "(no licence stated).",
    }]  # fmt: skip


def test_osi_and_we_agreeing_shows_no_difference():
    results = {"osaid": _result("osaid", "does not conform", [("code", False, "No.", ())])}
    assert concordance.differences(OSI, "does not conform", {}, results, evidence=None) == []


def test_mot_listing_a_component_our_mof_criterion_does_not_count_is_a_difference():
    details = {
        "components": {"code_training": {"name": "Training code", "licence": "MIT", "path": ""}}
    }
    ours = _result("mof", "Unclassified", [
        ("class_II:code_training", False, "Training code is none.", ("code_training",)),
        ("class_III:architecture", False, "Model architecture is none.", ("architecture",)),
    ])  # fmt: skip
    found = concordance.differences(MOT, "", details, {"mof": ours}, None, frozenset({"MIT"}))
    assert [d.as_dict() for d in found] == [{
        "topic": "Training code (Class II, required)", "theirs": "listed under MIT",
        "ours": "does not count", "reason": "Training code is none.",
    }]  # fmt: skip
