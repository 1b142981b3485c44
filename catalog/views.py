"""The public pages: thin views over the selectors and the pure display functions.

Every page is server-rendered and works without JavaScript. Every public page answers
conditional requests with the same ETag and Last-Modified as the API and says that shared caches
may keep it (http_cache.public_read); the busiest, the directory and the model pages, are also
kept whole in the cache, keyed by their version and the full query string. The correction form,
which carries a CSRF token, has a page of its own, so that no public page is personal.
"""

import csv
import functools
import hashlib
import json
import re
from urllib import parse

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from catalog import (
    audits,
    badges,
    charts,
    citations,
    clauses,
    comparison,
    components,
    criteria,
    frameworks,
    http_cache,
    model_page,
    rate_limits,
    selectors,
)
from catalog.api.views import cached_dump
from catalog.converters import ModelSlugConverter
from catalog.data_version import data_version
from catalog.filtering import ModelFilterSet
from catalog.forms import CorrectionForm
from catalog.frameworks import eu_ai_act, g7, index, label, mof, osaid
from catalog.frameworks.evidence import component_state
from catalog.frameworks.restrictions import restrictions_of
from catalog.models import IndexMatch

PAGE_SIZE = 50
CORRECTIONS_PER_HOUR = 5

public_page = http_cache.public_read()


def kept_whole(view):
    """Keep a page's 200 answer in the cache until its version changes (PAGE_CACHE_SECONDS at
    most), per host and full path: repeated reads skip the queries and the rendering. Goes
    inside public_read, which works out the version."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        key = http_cache.page_cache_key(view.__name__, request) if seconds else None
        if key and (body := cache.get(key)) is not None:
            return HttpResponse(body)
        response = view(request, *args, **kwargs)
        if key and response.status_code == 200:
            cache.set(key, response.content, seconds)
        return response

    return wrapper


# --- The directory -------------------------------------------------------------------------------


@require_safe
@public_page
@kept_whole
def model_list(request):
    """The ranked directory. Cached whole: it depends only on the data and the query string."""
    pairs = [(k, v) for k, values in request.GET.lists() for v in values]
    if any(v == "" for _, v in pairs):
        # The filter form sends every field, "any" as an empty value: drop those, so the URL a
        # reader shares holds only the filters that are set.
        kept = urlencode([(k, v) for k, v in pairs if v != ""])
        return redirect(reverse("catalog:model-list") + (f"?{kept}" if kept else ""))
    params = request.GET
    # The filters' choices change only with the data.
    choices = cache.get_or_set(
        f"pages:choices:{http_cache.version_of(request).isoformat()}",
        selectors.directory_choices,
        3600,
    )
    filterset = ModelFilterSet(params, selectors.ranking())
    sorts = filterset.form.fields["ordering"].choices
    context = {"filters": _filter_state(filterset, params, choices), "sorts": sorts}
    if problems := filterset.problems():
        context.update(error=problems[0], page=None, models=[])
        return render(request, "catalog/model_list.html", context, status=400)
    page = selectors.RankingPaginator(filterset.qs, PAGE_SIZE).get_page(params.get("page"))
    ordering = filterset.ordering_in_use
    if not ordering:
        context["sorts"] = [("", "Best match first"), *sorts]
    context.update(
        page=page,
        models=selectors.attach_component_states(page.object_list),
        groups=_groups(),
        components=components.COMPONENTS,
        ordering=ordering,
        columns=_sort_columns(params, ordering),
        api_url=reverse("api:model-list") + ("?" + params.urlencode() if params else ""),
    )
    return render(request, "catalog/model_list.html", context)


def _groups():
    return [(components.GROUP_NAMES[g], len(components.in_group(g))) for g in components.GROUPS]


# The sortable columns, each with the direction a first click sorts it in.
SORTABLE = (("name", "name"), ("g7", "-g7"), ("index", "-index"), ("osaid", "-osaid"),
            ("mof", "-mof"), ("release_date", "-release_date"))  # fmt: skip


def _sort_columns(params, ordering):
    """For each sortable column: its aria-sort value and the link that sorts by it (or flips it)."""
    columns = {}
    for key, first in SORTABLE:
        current = ordering.lstrip("-") == key
        if current:
            direction = "descending" if ordering.startswith("-") else "ascending"
            flipped = ordering[1:] if ordering.startswith("-") else f"-{ordering}"
        columns[key] = {
            "sort": direction if current else None,
            "href": _with(params, ordering=flipped if current else first),
        }
    return columns


def _with(params, **changes):
    """The directory's query string with some parameters replaced (and back to the first page)."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        if key != "page" and key not in changes:
            kept.setlist(key, values)
    for key, value in changes.items():
        kept[key] = value
    return "?" + kept.urlencode()


# The directory form's select fields, in order (the G7 label shows first, as checkboxes), and the
# fields whose options come from the data rather than the FilterSet.
FORM_FIELDS = ("organization", "g7", "label", "osaid", "mof_class", "eu_ai_act", "license",
               "restriction", "review_status", "modality", "kind", "size", "release_year")  # fmt: skip
OPTIONS_FROM_DATA = {
    "organization": lambda choices: choices["organizations"],
    "license": lambda choices: [(identifier, identifier) for identifier, _ in choices["licenses"]],
    "release_year": lambda choices: [(str(year), str(year)) for year in choices["years"]],
}


def _filter_state(filterset, params, choices):
    """The filter form's fields (from the FilterSet) with their options and selected values, and
    the active filters each with a link that removes it."""
    fields, active = [], []
    for name in FORM_FIELDS:
        field = filterset.form.fields[name]
        values = OPTIONS_FROM_DATA[name](choices) if name in OPTIONS_FROM_DATA else field.choices
        selected = params.getlist(name)
        names = dict(values)
        fields.append({"name": name, "title": field.label, "options": values, "selected": selected})
        for value in selected:
            active.append(
                {
                    "title": field.label,
                    "value": names.get(value, value),
                    "remove": _without(params, name, value),
                }
            )
    query = " ".join(params.getlist("q")).strip()
    if query:
        active.append({"title": "Search", "value": query, "remove": _without(params, "q", None)})
    more = [f for f in fields if f["name"] not in ("g7",)]
    return {
        "fields": more,
        "headline": next(f for f in fields if f["name"] == "g7"),
        "active": active,
        "q": query,
        "open": any(f["selected"] for f in more),
    }


def _without(params, name, value):
    """The directory's query string less one value of one parameter (and less the page)."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        if key == "page":
            continue
        for item in values:
            if key == name and (value is None or item == value):
                continue
            kept.appendlist(key, item)
    encoded = kept.urlencode()
    return "?" + encoded if encoded else reverse("catalog:model-list")


# --- One model -----------------------------------------------------------------------------------


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
        model = selectors.published_model(slug)
    except Http404:
        # A machine-read entry merged into a curated one lives on at the curated entry's page.
        if merged_into := selectors.merged_into(slug):
            return redirect("catalog:model-detail", merged_into, permanent=True)
        raise
    context = {
        "model": model,
        "hub_records": selectors.hub_records(model),
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
        context = _model_context(request, selectors.with_assessments(model))
        for name in missing:
            found[name] = render_to_string(f"catalog/model_detail.html#{name}", context)
        if seconds:
            cache.set_many({keys[name]: str(found[name]) for name in missing}, seconds)
    return found


def _model_context(request, model):
    terms = selectors.licence_terms_now()
    evidence = selectors.evidence_for(model, terms)
    snapshots = selectors.model_page_snapshots(model)
    scores = {s.framework: s for s in snapshots if s.is_current}
    rows = []
    for component, assessment in selectors.assessments_in_order(model):
        item = evidence.get(component.id)
        state = component_state(component.id, item)
        rows.append((component, assessment, state, item))
    grouped = [
        (components.GROUP_NAMES[group], [row for row in rows if row[0].group == group])
        for group in components.GROUPS
    ]
    results = [
        {"framework": framework, "snapshot": scores.get(framework.ID)}
        for framework in frameworks.FRAMEWORKS
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
        "results": model_page.framework_cards(results, model.slug),
        "component_groups": model_page.component_groups(grouped),
        "restrictions": model_page.restrictions(restrictions_of(evidence)),
        "release_licences": model_page.release_licences(selectors.release_licences(model)),
        "corrections": selectors.model_corrections(model),
        "lineage": model_page.model_links(reversed(evidence.lineage())),
        "derivatives": model_page.model_links(selectors.published_derivatives(model)),
        "other_indexes": _with_method_labels(
            selectors.index_verdicts([model.pk], terms=terms, known={model.pk: evidence})[model.pk]
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


# --- Corrections ---------------------------------------------------------------------------------


def _submitter(request):
    # The client's address as the throttles find it (NUM_PROXIES): behind the proxy REMOTE_ADDR
    # is the proxy's, and every reader would share one hourly allowance.
    return salted_hmac(
        "catalog.corrections", rate_limits.client_address(request), algorithm="sha256"
    ).hexdigest()


def _correction_allowed(request):
    """Count one submission from this client; False past the hourly limit."""
    key = f"corrections:{_submitter(request)[:32]}"
    return rate_limits.hit(key, 3600) <= CORRECTIONS_PER_HOUR


@require_http_methods(["GET", "HEAD", "POST"])
def correction(request, slug):
    """Suggest a correction. It lands in the curators' queue and changes nothing public."""
    model = selectors.model_for_page(slug)
    status, limited = 200, False
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            if not _correction_allowed(request):
                status, limited = 429, True
            else:
                if not form.is_spam:
                    suggestion = form.save(commit=False)
                    suggestion.model = model
                    suggestion.submitter = _submitter(request)
                    suggestion.save()
                return redirect("catalog:correction-sent", model.slug)
        else:
            status = 400
    else:
        initial = {}
        if request.GET.get("component") in components.COMPONENT_IDS:
            initial["component"] = request.GET["component"]
        form = CorrectionForm(initial=initial)
    response = render(
        request, "catalog/correction.html", {"model": model, "form": form, "limited": limited},
        status=status,
    )  # fmt: skip
    if limited:
        response["Retry-After"] = "3600"
    return response


def correction_sent(request, slug):
    model = selectors.model_for_page(slug)
    return render(request, "catalog/correction_sent.html", {"model": model})


# --- Compare -------------------------------------------------------------------------------------


@require_safe
@public_page
def compare(request):
    raw = request.GET.getlist("models")
    slugs = comparison.parse_slugs(raw)
    canonical = ",".join(slugs)
    if raw and (len(raw) > 1 or raw[0] != canonical):
        # One shareable form of the URL: ?models=a,b,c (the picker sends models=a&models=b).
        target = reverse("catalog:compare")
        query = parse.urlencode({"models": canonical}, safe=",")
        return redirect(f"{target}?{query}" if slugs else target)
    models, error = [], None
    malformed = [slug for slug in slugs if not re.fullmatch(ModelSlugConverter.regex, slug)]
    if len(slugs) > comparison.MAX_MODELS:
        error = (
            f"Choose {comparison.MIN_MODELS} to {comparison.MAX_MODELS} models to compare; "
            f"you chose {len(slugs)}."
        )
    elif malformed:
        error = f"No published model is called {', '.join(map(repr, malformed))}."
    elif slugs:
        models = selectors.models_for_compare(slugs)
        missing = [slug for slug in slugs if slug not in {m.slug for m in models}]
        if missing:
            error = f"No published model is called {', '.join(missing)}."
        elif not comparison.MIN_MODELS <= len(models) <= comparison.MAX_MODELS:
            error = (
                f"Choose {comparison.MIN_MODELS} to {comparison.MAX_MODELS} models to compare; "
                f"you chose {len(models)}."
            )
    headline, per_component = comparison.rows(models) if models and not error else ([], [])
    pickers = [
        {"index": n + 1, "selected": slugs[n] if n < len(slugs) else ""}
        for n in range(comparison.MAX_MODELS)
    ]
    return render(
        request,
        "catalog/compare.html",
        {
            "models": [] if error else models,
            "headline": headline,
            "per_component": per_component,
            "error": error,
            "pickers": pickers,
            "choices": selectors.compare_choices(),
            "differences": sum(row.differs for row in (*headline, *per_component)),
        },
        status=400 if error else 200,
    )


# --- Methodology ---------------------------------------------------------------------------------


def _paragraphs(text):
    return [
        " ".join(block.split()) for block in (text or "").strip().split("\n\n") if block.strip()
    ]


@require_safe
@public_page
def methodology(request):
    return render(
        request,
        "catalog/methodology.html",
        {
            "frameworks": [
                {"module": f, "summary": _paragraphs(f.__doc__)[0]} for f in frameworks.FRAMEWORKS
            ],
            "components": components.COMPONENTS,
            "groups": components.GROUP_NAMES,
            "availabilities": components.AVAILABILITY_CHOICES,
            "restrictions": _restriction_rows(),
        },
    )


def _restriction_rows():
    return [
        {
            "flag": clause.flag,
            "name": clause.name,
            "meaning": clause.describe(),
            "restricts_use": clause.restricts_use,
        }
        for clause in clauses.RESTRICTIVE
    ]


@require_safe
@public_page
def framework_page(request, framework_id):
    module = frameworks.BY_ID.get(framework_id)
    if module is None:
        raise Http404("No such framework")
    rules = {
        g7.ID: _g7_rules,
        label.ID: _label_rules,
        osaid.ID: _osaid_rules,
        mof.ID: _mof_rules,
        index.ID: _index_rules,
        eu_ai_act.ID: _eu_ai_act_rules,
    }[module.ID]()
    return render(
        request,
        "catalog/framework.html",
        {
            "module": module,
            "paragraphs": _paragraphs(module.__doc__),
            "changes": module.CHANGES,
            "rules": rules,
            "components": components.COMPONENTS,
            "restrictions": _restriction_rows(),
            "frameworks": frameworks.FRAMEWORKS,
        },
    )


def _names(ids):
    return [components.get(c).name for c in ids]


# The G7 text, as published: the citation the G7 page gives.
G7_SOURCES = (
    ("G7 Vision on AI Openness Opportunities and Shared Language, Paris, 29 May 2026 (G7 "
     "Research Group's copy)", "https://g7.utoronto.ca/ict/260529-vision.html"),
    ("The same text as published by the French G7 Presidency (PDF)",
     "https://www.entreprises.gouv.fr/files/files/Actualites/2026/g7/"
     "vision-AI-openness-opportunities-and-shared-language.pdf"),
)  # fmt: skip
# Worked examples: catalogue entries whose page shows each rule at work.
G7_EXAMPLES = (
    ("olmo-7b", "weights, inference and training code under Apache-2.0, and its pre-training data "
     "(Dolma) released under an open data licence: every rung holds."),
    ("llama-3.1-8b", "weights released under the Llama 3.1 Community Licence, whose user cap and "
     "acceptable-use policy restrict use: the ladder stops at its lowest rung."),
    ("gpt-oss-20b", "weights and inference code under Apache-2.0 with no use restriction, but no "
     "training code: Open Weights AI."),
    ("gpt-4o", "no weights released: outside the ladder."),
)  # fmt: skip


def _g7_rules():
    return {
        "kind": "g7",
        "labels": g7.RULES,
        "criteria": [(c.id, c.name, c.description, _names(c.components)) for c in criteria.G7],
        "sources": G7_SOURCES,
        "examples": G7_EXAMPLES,
    }  # fmt: skip


# The texts the EU AI Act lens reads, each cited by the article or recital it rests on.
EU_AI_ACT_SOURCES = (
    ("Regulation (EU) 2024/1689 (the AI Act), Official Journal of the European Union, "
     "12 July 2024", "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"),
    ("Art. 51: classification of general-purpose AI models with systemic risk; 51(2): presumed "
     "above 10^25 FLOP of cumulative training compute", "https://ai-act-law.eu/article/51/"),
    ("Recital 102: free and open-source licences, attribution and identical or comparable "
     "terms of distribution allowed", "https://ai-act-law.eu/recital/102/"),
    ("Recital 103: components provided against a price or otherwise monetised are excluded; "
     "open repositories are not, in themselves, monetisation", "https://ai-act-law.eu/recital/103/"),
    ("Recital 104: the exemption never covers the training-content summary or the copyright "
     "policy, nor models with systemic risk", "https://ai-act-law.eu/recital/104/"),
    ("Recital 107: the summary of the content used for training, on a template from the AI "
     "Office", "https://www.mishcon.com/eu-uk-ai-navigator/recital/no-107"),
    ("European Commission, Guidelines on the scope of the obligations for providers of "
     "general-purpose AI models under the AI Act (18 July 2025)",
     "https://digital-strategy.ec.europa.eu/en/library/"
     "guidelines-scope-obligations-providers-general-purpose-ai-models-under-ai-act"),
    ("European Commission, the template for the public summary of training content (24 July "
     "2025) and its questions and answers",
     "https://digital-strategy.ec.europa.eu/en/faqs/"
     "template-general-purpose-ai-model-providers-summarise-their-training-content"),
)  # fmt: skip
EU_AI_ACT_EXAMPLES = (
    ("olmo-2-1124-7b", "weights, code and data under open licences, public architecture and "
     "usage information, and a training compute its developer states far below 10^25 FLOP: the "
     "exemption plausibly applies; the copyright policy and the training-content summary remain."),
    ("llama-3.1-8b", "the Llama 3.1 Community Licence's user cap and acceptable-use policy "
     "restrict use, and the weights sit behind a gate Meta approves: the exemption does not "
     "apply, whatever the compute."),
    ("llama-3.1-405b", "Meta states 3.8 × 10^25 FLOP of pre-training compute, above the 10^25 "
     "FLOP presumption: systemic risk is presumed, and the exemption could not apply even under "
     "an open licence."),
    ("gpt-oss-20b", "Apache-2.0 weights with no use restriction, public architecture and usage "
     "information; where the developer gives no figure to compute its training compute from, "
     "systemic risk cannot be ruled out: Not enough evidence."),
    ("gpt-4o", "no weights released: the exemption does not apply and every obligation of Art. "
     "53(1) remains."),
)  # fmt: skip


def _eu_ai_act_rules():
    return {
        "kind": "eu_ai_act",
        "verdicts": [
            (eu_ai_act.APPLIES, "The weights are under a free and open-source licence with no "
             "use restriction, public, with public architecture and usage information; no "
             "monetisation is recorded; and the training compute is known and not above 10^25 "
             "FLOP. Art. 53(1)(a) and (b) plausibly do not apply; (c) and (d) remain."),
            (eu_ai_act.NOT_ENOUGH, "Every condition above holds except that the training compute "
             "is not known, so a presumed systemic risk cannot be ruled out."),
            (eu_ai_act.DOES_NOT_APPLY, "A condition fails: a restrictive or closed licence (the "
             "base model's included), weights not public or behind an approval gate, no public "
             "architecture or usage information, or a recorded monetisation. All of Art. 53(1) "
             "applies."),
            (eu_ai_act.SYSTEMIC_RISK, "The cumulative training compute is above 10^25 FLOP (Art. "
             "51(2)): the exemption does not apply to a model with systemic risk (Art. 53(2)), and "
             "Art. 52 and 55 add their obligations."),
        ],
        "criteria": [
            (c.id, c.name, c.description, _names(c.components)) for c in criteria.EU_AI_ACT
        ],
        "obligations": [
            eu_ai_act.COPYRIGHT_POLICY, eu_ai_act.TRAINING_SUMMARY, eu_ai_act.DOCUMENTATION,
            eu_ai_act.DOWNSTREAM, eu_ai_act.SYSTEMIC_DUTIES,
        ],
        "sources": EU_AI_ACT_SOURCES,
        "examples": EU_AI_ACT_EXAMPLES,
        "not_legal_advice": eu_ai_act.NOT_LEGAL_ADVICE,
    }  # fmt: skip


def _label_rules():
    return {"kind": "label", "labels": label.RULES}


def _osaid_rules():
    return {
        "kind": "osaid",
        "criteria": [(c.id, c.name, c.description, _names(c.components)) for c in criteria.OSAID],
    }


def _mof_rules():
    return {
        "kind": "mof",
        "classes": [
            {
                "number": number,
                "title": title,
                "required": _names(required),
                "optional": _names(optional),
            }
            for number, title, required, optional in mof.CLASSES
        ],
    }


def _index_rules():
    return {
        "kind": "index",
        "groups": [
            (components.GROUP_NAMES[group], _names(ids)) for group, ids in index.GROUP_COMPONENTS
        ],
        "penalty": index.PENALTY_PER_CLAUSE,
        "penalty_fraction": f"1/{round(1 / index.PENALTY_PER_CLAUSE)}",
    }


@require_safe
@public_page
def about_data(request):
    return render(
        request,
        "catalog/about_data.html",
        {
            "version": data_version(),
            "frameworks": frameworks.FRAMEWORKS,
            "site": request.build_absolute_uri("/"),
            "audits": audits.published(),
            "corrections_count": len(selectors.corrections_log()),
            "shared_cache_seconds": settings.SHARED_CACHE_SECONDS,
        },
    )


@require_safe
@public_page
def concordance(request):
    rows = selectors.concordance_rows()
    disagreeing = [row for row in rows if row["differences"]]
    return render(
        request,
        "catalog/concordance.html",
        {
            "rows": rows,
            "disagreeing": disagreeing,
            "agreeing": len(rows) - len(disagreeing),
            "unmatched": selectors.unmatched_index_entries().count(),
            "imports": selectors.index_imports(),
        },
    )


# --- Licences and organisations ------------------------------------------------------------------


@require_safe
@public_page
def licence_list(request):
    return render(
        request,
        "catalog/licence_list.html",
        {"licences": selectors.licences_with_counts()},
    )


@require_safe
@public_page
def licence_detail(request, identifier):
    lic = selectors.licence_for_page(identifier)
    models = selectors.models_under_licence(lic)
    rows = [
        {
            "flag": clause.flag,
            "name": clause.name,
            "present": clause.is_in(lic),
            "meaning": clause.describe(lic.mau_cap),
            "restricts_use": clause.restricts_use,
        }
        for clause in clauses.RESTRICTIVE
    ]
    return render(
        request,
        "catalog/licence_detail.html",
        {"licence": lic, "clauses": rows, "models": models},
    )


@require_safe
@public_page
def organisation_list(request):
    return render(
        request,
        "catalog/organisation_list.html",
        {"organisations": selectors.organisations_with_counts()},
    )


@require_safe
@public_page
def organisation_detail(request, slug):
    org = selectors.organisation_for_page(slug)
    models = selectors.attach_component_states(
        selectors.directory().filter(organization=org).order_by("release_date", "slug")
    )
    points = selectors.chart_points(selectors.directory().filter(organization=org))
    return render(
        request,
        "catalog/organisation_detail.html",
        {
            "organisation": org,
            "models": models,
            "components": components.COMPONENTS,
            "groups": _groups(),
            "chart": mark_safe(
                _openness_chart(points, f"Openness of {org.name}'s models over time", "org")
            ),
            "legend": charts.legend(),
        },
    )


def _openness_chart(points, title, id_prefix):
    marks = [
        charts.Point(
            released,
            score if score is not None else 0.0,
            verdict or "",
            f"{name} ({organisation}), released {released:%Y-%m-%d}: "
            f"Openness Index {score:.1f}, {verdict}",
        )
        for slug, name, organisation, released, verdict, score in points
        if score is not None
    ]
    return charts.openness_over_time(
        marks,
        title=title,
        description=f"{len(marks)} models plotted by release date (across) and Openness Index, "
        "0 to 100 (up); each mark's shape and colour give its headline label.",
        id_prefix=id_prefix,
    )


@require_safe
@public_page
def chart(request):
    points = selectors.chart_points()
    return render(
        request,
        "catalog/chart.html",
        {
            "chart": mark_safe(_openness_chart(points, "Openness of AI models over time", "all")),
            "legend": charts.legend(),
            "count": len(points),
        },
    )


# --- Changes -------------------------------------------------------------------------------------


@require_safe
@public_page
def changes(request):
    page = Paginator(selectors.recent_changes(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/changes.html",
        {"page": page, "score_changes": selectors.score_changes(), "frameworks": frameworks.BY_ID},
    )


@require_safe
@public_page
def corrections_log(request):
    """Every correction of a verdict-relevant fact: date, before, after and reason."""
    page = Paginator(selectors.corrections_log(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/corrections_log.html", {"page": page})


# --- Downloads and badges ------------------------------------------------------------------------


@require_safe
@public_page
def downloads(request):
    version = data_version()
    return render(
        request,
        "catalog/downloads.html",
        {
            "version": version,
            "csv_name": _download_name(version, "csv"),
            "json_name": _download_name(version, "json"),
            "columns": selectors.DATASET_COLUMNS,
        },
    )


def _download_name(version, extension):
    return f"openness-scorecard-{version:%Y-%m-%d}.{extension}"


@require_safe
@public_page
def download_csv(request):
    version = data_version()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(version, "csv")}"'
    response["Link"] = '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    writer = csv.DictWriter(response, fieldnames=selectors.DATASET_COLUMNS)
    writer.writeheader()
    writer.writerows(selectors.dataset_rows())
    return response


@require_safe
@http_cache.public_read(http_cache.hub_facts_version)
def download_json(request):
    version = data_version()
    _, data = cached_dump(request)  # the same cache entry as the API's /api/v1/dump/
    body = json.dumps({"citation": _dataset_citation(request, version), **data}, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(version, "json")}"'
    response["Link"] = '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    return response


def _dataset_citation(request, version):
    return (
        f"{citations.PUBLISHER}. ({version.year}, {version:%B} {version.day}). Openness Scorecard "
        f"dataset [Data set]. {request.build_absolute_uri(reverse('catalog:downloads'))}"
    )


def _badge(request, slug):
    framework = request.GET.get("framework", frameworks.HEADLINE.ID)
    if framework not in badges.BADGE_FRAMEWORKS:
        return None, HttpResponseBadRequest(
            f"framework must be one of: {', '.join(badges.BADGE_FRAMEWORKS)}",
            content_type="text/plain",
        )
    model = get_object_or_404(selectors.directory(), slug=slug)
    scores = {f"{f}_verdict": getattr(model, f"{f}_verdict") for f in badges.BADGE_FRAMEWORKS}
    scores.update({f"{f}_score": getattr(model, f"{f}_score") for f in badges.BADGE_FRAMEWORKS})
    return badges.badge_for(framework, scores, machine_read=model.is_machine_read), None


def _badge_response(body, content_type):
    return HttpResponse(body, content_type=content_type)


@require_safe
@public_page
def badge_svg(request, slug):
    badge, error = _badge(request, slug)
    return error or _badge_response(badges.svg(badge), "image/svg+xml")


@require_safe
@public_page
def badge_png(request, slug):
    badge, error = _badge(request, slug)
    return error or _badge_response(badges.png(badge), "image/png")


# --- The API guide -------------------------------------------------------------------------------


@require_safe
@public_page
def api_guide(request):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    return render(
        request,
        "catalog/api_guide.html",
        {
            "base": request.build_absolute_uri("/").rstrip("/"),
            "anon_rate": rates["anon"].replace("/", " a "),
            "token_rate": rates["user"].replace("/", " a "),
        },
    )
