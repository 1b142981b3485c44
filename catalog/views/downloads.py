"""The dataset's downloads (CSV, and JSON with its citation) and each model's badges (SVG and
PNG)."""

import csv
import json

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from catalog import badges, citations, frameworks, http_cache, selectors
from catalog.api.views import cached_dump
from catalog.data_version import data_version
from catalog.views.common import public_page


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
