"""Licences and organisations, listed and each on a page of its own, and the chart of openness
over time."""

from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from catalog import charts, clauses, components, selectors
from catalog.views.common import group_sizes, public_page


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
            "groups": group_sizes(),
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
