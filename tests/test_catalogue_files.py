"""The file format's checks, on plain text: no database."""

import pytest
import yaml

from catalog import components
from catalog.catalogue import FileRejected, parse_licenses, parse_model, parse_organizations

ORGS = {"example-lab"}
LICENSES = {"Apache-2.0"}


def model_text(**changes):
    data = {
        "slug": "demo-1b",
        "name": "Demo 1B",
        "organization": "example-lab",
        "family": "Demo",
        "release_date": "2024-05-01",
        "modality": "text",
        "kind": "base",
        "assessed_by": "tester",
        "assessed_at": "2026-01-01",
        "components": {
            cid: {
                "availability": "full",
                "license": "Apache-2.0",
                "evidence": ["https://example.org/x"],
            }
            for cid in components.COMPONENT_IDS
        },
    }
    data.update(changes)
    return yaml.safe_dump(data, sort_keys=False)


def problems_of(text):
    with pytest.raises(FileRejected) as caught:
        parse_model(text, "models/demo.yaml", organizations=ORGS, licenses=LICENSES)
    return [str(problem) for problem in caught.value.problems]


def with_component(component_id, **assessment):
    data = yaml.safe_load(model_text())
    data["components"][component_id] = assessment
    return yaml.safe_dump(data)


def test_it_parses_a_good_file_into_snapshots():
    entry = parse_model(model_text(), "models/demo.yaml", organizations=ORGS, licenses=LICENSES)
    assert entry.model["slug"] == "demo-1b"
    assert entry.model["release_date"] == "2024-05-01"
    assert list(entry.assessments) == list(components.COMPONENT_IDS)
    weights = entry.assessments["weights_final"]
    assert weights == {
        "availability": "full",
        "license": "Apache-2.0",
        "evidence": ["https://example.org/x"],
        "access": "",
        "pins": [],
        "note": "",
        "assessed_at": "2026-01-01",
        "assessed_by": "tester",
        "source": "curated",
    }


def test_it_reads_release_licences_pins_access_and_corrections():
    data = yaml.safe_load(model_text())
    data["release_licenses"] = {
        "code": {
            "license": "Apache-2.0",
            "evidence": ["https://github.com/example/train"],
            "pins": [
                {"repo": "github:example/train", "commit": "64bc595", "path": "LICENSE",
                 "finding": "Apache License 2.0"},
            ],
        }
    }  # fmt: skip
    data["corrections"] = [
        {"date": "2026-12-03", "subject": "code_training", "before": "full, no licence stated",
         "after": "full, Apache-2.0", "reason": "The LICENSE file was read at 64bc595."},
    ]  # fmt: skip
    data["components"]["weights_final"]["access"] = "click-through"
    entry = parse_model(yaml.safe_dump(data), "models/demo.yaml", organizations=ORGS,
                        licenses=LICENSES)  # fmt: skip
    assert entry.model["release_licenses"]["code"]["pins"][0]["commit"] == "64bc595"
    assert entry.model["release_licenses"]["code"]["note"] == ""
    assert entry.model["corrections"][0]["subject"] == "code_training"
    assert entry.assessments["weights_final"]["access"] == "click-through"


def test_it_rejects_a_pin_without_a_commit_id():
    pins = [
        {"repo": "github:example/train", "commit": "main", "path": "/", "finding": "no LICENSE"}
    ]
    assert problems_of(with_component("code_training", availability="none",
                                      evidence=["https://github.com/example/train"], pins=pins)) == [
        "models/demo.yaml: components.code_training.pins[0].commit: 'main' is not a commit id "
        "(7 to 40 hex digits)"
    ]  # fmt: skip


def test_it_rejects_an_approval_gate_on_a_full_download():
    assert problems_of(with_component("weights_final", availability="full", license="Apache-2.0",
                                      evidence=["https://example.org/x"], access="approval")) == [
        "models/demo.yaml: components.weights_final.access: a download someone must approve is "
        "partial availability, not full"
    ]  # fmt: skip


def test_it_rejects_a_release_licence_without_evidence():
    data = yaml.safe_load(model_text())
    data["release_licenses"] = {"data": {"license": "Apache-2.0"}}
    assert problems_of(yaml.safe_dump(data)) == [
        "models/demo.yaml: release_licenses.data.evidence: is required",
        "models/demo.yaml: release_licenses.data.evidence: needs a list of one or more evidence URLs",
    ]


def test_it_rejects_an_unknown_component():
    data = yaml.safe_load(model_text())
    data["components"]["weights_secret"] = {"availability": "none", "evidence": ["https://e.org"]}
    assert problems_of(yaml.safe_dump(data)) == [
        "models/demo.yaml: components.weights_secret: unknown component 'weights_secret'"
    ]


def test_it_rejects_a_missing_component():
    data = yaml.safe_load(model_text())
    del data["components"]["training_state"]
    assert problems_of(yaml.safe_dump(data)) == [
        "models/demo.yaml: components: missing components: training_state"
    ]


def test_it_rejects_an_unknown_licence():
    text = with_component(
        "weights_final", availability="full", license="WTFPL-9", evidence=["https://e.org"]
    )
    assert problems_of(text) == [
        "models/demo.yaml: components.weights_final.license: unknown licence 'WTFPL-9'"
    ]


def test_it_rejects_a_status_without_evidence():
    text = with_component("code_training", availability="none")
    assert problems_of(text) == [
        "models/demo.yaml: components.code_training.evidence: "
        "availability 'none' needs at least one evidence URL"
    ]


def test_it_accepts_unknown_without_evidence():
    text = with_component("code_training", availability="unknown")
    entry = parse_model(text, "models/demo.yaml", organizations=ORGS, licenses=LICENSES)
    assert entry.assessments["code_training"]["evidence"] == []


@pytest.mark.parametrize(
    "url", ["htp://example.org", "example.org/card", "https://", "ftp://example.org/x"]
)
def test_it_rejects_a_malformed_url(url):
    text = with_component("doc_model_card", availability="full", evidence=[url])
    assert problems_of(text) == [
        f"models/demo.yaml: components.doc_model_card.evidence[0]: {url!r} is not a well-formed http(s) URL"
    ]


def test_it_rejects_an_unknown_availability():
    text = with_component("doc_model_card", availability="mostly", evidence=["https://e.org"])
    assert "components.doc_model_card.availability: 'mostly' is not one of" in problems_of(text)[0]


def test_it_reports_every_problem_in_a_file():
    text = model_text(release_date="yesterday", kind="giant", organization="nobody", extra=1)
    assert problems_of(text) == [
        "models/demo.yaml: extra: unknown field",
        "models/demo.yaml: organization: unknown organisation 'nobody'",
        "models/demo.yaml: release_date: 'yesterday' is not a date in YYYY-MM-DD form",
        "models/demo.yaml: kind: 'giant' is not one of: base, instruct, chat, code, reasoning, multimodal, unknown",
    ]


def test_it_rejects_invalid_yaml_naming_the_line():
    problems = problems_of("slug: demo\nname: [unclosed\n")
    assert len(problems) == 1
    assert problems[0].startswith("models/demo.yaml: line ")
    assert "not valid YAML" in problems[0]


def test_it_rejects_a_file_that_is_not_a_mapping():
    assert problems_of("- just\n- a list\n") == ["models/demo.yaml: must be a mapping, not a list"]


def test_it_rejects_a_bad_parameter_count():
    assert problems_of(model_text(parameters=-3)) == [
        "models/demo.yaml: parameters: must be a positive whole number, not -3"
    ]


def test_organizations_reject_duplicates_and_bad_countries():
    text = yaml.safe_dump(
        [
            {"slug": "lab-a", "name": "A", "kind": "company"},
            {"slug": "lab-a", "name": "A again", "kind": "company", "country": "Britain"},
        ]
    )
    with pytest.raises(FileRejected) as caught:
        parse_organizations(text, "organizations.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "organizations.yaml: [1].slug: duplicate slug 'lab-a' (also at [0])",
        "organizations.yaml: [1].country: 'Britain' is not an ISO 3166-1 alpha-2 code",
    ]


def test_licenses_reject_non_spdx_ids_and_bad_caps():
    text = yaml.safe_dump(
        [
            {
                "id": "Llama 2 licence",
                "name": "x",
                "url": "https://e.org",
                "osi_approved": False,
                "category": "model",
                "commercial_use": True,
                "source": "s",
                "clauses": {"mau_cap": "lots", "sharing": True},
            }
        ]
    )
    with pytest.raises(FileRejected) as caught:
        parse_licenses(text, "licenses.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "licenses.yaml: [0].id: 'Llama 2 licence' is neither an SPDX id nor LicenseRef-<key>",
        "licenses.yaml: [0].clauses.sharing: unknown field",
        "licenses.yaml: [0].clauses.mau_cap: must be a positive whole number, not 'lots'",
    ]
