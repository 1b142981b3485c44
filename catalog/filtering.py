"""The model list's query parameters, declared once: ModelFilterSet (django-filter).

The API's model list (through catalog.api.filters), its OpenAPI schema (drf-spectacular reads the
FilterSet) and the directory page's form all use it, so they accept exactly the same filters. A bad
value is refused naming the parameter; nothing is silently ignored.
"""

import copy
import datetime
import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, F, Q, Value, When

from catalog import clauses, selectors
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
SIZE_NAMES = {
    "under-3b": "Under 3B",
    "3b-15b": "3B to 15B",
    "15b-100b": "15B to 100B",
    "over-100b": "Over 100B",
}
# Which entries a list shows: by default the curated ones; the machine-read tier on request.
REVIEW_STATUSES = {
    "curated": (AIModel.ReviewStatus.CURATED,),
    "machine-read": (AIModel.ReviewStatus.MACHINE_READ,),
    "any": (AIModel.ReviewStatus.CURATED, AIModel.ReviewStatus.MACHINE_READ),
}
REVIEW_STATUS_NAMES = {
    "curated": "Curated (the default)",
    "machine-read": "Machine-read from the Hub, not reviewed by a curator",
    "any": "Curated and machine-read",
}
# The orders a list can be in: a framework's score, or a field.
ORDERINGS = (
    ("-g7", "G7 label, most open first"),
    ("g7", "G7 label, least open first"),
    ("-label", "Earlier headline label, most open first"),
    ("label", "Earlier headline label, least open first"),
    ("-index", "Openness Index, highest first"),
    ("index", "Openness Index, lowest first"),
    ("-osaid", "OSAID, conforming first"),
    ("osaid", "OSAID, not conforming first"),
    ("-mof", "MOF class, most open first"),
    ("mof", "MOF class, least open first"),
    ("-eu_ai_act", "EU AI Act exemption, likeliest first"),
    ("eu_ai_act", "EU AI Act exemption, unlikeliest first"),
    ("-release_date", "Newest first"),
    ("release_date", "Oldest first"),
    ("name", "Name, A to Z"),
    ("-name", "Name, Z to A"),
)
DEFAULT_ORDERING = "-g7"
RANKED_BY_SCORE = ("g7", "label", "index", "osaid", "mof", "eu_ai_act")  # framework ids
# Examples for the API's docs, and for schemathesis, which sends them to reach the 200 answers.
ORGANIZATION_EXAMPLES = {"Allen Institute for AI": "ai2"}
LICENCE_EXAMPLES = {"Apache 2.0": "Apache-2.0", "The Llama 2 licence": "LicenseRef-llama-2"}
# Text the database can hold: NUL is refused with a 400, so the schema says so.
FREE_TEXT = {"type": "string", "pattern": "^[^\\u0000]*$"}
NAMED = {**FREE_TEXT, "minLength": 1}
# The text search configuration of the stored search vector (catalog/migrations/0025_*).
SEARCH_CONFIG = "english"
# websearch syntax beyond plain words: a quoted phrase, an excluded -word, or OR.
SEARCH_OPERATORS = re.compile(r'"|(?:^|\s)-|\bor\b', re.IGNORECASE)


class BadParameter(ValueError):
    def __init__(self, parameter, message):
        self.parameter = parameter
        self.message = message
        super().__init__(f"{parameter}: {message}")


class UnknownItem(BadParameter):
    """A well-formed parameter naming an organisation or licence that does not exist."""


def text_values(params, name):
    """The values of a free-text parameter; a NUL character is refused, as the database would."""
    try:
        return _without_nul(params.getlist(name))
    except ValidationError as error:
        raise BadParameter(name, error.messages[0]) from None


def _without_nul(values):
    for value in values:
        if "\x00" in value:
            raise ValidationError("must not contain NUL characters", code="nul")
    return values


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


# --- Form fields: each reads every value its parameter was sent with ------------------------------


class Values(forms.Widget):
    """Every value of a parameter as sent (a list filter reads them all, a single one the last)."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        return [] if value is None else value if isinstance(value, list) else [value]


class ParameterField(forms.Field):
    """A query parameter's values, parsed by `parse`; a NUL character is refused, as the
    database would. A ValidationError's message is shown after the parameter's name."""

    widget = Values

    def __deepcopy__(self, memo):
        # A form copies its fields so that a request may change them; these hold nothing a
        # request changes, so each form shares them.
        return self

    def to_python(self, values):
        return self.parse(_without_nul(values))

    def parse(self, values):
        return values


class ChoicesField(ParameterField):
    def __init__(self, *, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def parse(self, values):
        allowed = [value for value, _ in self.choices]
        for value in values:
            if value not in allowed:
                raise ValidationError(f"{value!r} is not one of: {', '.join(allowed)}")
        return values


class NamesField(ParameterField):
    """Slugs or identifiers of rows of `model`; one that names no row is an unknown item."""

    def __init__(self, *, model, to_field, what, **kwargs):
        self.model, self.to_field, self.what = model, to_field, what
        super().__init__(**kwargs)

    def parse(self, values):
        if not values:
            return values
        found = set(
            self.model.objects.filter(**{f"{self.to_field}__in": values}).values_list(
                self.to_field, flat=True
            )
        )
        for value in values:
            if value not in found:
                raise ValidationError(f"unknown {self.what} {value!r}", code="unknown")
        return values


class YearsField(ParameterField):
    def parse(self, values):
        for year in values:
            if not re.fullmatch(r"[0-9]{4}", year):
                raise ValidationError(f"{year!r} is not a four-digit year")
        return [int(year) for year in values]


class DayField(ParameterField):
    def parse(self, values):
        if not values:
            return None
        try:
            return datetime.date.fromisoformat(values[-1])
        except ValueError:
            raise ValidationError(f"{values[-1]!r} is not a date (YYYY-MM-DD)") from None


class MomentField(ParameterField):
    def parse(self, values):
        if not values:
            return None
        try:
            return parse_datetime_param("", values[-1])
        except BadParameter as error:
            raise ValidationError(error.message) from None


class SearchTextField(ParameterField):
    def parse(self, values):
        text = " ".join(values).strip()
        if len(text) > 200 and not huggingface.repo_id_from_text(text):
            raise ValidationError("is longer than 200 characters")
        return text


class RepoIdsField(ParameterField):
    def parse(self, values):
        repo_ids = []
        for value in values:
            if (repo_id := huggingface.repo_id_from_text(value)) is None:
                raise ValidationError(f"{value!r} is not a Hub repo id (org/name) or a Hub URL")
            repo_ids.append(repo_id)
        return repo_ids


class OrderingField(ChoicesField):
    def parse(self, values):
        raw = (values or [None])[-1]
        if not raw:
            return None
        if raw not in dict(self.choices):
            fields = dict.fromkeys(value.lstrip("-") for value, _ in self.choices)
            raise ValidationError(
                f"{raw!r} is not one of: {', '.join(fields)} (prefix - for descending)"
            )
        return raw


# --- Filters: the FilterSet's parameters, each with what the API's docs add -----------------------


class Parameter:
    """A filter whose value its ParameterField parses. `schema` refines the parameter's OpenAPI
    schema (of each item, for a list); `examples` ({summary: value}) are shown in the docs."""

    def __init__(self, *args, schema=None, examples=None, **kwargs):
        self.schema = schema or {}
        self.examples = examples or {}
        super().__init__(*args, **kwargs)

    def __deepcopy__(self, memo):
        # Each FilterSet copies its filters to hang itself on them. What they hold besides is a
        # declaration no request changes: shared, rather than copied choice by choice. A filter
        # applied by a method of the FilterSet finds it through the copy.
        copied = copy.copy(self)
        copied.method = self.method
        return copied


class ChoicesFilter(Parameter, django_filters.MultipleChoiceFilter):
    """Any of some named values: the rows whose `field_name` holds what `stored` maps one to."""

    field_class = ChoicesField

    def __init__(self, field_name=None, *, stored=None, **kwargs):
        # Named by what they store, unless told otherwise.
        self.stored = stored
        if stored is not None:
            kwargs.setdefault("choices", list(stored.items()))
        super().__init__(field_name, **kwargs)

    def filter(self, queryset, values):
        if not values:
            return queryset
        stored = [self.stored[value] for value in values] if self.stored else values
        return queryset.filter(**{f"{self.field_name}__in": stored})


class NamesFilter(Parameter, django_filters.MultipleChoiceFilter):
    field_class = NamesField

    def filter(self, queryset, values):
        return queryset.filter(**{f"{self.field_name}__in": values}) if values else queryset


class YearsFilter(NamesFilter):
    field_class = YearsField


class RepoIdsFilter(Parameter, django_filters.MultipleChoiceFilter):
    field_class = RepoIdsField  # applied by ModelFilterSet.filter_queryset, with `q`


class DayFilter(Parameter, django_filters.DateFilter):
    field_class = DayField


class MomentFilter(Parameter, django_filters.IsoDateTimeFilter):
    field_class = MomentField


class SearchFilter(Parameter, django_filters.CharFilter):
    field_class = SearchTextField  # applied by ModelFilterSet.filter_queryset


class OrderingFilter(Parameter, django_filters.ChoiceFilter):
    field_class = OrderingField  # applied by ModelFilterSet.filter_queryset, last


class ModelFilterSet(django_filters.FilterSet):
    """The filters and orderings of a list of models (an annotated queryset: selectors.ranking).

    Only curated entries are listed unless `review_status` asks for the machine-read tier, or
    the list looks for one repository (`hf_repo`, or a repo id or Hub URL as `q`): then the
    entry is found whichever its tier, curated ones first. Text in `q` is searched for in the
    names, families, organisations, descriptions and Hugging Face repo ids; the best matches
    come first unless an ordering is asked for.
    """

    organization = NamesFilter(
        "organization__slug",
        label="Organisation",
        schema=NAMED,
        model=Organization,
        to_field="slug",
        what="organisation",
        help_text="organisation slug (an unknown one is a 404)",
        examples=ORGANIZATION_EXAMPLES,
    )
    g7 = ChoicesFilter(
        "g7_verdict",
        label="G7 label",
        stored=G7_LABELS,
        help_text="the headline: the G7 label, or weights-not-released",
    )
    label = ChoicesFilter(
        "label_verdict",
        label="Earlier headline label",
        stored=LABELS,
        help_text="the earlier headline label",
    )
    osaid = ChoicesFilter(
        "osaid_verdict",
        label="OSAID 1.0",
        stored=OSAID_VERDICTS,
        help_text="whether the model conforms to OSI's Open Source AI Definition 1.0",
    )
    mof_class = ChoicesFilter(
        "mof_verdict",
        label="MOF class",
        stored=MOF_CLASSES,
        help_text="the class the Model Openness Framework gives",
    )
    eu_ai_act = ChoicesFilter(
        "eu_ai_act_verdict",
        label="EU AI Act exemption",
        stored=EU_AI_ACT_VERDICTS,
        help_text="the EU AI Act lens: whether the open-source exemption plausibly applies",
    )
    license = NamesFilter(
        "weights_license",
        label="Weights licence",
        schema=NAMED,
        model=License,
        to_field="identifier",
        what="licence",
        help_text="licence id of the final weights (an unknown one is a 404)",
        examples=LICENCE_EXAMPLES,
    )
    restriction = ChoicesFilter(
        label="Licence restriction",
        choices=[(clause.flag, clause.name) for clause in clauses.RESTRICTIVE],
        method="bound_by",
        help_text="a clause binding the model, through its own licences or its base model's",
    )
    review_status = ChoicesFilter(
        label="Review status",
        choices=list(REVIEW_STATUS_NAMES.items()),
        help_text="curated (the default), machine-read (read from the Hub, not reviewed by a "
        "curator) or any",
    )  # applied by filter_queryset, with hf_repo and q
    modality = ChoicesFilter(
        "modality",
        label="Modality",
        choices=AIModel.Modality.choices,
        help_text="what the model takes in and gives out",
    )
    kind = ChoicesFilter(
        "kind", label="Kind", choices=AIModel.Kind.choices, help_text="the kind of release"
    )
    size = ChoicesFilter(
        label="Size",
        choices=[(key, SIZE_NAMES[key]) for key in SIZE_BANDS],
        method="in_bands",
        help_text="the total parameter count, in bands",
    )
    release_year = YearsFilter(
        "release_date__year",
        label="Release year",
        help_text="a four-digit year",
        schema={"type": "integer", "minimum": 1000, "maximum": 9999},
    )
    released_after = DayFilter(
        "release_date",
        lookup_expr="gte",
        label="Released on or after",
        help_text="released on or after this day",
    )
    released_before = DayFilter(
        "release_date",
        lookup_expr="lte",
        label="Released on or before",
        help_text="released on or before this day",
    )
    updated_since = MomentFilter(
        "updated_at",
        lookup_expr="gte",
        label="Updated since",
        help_text="entries changed at or after this moment",
    )
    q = SearchFilter(
        label="Search",
        schema={**FREE_TEXT, "maxLength": 200},
        help_text="text search over name, family, organisation, description and Hugging Face "
        "repo ids (a whole id or part of one, such as Llama-3.1-8B), best matches first unless "
        "ordering is given; a Hub repo id or URL pasted here finds the entry that tracks that "
        "repository, as hf_repo does",
    )
    hf_repo = RepoIdsFilter(
        label="Hugging Face repo id",
        schema={"maxLength": 300,
                "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$"},
        help_text="a Hugging Face repo id (org/name, any letter case; a Hub URL of the repo is "
        "read too): the entry that tracks it, curated or machine-read",
        examples={"Pythia": "EleutherAI/pythia-12b"},
    )  # fmt: skip
    ordering = OrderingFilter(
        label="Sort by", choices=ORDERINGS,
        # Empty is the default order, as the directory's "Best match first" sends it.
        schema={"enum": ["", *sorted(value for value, _ in ORDERINGS)]},
        help_text=f"framework score or field; prefix - for descending (default {DEFAULT_ORDERING}"
        ", or best match first when q searches text; empty for the default)",
    )  # fmt: skip

    # Applied together by filter_queryset rather than each on its own.
    APPLIED_TOGETHER = ("review_status", "q", "hf_repo", "ordering")

    class Meta:
        model = AIModel
        fields = []

    def get_form_class(self):
        # The form's fields are the same for every request: its class is made once.
        if "form_class" not in type(self).__dict__:
            type(self).form_class = super().get_form_class()
        return type(self).form_class

    def problems(self):
        """What in the query cannot be applied: a BadParameter per offending parameter (an
        UnknownItem where a well-formed value names no organisation or licence). Empty when
        every filter can be applied."""
        found = []
        for name, errors in self.errors.as_data().items():
            for error in errors:
                kind = UnknownItem if error.code == "unknown" else BadParameter
                found.append(kind(name, error.messages[0]))
        return found

    def filter_queryset(self, queryset):
        values = self.form.cleaned_data
        text, repos = self._text_and_repos()
        wanted = {status for name in values["review_status"] for status in REVIEW_STATUSES[name]}
        if not wanted:
            wanted = set(REVIEW_STATUSES["any" if repos else "curated"])
        queryset = queryset.filter(review_status__in=sorted(wanted))
        if repos:
            queryset = queryset.filter(pk__in=models_tracking(repos))
        for name, filter_ in self.filters.items():
            if name not in self.APPLIED_TOGETHER:
                queryset = filter_.filter(queryset, values[name])
        if text:
            queryset = search(queryset, text)
        return order(queryset, self.ordering_in_use)

    @property
    def ordering_in_use(self):
        """The order the list is in: as asked; otherwise best match first ('') when searching
        text, else DEFAULT_ORDERING. Valid once the filters are."""
        asked = self.form.cleaned_data["ordering"]
        return asked or ("" if self.searches_text else DEFAULT_ORDERING)

    @property
    def searches_text(self):
        return bool(self._text_and_repos()[0])

    def _text_and_repos(self):
        values = self.form.cleaned_data
        text, repos = values["q"], list(values["hf_repo"])
        if text and (pasted := huggingface.repo_id_from_text(text)):
            return "", [*repos, pasted]
        return text, repos

    def bound_by(self, queryset, name, flags):
        """The models bound by every one of these clauses, as the scorer stored them with its
        current scores (frameworks.restrictions: through the licences of what it releases, or
        from a base model)."""
        condition = Q()
        for flag in flags:
            condition &= Q(current__restriction_flags__contains=f",{flag},")
        return queryset.filter(condition)

    def in_bands(self, queryset, name, bands):
        condition = Q()
        for band in bands:
            low, high = SIZE_BANDS[band]
            part = Q(parameters__isnull=False)
            if low:
                part &= Q(parameters__gte=low)
            if high:
                part &= Q(parameters__lt=high)
            condition |= part
        return queryset.filter(condition)


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


def search(queryset, text):
    """The models `text` finds, annotated with `search_rank` (higher is a better match): by the
    stored search vector on PostgreSQL, by words elsewhere (SQLite, the embedded default)."""
    if connection.vendor == "postgresql":
        return search_by_vector(queryset, text)
    return search_by_words(queryset, text)


def search_by_vector(queryset, text):
    """The stored search vector (names weigh most; then families, slugs and Hugging Face repo
    ids; then organisations and descriptions), read through its GIN index, ranked by SearchRank.

    Repo ids are stored as their words (`meta llama Llama 3 1 8B`), so text written like one
    (`Llama-3.1-8B`) is also looked for as those words in a row.
    """
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    words = " ".join(re.findall(r"[^\W_]+", text))
    if words != " ".join(text.split()) and not SEARCH_OPERATORS.search(text):
        query |= SearchQuery(words, search_type="phrase", config=SEARCH_CONFIG)
    return queryset.filter(search_vector=query).annotate(
        search_rank=SearchRank(F("search_vector"), query)
    )


def search_by_words(queryset, text):
    """Each word in any of the name, family, slug, organisation, description or repo ids, in
    any letter case; a model with every word in its name ranks first."""
    words = text.split()
    for word in words:
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(family__icontains=word) | Q(slug__icontains=word)
            | Q(organization__name__icontains=word) | Q(description__icontains=word)
            | Q(hf_repos__icontains=word)
        )  # fmt: skip
    in_name = Q(*[Q(name__icontains=word) for word in words])
    return queryset.annotate(search_rank=Case(When(in_name, then=Value(1)), default=Value(0)))


def order(queryset, ordering):
    """Order by `ordering`: a framework's score or a field (`-` for descending), or '' for
    the best search matches first (then as DEFAULT_ORDERING)."""
    if not ordering:
        ranked = order(queryset, DEFAULT_ORDERING)
        return ranked.order_by(F("search_rank").desc(), *ranked.query.order_by)
    descending = ordering.startswith("-")
    field = ordering.lstrip("-")
    if field in RANKED_BY_SCORE:
        return selectors.ranked(queryset, field, descending=descending)
    return queryset.order_by(f"{'-' if descending else ''}{field}", "slug")
