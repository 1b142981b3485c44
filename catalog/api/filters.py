"""The model list's FilterSet (catalog.filtering) in DRF and in the OpenAPI schema."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_basic_type, build_examples_list
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample
from rest_framework.exceptions import NotFound, ValidationError

from catalog.filtering import UnknownItem


class FilterBackend(DjangoFilterBackend):
    """A malformed parameter is a 400 naming it (every one, if several); a well-formed filter
    naming no such organisation or licence is a 404 naming it."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if problems := filterset.problems():
            body = {}
            for problem in problems:
                body.setdefault(problem.parameter, []).append(problem.message)
            if all(isinstance(problem, UnknownItem) for problem in problems):
                raise NotFound(body)
            raise ValidationError(body)
        return filterset.qs


class FilterSchema(DjangoFilterExtension):
    """drf-spectacular's reading of a FilterSet, plus what the filters of catalog.filtering add:
    every parameter is read as text (refined by the filter's `schema`), with its `examples`."""

    target_class = FilterBackend
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        for parameter in parameters:
            schema = parameter["schema"]
            (schema["items"] if schema.get("type") == "array" else schema).update(
                getattr(filter_field, "schema", {})
            )
            if examples := getattr(filter_field, "examples", None):
                many = schema.get("type") == "array"
                parameter["examples"] = build_examples_list(
                    [
                        OpenApiExample(summary, value=[value] if many else value)
                        for summary, value in examples.items()
                    ]
                )
        return parameters

    def _get_schema_from_model_field(self, auto_schema, filter_field, model):
        # The filters annotate or map their values; the model's fields say nothing about them.
        return build_basic_type(OpenApiTypes.STR)
