"""API v1: thin read-only views over the selectors. Every response carries ETag and Last-Modified."""

import datetime
import re

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from drf_spectacular.views import SpectacularRedocView
from rest_framework import generics
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import components, frameworks, http_cache, selectors
from catalog.api import serializers
from catalog.api.conditional import conditional_get
from catalog.api.filters import FilterBackend
from catalog.data_version import data_version
from catalog.filtering import (
    FREE_TEXT,
    LICENCE_EXAMPLES,
    ORGANIZATION_EXAMPLES,
    BadParameter,
    ModelFilterSet,
    parse_datetime_param,
    text_values,
)
from catalog.frameworks.restrictions import restrictions_of
from catalog.models import AIModel, Change, License, Organization

MAX_WHOLE_NUMBER = 999_999_999


def _whole_number(raw):
    """`raw` as an int when it is written in ASCII digits (and not absurdly long), else None."""
    return int(raw) if re.fullmatch(r"[0-9]{1,9}", raw) else None


class Pagination(PageNumberPagination):
    django_paginator_class = selectors.RankingPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1, maximum=MAX_WHOLE_NUMBER)
                parameter["description"] = "page number; past the last page is a 404"
        return parameters

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = _whole_number(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"{raw!r} is not a whole number from 1 to {self.max_page_size}"]}
            )
        return size

    def get_page_number(self, request, paginator):
        # A page that is not a number is the client's mistake (400); one past the end, a 404.
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings:
            number = _whole_number(raw)
            if number is None or number < 1:
                raise ValidationError({"page": [f"{raw!r} is not a whole number from 1"]})
        return super().get_page_number(request, paginator)


def _bad(error):
    return ValidationError({error.parameter: [error.message]})


# Real identifiers from the catalogue, for the reader of the docs and for schemathesis, which
# sends them to reach the 200 answers of the detail endpoints.
MODEL_EXAMPLES = {"OLMo 7B": "olmo-7b", "A fine-tune of Llama 3.3": "deepseek-r1-distill-llama-70b"}


def _examples(named):
    return [OpenApiExample(name, value=value) for name, value in named.items()]


@conditional_get()
@extend_schema(summary="Models, ranked")
class ModelList(generics.ListAPIView):
    """Published models with their headline scores, filtered and ranked."""

    serializer_class = serializers.ModelListSerializer
    pagination_class = Pagination
    filter_backends = [FilterBackend]
    filterset_class = ModelFilterSet

    def get_queryset(self):
        return selectors.ranking()

    def list(self, request, *args, **kwargs):
        # ModelListSerializer declares the rows (and the schema); model_list_data builds them.
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            [serializers.model_list_data(row, request) for row in page]
        )


class _Detail:
    """A directory row plus the detail-only values."""

    def __init__(self, row, **values):
        self._row = row
        self.__dict__.update(values)

    def __getattr__(self, name):
        return getattr(self._row, name)


def model_details(models, request, as_of=None):
    """The detail representation of each of `models` (as selectors.detail_rows gives them), in a
    fixed number of queries however many."""
    return [serializers.model_detail_data(detail, request) for detail in details_of(models, as_of)]


def details_of(models, as_of=None):
    """Each of `models` (as selectors.detail_rows gives them) with the values only its detail
    shows, as ModelDetailSerializer reads them."""
    models = list(models)
    ids = [model.pk for model in models]
    terms = selectors.licence_terms_now()
    assessments = selectors.assessments_by_model(ids)
    evidence = selectors.evidence_for_models(models, terms, assessments)
    derivatives = _read_for(models, "has_derivatives", selectors.published_derivative_slugs)
    hub_records = _read_for(models, "has_hub_records", selectors.hub_records_by_model)
    corrections = _read_for(models, "has_corrections", selectors.corrections_by_model)
    other_indexes = _read_for(
        models, "has_index_matches", selectors.index_verdicts, terms=terms, known=evidence
    )
    if as_of:
        scores = {model.pk: selectors.snapshots_as_of(model, as_of) for model in models}
    else:
        scores = selectors.current_scores_by_model(ids)
    details = []
    for model in models:
        snapshots = scores[model.pk]
        for snapshot in snapshots.values():
            snapshot.model = model
        values = {
            "lineage": [ancestor.slug for ancestor in evidence[model.pk].lineage()],
            "derivatives": derivatives.get(model.pk, []),
            "restrictions": restrictions_of(evidence[model.pk]),
            "assessments": _with_effective(assessments[model.pk], evidence[model.pk]),
            "release_licenses": [
                {"kind": kind, **entry} for kind, entry in sorted_release_licences(model)
            ],
            "corrections": corrections.get(model.pk, []),
            "scores": snapshots,
            "hub_records": hub_records.get(model.pk, []),
            "other_indexes": [_index_verdict(item) for item in other_indexes.get(model.pk, [])],
            "as_of": as_of,
        }
        if as_of:
            values.update(_scores_as_of(snapshots))
        details.append(_Detail(model, **values))
    return details


def _read_for(models, flag, read, **options):
    """{model id: records} from read(ids, **options) for those of `models` that have some, as
    `flag` says (see selectors.detail_rows); nothing is read, or even built, when none has."""
    ids = [model.pk for model in models if getattr(model, flag)]
    return read(ids, **options) if ids else {}


def _index_verdict(item):
    entry = item["entry"]
    return {
        "index": entry.source,
        "index_name": entry.get_source_display(),
        "name": entry.name,
        "verdict": entry.verdict,
        "date": entry.dated,
        "date_meaning": entry.date_meaning,
        "url": entry.url,
        "matched_by": item["method"],
        "differences": [d.as_dict() for d in item["differences"]],
    }


def _with_effective(assessments, evidence):
    """The assessments in taxonomy order, each with what binds it (`effective`)."""
    assessments = [a for _, a in selectors.assessments_in_order(assessments) if a is not None]
    for assessment in assessments:
        assessment.effective = evidence.get(assessment.component)
    return assessments


def sorted_release_licences(model):
    given = model.release_licenses or {}
    return [(kind, given[kind]) for kind in components.LICENCE_KINDS if kind in given]


def _scores_as_of(snapshots):
    """The headline fields as the snapshots of a past day give them."""
    values = {}
    for framework_id in frameworks.BY_ID:
        snapshot = snapshots.get(framework_id)
        values[f"{framework_id}_verdict"] = snapshot.verdict if snapshot else None
        values[f"{framework_id}_score"] = snapshot.score if snapshot else None
    mof_snapshot = snapshots.get("mof")
    values["mof_progress"] = mof_snapshot.result["details"]["progress"] if mof_snapshot else None
    return values


def _published_model_last_changed(slug):
    exists = AIModel.objects.published().filter(slug=slug).exists()
    return data_version() if exists else None


def _licence_last_changed(identifier):
    exists = License.objects.filter(identifier=identifier).exists()
    return data_version() if exists else None


def _organization_last_changed(slug):
    exists = Organization.objects.filter(slug=slug).exists()
    return data_version() if exists else None


def _path_parameter(name, description, examples, pattern=None):
    return OpenApiParameter(
        name, str, OpenApiParameter.PATH, pattern=pattern, description=description,
        examples=_examples(examples),
    )  # fmt: skip


SLUG = _path_parameter("slug", "model slug", MODEL_EXAMPLES, pattern=r"^[a-z0-9][a-z0-9.\-]*$")


@conditional_get(http_cache.published_model_version)
@extend_schema(
    summary="One model",
    parameters=[
        SLUG,
        OpenApiParameter(
            "as_of", OpenApiTypes.DATE, description="scores as they stood at the end of that day"
        ),
        OpenApiParameter(
            "Location",
            OpenApiTypes.URI,
            OpenApiParameter.HEADER,
            response=[301],
            description="the curated entry's detail, with the same query",
        ),
    ],
    responses={
        200: serializers.ModelDetailSerializer,
        301: OpenApiResponse(
            description="A machine-read entry since merged into a curated one: the curated "
            "entry's detail is at Location, as its page is at the curated entry's page."
        ),
    },
)
class ModelDetail(APIView):
    """Everything known about one model: assessments with evidence, licences, lineage, scores
    with their criteria and reasons, and what each hub last said."""

    def get(self, request, slug):
        try:
            model = selectors.published_detail_row(slug)  # by the id its ETag read
        except Http404:
            # A machine-read entry merged into a curated one lives on at the curated entry's
            # detail, as its page does at the curated entry's page.
            if successor := selectors.merged_into(slug):
                return _moved_to(request, successor)
            raise
        as_of = None
        raw = request.query_params.get("as_of")
        if raw is not None:
            try:
                as_of = datetime.date.fromisoformat(raw)
            except ValueError:
                raise ValidationError({"as_of": [f"{raw!r} is not a date (YYYY-MM-DD)"]}) from None
        return Response(model_details([model], request, as_of)[0])


def _moved_to(request, slug):
    """A permanent redirect to the detail of `slug`, with the same query."""
    location = request.build_absolute_uri(reverse("api:model-detail", args=[slug]))
    if query := request.META.get("QUERY_STRING"):
        location = f"{location}?{query}"
    return HttpResponsePermanentRedirect(location)


@conditional_get(_published_model_last_changed)
@extend_schema(
    summary="A model's score history",
    parameters=[SLUG],
    responses=serializers.SnapshotSerializer(many=True),
)
class ModelHistory(generics.ListAPIView):
    """Every score snapshot of a model, newest first: each is citable by its permalink."""

    serializer_class = serializers.SnapshotSerializer
    pagination_class = Pagination

    def get_queryset(self):
        model = get_object_or_404(AIModel.objects.published(), slug=self.kwargs["slug"])
        return model.snapshots.select_related("model").order_by("-computed_at", "framework")


@conditional_get()
@extend_schema(summary="Licences")
class LicenseList(generics.ListAPIView):
    """Every licence with its clause flags."""

    serializer_class = serializers.LicenseSerializer
    pagination_class = Pagination
    queryset = License.objects.order_by("identifier")


@conditional_get(_licence_last_changed)
@extend_schema(
    summary="One licence",
    parameters=[_path_parameter("identifier", "SPDX id or LicenseRef-…", LICENCE_EXAMPLES)],
)
class LicenseDetail(generics.RetrieveAPIView):
    """One licence with its clause flags."""

    serializer_class = serializers.LicenseSerializer
    queryset = License.objects.all()
    lookup_field = "identifier"
    lookup_url_kwarg = "identifier"


@conditional_get()
@extend_schema(summary="Organisations")
class OrganizationList(generics.ListAPIView):
    """Every organisation in the catalogue."""

    serializer_class = serializers.OrganizationSerializer
    pagination_class = Pagination
    queryset = Organization.objects.order_by("slug")


@conditional_get(_organization_last_changed)
@extend_schema(
    summary="One organisation",
    parameters=[
        _path_parameter(
            "slug", "organisation slug", ORGANIZATION_EXAMPLES, pattern=r"^[-a-zA-Z0-9_]+$"
        )
    ],
)
class OrganizationDetail(generics.RetrieveAPIView):
    """One organisation."""

    serializer_class = serializers.OrganizationSerializer
    queryset = Organization.objects.all()
    lookup_field = "slug"


@conditional_get()
@extend_schema(
    summary="Changes",
    parameters=[
        OpenApiParameter(
            "model", FREE_TEXT, description="model slug", examples=_examples(MODEL_EXAMPLES)
        ),
        OpenApiParameter("since", OpenApiTypes.DATETIME),
    ],
)
class ChangeList(generics.ListAPIView):
    """The audit trail, newest first: who changed what, when, why, with before and after."""

    serializer_class = serializers.ChangeSerializer
    pagination_class = Pagination

    def get_queryset(self):
        queryset = Change.objects.select_related("model").order_by("-at", "-id")
        queryset = queryset.exclude(model__status=AIModel.Status.DRAFT)
        try:
            slugs = text_values(self.request.query_params, "model")
        except BadParameter as error:
            raise _bad(error) from None
        if slug := (slugs or [None])[-1]:
            queryset = queryset.filter(model__slug=slug)
        if (raw := self.request.query_params.get("since")) is not None:
            try:
                since = parse_datetime_param("since", raw)
            except BadParameter as error:
                raise _bad(error) from None
            queryset = queryset.filter(at__gte=since)
        return queryset


@conditional_get()
@extend_schema(summary="Components", responses=serializers.ComponentSerializer(many=True))
class ComponentList(APIView):
    """The component taxonomy every assessment uses."""

    def get(self, request):
        return Response(serializers.ComponentSerializer(components.COMPONENTS, many=True).data)


@conditional_get()
@extend_schema(summary="Frameworks", responses=serializers.FrameworkSerializer(many=True))
class FrameworkList(APIView):
    """The frameworks: their rules, criteria, current versions and version history."""

    def get(self, request):
        return Response(serializers.FrameworkSerializer(frameworks.FRAMEWORKS, many=True).data)


@conditional_get(http_cache.hub_facts_version, cached=False)  # cached_dump keeps it
@extend_schema(summary="Everything at once", responses=OpenApiTypes.OBJECT)
class Dump(APIView):
    """The whole dataset in one response: organisations, licences, and every published model
    with its assessments, current scores and hub facts. Cached until the data changes."""

    def get(self, request):
        return Response(cached_dump(request)[1])


def cached_dump(request):
    """(the moment the dump stands for, the dump): built once for each moment and host."""
    version = http_cache.hub_facts_version()
    key = f"api:dump:{version.isoformat()}:{request.get_host()}"
    data = cache.get(key)
    if data is None:
        data = build_dump(request, version)
        cache.set(key, data, 3600)
    return version, data


def build_dump(request, version):
    return {
        "generated_at": version.isoformat(),
        "license": "CC-BY-4.0",
        "frameworks": frameworks.versions(),
        "organizations": serializers.OrganizationSerializer(
            Organization.objects.order_by("slug"), many=True
        ).data,
        "licenses": serializers.LicenseSerializer(
            License.objects.order_by("identifier"), many=True
        ).data,
        "models": model_details(selectors.published_models(), request),
    }


# Redoc's bundle adds one stylesheet (perfect-scrollbar's) as it loads, before Redoc.init hands it
# the nonce: the empty <style> it inserts and then its rules are allowed by their hashes, which
# change only with the sidecar's Redoc (the browser test says so). Redoc builds its search index
# in a worker made from a blob: URL. No other page gets either.
REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]
DOCS_CSP = {
    **settings.SECURE_CSP,
    "style-src": [*settings.SECURE_CSP["style-src"], *REDOC_STYLE_HASHES],
    "worker-src": [CSP.SELF, "blob:"],
}
docs = csp_override(DOCS_CSP)(SpectacularRedocView.as_view(url_name="api:schema"))


@extend_schema(exclude=True)
@api_view(["GET", "HEAD"])
def not_found(request, path=""):
    """Anything else under /api/v1/ answers in JSON too."""
    raise NotFound(f"No endpoint at {request.path}. See /api/v1/docs/.")
