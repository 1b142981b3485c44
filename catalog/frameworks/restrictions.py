"""Licence clause analysis: which restrictions bind a model, and where each comes from.

A model is bound by the licences of every component it releases (their own, or the release's
licence of their kind), and by its base model's restrictions whatever its own card says: a
fine-tune cannot shed the terms it was built under. The one exception is a base released by the
same organisation, which as licensor of both can grant its derivative other terms (DeepSeek-R1
under MIT, built on its own DeepSeek-V3). A clause scoped to some modalities (the Llama 3.2 EU
exclusion binds its multimodal models) binds only releases of those modalities.
"""

from dataclasses import dataclass

from catalog import clauses, components
from catalog.frameworks.evidence import BASE


@dataclass(frozen=True)
class Restriction:
    flag: str
    description: str
    license: str
    components: tuple
    inherited_from: str | None = None  # slug of the ancestor it comes from

    def as_dict(self):
        return {
            "flag": self.flag,
            "description": self.description,
            "license": self.license,
            "components": list(self.components),
            "inherited_from": self.inherited_from,
        }


RELEASED = (components.FULL, components.PARTIAL)


def own_restrictions(evidence):
    """Restrictions from the licences of the components this model itself releases."""
    by_licence = {}
    for component_id in components.COMPONENT_IDS:
        item = evidence.get(component_id)
        # A licence inherited from the base is counted with the base's, below; what the
        # component's own card states binds it too.
        licence = item.stated if item.origin == BASE else item.license
        if licence is not None and item.availability in RELEASED:
            by_licence.setdefault(licence.identifier, (licence, []))[1].append(component_id)
    found = []
    for terms, component_ids in by_licence.values():
        for flag in terms.restrictions_for(evidence.modality):
            found.append(
                Restriction(flag, terms.describe(flag), terms.identifier, tuple(component_ids))
            )
    return found


def weights_restrictions(evidence, inherited_from):
    """Restrictions of a model's weights licence, as they bind its derivatives."""
    item = evidence.get("weights_final")
    if item.license is None or item.availability not in RELEASED or item.origin == BASE:
        return []  # an inherited licence is counted where it comes from
    return [
        Restriction(
            flag,
            item.license.describe(flag),
            item.license.identifier,
            ("weights_final",),
            inherited_from=inherited_from,
        )  # fmt: skip
        for flag in item.license.restrictions_for(evidence.modality)
    ]


def restrictions_of(evidence):
    """Every restriction binding this model: its own, then each ancestor's weights licence."""
    found = own_restrictions(evidence)
    for ancestor in evidence.lineage():
        if ancestor.organization and ancestor.organization == evidence.organization:
            continue
        found.extend(weights_restrictions(ancestor, inherited_from=ancestor.slug))
    return found


def flags_of(restrictions):
    """The distinct clause flags among `restrictions`, in methodology order."""
    return clauses.in_order(r.flag for r in restrictions)
