"""Display helpers for the public pages: symbols with words, so nothing is told by colour alone."""

import functools
from html import escape

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from catalog import components, pins
from catalog.frameworks import eu_ai_act, osaid
from catalog.frameworks.evidence import CLOSED, OPEN, PARTLY_OPEN
from catalog.verdict_styles import LABEL_STYLES

register = template.Library()

# Each state of a component: (css class, symbol, words).
STATES = {
    OPEN: ("s-open", "●", "open"),
    PARTLY_OPEN: ("s-partial", "◐", "partly open"),
    CLOSED: ("s-closed", "○", "closed"),
    components.UNKNOWN: ("s-unknown", "?", "unknown"),
    components.NOT_APPLICABLE: ("s-na", "–", "not applicable"),
}


def _cell(component, state):
    # The symbol comes from the stylesheet (td.m.s-open::before), with empty alternative text so
    # that a screen reader reads the words only; without the stylesheet the words show instead.
    css, _, words = STATES[state]
    return f'<td class="m {css}"><span class="vh">{words}</span></td>'


# A directory page draws up to a thousand cells: build each possible one once.
_CELLS = {
    (component.id, state): _cell(component, state)
    for component in components.COMPONENTS
    for state in STATES
}


@register.simple_tag
def matrix_cells(states):
    """The component matrix cells of one directory row, from `attach_component_states`."""
    return mark_safe("".join(_CELLS[(component.id, state)] for component, state in states))


@register.simple_tag
def state(value):
    """A component state as symbol and words, for tables and lists."""
    css, symbol, words = STATES.get(value, STATES[components.UNKNOWN])
    return format_html(
        '<span class="state {}"><span aria-hidden="true">{}</span> {}</span>', css, symbol, words
    )


@register.simple_tag
def state_legend():
    items = "".join(
        f'<li><span class="state {css}"><span aria-hidden="true">{symbol}</span> {words}</span></li>'
        for css, symbol, words in STATES.values()
    )
    return mark_safe(f'<ul class="legend">{items}</ul>')


@register.simple_tag
def label_pill(verdict):
    """The headline label as a pill with a symbol; "Not scored yet" when there is none."""
    if not verdict:
        return format_html('<span class="pill pill-none">{}</span>', "Not scored yet")
    style = LABEL_STYLES.get(verdict)
    return format_html(
        '<span class="pill pill-{}"><span aria-hidden="true">{}</span> {}</span>',
        style.css if style else "none",
        style.symbol if style else "?",
        verdict,
    )


@register.simple_tag
def osaid_verdict(verdict):
    if not verdict:
        return "–"
    if verdict == osaid.CONFORMS:
        return format_html(
            '<span class="yes"><span aria-hidden="true">✓</span> {}</span>', "conforms"
        )
    return format_html('<span class="no"><span aria-hidden="true">✗</span> {}</span>', verdict)


@register.simple_tag
def passed(value):
    """✓ passed / ✗ failed, with the words for screen readers."""
    if value:
        return mark_safe(
            '<span class="yes"><span aria-hidden="true">✓</span><span class="vh">passed:</span></span>'
        )
    return mark_safe(
        '<span class="no"><span aria-hidden="true">✗</span><span class="vh">failed:</span></span>'
    )


@register.filter
def label_class(verdict):
    style = LABEL_STYLES.get(verdict)
    return style.css if style else "none"


@register.filter
def parameters(count):
    """A parameter count in words: 7B, 1.5B, 405B, 350M."""
    if count in (None, ""):
        return "–"
    count = int(count)
    for size, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M")):
        if count >= size:
            value = count / size
            text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"
            return f"{text}{suffix}"
    return str(count)


@register.filter
def percent(share):
    if share is None:
        return "–"
    return f"{float(share) * 100:.0f}%"


@register.filter
def score(value):
    return "–" if value is None else f"{float(value):.1f}"


@register.filter
def humanise(value):
    """snake_case flags and ids in words: mau_cap → mau cap."""
    return str(value).replace("_", " ")


NAV = (
    (
        "Directory",
        "catalog:model-list",
        ("model-list", "model-detail", "snapshot", "correction", "correction-sent"),
    ),
    ("Compare", "catalog:compare", ("compare",)),
    ("Chart", "catalog:chart", ("chart",)),
    ("Methodology", "catalog:methodology", ("methodology", "framework", "about-data")),
    ("Other indexes", "catalog:concordance", ("concordance",)),
    ("Licences", "catalog:licences", ("licences", "licence")),
    ("Organisations", "catalog:organisations", ("organisations", "organisation")),
    ("Changes", "catalog:changes", ("changes", "corrections-log")),
    ("Downloads", "catalog:downloads", ("downloads",)),
    ("API", "catalog:api-guide", ("api-guide",)),
)


@register.simple_tag(takes_context=True)
def site_nav(context):
    """The site's sections, the current one marked with aria-current."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match and match.namespace == "catalog" else None
    return _site_nav(current, get_script_prefix())


@functools.cache
def _site_nav(current, script_prefix):
    # Every page draws it: built once a process for each section (and script prefix).
    items = "".join(
        f'<li><a href="{escape(reverse(name))}"'
        f"{' aria-current="page"' if current in names else ''}>{escape(title)}</a></li>"
        for title, name, names in NAV
    )
    return mark_safe(f'<nav class="site-nav" aria-label="Site"><ul>{items}</ul></nav>')


@register.filter
def before_colon(text):
    """The first words of a choice's display text: "Full: released in full" → "Full"."""
    return str(text).split(":", 1)[0]


@register.filter
def thousands(value):
    """A whole number with thousands separators: 7000000000 → 7,000,000,000."""
    return "–" if value in (None, "") else f"{int(value):,}"


@register.filter
def link_if_url(value):
    """A link when the value is a plain http(s) URL, else the text as it is."""
    text = str(value or "").strip()
    if text.startswith(("https://", "http://")) and not any(c.isspace() for c in text):
        return format_html('<a href="{}" rel="nofollow noopener">{}</a>', text, text)
    return text


@register.filter
def pin_url(pin):
    """The address of the file (or tree) a pin names, at its commit."""
    return pins.url(pin)


@register.filter
def flops(value):
    """A training compute as a reader sees it: 3.8 × 10^25 FLOP."""
    if value in (None, ""):
        return ""
    return eu_ai_act.flops(float(value))
