"""Query parameters of the model list, checked into plain values.

Shared by the API and the directory page, so both accept exactly the same filters. A bad value
raises BadParameter naming the parameter; nothing is silently ignored.
"""

import datetime
import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q

from catalog import selectors
from catalog.clauses import RESTRICTIONS
from catalog.frameworks import eu_ai_act, g7, label, mof, osaid
from catalog.hubs import huggingface
from catalog.models import AIModel, HubRecord, License, Organization, names_hf_repo

# The headline: the G7 labels, and the state outside their ladder.
G7_LABELS = {
    "open-source-ai-with-open-data": g7.OPEN_DATA,
    "open-source-ai": g7.OPEN_SOURCE,
    "open-weights-ai": g7.OPEN_WEIGHTS,
    "weights-available-ai": g7.WEIGHTS_AVAILABLE,
    "weights-not-released": g7.NOT_RELEASED,
}
# The earlier headline label, still a framework of its own.
LABELS = {
    "open-source-ai": label.OPEN_SOURCE,
    "open-weights": label.OPEN_WEIGHTS,
    "restricted-weights": label.RESTRICTED_WEIGHTS,
    "closed": label.CLOSED,
}
# The EU AI Act lens: whether the open-source exemption plausibly applies.
EU_AI_ACT_VERDICTS = {
    "exemption-plausibly-applies": eu_ai_act.APPLIES,
    "not-enough-evidence": eu_ai_act.NOT_ENOUGH,
    "exemption-does-not-apply": eu_ai_act.DOES_NOT_APPLY,
    "systemic-risk-presumed": eu_ai_act.SYSTEMIC_RISK,
}
OSAID_VERDICTS = {"conforms": osaid.CONFORMS, "does-not-conform": osaid.DOES_NOT_CONFORM}
MOF_CLASSES = {
    **{number: mof.CLASS_NAMES[number] for number in ("I", "II", "III")},
    "unclassified": mof.UNCLASSIFIED,
}
SIZE_BANDS = {
    "under-3b": (None, 3_000_000_000),
    "3b-15b": (3_000_000_000, 15_000_000_000),
    "15b-100b": (15_000_000_000, 100_000_000_000),
    "over-100b": (100_000_000_000, None),
}
ORDERINGS = {
    "g7": "g7",
    "label": "label",
    "index": "index",
    "osaid": "osaid",
    "mof": "mof",
    "eu_ai_act": "eu_ai_act",
}
OTHER_ORDERINGS = {"release_date": "release_date", "name": "name"}
FILTER_PARAMS = (
    "organization", "g7", "label", "osaid", "mof_class", "eu_ai_act", "license", "restriction",
    "modality", "kind", "size", "release_year", "released_after", "released_before", "updated_since",
    "q", "hf_repo", "review_status",
)  # fmt: skip
# Which entries a list shows: by default the curated ones; the machine-read tier on request.
REVIEW_STATUSES = {
    "curated": (AIModel.ReviewStatus.CURATED,),
    "machine-read": (AIModel.ReviewStatus.MACHINE_READ,),
    "any": (AIModel.ReviewStatus.CURATED, AIModel.ReviewStatus.MACHINE_READ),
}


class BadParameter(ValueError):
    def __init__(self, parameter, message):
        self.parameter = parameter
        super().__init__(f"{parameter}: {message}")


class UnknownItem(BadParameter):
    """A well-formed parameter naming an organisation or licence that does not exist."""


def text_values(params, name):
    """The values of a free-text parameter; a NUL character is refused, as the database would."""
    values = params.getlist(name)
    for value in values:
        if "\x00" in value:
            raise BadParameter(name, "must not contain NUL characters")
    return values


def _choice(params, name, choices):
    values = text_values(params, name)
    for value in values:
        if value not in choices:
            raise BadParameter(name, f"{value!r} is not one of: {', '.join(choices)}")
    return values


def _date(params, name):
    raw = (text_values(params, name) or [None])[-1]
    if raw is None:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, f"{raw!r} is not a date (YYYY-MM-DD)") from None


def _datetime(params, name):
    raw = (text_values(params, name) or [None])[-1]
    if raw is None:
        return None
    return parse_datetime_param(name, raw)


def parse_datetime_param(name, raw):
    """An ISO 8601 date or time as an aware UTC datetime; BadParameter when it is not one.

    Any offset RFC 3339 allows is read; a moment that falls before year 1 or after year 9999 in
    UTC is the earliest or latest moment there is, which is what it means as a bound.
    """
    try:
        value = datetime.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(name, f"{raw!r} is not an ISO 8601 date or time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        extreme = datetime.datetime.min if value.year == 1 else datetime.datetime.max
        return extreme.replace(tzinfo=datetime.UTC)


def _known(name, values, model, field, what):
    """`values` if each names a row of `model` by `field`; otherwise BadParameter. One query."""
    found = set(model.objects.filter(**{f"{field}__in": values}).values_list(field, flat=True))
    for value in values:
        if value not in found:
            raise UnknownItem(name, f"unknown {what} {value!r}")
    return values


def filter_models(queryset, params):
    """Apply the list filters in `params` (a QueryDict) to an annotated AIModel queryset.

    Only curated entries are listed unless `review_status` asks for the machine-read tier, or
    the list looks for one repository (`hf_repo`, or a repo id or Hub URL as `q`): then the
    entry is found whichever its tier, curated ones first.
    """
    text = " ".join(text_values(params, "q")).strip()
    repos = [_repo_id(value, "hf_repo") for value in text_values(params, "hf_repo")]
    if text and (pasted := huggingface.repo_id_from_text(text)):
        repos.append(pasted)
        text = ""
    statuses = _choice(params, "review_status", REVIEW_STATUSES)
    wanted = {s for status in statuses for s in REVIEW_STATUSES[status]}
    if not wanted:
        wanted = set(REVIEW_STATUSES["any" if repos else "curated"])
    queryset = queryset.filter(review_status__in=sorted(wanted))
    if repos:
        queryset = queryset.filter(pk__in=models_tracking(repos))
    if orgs := text_values(params, "organization"):
        _known("organization", orgs, Organization, "slug", "organisation")
        queryset = queryset.filter(organization__slug__in=orgs)
    if headline := _choice(params, "g7", G7_LABELS):
        queryset = queryset.filter(g7_verdict__in=[G7_LABELS[v] for v in headline])
    if labels := _choice(params, "label", LABELS):
        queryset = queryset.filter(label_verdict__in=[LABELS[v] for v in labels])
    if verdicts := _choice(params, "osaid", OSAID_VERDICTS):
        queryset = queryset.filter(osaid_verdict__in=[OSAID_VERDICTS[v] for v in verdicts])
    if classes := _choice(params, "mof_class", MOF_CLASSES):
        queryset = queryset.filter(mof_verdict__in=[MOF_CLASSES[v] for v in classes])
    if verdicts := _choice(params, "eu_ai_act", EU_AI_ACT_VERDICTS):
        queryset = queryset.filter(eu_ai_act_verdict__in=[EU_AI_ACT_VERDICTS[v] for v in verdicts])
    if licences := text_values(params, "license"):
        _known("license", licences, License, "identifier", "licence")
        queryset = queryset.filter(weights_license__in=licences)
    if restrictions := _choice(params, "restriction", RESTRICTIONS):
        queryset = queryset.filter(_bound_by(restrictions))
    if modalities := _choice(params, "modality", AIModel.Modality.values):
        queryset = queryset.filter(modality__in=modalities)
    if kinds := _choice(params, "kind", AIModel.Kind.values):
        queryset = queryset.filter(kind__in=kinds)
    if bands := _choice(params, "size", SIZE_BANDS):
        condition = Q()
        for band in bands:
            low, high = SIZE_BANDS[band]
            part = Q(parameters__isnull=False)
            if low:
                part &= Q(parameters__gte=low)
            if high:
                part &= Q(parameters__lt=high)
            condition |= part
        queryset = queryset.filter(condition)
    if years := text_values(params, "release_year"):
        for year in years:
            if not re.fullmatch(r"[0-9]{4}", year):
                raise BadParameter("release_year", f"{year!r} is not a four-digit year")
        queryset = queryset.filter(release_date__year__in=[int(y) for y in years])
    if after := _date(params, "released_after"):
        queryset = queryset.filter(release_date__gte=after)
    if before := _date(params, "released_before"):
        queryset = queryset.filter(release_date__lte=before)
    if since := _datetime(params, "updated_since"):
        queryset = queryset.filter(updated_at__gte=since)
    if text:
        if len(text) > 200:
            raise BadParameter("q", "is longer than 200 characters")
        queryset = _search(queryset, text)
    return queryset


def _repo_id(value, name):
    repo_id = huggingface.repo_id_from_text(value)
    if repo_id is None:
        raise BadParameter(name, f"{value!r} is not a Hub repo id (org/name) or a Hub URL")
    return repo_id


def models_tracking(repo_ids):
    """A query of the ids of the entries that track any of these Hub repos, in any letter case,
    under the name the catalogue gives or the one the Hub gives now."""
    keys = [repo.lower() for repo in repo_ids]
    records = HubRecord.objects.filter(hub=HubRecord.Hub.HUGGINGFACE).filter(
        Q(repo_id__lower__in=keys) | Q(canonical_id__lower__in=keys)
    )
    named = Q()
    for repo in repo_ids:
        named |= names_hf_repo(repo)
    return AIModel.objects.filter(Q(pk__in=records.values("model_id")) | named).values("pk")


def _bound_by(flags):
    """The condition that a model is bound by every one of these clauses, as the scorer stored
    them with its current scores (frameworks.restrictions: through the licences of what it
    releases, or from a base model)."""
    condition = Q()
    for flag in flags:
        condition &= Q(current__restriction_flags__contains=f",{flag},")
    return condition


def _search(queryset, text):
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("name", weight="A")
            + SearchVector("family", "slug", weight="B")
            + SearchVector("organization__name", "description", weight="C")
        )
        return queryset.annotate(search=vector).filter(
            search=SearchQuery(text, search_type="websearch")
        )
    words = text.split()
    for word in words:
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(family__icontains=word) | Q(slug__icontains=word)
            | Q(organization__name__icontains=word) | Q(description__icontains=word)
        )  # fmt: skip
    return queryset


def order_models(queryset, params, default="-g7"):
    """Order by `ordering` (a framework id, release_date or name; `-` for descending)."""
    raw = (text_values(params, "ordering") or [None])[-1] or default
    descending = raw.startswith("-")
    field = raw.lstrip("-")
    if field in ORDERINGS:
        return selectors.ranked(queryset, ORDERINGS[field], descending=descending)
    if field in OTHER_ORDERINGS:
        prefix = "-" if descending else ""
        return queryset.order_by(f"{prefix}{OTHER_ORDERINGS[field]}", "slug")
    allowed = [*ORDERINGS, *OTHER_ORDERINGS]
    raise BadParameter(
        "ordering", f"{raw!r} is not one of: {', '.join(allowed)} (prefix - for descending)"
    )
