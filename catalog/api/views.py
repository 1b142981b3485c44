"""API v1: thin read-only views over the selectors. Every response carries ETag and Last-Modified."""

import datetime

from django.core.cache import cache
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.http import condition
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import components, frameworks, selectors
from catalog.api import conditional, serializers
from catalog.api.filters import (
    FILTER_PARAMS,
    LABELS,
    MOF_CLASSES,
    OSAID_VERDICTS,
    SIZE_BANDS,
    BadParameter,
    filter_models,
    order_models,
    parse_datetime_param,
    text_values,
)
from catalog.frameworks import restrictions as clauses
from catalog.models import AIModel, Change, License, Organization

conditional_get = method_decorator(
    condition(etag_func=conditional.etag, last_modified_func=conditional.last_modified),
    name="get",
)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"{raw!r} is not a whole number from 1 to {self.max_page_size}"]}
            )
        return int(raw)


def _bad(error):
    return ValidationError({error.parameter: [str(error).split(": ", 1)[1]]})


MODEL_FILTERS = [
    OpenApiParameter("organization", str, many=True, description="organisation slug"),
    OpenApiParameter("label", str, enum=list(LABELS), many=True),
    OpenApiParameter("osaid", str, enum=list(OSAID_VERDICTS), many=True),
    OpenApiParameter("mof_class", str, enum=list(MOF_CLASSES), many=True),
    OpenApiParameter("license", str, many=True, description="licence id of the final weights"),
    OpenApiParameter("restriction", str, many=True, enum=list(clauses.RESTRICTIONS)),
    OpenApiParameter("modality", str, enum=AIModel.Modality.values, many=True),
    OpenApiParameter("kind", str, enum=AIModel.Kind.values, many=True),
    OpenApiParameter("size", str, enum=list(SIZE_BANDS), many=True),
    OpenApiParameter("release_year", int, many=True),
    OpenApiParameter("released_after", OpenApiTypes.DATE),
    OpenApiParameter("released_before", OpenApiTypes.DATE),
    OpenApiParameter("updated_since", OpenApiTypes.DATETIME),
    OpenApiParameter(
        "q", {"type": "string", "maxLength": 200},
        description="text search over name, family, organisation and description",
    ),
    OpenApiParameter(
        "ordering", str,
        enum=[p + f for f in ("label", "index", "osaid", "mof", "release_date", "name") for p in ("", "-")],
        description="framework score or field; prefix - for descending (default -label)",
    ),
]  # fmt: skip
assert {p.name for p in MODEL_FILTERS} == {*FILTER_PARAMS, "ordering"}


@conditional_get
@extend_schema(parameters=MODEL_FILTERS)
class ModelList(generics.ListAPIView):
    """Published models with their headline scores, filtered and ranked."""

    serializer_class = serializers.ModelListSerializer
    pagination_class = Pagination

    def get_queryset(self):
        try:
            queryset = filter_models(selectors.directory(), self.request.query_params)
            return order_models(queryset, self.request.query_params)
        except BadParameter as error:
            raise _bad(error) from None


class _Detail:
    """A directory row plus the detail-only values, read by ModelDetailSerializer."""

    def __init__(self, row, **values):
        self._row = row
        self.__dict__.update(values)

    def __getattr__(self, name):
        return getattr(self._row, name)


def model_detail_data(model, request, as_of=None):
    evidence = selectors.evidence_for(model)
    snapshots = (
        selectors.snapshots_as_of(model, as_of) if as_of else selectors.current_scores(model)
    )
    for snapshot in snapshots.values():
        snapshot.model = model
    values = {
        "lineage": [ancestor.slug for ancestor in evidence.lineage()],
        "derivatives": list(
            model.derivatives.filter(status=AIModel.Status.PUBLISHED)
            .order_by("slug")
            .values_list("slug", flat=True)
        ),
        "restrictions": clauses.restrictions_of(evidence),
        "assessments": [a for _, a in selectors.assessments_in_order(model) if a is not None],
        "scores": snapshots,
        "as_of": as_of,
    }
    if as_of:
        for framework_id in frameworks.BY_ID:
            snapshot = snapshots.get(framework_id)
            values[f"{framework_id}_verdict"] = snapshot.verdict if snapshot else None
            values[f"{framework_id}_score"] = snapshot.score if snapshot else None
        mof_snapshot = snapshots.get("mof")
        values["mof_progress"] = (
            mof_snapshot.result["details"]["progress"] if mof_snapshot else None
        )
    row = selectors.directory().get(pk=model.pk)
    return serializers.ModelDetailSerializer(
        _Detail(row, **values), context={"request": request}
    ).data


SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, pattern=r"^[a-z0-9][a-z0-9.\-]*$", description="model slug"
)


@conditional_get
@extend_schema(
    parameters=[
        SLUG,
        OpenApiParameter("as_of", OpenApiTypes.DATE, description="scores as they stood then"),
    ],
    responses=serializers.ModelDetailSerializer,
)
class ModelDetail(APIView):
    """Everything known about one model: assessments with evidence, licences, lineage, scores."""

    def get(self, request, slug):
        model = selectors.model_for_page(slug)
        as_of = None
        raw = request.query_params.get("as_of")
        if raw:
            try:
                as_of = datetime.date.fromisoformat(raw)
            except ValueError:
                raise ValidationError({"as_of": [f"{raw!r} is not a date (YYYY-MM-DD)"]}) from None
        return Response(model_detail_data(model, request, as_of))


@conditional_get
@extend_schema(parameters=[SLUG], responses=serializers.SnapshotSerializer(many=True))
class ModelHistory(generics.ListAPIView):
    """Every score snapshot of a model, newest first: each is citable by its permalink."""

    serializer_class = serializers.SnapshotSerializer
    pagination_class = Pagination

    def get_queryset(self):
        model = get_object_or_404(AIModel.objects.published(), slug=self.kwargs["slug"])
        return model.snapshots.select_related("model").order_by("-computed_at", "framework")


@conditional_get
class LicenseList(generics.ListAPIView):
    """Every licence with its clause flags."""

    serializer_class = serializers.LicenseSerializer
    pagination_class = Pagination
    queryset = License.objects.order_by("identifier")


@conditional_get
class LicenseDetail(generics.RetrieveAPIView):
    serializer_class = serializers.LicenseSerializer
    queryset = License.objects.all()
    lookup_field = "identifier"
    lookup_url_kwarg = "identifier"


@conditional_get
class OrganizationList(generics.ListAPIView):
    serializer_class = serializers.OrganizationSerializer
    pagination_class = Pagination
    queryset = Organization.objects.order_by("slug")


@conditional_get
class OrganizationDetail(generics.RetrieveAPIView):
    serializer_class = serializers.OrganizationSerializer
    queryset = Organization.objects.all()
    lookup_field = "slug"


@conditional_get
@extend_schema(
    parameters=[
        OpenApiParameter("model", str, description="model slug"),
        OpenApiParameter("since", OpenApiTypes.DATETIME),
    ]
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
        if raw := self.request.query_params.get("since"):
            try:
                since = parse_datetime_param("since", raw)
            except BadParameter as error:
                raise _bad(error) from None
            queryset = queryset.filter(at__gte=since)
        return queryset


@conditional_get
@extend_schema(responses=serializers.ComponentSerializer(many=True))
class ComponentList(APIView):
    """The component taxonomy every assessment uses."""

    def get(self, request):
        return Response(serializers.ComponentSerializer(components.COMPONENTS, many=True).data)


@conditional_get
@extend_schema(responses=serializers.FrameworkSerializer(many=True))
class FrameworkList(APIView):
    """The frameworks, their rules, current versions and version history."""

    def get(self, request):
        return Response(serializers.FrameworkSerializer(frameworks.FRAMEWORKS, many=True).data)


@conditional_get
@extend_schema(responses=OpenApiTypes.OBJECT)
class Dump(APIView):
    """The whole dataset in one response: organisations, licences, and every published model
    with its assessments and current scores. Cached until the data changes."""

    def get(self, request):
        key = f"api:dump:{conditional.data_version().isoformat()}:{request.get_host()}"
        data = cache.get(key)
        if data is None:
            data = build_dump(request)
            cache.set(key, data, 3600)
        return Response(data)


def build_dump(request):
    models = selectors.published_models()
    return {
        "generated_at": conditional.data_version().isoformat(),
        "license": "CC-BY-4.0",
        "frameworks": frameworks.versions(),
        "organizations": serializers.OrganizationSerializer(
            Organization.objects.order_by("slug"), many=True
        ).data,
        "licenses": serializers.LicenseSerializer(
            License.objects.order_by("identifier"), many=True
        ).data,
        "models": [model_detail_data(model, request) for model in models],
    }


@extend_schema(exclude=True)
@api_view(["GET", "HEAD"])
def not_found(request, path=""):
    """Anything else under /api/v1/ answers in JSON too."""
    raise NotFound(f"No endpoint at {request.path}. See /api/v1/docs/.")
