"""Comparing a few models side by side, under one shareable URL."""

import re
from urllib import parse

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from catalog import comparison, selectors
from catalog.converters import ModelSlugConverter
from catalog.views.common import public_page


@require_safe
@public_page
def compare(request):
    raw = request.GET.getlist("models")
    slugs = comparison.parse_slugs(raw)
    canonical = ",".join(slugs)
    if raw and (len(raw) > 1 or raw[0] != canonical):
        # One shareable form of the URL: ?models=a,b,c (the picker sends models=a&models=b).
        target = reverse("catalog:compare")
        query = parse.urlencode({"models": canonical}, safe=",")
        return redirect(f"{target}?{query}" if slugs else target)
    models, error = [], None
    malformed = [slug for slug in slugs if not re.fullmatch(ModelSlugConverter.regex, slug)]
    if len(slugs) > comparison.MAX_MODELS:
        error = (
            f"Choose {comparison.MIN_MODELS} to {comparison.MAX_MODELS} models to compare; "
            f"you chose {len(slugs)}."
        )
    elif malformed:
        error = f"No published model is called {', '.join(map(repr, malformed))}."
    elif slugs:
        models = selectors.models_for_compare(slugs)
        missing = [slug for slug in slugs if slug not in {m.slug for m in models}]
        if missing:
            error = f"No published model is called {', '.join(missing)}."
        elif not comparison.MIN_MODELS <= len(models) <= comparison.MAX_MODELS:
            error = (
                f"Choose {comparison.MIN_MODELS} to {comparison.MAX_MODELS} models to compare; "
                f"you chose {len(models)}."
            )
    headline, per_component = comparison.rows(models) if models and not error else ([], [])
    pickers = [
        {"index": n + 1, "selected": slugs[n] if n < len(slugs) else ""}
        for n in range(comparison.MAX_MODELS)
    ]
    return render(
        request,
        "catalog/compare.html",
        {
            "models": [] if error else models,
            "headline": headline,
            "per_component": per_component,
            "error": error,
            "pickers": pickers,
            "choices": selectors.compare_choices(),
            "differences": sum(row.differs for row in (*headline, *per_component)),
        },
        status=400 if error else 200,
    )
