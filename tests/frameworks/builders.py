"""Plain evidence for framework tests: everything open unless a test says otherwise."""

from catalog import components
from catalog.frameworks.evidence import ComponentEvidence, LicenseTerms, ModelEvidence

APACHE = LicenseTerms("Apache-2.0", "Apache License 2.0", osi_approved=True)
MIT = LicenseTerms("MIT", "MIT License", osi_approved=True)
CC_BY = LicenseTerms(
    "CC-BY-4.0", "CC BY 4.0", osi_approved=False, open_data=True, open_content=True
)
LLAMA = LicenseTerms(
    "LicenseRef-llama-2", "Llama 2 Community License Agreement", osi_approved=False,
    mau_cap=700_000_000, acceptable_use_policy=True, terms_changeable=True, field_of_use=True,
    no_improving_other_models=True, litigation_termination=True, flow_down=True,
)  # fmt: skip
RAIL = LicenseTerms(
    "LicenseRef-rail", "A RAIL licence", osi_approved=False, acceptable_use_policy=True,
    field_of_use=True, flow_down=True,
)  # fmt: skip
NON_COMMERCIAL = LicenseTerms(
    "CC-BY-NC-4.0", "CC BY-NC 4.0", osi_approved=False, non_commercial=True
)


def item(availability=components.FULL, license=APACHE):
    return ComponentEvidence(availability, license)


def model(slug="demo", base=None, organization="lab", **overrides):
    """Every component full under Apache-2.0, except `overrides` (component id -> item or None)."""
    items = {cid: item() for cid in components.COMPONENT_IDS}
    for component_id, value in overrides.items():
        assert component_id in items, component_id
        items[component_id] = value if value is not None else item(components.UNKNOWN, None)
    return ModelEvidence(slug, slug.title(), items, base, organization)


def closed_model(**overrides):
    base = {cid: item(components.NONE, None) for cid in components.COMPONENT_IDS}
    base.update(overrides)
    return model(**base)
