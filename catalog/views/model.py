"""One model: its page, built from parts kept for the data version, and the permalink of each
dated score (a snapshot) with the citation it gives."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from catalog import (
    badges,
    charts,
    citations,
    components,
    frameworks,
    http_cache,
    model_page,
    selectors,
)
from catalog.data_version import data_version
from catalog.frameworks import index, label
from catalog.frameworks.evidence import component_state
from catalog.frameworks.restrictions import restrictions_of
from catalog.models import IndexMatch
from catalog.views.common import kept_whole, public_page


@require_safe
@http_cache.public_read(http_cache.published_model_version)
@kept_whole
def model_detail(request, slug):
    """A model's page: cached whole, like the directory, until its version changes (the data
    version, or a hub read of the model since).

    All but its hub records depends only on the data, the code and the host: those parts
    (MODEL_PAGE_FRAGMENTS) are kept for the data version (PAGE_CACHE_SECONDS at most), so that a
    page rebuilt after a hub read, or after its whole copy expired, reads and renders only its
    hub records. The rest of the context is worked out only when a fragment is missing.
    """
    try:
        model = selectors.published_model(slug)  # by the id its ETag read
    except Http404:
        # A machine-read entry merged into a curated one lives on at the curated entry's page.
        if merged_into := selectors.merged_into(slug):
            return redirect("catalog:model-detail", merged_into, permanent=True)
        raise
    context = {
        "model": model,
        "hub_records": selectors.hub_records(model) if model.has_hub_records else [],
        **_model_fragments(request, model),
    }
    return render(request, "catalog/model_detail.html", context)


# The parts of a model page (partials of its template) that depend only on the data, the code
# and the host (for absolute links).
MODEL_PAGE_FRAGMENTS = ("title", "top", "bottom")


def _model_fragments(request, model):
    """{name: rendered fragment}, from the cache where kept, else built (and kept)."""
    seconds = settings.PAGE_CACHE_SECONDS
    found, keys = {}, {}
    if seconds:
        # One key per fragment: the data version, the code, the host and the model name it.
        where = f"{data_version().isoformat()}|{http_cache.code_version()}"
        where = hashlib.sha256(f"{where}|{request.get_host()}".encode()).hexdigest()[:32]
        keys = {name: f"model-page:{name}:{model.pk}:{where}" for name in MODEL_PAGE_FRAGMENTS}
        kept = cache.get_many(keys.values())
        found = {name: mark_safe(kept[key]) for name, key in keys.items() if key in kept}
    missing = [name for name in MODEL_PAGE_FRAGMENTS if name not in found]
    if missing:
        context = _model_context(request, model)
        for name in missing:
            found[name] = render_to_string(f"catalog/model_detail.html#{name}", context)
        if seconds:
            cache.set_many({keys[name]: str(found[name]) for name in missing}, seconds)
    return found


def _model_context(request, model):
    # `model` is as selectors.published_model reads it: its related_flags say which of its
    # related records there are to read.
    terms = selectors.licence_terms_now()
    assessments = selectors.model_assessments(model.pk)
    evidence = selectors.evidence_for_models([model], terms, {model.pk: assessments})[model.pk]
    snapshots = selectors.model_page_snapshots(model)
    scores = {s.framework: s for s in snapshots if s.is_current}
    rows = []
    for component, assessment in selectors.assessments_in_order(assessments):
        item = evidence.get(component.id)
        state = component_state(component.id, item)
        rows.append((component, assessment, state, item))
    grouped = [
        (components.GROUP_NAMES[group], [row for row in rows if row[0].group == group])
        for group in components.GROUPS
    ]
    history_points = [
        charts.Point(
            s.computed_at,
            s.score or 0.0,
            _label_at(snapshots, s.computed_at),
            f"{s.computed_at:%Y-%m-%d}: Openness Index {s.score:.1f}",
        )
        for s in snapshots
        if s.framework == index.ID and s.score is not None
    ]
    history_chart = charts.score_history(
        history_points,
        title=f"Openness Index of {model.name} over time",
        description="A step line of the Openness Index at each recomputation, 0 to 100; the "
        "table below lists every score with its permalink.",
    )
    current = {f"{k}_verdict": s.verdict for k, s in scores.items()}
    current.update({f"{k}_score": s.score for k, s in scores.items()})
    badge = badges.badge_for(frameworks.HEADLINE.ID, current)
    page_url = request.build_absolute_uri(reverse("catalog:model-detail", args=[model.slug]))
    badge_svg = request.build_absolute_uri(reverse("catalog:badge-svg", args=[model.slug]))
    badge_png = request.build_absolute_uri(reverse("catalog:badge-png", args=[model.slug]))
    label_snapshot = scores.get(frameworks.HEADLINE.ID)
    return {
        "model": model,
        "label_snapshot": label_snapshot,
        "label_criteria": model_page.criteria(label_snapshot.result["criteria"])
        if label_snapshot
        else "",
        "label_permalink": model_page.links().snapshot(model.slug, label_snapshot.key)
        if label_snapshot
        else "",
        "headline_id": frameworks.HEADLINE.ID,
        "framework_cards": model_page.framework_cards(
            [(framework, scores.get(framework.ID)) for framework in frameworks.FRAMEWORKS], model
        ),
        "component_groups": model_page.component_groups(grouped),
        "restrictions": model_page.restrictions(restrictions_of(evidence)),
        "release_licences": model_page.release_licences(selectors.release_licences(model)),
        "corrections": selectors.model_corrections(model) if model.has_corrections else [],
        "lineage": model_page.model_links(reversed(evidence.lineage())),
        "derivatives": model_page.model_links(
            selectors.published_derivatives(model) if model.has_derivatives else []
        ),
        "other_indexes": _with_method_labels(
            selectors.index_verdicts([model.pk], terms=terms, known={model.pk: evidence})[model.pk]
            if model.has_index_matches
            else []
        ),
        "history": model_page.history_rows(snapshots, model.slug),
        "history_chart": mark_safe(history_chart),
        "cite": _citation(request, model, label_snapshot),
        "badge": badge,
        "badge_svg": badge_svg,
        "badge_png": badge_png,
        "badge_markdown": f"[![{badge.alt}]({badge_png})]({page_url})",
        "badge_html": f'<a href="{page_url}"><img src="{badge_svg}" alt="{badge.alt}"></a>',
    }


def _with_method_labels(items):
    labels = dict(IndexMatch.Method.choices)
    return [{**item, "method_label": labels[item["method"]].lower()} for item in items]


def _label_at(snapshots, moment):
    """The headline label that was current at `moment`."""
    found = None
    for s in snapshots:
        if s.framework == label.ID and s.computed_at <= moment:
            found = s.verdict
    return found or ""


def _citation(request, model, snapshot):
    if snapshot is None:
        return None
    url = request.build_absolute_uri(reverse("catalog:snapshot", args=[model.slug, snapshot.key]))
    item = citations.Citable(
        model_slug=model.slug,
        model_name=model.name,
        framework_name=frameworks.BY_ID[snapshot.framework].NAME,
        version=snapshot.version,
        verdict=snapshot.verdict,
        computed_at=snapshot.computed_at,
        url=url,
    )
    return {"url": url, "apa": citations.apa(item), "bibtex": citations.bibtex(item)}


@require_safe
@public_page
def snapshot(request, slug, key):
    """The permalink of a dated score: what a citation points at."""
    model = selectors.model_for_page(slug)
    snap = get_object_or_404(model.snapshots, key=key)
    return render(
        request,
        "catalog/snapshot.html",
        {
            "model": model,
            "snapshot": snap,
            "framework": frameworks.BY_ID.get(snap.framework),
            "cite": _citation(request, model, snap),
        },
    )
