"""The frameworks: pure functions from a model's evidence to a verdict with reasons.

Each module has ID, NAME, VERSION, CHANGES (its rule history) and `evaluate(evidence) -> Result`.
Changing a rule bumps VERSION; snapshots written under an older version keep theirs.
"""

from catalog.frameworks import eu_ai_act, g7, index, label, mof, osaid
from catalog.frameworks.restrictions import restrictions_of

FRAMEWORKS = (g7, label, osaid, mof, index, eu_ai_act)
BY_ID = {framework.ID: framework for framework in FRAMEWORKS}
# The headline: the label every page, badge, feed, download and API answer leads with.
HEADLINE = g7


def evaluate_all(evidence):
    """Every framework's Result for one model, keyed by framework id."""
    restrictions = restrictions_of(evidence)
    osaid_result = osaid.evaluate(evidence, restrictions)
    return {
        g7.ID: g7.evaluate(evidence, restrictions),
        label.ID: label.evaluate(evidence, osaid_result, restrictions),
        osaid.ID: osaid_result,
        mof.ID: mof.evaluate(evidence),
        index.ID: index.evaluate(evidence, restrictions),
        eu_ai_act.ID: eu_ai_act.evaluate(evidence, restrictions),
    }


def versions():
    return {framework.ID: framework.VERSION for framework in FRAMEWORKS}
