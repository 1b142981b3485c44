"""How the scores are made and the data kept: the methodology, one page per framework (its
rules, sources and worked examples), about the data, the concordance with other indexes, and the
API guide."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from catalog import audits, clauses, components, criteria, frameworks, selectors
from catalog.data_version import data_version
from catalog.frameworks import eu_ai_act, g7, index, label, mof, osaid
from catalog.views.common import public_page


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
