"""What a model page shows, worked out in plain Python: its rows with their links, dates and
marks ready, so that the template only places them.

A page is built on every request after a data change, and its tables are where the time went:
a template looking up, filtering and reversing in loops. Here each address is one string format
(Links) and each row a few plain values.
"""

import functools

from django.template.defaultfilters import date, truncatechars
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from catalog import pins
from catalog.templatetags.scorecard import before_colon, humanise, passed, state

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
    return format_html_join(
        "", "<li>{} {}</li>", ((passed(c["passed"]), c["reason"]) for c in items)
    )


def framework_cards(results, slug):
    """Each framework's card: the framework, its current snapshot (or None), and links."""
    link = links()
    return [
        {
            **result,
            "url": link.framework(result["framework"].ID),
            "permalink": link.snapshot(slug, result["snapshot"].key) if result["snapshot"] else "",
            "criteria": criteria(result["snapshot"].result["criteria"])
            if result["snapshot"]
            else "",
        }
        for result in results
    ]


def component_groups(grouped_rows):
    """The components table: for each group, its name and its rows as HTML (twenty rows of six
    cells placed by the template's loops cost more than building them here)."""
    return [
        {
            "name": name,
            "rows": format_html_join("", COMPONENT_ROW, (_component_row(*row) for row in rows)),
        }
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


def _component_row(component, assessment, cell_state, item):
    """A component's cells, in COMPONENT_ROW's order: name, openness, released, licence,
    evidence, verified."""
    a = assessment
    if a:
        released = before_colon(a.get_availability_display())
        if a.access:
            released = format_html(
                '{} <span class="note">({} gate)</span>',
                released,
                before_colon(a.get_access_display()).lower(),
            )
        verified = f"{date(a.assessed_at, 'Y-m-d')} by {a.assessed_by}"
        if a.source == "hub":
            verified += " (from the hub)"
    else:
        released, verified = "Not assessed", ""
    return (component.name, state(cell_state), released, _licence_cell(item), _evidence_cell(a),
            verified)  # fmt: skip


def _licence_cell(item):
    if not item.license:
        return "none stated"
    link = links()
    identifier = item.license.identifier
    cell = format_html('<a href="{}">{}</a>', link.licence(identifier), identifier)
    if item.origin == "release":
        return format_html('{} <span class="note">under the release\'s {}</span>', cell, identifier)
    if item.origin == "base":
        stated = format_html("; its card states {}", item.stated.identifier) if item.stated else ""
        return format_html(
            '{} <span class="note">inherited from the base model <a href="{}">{}</a>{}</span>',
            cell,
            link.model(item.inherited_from),
            item.inherited_from,
            stated,
        )
    return cell


def _evidence_cell(a):
    if not a:
        return ""
    parts = []
    if a.evidence_links:
        items = format_html_join(
            "",
            '<li><a href="{}" rel="nofollow noopener">{}</a></li>',
            ((url, truncatechars(url, 60)) for url in a.evidence_links),
        )
        parts.append(format_html("<ul>{}</ul>", items))
    if a.pins:
        parts.append(format_html('<ul class="pins">{}</ul>', pin_items(a.pins)))
    if a.note:
        parts.append(format_html('<span class="note">{}</span>', a.note))
    return mark_safe("".join(parts))


def pin_items(items):
    """Links to what each pin names at its commit, with what was found there."""
    return format_html_join(
        "",
        '<li>Read: <a href="{}" rel="nofollow noopener">{}</a>: {}</li>',
        ((pins.url(pin), pins.describe(pin), pin.get("finding", "")) for pin in items),
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
            "pins": format_html_join(
                "",
                '; read: <a href="{}" rel="nofollow noopener">{}</a>',
                ((pins.url(pin), pins.describe(pin)) for pin in entry.get("pins") or ()),
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
            "computed_iso": date(s.computed_at, "c"),
            "computed": date(s.computed_at, "Y-m-d H:i"),
            "framework": s.framework,
            "version": s.version,
            "verdict": s.verdict,
            "is_current": s.is_current,
            "key": s.key,
            "permalink": link.snapshot(slug, s.key),
        }
        for s in reversed(snapshots)
    ]
