"""The one-place rules: component groups, component states, label styles and MOF class names."""

import itertools

import pytest

from catalog import components, verdict_styles
from catalog.filtering import MOF_CLASSES
from catalog.frameworks import g7, index, label, mof
from catalog.frameworks.evidence import (
    CLOSED,
    OPEN,
    PARTLY_OPEN,
    ComponentEvidence,
    LicenseTerms,
    component_state,
)

MIT = LicenseTerms("MIT", "MIT", osi_approved=True)
CC_BY = LicenseTerms(
    "CC-BY-4.0", "CC BY 4.0", osi_approved=False, open_data=True, open_content=True
)
RESTRICTED = LicenseTerms("LicenseRef-x", "X", osi_approved=False, acceptable_use_policy=True)


def test_code_components_are_the_code_group_and_the_architecture():
    assert set(components.CODE_COMPONENTS) == {
        c.id for c in components.COMPONENTS if c.group == components.CODE
    } | {"architecture"}
    assert {components.licence_kind(c) for c in components.CODE_COMPONENTS} == {"code"}


def test_repository_components_leave_out_the_documents():
    assert "weights_final" in components.REPOSITORY_COMPONENTS
    assert "code_training" in components.REPOSITORY_COMPONENTS
    assert "data_information" not in components.REPOSITORY_COMPONENTS
    assert not set(components.DOC_COMPONENTS) & set(components.REPOSITORY_COMPONENTS)


@pytest.mark.parametrize("component_id", components.COMPONENT_IDS)
def test_the_index_scores_a_component_by_its_state(component_id):
    for availability, terms in itertools.product(
        components.AVAILABILITIES, (None, MIT, CC_BY, RESTRICTED)
    ):
        item = ComponentEvidence(availability, terms)
        state = component_state(component_id, item)
        expected = {OPEN: 1.0, PARTLY_OPEN: 0.5}.get(state, 0.0)
        assert index.component_score(component_id, item) == expected
        if availability in (components.UNKNOWN, components.NOT_APPLICABLE):
            assert state == availability
        elif availability == components.NONE:
            assert state == CLOSED


def test_code_is_open_only_under_an_osi_approved_licence():
    assert component_state("code_training", ComponentEvidence(components.FULL, MIT)) == OPEN
    assert (
        component_state("code_training", ComponentEvidence(components.FULL, CC_BY)) == PARTLY_OPEN
    )
    assert component_state("data_pretraining", ComponentEvidence(components.FULL, CC_BY)) == OPEN


def test_every_rung_of_both_labels_has_one_style():
    assert set(verdict_styles.LABEL_STYLES) == set(g7.LADDER) | set(label.RANK)


def test_the_rungs_differ_in_symbol_and_mark_as_well_as_colour():
    styles = set(verdict_styles.LABEL_STYLES.values())
    for attribute in ("css", "symbol", "colour", "mark"):
        assert len({getattr(style, attribute) for style in styles}) == len(styles), attribute


def test_every_mof_class_is_a_filter_value_and_has_a_colour():
    for number, name in mof.CLASS_NAMES.items():
        assert MOF_CLASSES[number] == name
        assert verdict_styles.colour(name) != verdict_styles.GREY
    assert verdict_styles.colour(mof.UNCLASSIFIED) == verdict_styles.GREY
