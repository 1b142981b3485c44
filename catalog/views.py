from django.conf import settings
from django.shortcuts import get_object_or_404, render

from catalog import components, selectors


def model_list(request):
    models = selectors.published_models()
    return render(
        request,
        "catalog/model_list.html",
        {"models": models, "components": components.COMPONENTS},
    )


def model_detail(request, slug):
    model = selectors.model_for_page(slug)
    return render(
        request,
        "catalog/model_detail.html",
        {
            "model": model,
            "rows": selectors.assessments_in_order(model),
            "derivatives": model.derivatives.filter(status=model.Status.PUBLISHED),
        },
    )


def snapshot(request, slug, key):
    """The permalink of a dated score: what a citation points at."""
    model = selectors.model_for_page(slug)
    snap = get_object_or_404(model.snapshots, key=key)
    return render(request, "catalog/snapshot.html", {"model": model, "snapshot": snap})


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
