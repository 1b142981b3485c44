"""What a model page shows, worked out in plain Python: its rows with their links, dates and
marks ready, so that the template only places them.

A page is built on every request after a data change, and its tables are where the time went:
a template looking up, filtering and reversing in loops. Here each address is one string format
(Links) and each row a few plain values. The HTML built here is escaped with the standard
library's html.escape, which Django's escape calls behind a wrapper for lazy strings that costs
more than the escaping over the hundreds of values of a page; every value is plain text (none
is HTML already), and each is escaped where it goes into the HTML.
"""

import functools
from html import escape

from django.template.defaultfilters import capfirst, truncatechars
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.safestring import mark_safe

from catalog import components, pins
from catalog.models import Assessment
from catalog.templatetags.scorecard import STATES, before_colon, flops, humanise, passed, percent

SLOT = "zzslot"  # stands for an argument: it matches every converter of the site's paths


class Links:
    """The page's addresses, as string formats reversed once a process (and script prefix).

    The site's slugs, licence ids and snapshot keys hold only characters that a URL keeps as
    they are, so formatting one in gives what reverse() gives.
    """

    def __init__(self):
        self.model = _pattern("catalog:model-detail", 1)
        self.licence = _pattern("catalog:licence", 1)
        self.snapshot = _pattern("catalog:snapshot", 2)
        self.framework = _pattern("catalog:framework", 1)


@functools.cache
def _links_for(prefix):
    return Links()


def links():
    return _links_for(get_script_prefix())


def _pattern(name, count):
    url = reverse(name, args=[f"{SLOT}{n}" for n in range(count)])
    for n in range(count):
        url = url.replace(f"{SLOT}{n}", f"{{{n}}}")
    return url.format


def criteria(items):
    """A result's criteria as list items: passed or failed, and the reason."""
    return mark_safe(
        "".join(f"<li>{_PASSED[bool(c['passed'])]} {escape(str(c['reason']))}</li>" for c in items)
    )


_PASSED = {True: str(passed(True)), False: str(passed(False))}


def framework_cards(results, model):
    """The card of each framework: its current verdict (or none yet) with its details, criteria
    and permalink, as HTML. `results` are (framework, current snapshot or None) in order."""
    link = links()
    return mark_safe("".join(_framework_card(link, f, s, model) for f, s in results))


def _framework_card(link, framework, s, model):
    fid, name = escape(framework.ID), escape(framework.NAME)
    head = (
        f'<section class="framework-card" aria-labelledby="fw-{fid}">\n'
        f'<h3 id="fw-{fid}"><a href="{escape(link.framework(framework.ID))}">{name}</a></h3>\n'
    )
    if s is None:
        return f"{head}<p>Not scored yet.</p>\n</section>\n"
    details = s.result.get("details") or {}
    verdict = f"<p>Verdict: <strong>{escape(str(s.verdict))}</strong>"
    if framework.ID == "index":
        verdict += " out of 100"
    if framework.ID == "mof" and details.get("class_name"):
        verdict += f" ({escape(str(details['class_name']))})"
    parts = [head, verdict, "</p>\n", *_framework_details(framework.ID, details, model)]
    items = s.result["criteria"]
    permalink = escape(link.snapshot(model.slug, s.key))
    parts.append(
        f"<details><summary>Every criterion ({len(items)})</summary>\n"
        f'<ul class="criteria">{criteria(items)}</ul>\n</details>\n'
        f'<p class="note">Version {escape(str(s.version))}, computed {s.computed_at:%Y-%m-%d}. '
        f'<a href="{permalink}">Permalink<span class="vh"> to the {name} score</span></a></p>\n'
        "</section>\n"
    )
    return "".join(parts)


def _framework_details(framework_id, details, model):
    """What a framework's card shows besides its verdict and criteria: the MOF's progress and
    warnings, the Index's groups, the EU AI Act's obligations and facts."""
    if framework_id == "mof":
        yield _figures_table(
            "mof-progress", "Progress towards each MOF class", ("Class", "Progress"),
            ((f"Class {number}", percent(share))
             for number, share in (details.get("progress") or {}).items()),
        )  # fmt: skip
        for warning in details.get("warnings") or ():
            yield f'<p class="note">{escape(str(warning))}</p>\n'
    elif framework_id == "index":
        yield _figures_table(
            "index-groups", "Openness Index by group", ("Group", "Score (0 to 1)"),
            ((capfirst(str(group)), localize(value))
             for group, value in (details.get("groups") or {}).items()),
        )  # fmt: skip
    elif framework_id == "eu_ai_act":
        obligations = "".join(
            f"<li>{escape(str(o.get('article', '')))}: {escape(str(o.get('obligation', '')))}</li>"
            for o in details.get("obligations") or ()
        )
        yield f"<p>Obligations that remain:</p>\n<ul>{obligations}</ul>\n"
        yield from _eu_ai_act_facts(model.eu_ai_act_facts or {})
        yield f'<p class="note">{escape(str(details.get("not_legal_advice", "")))}</p>\n'


def _figures_table(css_class, caption, headings, rows):
    """A two-column table of (label, figure) rows, its caption for screen readers only."""
    body = "".join(
        f'<tr><th scope="row">{escape(str(label))}</th><td class="num">{escape(str(figure))}</td></tr>'
        for label, figure in rows
    )
    label_heading, figure_heading = headings
    return (
        f'<table class="{css_class}"><caption class="vh">{caption}</caption>\n'
        f'<thead><tr><th scope="col">{label_heading}</th><th scope="col" class="num">'
        f"{figure_heading}</th></tr></thead>\n<tbody>{body}</tbody>\n</table>\n"
    )


def _eu_ai_act_facts(facts):
    compute = facts.get("training_compute")
    if compute:
        how = (
            "derived from the developer's figures"
            if compute.get("source") == "derived"
            else "as the developer states"
        )
        text = f"{escape(flops(compute.get('flop')))}, {how}{_cited(compute)}"
        text += _note(compute)
    else:
        text = "not known"
    yield f"<p>Training compute: {text}.</p>\n"
    summary = facts.get("training_summary")
    if summary:
        published = "published" if summary.get("published") else "not published"
        text = f"{published}{_cited(summary)}"
    else:
        text = "not known"
    yield f"<p>Training-content summary: {text}.</p>\n"
    monetised = facts.get("monetised")
    if monetised:
        value = monetised.get("value")
        answer = "maybe" if value is None else "yes" if value else "no"
        yield f"<p>Monetised: {answer}{_cited(monetised)}{_note(monetised)}.</p>\n"


def _cited(fact):
    """A fact's evidence as links in brackets after it: " (source)", or " (source 1, source 2...)"
    when there are more; nothing when it has none."""
    urls = fact.get("evidence") or []
    if not urls:
        return ""
    numbered = len(urls) > 1
    links = ", ".join(
        f'<a href="{escape(url)}" rel="nofollow noopener">source{f" {n}" if numbered else ""}</a>'
        for n, url in enumerate(urls, 1)
    )
    return f" ({links})"


def _note(fact):
    return f". {escape(str(fact['note']))}" if fact.get("note") else ""


def component_groups(grouped_rows):
    """The components table: for each group, its name and its rows as HTML (twenty rows of six
    cells placed by the template's loops cost more than building them here)."""
    return [
        {"name": name, "rows": mark_safe("".join(_component_row(*row) for row in rows))}
        for name, rows in grouped_rows
    ]


COMPONENT_ROW = """
    <tr>
      <th scope="row">{}</th>
      <td>{}</td>
      <td>{}</td>
      <td>{}</td>
      <td class="evidence">{}</td>
      <td class="nowrap">{}</td>
    </tr>"""

# Each component state's cell content, built once.
STATE_HTML = {
    value: f'<span class="state {css}"><span aria-hidden="true">{symbol}</span> {words}</span>'
    for value, (css, symbol, words) in STATES.items()
}


def _component_row(component, assessment, cell_state, item):
    """A component's row as HTML, its cells in order: name, openness, released, licence,
    evidence, verified."""
    a = assessment
    if a:
        released = escape(before_colon(_display("availability", a.availability)))
        if a.access:
            gate = escape(before_colon(_display("access", a.access)).lower())
            released = f'{released} <span class="note">({gate} gate)</span>'
        verified = f"{a.assessed_at.isoformat()} by {a.assessed_by}"
        if a.source == "hub":
            verified += " (from the hub)"
    else:
        released, verified = "Not assessed", ""
    return COMPONENT_ROW.format(
        escape(component.name),
        STATE_HTML.get(cell_state, STATE_HTML[components.UNKNOWN]),
        released,
        _licence_cell(item),
        _evidence_cell(a),
        escape(verified),
    )


def _display(field, value):
    """What get_FOO_display() gives for an assessment's choice field, without building the
    field's choices into a dict on every call as it does."""
    return _choices(field).get(value, value)


@functools.cache
def _choices(field):
    return {value: str(label) for value, label in Assessment._meta.get_field(field).flatchoices}


def _licence_cell(item):
    if not item.license:
        return "none stated"
    link = links()
    identifier = escape(item.license.identifier)
    cell = f'<a href="{escape(link.licence(item.license.identifier))}">{identifier}</a>'
    if item.origin == "release":
        return f'{cell} <span class="note">under the release\'s {identifier}</span>'
    if item.origin == "base":
        stated = f"; its card states {escape(item.stated.identifier)}" if item.stated else ""
        base = escape(item.inherited_from)
        return (
            f'{cell} <span class="note">inherited from the base model '
            f'<a href="{escape(link.model(item.inherited_from))}">{base}</a>{stated}</span>'
        )
    return cell


def _evidence_cell(a):
    if not a:
        return ""
    parts = []
    if a.evidence_links:
        items = "".join(
            f'<li><a href="{escape(url)}" rel="nofollow noopener">{escape(_shortened(url))}</a></li>'
            for url in a.evidence_links
        )
        parts.append(f"<ul>{items}</ul>")
    if a.pins:
        parts.append(f'<ul class="pins">{pin_items(a.pins)}</ul>')
    if a.note:
        parts.append(f'<span class="note">{escape(a.note)}</span>')
    return "".join(parts)


def _shortened(url, length=60):
    """truncatechars(url, length), without its cost for the URL that needs no shortening."""
    return url if len(url) <= length and url.isascii() else truncatechars(url, length)


def pin_items(items):
    """Links to what each pin names at its commit, with what was found there."""
    return mark_safe(
        "".join(
            f'<li>Read: <a href="{escape(pins.url(pin))}" rel="nofollow noopener">'
            f"{escape(pins.describe(pin))}</a>: {escape(pin.get('finding', ''))}</li>"
            for pin in items
        )
    )


def release_licences(items):
    """The release licences with their links and pins ready."""
    link = links()
    return [
        {
            "kind": kind,
            "licence": lic,
            "url": link.licence(lic.identifier) if lic else "",
            "entry": entry,
            "pins": mark_safe(
                "".join(
                    f'; read: <a href="{escape(pins.url(pin))}" rel="nofollow noopener">'
                    f"{escape(pins.describe(pin))}</a>"
                    for pin in entry.get("pins") or ()
                )
            ),
        }
        for kind, lic, entry in items
    ]


def restrictions(items):
    """Each restriction with the links to its licence and, if inherited, the base model."""
    link = links()
    return [
        {
            "description": r.description,
            "license": r.license,
            "licence_url": link.licence(r.license),
            "inherited_from": r.inherited_from,
            "base_url": link.model(r.inherited_from) if r.inherited_from else "",
            "components": ", ".join(humanise(c) for c in r.components),
        }
        for r in items
    ]


def model_links(models):
    """(url, model) for a list of models (lineage, derivatives)."""
    link = links()
    return [{"url": link.model(m.slug), "model": m} for m in models]


def history_rows(snapshots, slug):
    """The score history table, newest first, each score with its permalink."""
    link = links()
    return [
        {
            "computed_iso": s.computed_at.isoformat(),
            "computed": f"{s.computed_at:%Y-%m-%d %H:%M}",
            "framework": s.framework,
            "version": s.version,
            "verdict": s.verdict,
            "is_current": s.is_current,
            "key": s.key,
            "permalink": link.snapshot(slug, s.key),
        }
        for s in reversed(snapshots)
    ]
