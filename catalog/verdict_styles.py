"""How a verdict looks, said once: a CSS class, a symbol, a colour and a chart mark per rung.

The G7 headline and the earlier label share the look of their rungs; the badges of OSAID and the
MOF classes borrow the rungs' colours. White text on each colour is at least 4.5:1 (WCAG AA, for
badges), and each colour is at least 3:1 against white (for chart marks); every rung also has its
own symbol and mark, so that nothing is told apart by colour alone.
"""

from dataclasses import dataclass

from catalog.frameworks import g7, label, mof, osaid


@dataclass(frozen=True)
class Style:
    css: str  # the pill's class, pill-<css>, in static/css/site.css
    symbol: str
    colour: str  # "#rrggbb": the badge's background, the chart mark's fill
    mark: str  # the chart mark's shape: circle, square, triangle, cross


OPEN_SOURCE = Style("open-source-ai", "★", "#1a7f37", "circle")
OPEN_WEIGHTS = Style("open-weights", "●", "#0a58b5", "square")
RESTRICTED_WEIGHTS = Style("restricted-weights", "◐", "#b35000", "triangle")
CLOSED = Style("closed", "○", "#59636e", "cross")
# Anything else: no verdict yet, or one that earns no colour.
GREY = "#59636e"

LABEL_STYLES = {
    g7.OPEN_DATA: OPEN_SOURCE,
    g7.OPEN_SOURCE: OPEN_SOURCE,
    g7.OPEN_WEIGHTS: OPEN_WEIGHTS,
    g7.WEIGHTS_AVAILABLE: RESTRICTED_WEIGHTS,
    g7.NOT_RELEASED: CLOSED,
    label.OPEN_SOURCE: OPEN_SOURCE,
    label.OPEN_WEIGHTS: OPEN_WEIGHTS,
    label.RESTRICTED_WEIGHTS: RESTRICTED_WEIGHTS,
    label.CLOSED: CLOSED,
}
# The badge colour of every verdict that has one; any other is grey.
COLOURS = {
    **{verdict: style.colour for verdict, style in LABEL_STYLES.items()},
    osaid.CONFORMS: OPEN_SOURCE.colour,
    mof.CLASS_NAMES["I"]: OPEN_SOURCE.colour,
    mof.CLASS_NAMES["II"]: OPEN_SOURCE.colour,
    mof.CLASS_NAMES["III"]: OPEN_WEIGHTS.colour,
}


def colour(verdict):
    """The colour of a verdict of the labels, OSAID or the MOF; grey when it has none."""
    return COLOURS.get(verdict, GREY)
