from django.shortcuts import render

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
