"""Effective licences: what binds a component, whatever its own card says.

1. A component's own stated licence binds it.
2. A released component that states no licence of its own falls under the release licence of
   its kind (code, data, documents, weights), as the Model Openness Tool reads a release.
3. A fine-tune takes its architecture and weights from its base model, and the base's licence
   binds them: where the base's effective licence is not free (open, with no use restriction),
   it is the effective licence of the derivative's model components, and what the derivative's
   card states is kept as its stated licence. A base released by the same organisation is the
   exception: as licensor of both, it can grant its derivative other terms.

Pure functions over plain data: the frameworks read only effective licences.
"""

from catalog import components
from catalog.frameworks.evidence import BASE, OWN, RELEASE, ComponentEvidence

RELEASED = (components.FULL, components.PARTIAL)


def component_evidence(component_id, availability, own, release, base=None, access=""):
    """The ComponentEvidence of one assessment.

    `own` is the component's stated licence (LicenseTerms or None), `release` the release
    licence of its kind, `base` the base model's ModelEvidence when its terms bind this model
    (None for an original model or a base of the same organisation).
    """
    if own is not None:
        licence, origin = own, OWN
    elif availability in RELEASED and release is not None:
        licence, origin = release, RELEASE
    else:
        licence, origin = None, ""
    inherited_from = ""
    if (
        base is not None
        and availability in RELEASED
        and component_id in components.INHERITED_FROM_BASE
    ):
        binding, source = inherited_licence(base, component_id)
        if binding is not None and not binding.is_free and binding != licence:
            licence, origin, inherited_from = binding, BASE, source
    return ComponentEvidence(availability, licence, own, origin, inherited_from, access)


def inherited_licence(base, component_id):
    """(licence, slug of the model it comes from) that a base passes to a derivative's component.

    The base's own effective licence for that component, or, where it states none, the one of
    its final weights: the materials a fine-tune is built from.
    """
    for candidate in (component_id, "weights_final"):
        item = base.get(candidate)
        if item.license is not None:
            return item.license, item.inherited_from or base.slug
    return None, ""


def binds(base_organization, organization):
    """Whether a base model's terms bind its derivative: not when one licensor released both."""
    return not (base_organization and base_organization == organization)
