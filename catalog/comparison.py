"""Side-by-side comparison: the rows of the compare table, each marked where the models differ.

Reads only what is already loaded on the models (directory rows with assessments prefetched) and
the licence terms; runs no query of its own.
"""

from dataclasses import dataclass

from catalog import components, selectors
from catalog.frameworks import eu_ai_act
from catalog.frameworks.evidence import LicenseTerms

MIN_MODELS, MAX_MODELS = 2, 4


@dataclass(frozen=True)
class Cell:
    text: str
    state: str = ""  # a component state, for the symbol; "" for plain values
    license: str = ""  # licence identifier, linked on the page


@dataclass(frozen=True)
class Row:
    heading: str
    cells: tuple
    group: str = ""

    @property
    def differs(self):
        return len({(c.text, c.state, c.license) for c in self.cells}) > 1


def parse_slugs(values):
    """Model slugs from `?models=a,b,c` (or repeated `models`), in order, without repeats."""
    slugs = []
    for value in values:
        for slug in value.split(","):
            slug = slug.strip()
            if slug and slug not in slugs:
                slugs.append(slug)
    return slugs


def _terms(lic):
    if lic is None:
        return None
    return LicenseTerms(
        identifier=lic.identifier,
        name=lic.name,
        osi_approved=lic.osi_approved,
        open_data=lic.open_data,
        open_content=lic.open_content,
    )


def _compute(model):
    compute = (model.eu_ai_act_facts or {}).get("training_compute")
    if not compute:
        return "not known"
    how = "derived" if compute.get("source") == eu_ai_act.COMPUTE_DERIVED else "stated"
    return f"{eu_ai_act.flops(compute['flop'])} ({how})"


def rows(models):
    """Headline rows, then one row per component, for directory rows with assessments loaded."""
    headline = [
        Row("G7 label", tuple(Cell(m.g7_verdict or "Not scored yet") for m in models)),
        Row(
            "Earlier headline label",
            tuple(Cell(m.label_verdict or "Not scored yet") for m in models),
        ),
        Row("Openness Index", tuple(Cell(_score(m.index_score)) for m in models)),
        Row("OSAID 1.0", tuple(Cell(m.osaid_verdict or "–") for m in models)),
        Row("MOF class", tuple(Cell(m.mof_verdict or "–") for m in models)),
        Row("EU AI Act exemption", tuple(Cell(m.eu_ai_act_verdict or "–") for m in models)),
        Row("Training compute", tuple(Cell(_compute(m)) for m in models)),
        Row(
            "Weights licence",
            tuple(
                Cell(m.weights_license or "none stated", license=m.weights_license or "")
                for m in models
            ),
        ),
        Row("Organisation", tuple(Cell(m.organization.name) for m in models)),
        Row("Released", tuple(Cell(m.release_date.isoformat()) for m in models)),
        Row("Kind", tuple(Cell(m.get_kind_display()) for m in models)),
    ]
    by_model = [{a.component: a for a in m.assessments.all()} for m in models]
    per_component = []
    for component in components.COMPONENTS:
        cells = []
        for assessments in by_model:
            a = assessments.get(component.id)
            if a is None:
                cells.append(Cell("not assessed", components.UNKNOWN))
                continue
            state = selectors.cell_state(component.id, a.availability, _terms(a.license))
            identifier = a.license.identifier if a.license_id else ""
            cells.append(Cell(a.get_availability_display().split(":")[0], state, identifier))
        per_component.append(Row(component.name, tuple(cells), component.group))
    return headline, per_component


def _score(value):
    return "–" if value is None else f"{value:.1f}"
